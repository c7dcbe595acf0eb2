import Foundation
internal import GRDB
import OptOutCore

/// What a generation request was answered with: replayed as is to a retry with the same idempotency key.
package struct GenerationOutcome: Sendable {
    package let status: Int
    package let body: String

    package init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

/// A stored generation, as its routes read it.
package struct StoredGeneration: Sendable {
    package let publicId: String
    package let accountId: Int64
    package let apiKeyId: Int64
    package let prompt: String
    package let status: Int
    package let chargeKind: String?
    package let chargeCents: Int
    /// The credits column as written: `[{"artist_id", "name"}]`.
    package let credits: String
    package let generator: String
    package let createdAt: Date

    package var allowed: Bool { status == 201 }

    package init(
        publicId: String,
        accountId: Int64,
        apiKeyId: Int64,
        prompt: String,
        status: Int,
        chargeKind: String?,
        chargeCents: Int,
        credits: String,
        generator: String,
        createdAt: Date
    ) {
        self.publicId = publicId
        self.accountId = accountId
        self.apiKeyId = apiKeyId
        self.prompt = prompt
        self.status = status
        self.chargeKind = chargeKind
        self.chargeCents = chargeCents
        self.credits = credits
        self.generator = generator
        self.createdAt = createdAt
    }
}

/// An account's use of its allowance in one month.
package struct Usage: Sendable {
    package var plan: String
    package var period: UsagePeriod
    package var used: Int
    package var included: Int
    package var overageCount: Int
    package var overageCents: Int
}

/// The credits a generation owes, in the form the `credits` column stores them.
package enum StoredCredits {
    package static func json(_ credits: [(id: Int64, name: String)]) -> String {
        "[" + credits.map { "{\"artist_id\":\($0.id),\"name\":\(JSONText.quoted($0.name))}" }.joined(separator: ",") + "]"
    }

    /// The artists' names in a stored `credits` column.
    package static func names(_ stored: String) -> [String] {
        struct Credit: Decodable { let name: String }
        return ((try? JSONDecoder().decode([Credit].self, from: Data(stored.utf8))) ?? []).map(\.name)
    }
}

/// Metered generations, idempotency keys, allowances and plans in the database.
package struct GenerationStore: Sendable {
    package let database: AppDatabase
    package let committer: GroupCommitter<GenerationOutcome>

    package init(database: AppDatabase, metrics: CommitMetrics = .none) {
        self.database = database
        committer = GroupCommitter(database: database, metrics: metrics)
    }

    /// What makes two generation requests the same request: a retry carries the same account and prompt.
    package struct RequestFingerprint: Equatable, Sendable {
        package let accountId: ID<AccountRecord>
        package let prompt: String

        package init(accountId: ID<AccountRecord>, prompt: String) {
            self.accountId = accountId
            self.prompt = prompt
        }
    }

    /// A stored answer and the request it answered.
    package struct StoredAnswer: Sendable {
        package let outcome: GenerationOutcome
        package let request: RequestFingerprint

        /// The stored answer for a retry of the same request; a key reused for another request is refused
        /// (422 `idempotency_key_reused`, as Stripe and the IETF Idempotency-Key draft do).
        package func replay(for request: RequestFingerprint, key: String) throws -> GenerationOutcome {
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
    package struct Charge: Sendable {
        package let publicId: String
        package let apiKeyId: ID<APIKeyRecord>
        /// The key's name, stored as the generator that made the image.
        package let generator: String
        package let idempotencyKey: String
        package let request: RequestFingerprint
        package let creditsJSON: String
        package let now: Date

        package init(
            publicId: String,
            apiKeyId: ID<APIKeyRecord>,
            generator: String,
            idempotencyKey: String,
            request: RequestFingerprint,
            creditsJSON: String,
            now: Date
        ) {
            self.publicId = publicId
            self.apiKeyId = apiKeyId
            self.generator = generator
            self.idempotencyKey = idempotencyKey
            self.request = request
            self.creditsJSON = creditsJSON
            self.now = now
        }
    }

    /// The account's side of a charge, read in the charging transaction.
    package struct Account: Sendable {
        package let plan: String
        package let overageEnabled: Bool
    }

    /// What the gate decided: the answer to store, and what it costs.
    package struct Decision: Sendable {
        package let status: Int
        package let body: String
        package var chargeKind: String? = nil
        package var cents: Int = 0

        package init(status: Int, body: String, chargeKind: String? = nil, cents: Int = 0) {
            self.status = status
            self.body = body
            self.chargeKind = chargeKind
            self.cents = cents
        }
    }

    /// The answer already stored for this API key's `idempotencyKey`, if any.
    package func storedAnswer(apiKey: ID<APIKeyRecord>, idempotencyKey: String) throws -> StoredAnswer? {
        try database.read { db in try Self.storedAnswer(db, apiKey: apiKey.rawValue, idempotencyKey: idempotencyKey) }
    }

    /// Charges and stores a generation in the shared write transaction, and returns once it is committed: a retry of
    /// a stored request gets the stored answer; otherwise `decide` is given the account and its month's usage and
    /// says what to answer (its charge is counted by the database's trigger on the insert).
    package func chargeGeneration(
        _ charge: Charge,
        plans: PlanCatalog,
        decide: @escaping @Sendable (Account, Usage) throws -> Decision
    ) async throws -> GenerationOutcome {
        try await committer.write { db in
            if let replay = try Self.storedAnswer(db, apiKey: charge.apiKeyId.rawValue, idempotencyKey: charge.idempotencyKey) {
                return try replay.replay(for: charge.request, key: charge.idempotencyKey)
            }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT plan, overage_enabled FROM account WHERE id = ?",
                    arguments: [charge.request.accountId.rawValue]
                )
            else {
                throw DomainError.invalid("account_id", code: "unknown_account", "There is no account \(charge.request.accountId).")
            }
            let account = Account(plan: row["plan"], overageEnabled: row["overage_enabled"])
            let usage = try Self.usage(
                db,
                account: charge.request.accountId.rawValue,
                plan: account.plan,
                period: .containing(charge.now),
                plans: plans
            )
            let decision = try decide(account, usage)
            try db.execute(
                sql: """
                    INSERT INTO generation (public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind,
                        charge_cents, period, credits, generator, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    charge.publicId, charge.request.accountId.rawValue, charge.apiKeyId.rawValue, charge.idempotencyKey, charge.request.prompt,
                    decision.status, decision.body, decision.chargeKind, decision.cents, usage.period.key, charge.creditsJSON,
                    charge.generator, charge.now,
                ]
            )
            return GenerationOutcome(status: decision.status, body: decision.body)
        }
    }

    /// The account's usage in the month holding `now`.
    package func usage(account: ID<AccountRecord>, now: Date, plans: PlanCatalog) throws -> Usage {
        try database.read { db in
            let plan = try String.fetchOne(db, sql: "SELECT plan FROM account WHERE id = ?", arguments: [account.rawValue]) ?? "free"
            return try Self.usage(db, account: account.rawValue, plan: plan, period: .containing(now), plans: plans)
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
                request: RequestFingerprint(accountId: ID($0["account_id"]), prompt: $0["prompt"])
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
