import Foundation
import Logging
import NIOConcurrencyHelpers
import OptOutCore
internal import PostgresNIO

/// `optout-gate bench-store`: the storage layer's figures on this machine, SQLite and PostgreSQL side by side in one
/// run. Each side gets a database of its own (a temporary folder; a temporary database on the server `url` names,
/// whose user may create databases), dropped afterwards.
public enum StoreBenchmark {
    public struct Figures: Sendable {
        public let sqliteGenerationsPerSecond: Double
        public let postgresGenerationsPerSecond: Double
        /// Milliseconds from a registry write on one client to the change read by another, which was told by NOTIFY.
        public let propagation: [Double]
    }

    /// Metered generations with `concurrency` in flight for `seconds` on each backend (one account, overage on,
    /// every request a charged write with a new idempotency key), then `writes` registry changes timed from one
    /// PostgreSQL client to another.
    public static func run(
        adminURL text: String,
        resourceRoot: URL?,
        seconds: Double,
        concurrency: Int,
        writes: Int,
        logger: Logger
    ) async throws -> Figures {
        let root = try resourceRoot ?? ResourceLocator.findRoot()
        // SQLite, through the same store the server uses.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("optout-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try AppDatabase(dataDirectory: folder, migrationsDirectory: root.appendingPathComponent("Migrations/sqlite"))
        try sqlite.write { db in
            try db.execute(
                sql: """
                    INSERT INTO account (email, password_hash, display_name, created_at, plan, overage_enabled)
                    VALUES ('bench@example.org', 'x', 'Bench', '2026-01-01 00:00:00.000', 'member', 1);
                    INSERT INTO api_key (name, key_hash, scopes, created_at) VALUES ('bench', zeroblob(32), 'generate', '2026-01-01 00:00:00.000');
                    """
            )
        }
        let sqliteStore = GenerationStore(database: sqlite)
        let sqliteRate = try await meter(seconds: seconds, concurrency: concurrency) { key in
            _ = try await sqliteStore.chargeGeneration(charge(key), plans: PlanCatalog(), decide: decide)
        }

        // PostgreSQL, on a database of its own.
        return try await PostgresBackend.withScratchDatabase(adminURL: text, prefix: "optout_bench_", logger: logger) { scratch, _ in
            let url = try DatabaseURL(scratch)
            return try await PostgresBackend.withDatabase(
                url: url,
                migrationsDirectory: root.appendingPathComponent("Migrations/postgres"),
                logger: logger
            ) { first in
                try await first.client.query(
                    """
                    INSERT INTO account (email, password_hash, display_name, created_at, plan, overage_enabled)
                    VALUES ('bench@example.org', 'x', 'Bench', now(), 'member', true)
                    """,
                    logger: logger
                )
                try await first.client.query(
                    "INSERT INTO api_key (name, key_hash, scopes, created_at) VALUES ('bench', decode(repeat('00', 32), 'hex'), 'generate', now())",
                    logger: logger
                )
                let store = PostgresGenerationStore(database: first)
                let rate = try await meter(seconds: seconds, concurrency: concurrency) { key in
                    _ = try await store.chargeGeneration(charge(key), plans: PlanCatalog(), decide: decide)
                }
                let propagation = try await PostgresBackend.withDatabase(url: url, migrationsDirectory: nil, logger: logger) { second in
                    try await propagate(writes: writes, writer: first, reader: second, logger: logger)
                }
                return Figures(sqliteGenerationsPerSecond: sqliteRate, postgresGenerationsPerSecond: rate, propagation: propagation)
            }
        }
    }

    private static func charge(_ key: Int) -> GenerationStore.Charge {
        GenerationStore.Charge(
            publicId: RandomToken.generationId(),
            apiKeyId: ID(1),
            generator: "bench",
            idempotencyKey: "k\(key)",
            request: .init(accountId: ID(1), prompt: "a lighthouse at dusk, oil on canvas"),
            creditsJSON: "[]",
            now: Date()
        )
    }

    private static let plans = PlanCatalog()

    /// The gate's charging rule with a short answer: what the store does, without the prompt's matches.
    @Sendable private static func decide(_ account: GenerationStore.Account, _ usage: Usage) -> GenerationStore.Decision {
        switch Charge.decide(used: usage.used, included: usage.included, overageEnabled: account.overageEnabled, priceCents: plans.overagePriceCents)
        {
        case .exhausted: GenerationStore.Decision(status: 402, body: "{\"error\":{\"code\":\"quota_exhausted\"}}")
        case .included: GenerationStore.Decision(status: 201, body: "{\"allowed\":true}", chargeKind: "included")
        case .overage(let cents): GenerationStore.Decision(status: 201, body: "{\"allowed\":true}", chargeKind: "overage", cents: cents)
        }
    }

    /// Completed operations a second with `concurrency` callers for `seconds`.
    private static func meter(seconds: Double, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
        let counter = NIOLockedValueBox(0)
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int(seconds * 1000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while ContinuousClock.now < deadline {
                        try await operation(index)
                        index += concurrency
                        counter.withLockedValue { $0 += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        return Double(counter.withLockedValue { $0 }) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Times `writes` phrase registrations on `writer` until `reader`, told by NOTIFY, reads each from the change log.
    private static func propagate(writes: Int, writer: PostgresBackend, reader: PostgresBackend, logger: Logger) async throws -> [Double] {
        let registry = PostgresRegistryStore(database: reader)
        let heard = AsyncStream.makeStream(of: String?.self)
        let listener = Task { await registry.listen { heard.continuation.yield($0) } }
        defer { listener.cancel() }
        var messages = heard.stream.makeAsyncIterator()
        _ = await messages.next()  // connected
        var seq = try await registry.activePhrases().seq
        try await writer.client.query(
            "INSERT INTO artist (name, name_key, policy, created_at, updated_at) VALUES ('Bench Artist', 'bench artist', 'block', now(), now())",
            logger: logger
        )
        // An artist without phrases changes no version: nothing is notified for it.
        var samples: [Double] = []
        for index in 0..<writes {
            let text = "bench phrase \(index)"
            let started = ContinuousClock.now
            try await writer.client.query(
                """
                INSERT INTO phrase (artist_id, text, normalized, kind, position, status, created_at)
                VALUES (1, \(text), \(PhraseKey.make(text)), 'alias', \(index + 1), 'active', now())
                """,
                logger: logger
            )
            var seen = false
            while !seen {
                guard case .some = await messages.next() else { throw StartupError("the notifications stopped") }
                let changed = try await registry.activePhrases(after: seq)
                seq = changed.seq
                seen = changed.changed.values.contains { $0?.text == text }
            }
            let elapsed = ContinuousClock.now - started
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        return samples
    }
}
