import Foundation
import Logging
import OptOutCore
internal import PostgresNIO

/// ``GenerationStore``'s operations on PostgreSQL.
///
/// Allowances are exact across replicas: a charge locks its account (`FOR UPDATE`), so charges to one account wait
/// for each other whichever replica makes them, and the usage it reads is the committed one. Concurrent charges on
/// one replica are charged as one batch in one transaction (one WAL flush, and a fixed number of statements however
/// many charges it holds); a batch locks its accounts in ascending id order, so two replicas' batches never deadlock.
package struct PostgresGenerationStore: Sendable {
    package let database: PostgresBackend
    private let batcher: PostgresChargeBatcher

    package init(database: PostgresBackend, metrics: CommitMetrics = .none) {
        self.database = database
        batcher = PostgresChargeBatcher(database: database, metrics: metrics)
    }

    private var client: PostgresClient { database.client }
    private var logger: Logger { database.logger }

    package func storedAnswer(apiKey: ID<APIKeyRecord>, idempotencyKey: String) async throws -> GenerationStore.StoredAnswer? {
        let key = PostgresChargeBatcher.KeyRef(apiKey: apiKey.rawValue, key: idempotencyKey)
        return try await client.withConnection { try await PostgresChargeBatcher.storedAnswers(for: [key], $0, logger)[key] }
    }

    /// As ``GenerationStore/chargeGeneration(_:plans:decide:)``: returns once the batch holding it is committed.
    package func chargeGeneration(
        _ charge: GenerationStore.Charge,
        plans: PlanCatalog,
        decide: @escaping @Sendable (GenerationStore.Account, Usage) throws -> GenerationStore.Decision
    ) async throws -> GenerationOutcome {
        try await batcher.charge(PostgresChargeBatcher.Pending(charge: charge, plans: plans, decide: decide))
    }

    /// The account's usage in the month holding `now`.
    package func usage(account: ID<AccountRecord>, now: Date, plans: PlanCatalog) async throws -> Usage {
        try await client.withConnection { connection in
            let plan =
                try await connection.query("SELECT plan FROM account WHERE id = \(account.rawValue)", logger: logger).first(String.self) ?? "free"
            return try await Self.usage(connection, account: account.rawValue, plan: plan, period: .containing(now), plans: plans, logger: logger)
        }
    }

    /// Generations stored for `account`, by answer status.
    package func generationCounts(account: Int64) async throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for try await (status, count) in try await client.query(
            "SELECT status, count(*) FROM generation WHERE account_id = \(account) GROUP BY status",
            logger: logger
        ).decode((Int, Int).self) {
            counts[status] = count
        }
        return counts
    }

    static func usage(
        _ connection: PostgresConnection,
        account: Int64,
        plan: String,
        period: UsagePeriod,
        plans: PlanCatalog,
        logger: Logger
    ) async throws -> Usage {
        var usage = Usage(plan: plan, period: period, used: 0, included: plans.allowances[plan] ?? 0, overageCount: 0, overageCents: 0)
        for try await (used, count, cents) in try await connection.query(
            "SELECT used, overage_count, overage_cents FROM usage_counter WHERE account_id = \(account) AND period = \(period.key)",
            logger: logger
        ).decode((Int, Int, Int).self) {
            (usage.used, usage.overageCount, usage.overageCents) = (used, count, cents)
        }
        return usage
    }
}

/// Charges on PostgreSQL in batches: a charge that finds no batch being written leads, and writes every queued
/// charge as one batch, then the next, until none is queued; each caller is answered after its batch's commit.
///
/// A batch is five statements whatever its size: lock and read its accounts (ascending ids), read the stored answers
/// of its idempotency keys, read the month's usage of its accounts, insert every new generation in one statement
/// (the usage trigger counts each), commit. Decisions are made in order in between, each seeing the charges before
/// it in the batch, so the result is the one charging them one by one would give.
package final class PostgresChargeBatcher: Sendable {
    package struct Pending: Sendable {
        package let charge: GenerationStore.Charge
        package let plans: PlanCatalog
        package let decide: @Sendable (GenerationStore.Account, Usage) throws -> GenerationStore.Decision

        package init(
            charge: GenerationStore.Charge,
            plans: PlanCatalog,
            decide: @escaping @Sendable (GenerationStore.Account, Usage) throws -> GenerationStore.Decision
        ) {
            self.charge = charge
            self.plans = plans
            self.decide = decide
        }
    }

    private struct Job: Sendable {
        let pending: Pending
        let answer = Awaited<GenerationOutcome>()
    }

    private let database: PostgresBackend
    private let queue = LeaderQueue<Job>()
    private let metrics: CommitMetrics

    package init(database: PostgresBackend, metrics: CommitMetrics = .none) {
        self.database = database
        self.metrics = metrics
    }

    package func charge(_ pending: Pending) async throws -> GenerationOutcome {
        // The caller that finds nobody writing leads: it writes batches in its own task until the queue is empty.
        let job = Job(pending: pending)
        if queue.enqueue(job) { await drain() }
        return try await job.answer.value()
    }

    private func drain() async {
        while true {
            let batch = queue.nextBatch()
            if batch.isEmpty { return }
            let started = ContinuousClock.now
            do {
                let results = try await database.client.withConnection { connection in
                    try await Self.commit(batch.map(\.pending), on: connection, logger: database.logger)
                }
                for (job, result) in zip(batch, results) { job.answer.fulfil(result) }
            } catch  where batch.count > 1 {
                // The batch was rolled back (one row the database refused, say): each charge again in a transaction
                // of its own, so only the one at fault fails.
                for job in batch {
                    do {
                        let result = try await database.client.withConnection { connection in
                            try await Self.commit([job.pending], on: connection, logger: database.logger)
                        }
                        job.answer.fulfil(result[0])
                    } catch {
                        job.answer.fulfil(.failure(error))
                    }
                }
            } catch {
                for job in batch { job.answer.fulfil(.failure(error)) }
            }
            metrics.record(batch: batch.count, since: started)
        }
    }

    package struct KeyRef: Hashable {
        package let apiKey: Int64
        package let key: String
    }

    private struct UsageRef: Hashable {
        package let account: Int64
        package let period: String
    }

    private static func commit(
        _ batch: [Pending],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Result<GenerationOutcome, any Error>] {
        try await connection.transaction(logger: logger) {
            let accountIds = Array(Set(batch.map(\.charge.request.accountId.rawValue))).sorted()
            var accounts: [Int64: GenerationStore.Account] = [:]
            for try await (id, plan, overage) in try await connection.query(
                "SELECT id, plan, overage_enabled FROM account WHERE id = ANY(\(accountIds)) ORDER BY id FOR UPDATE",
                logger: logger
            ).decode((Int64, String, Bool).self) {
                accounts[id] = GenerationStore.Account(plan: plan, overageEnabled: overage)
            }
            var stored = try await storedAnswers(
                for: batch.map { KeyRef(apiKey: $0.charge.apiKeyId.rawValue, key: $0.charge.idempotencyKey) },
                connection,
                logger
            )
            let periods = batch.map { UsageRef(account: $0.charge.request.accountId.rawValue, period: UsagePeriod.containing($0.charge.now).key) }
            var used: [UsageRef: (used: Int, count: Int, cents: Int)] = [:]
            for try await (account, period, count, overageCount, cents) in try await connection.query(
                """
                SELECT account_id, period, used, overage_count, overage_cents FROM usage_counter
                WHERE (account_id, period) IN (SELECT * FROM unnest(\(periods.map(\.account)), \(periods.map(\.period))))
                """,
                logger: logger
            ).decode((Int64, String, Int, Int, Int).self) {
                used[UsageRef(account: account, period: period)] = (count, overageCount, cents)
            }

            var results: [Result<GenerationOutcome, any Error>?] = Array(repeating: nil, count: batch.count)
            var rows: [(index: Int, decision: GenerationStore.Decision, period: String)] = []
            // Charges answered by an earlier charge in this batch with the same key: they get what it finally gets.
            var firstWithKey: [KeyRef: Int] = [:]
            var retries: [(index: Int, of: Int)] = []
            for (index, pending) in batch.enumerated() {
                let charge = pending.charge
                let ref = KeyRef(apiKey: charge.apiKeyId.rawValue, key: charge.idempotencyKey)
                do {
                    if let replay = stored[ref] {
                        results[index] = .success(try replay.replay(for: charge.request, key: charge.idempotencyKey))
                        if let first = firstWithKey[ref] { retries.append((index, first)) }
                        continue
                    }
                    guard let account = accounts[charge.request.accountId.rawValue] else {
                        throw DomainError.invalid("account_id", code: "unknown_account", "There is no account \(charge.request.accountId).")
                    }
                    let period = UsagePeriod.containing(charge.now)
                    let usageRef = UsageRef(account: charge.request.accountId.rawValue, period: period.key)
                    let current = used[usageRef] ?? (0, 0, 0)
                    let usage = Usage(
                        plan: account.plan,
                        period: period,
                        used: current.used,
                        included: pending.plans.allowances[account.plan] ?? 0,
                        overageCount: current.count,
                        overageCents: current.cents
                    )
                    let decision = try pending.decide(account, usage)
                    if decision.chargeKind != nil {
                        used[usageRef] = (
                            current.used + 1, current.count + (decision.chargeKind == "overage" ? 1 : 0), current.cents + decision.cents
                        )
                    }
                    // A later charge in this batch with the same key is a retry of this one.
                    stored[ref] = GenerationStore.StoredAnswer(
                        outcome: GenerationOutcome(status: decision.status, body: decision.body),
                        request: charge.request
                    )
                    rows.append((index, decision, period.key))
                    firstWithKey[ref] = index
                    results[index] = .success(GenerationOutcome(status: decision.status, body: decision.body))
                } catch {
                    results[index] = .failure(error)
                }
            }

            if !rows.isEmpty {
                let charges = rows.map { batch[$0.index].charge }
                var inserted = Set<KeyRef>()
                for try await (apiKey, key) in try await connection.query(
                    """
                    INSERT INTO generation (public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind,
                        charge_cents, period, credits, generator, created_at)
                    SELECT public_id, account_id, api_key_id, idempotency_key, prompt, status, response, nullif(charge_kind, ''),
                        charge_cents, period, credits, generator, created_at
                    FROM unnest(\(charges.map(\.publicId)), \(charges.map(\.request.accountId.rawValue)), \(charges.map(\.apiKeyId.rawValue)),
                        \(charges.map(\.idempotencyKey)), \(charges.map(\.request.prompt)), \(rows.map { $0.decision.status }),
                        \(rows.map { $0.decision.body }), \(rows.map { $0.decision.chargeKind ?? "" }), \(rows.map { $0.decision.cents }),
                        \(rows.map(\.period)), \(charges.map(\.creditsJSON)), \(charges.map(\.generator)), \(charges.map(\.now)))
                        AS new(public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind, charge_cents,
                            period, credits, generator, created_at)
                    ON CONFLICT (api_key_id, idempotency_key) DO NOTHING
                    RETURNING api_key_id, idempotency_key
                    """,
                    logger: logger
                ).decode((Int64, String).self) {
                    inserted.insert(KeyRef(apiKey: apiKey, key: key))
                }
                // A key committed meanwhile by another replica (for another account, or the lock would have waited):
                // answer as stored there.
                let lost = rows.filter {
                    !inserted.contains(KeyRef(apiKey: batch[$0.index].charge.apiKeyId.rawValue, key: batch[$0.index].charge.idempotencyKey))
                }
                if !lost.isEmpty {
                    let committed = try await storedAnswers(
                        for: lost.map { KeyRef(apiKey: batch[$0.index].charge.apiKeyId.rawValue, key: batch[$0.index].charge.idempotencyKey) },
                        connection,
                        logger
                    )
                    for row in lost {
                        let charge = batch[row.index].charge
                        if let answer = committed[KeyRef(apiKey: charge.apiKeyId.rawValue, key: charge.idempotencyKey)] {
                            results[row.index] = Result { try answer.replay(for: charge.request, key: charge.idempotencyKey) }
                        } else {
                            results[row.index] = .failure(
                                DomainError(.conflict, code: "conflict", message: "The idempotency key is being used by another request.")
                            )
                        }
                    }
                }
            }
            for retry in retries { results[retry.index] = results[retry.of] }
            return results.map { $0! }
        }
    }

    static func storedAnswers(
        for keys: [KeyRef],
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [KeyRef: GenerationStore.StoredAnswer] {
        var answers: [KeyRef: GenerationStore.StoredAnswer] = [:]
        for try await (apiKey, key, status, response, accountId, prompt) in try await connection.query(
            """
            SELECT api_key_id, idempotency_key, status, response, account_id, prompt FROM generation
            WHERE (api_key_id, idempotency_key) IN (SELECT * FROM unnest(\(keys.map(\.apiKey)), \(keys.map(\.key))))
            """,
            logger: logger
        ).decode((Int64, String, Int, String, Int64, String).self) {
            answers[KeyRef(apiKey: apiKey, key: key)] = GenerationStore.StoredAnswer(
                outcome: GenerationOutcome(status: status, body: response),
                request: GenerationStore.RequestFingerprint(accountId: ID(accountId), prompt: prompt)
            )
        }
        return answers
    }
}
