import Foundation
import Logging
import NIOConcurrencyHelpers
import OptOutCore
import PostgresNIO

/// ``GenerationStore``'s operations on PostgreSQL.
///
/// Allowances are exact across replicas: a charge reads the account `FOR UPDATE`, so charges to one account wait
/// for each other whichever replica makes them, and the usage it reads is the committed one. Concurrent charges on
/// one replica share a transaction (one WAL flush for the batch), each in its own savepoint; a batch locks its
/// accounts in ascending id order, so two replicas' batches never deadlock.
struct PostgresGenerationStore: Sendable {
    let database: PostgresBackend
    let committer: PostgresGroupCommitter<GenerationOutcome>

    init(database: PostgresBackend) {
        self.database = database
        committer = PostgresGroupCommitter(database: database)
    }

    private var client: PostgresClient { database.client }
    private var logger: Logger { database.logger }

    func storedAnswer(apiKey: Int64, idempotencyKey: String) async throws -> GenerationStore.StoredAnswer? {
        try await client.withConnection { try await Self.storedAnswer($0, apiKey: apiKey, idempotencyKey: idempotencyKey, logger: logger) }
    }

    /// As ``GenerationStore/chargeGeneration(_:plans:decide:)``.
    func chargeGeneration(
        _ charge: GenerationStore.Charge,
        plans: PlanCatalog,
        decide: @escaping @Sendable (GenerationStore.Account, Usage) throws -> GenerationStore.Decision
    ) async throws -> GenerationOutcome {
        let logger = self.logger
        return try await committer.write(order: charge.request.accountId) { connection in
            if let replay = try await Self.storedAnswer(connection, apiKey: charge.apiKeyId, idempotencyKey: charge.idempotencyKey, logger: logger) {
                return try replay.replay(for: charge.request, key: charge.idempotencyKey)
            }
            var found: GenerationStore.Account?
            for try await (plan, overage) in try await connection.query(
                "SELECT plan, overage_enabled FROM account WHERE id = \(charge.request.accountId) FOR UPDATE",
                logger: logger
            ).decode((String, Bool).self) {
                found = GenerationStore.Account(plan: plan, overageEnabled: overage)
            }
            guard let account = found else {
                throw DomainError.invalid("account_id", code: "unknown_account", "There is no account \(charge.request.accountId).")
            }
            let usage = try await Self.usage(
                connection,
                account: charge.request.accountId,
                plan: account.plan,
                period: .containing(charge.now),
                plans: plans,
                logger: logger
            )
            let decision = try decide(account, usage)
            let inserted = try await connection.query(
                """
                INSERT INTO generation (public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind,
                    charge_cents, period, credits, generator, created_at)
                VALUES (\(charge.publicId), \(charge.request.accountId), \(charge.apiKeyId), \(charge.idempotencyKey), \(charge.request.prompt),
                    \(decision.status), \(decision.body), \(decision.chargeKind), \(decision.cents), \(usage.period.key), \(charge.creditsJSON),
                    \(charge.generator), \(charge.now))
                ON CONFLICT (api_key_id, idempotency_key) DO NOTHING
                RETURNING id
                """,
                logger: logger
            )
            var stored = false
            for try await _ in inserted { stored = true }
            if !stored {
                // The same key, for another account, committed on another replica meanwhile: answer as stored.
                guard
                    let replay = try await Self.storedAnswer(
                        connection,
                        apiKey: charge.apiKeyId,
                        idempotencyKey: charge.idempotencyKey,
                        logger: logger
                    )
                else { throw DomainError(.conflict, code: "conflict", message: "The idempotency key is being used by another request.") }
                return try replay.replay(for: charge.request, key: charge.idempotencyKey)
            }
            return GenerationOutcome(status: decision.status, body: decision.body)
        }
    }

    /// The account's usage in the month holding `now`.
    func usage(account: Int64, now: Date, plans: PlanCatalog) async throws -> Usage {
        try await client.withConnection { connection in
            var plan = "free"
            for try await (value, ) in try await connection.query("SELECT plan FROM account WHERE id = \(account)", logger: logger)
                .decode((String,).self)
            {
                plan = value
            }
            return try await Self.usage(connection, account: account, plan: plan, period: .containing(now), plans: plans, logger: logger)
        }
    }

    /// Generations stored for `account` in the month holding `now`, by answer status.
    func generationCounts(account: Int64) async throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for try await (status, count) in try await client.query(
            "SELECT status, count(*) FROM generation WHERE account_id = \(account) GROUP BY status",
            logger: logger
        ).decode((Int, Int).self) {
            counts[status] = count
        }
        return counts
    }

    static func storedAnswer(
        _ connection: PostgresConnection,
        apiKey: Int64,
        idempotencyKey: String,
        logger: Logger
    ) async throws -> GenerationStore.StoredAnswer? {
        for try await (status, response, accountId, prompt) in try await connection.query(
            "SELECT status, response, account_id, prompt FROM generation WHERE api_key_id = \(apiKey) AND idempotency_key = \(idempotencyKey)",
            logger: logger
        ).decode((Int, String, Int64, String).self) {
            return GenerationStore.StoredAnswer(
                outcome: GenerationOutcome(status: status, body: response),
                request: GenerationStore.RequestFingerprint(accountId: accountId, prompt: prompt)
            )
        }
        return nil
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

/// ``GroupCommitter`` on PostgreSQL: concurrent jobs on this replica share one transaction, each in a savepoint,
/// run in ascending `order` (the row each locks first), and every caller is answered after the commit.
final class PostgresGroupCommitter<Outcome: Sendable>: Sendable {
    typealias Work = @Sendable (PostgresConnection) async throws -> Outcome

    private struct Job: Sendable {
        let order: Int64
        let work: Work
        let answer: @Sendable (Result<Outcome, any Error>) -> Void
    }

    private let database: PostgresBackend
    private let queue = NIOLockedValueBox<(jobs: [Job], writing: Bool)>(([], false))

    init(database: PostgresBackend) {
        self.database = database
    }

    func write(order: Int64, _ work: @escaping Work) async throws -> Outcome {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            let job = Job(order: order, work: work) { continuation.resume(with: $0) }
            let lead = queue.withLockedValue { queue -> Bool in
                queue.jobs.append(job)
                if queue.writing { return false }
                queue.writing = true
                return true
            }
            if lead { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLockedValue { queue -> [Job] in
                let jobs = queue.jobs
                queue.jobs.removeAll()
                if jobs.isEmpty { queue.writing = false }
                return jobs
            }
            if batch.isEmpty { return }
            await commit(batch.sorted { $0.order < $1.order })
        }
    }

    private func commit(_ batch: [Job]) async {
        let logger = database.logger
        ServiceMetrics.shared.groupCommitBatch.record(batch.count)
        let started = ContinuousClock.now
        defer { ServiceMetrics.shared.groupCommitDuration.record(duration: ContinuousClock.now - started) }
        do {
            let results = try await database.client.withConnection { connection -> [Result<Outcome, any Error>] in
                try await connection.query("BEGIN", logger: logger)
                var results: [Result<Outcome, any Error>] = []
                do {
                    for job in batch {
                        try await connection.query("SAVEPOINT job", logger: logger)
                        do {
                            results.append(.success(try await job.work(connection)))
                            try await connection.query("RELEASE SAVEPOINT job", logger: logger)
                        } catch {
                            results.append(.failure(error))
                            try await connection.query("ROLLBACK TO SAVEPOINT job", logger: logger)
                        }
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                return results
            }
            for (job, result) in zip(batch, results) { job.answer(result) }
        } catch {
            for job in batch { job.answer(.failure(error)) }
        }
    }
}
