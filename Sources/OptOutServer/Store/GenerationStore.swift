import Foundation
import GRDB
import OptOutCore

/// What a generation request was answered with: replayed as is to a retry with the same idempotency key.
struct GenerationOutcome: Sendable {
    let status: Int
    let body: String
}

/// A stored generation, as its routes read it.
struct StoredGeneration: Sendable {
    let publicId: String
    let accountId: Int64
    let apiKeyId: Int64
    let prompt: String
    let status: Int
    let chargeKind: String?
    let chargeCents: Int
    /// The credits column as written: `[{"artist_id", "name"}]`.
    let credits: String
    let generator: String
    let createdAt: Date

    var allowed: Bool { status == 201 }
}

/// An account's use of its allowance in one month.
struct Usage: Sendable {
    var plan: String
    var period: UsagePeriod
    var used: Int
    var included: Int
    var overageCount: Int
    var overageCents: Int
}

/// The credits a generation owes, in the form the `credits` column stores them.
enum StoredCredits {
    static func json(_ credits: [(id: Int64, name: String)]) -> String {
        "[" + credits.map { "{\"artist_id\":\($0.id),\"name\":\(JSONText.quoted($0.name))}" }.joined(separator: ",") + "]"
    }

    /// The artists' names in a stored `credits` column.
    static func names(_ stored: String) -> [String] {
        struct Credit: Decodable { let name: String }
        return ((try? JSONDecoder().decode([Credit].self, from: Data(stored.utf8))) ?? []).map(\.name)
    }
}

/// Metered generations, idempotency keys, allowances and plans in the database.
struct GenerationStore: Sendable {
    let database: AppDatabase
    let committer: GroupCommitter<GenerationOutcome>

    init(database: AppDatabase) {
        self.database = database
        committer = GroupCommitter(database: database)
    }

    /// What makes two generation requests the same request: a retry carries the same account and prompt.
    struct RequestFingerprint: Equatable, Sendable {
        let accountId: Int64
        let prompt: String
    }

    /// A stored answer and the request it answered.
    struct StoredAnswer: Sendable {
        let outcome: GenerationOutcome
        let request: RequestFingerprint

        /// The stored answer for a retry of the same request; a key reused for another request is refused
        /// (422 `idempotency_key_reused`, as Stripe and the IETF Idempotency-Key draft do).
        func replay(for request: RequestFingerprint, key: String) throws -> GenerationOutcome {
            guard request == self.request else {
                throw DomainError.invalid(
                    "idempotency_key",
                    code: "idempotency_key_reused",
                    "idempotency_key \(JSONText.quoted(key)) was already used by this API key for a request with another account_id or "
                        + "prompt; use a new key for a new request."
                )
            }
            return outcome
        }
    }

    /// A metered generation to charge and store.
    struct Charge: Sendable {
        let publicId: String
        let apiKeyId: Int64
        /// The key's name, stored as the generator that made the image.
        let generator: String
        let idempotencyKey: String
        let request: RequestFingerprint
        let creditsJSON: String
        let now: Date
    }

    /// The account's side of a charge, read in the charging transaction.
    struct Account: Sendable {
        let plan: String
        let overageEnabled: Bool
    }

    /// What the gate decided: the answer to store, and what it costs.
    struct Decision: Sendable {
        let status: Int
        let body: String
        var chargeKind: String? = nil
        var cents: Int = 0
    }

    /// The answer already stored for this API key's `idempotencyKey`, if any.
    func storedAnswer(apiKey: Int64, idempotencyKey: String) throws -> StoredAnswer? {
        try database.read { db in try Self.storedAnswer(db, apiKey: apiKey, idempotencyKey: idempotencyKey) }
    }

    /// Charges and stores a generation in the shared write transaction, and returns once it is committed: a retry of
    /// a stored request gets the stored answer; otherwise `decide` is given the account and its month's usage and
    /// says what to answer (its charge is counted by the database's trigger on the insert).
    func chargeGeneration(
        _ charge: Charge,
        plans: PlanCatalog,
        decide: @escaping @Sendable (Account, Usage) throws -> Decision
    ) async throws -> GenerationOutcome {
        try await committer.write { db in
            if let replay = try Self.storedAnswer(db, apiKey: charge.apiKeyId, idempotencyKey: charge.idempotencyKey) {
                return try replay.replay(for: charge.request, key: charge.idempotencyKey)
            }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT plan, overage_enabled FROM account WHERE id = ?",
                    arguments: [charge.request.accountId]
                )
            else {
                throw DomainError.invalid("account_id", code: "unknown_account", "There is no account \(charge.request.accountId).")
            }
            let account = Account(plan: row["plan"], overageEnabled: row["overage_enabled"])
            let usage = try Self.usage(db, account: charge.request.accountId, plan: account.plan, period: .containing(charge.now), plans: plans)
            let decision = try decide(account, usage)
            try db.execute(
                sql: """
                    INSERT INTO generation (public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind,
                        charge_cents, period, credits, generator, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    charge.publicId, charge.request.accountId, charge.apiKeyId, charge.idempotencyKey, charge.request.prompt,
                    decision.status, decision.body, decision.chargeKind, decision.cents, usage.period.key, charge.creditsJSON,
                    charge.generator, charge.now,
                ]
            )
            return GenerationOutcome(status: decision.status, body: decision.body)
        }
    }

    /// The account's usage in the month holding `now`.
    func usage(account: Int64, now: Date, plans: PlanCatalog) throws -> Usage {
        try database.read { db in
            let plan = try String.fetchOne(db, sql: "SELECT plan FROM account WHERE id = ?", arguments: [account]) ?? "free"
            return try Self.usage(db, account: account, plan: plan, period: .containing(now), plans: plans)
        }
    }

    static func storedAnswer(_ db: Database, apiKey: Int64, idempotencyKey: String) throws -> StoredAnswer? {
        try Row.fetchOne(
            db,
            sql: "SELECT status, response, account_id, prompt FROM generation WHERE api_key_id = ? AND idempotency_key = ?",
            arguments: [apiKey, idempotencyKey]
        ).map {
            StoredAnswer(
                outcome: GenerationOutcome(status: $0["status"], body: $0["response"]),
                request: RequestFingerprint(accountId: $0["account_id"], prompt: $0["prompt"])
            )
        }
    }

    static func usage(_ db: Database, account: Int64, plan: String, period: UsagePeriod, plans: PlanCatalog) throws -> Usage {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT used, overage_count, overage_cents AS cents FROM usage_counter WHERE account_id = ? AND period = ?",
            arguments: [account, period.key]
        )
        return Usage(
            plan: plan,
            period: period,
            used: row?["used"] ?? 0,
            included: plans.allowances[plan] ?? 0,
            overageCount: row?["overage_count"] ?? 0,
            overageCents: row?["cents"] ?? 0
        )
    }
}
