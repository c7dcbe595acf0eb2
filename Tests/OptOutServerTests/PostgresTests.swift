import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import PostgresNIO
import Testing

@testable import OptOutServer
@testable import OptOutStore

/// The PostgreSQL backend, against a real server: run when `OPTOUT_TEST_DATABASE_URL` names a database whose user
/// may create databases (`.ci/run` starts a throw-away cluster). Each test works in a database of its own.
@Suite(.enabled(if: PostgresTestDatabase.adminURL != nil, "set OPTOUT_TEST_DATABASE_URL to run against PostgreSQL"))
struct PostgresTests {
    @Test func migrationsApplyOnceAndAnEditedOneIsRefused() async throws {
        try await PostgresTestDatabase.with { url in
            let root = repositoryRoot
            let first = try await PostgresAdmin.migrate(url: url.text, resourceRoot: root, logger: .quiet)
            let shipped = try AppDatabase.migrationFiles(in: root.appendingPathComponent("Migrations/postgres")).map {
                $0.deletingPathExtension().lastPathComponent
            }
            #expect(shipped.first == "0001_schema" && shipped.count >= 2)
            #expect(first.applied == shipped)
            #expect(first.registryVersion == 0)
            let again = try await PostgresAdmin.migrate(url: url.text, resourceRoot: root, logger: .quiet)
            #expect(again.applied == first.applied)

            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("pg-root-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: copy) }
            try FileManager.default.createDirectory(at: copy.appendingPathComponent("Migrations/postgres"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: copy.appendingPathComponent("Public"), withIntermediateDirectories: true)
            let original = root.appendingPathComponent("Migrations/postgres/0001_schema.sql")
            try (String(contentsOf: original, encoding: .utf8) + "\n-- edited\n").write(
                to: copy.appendingPathComponent("Migrations/postgres/0001_schema.sql"),
                atomically: true,
                encoding: .utf8
            )
            await #expect(throws: StartupError.self) {
                _ = try await PostgresAdmin.migrate(url: url.text, resourceRoot: copy, logger: .quiet)
            }
        }
    }

    @Test func aServerThatCommitsWithoutWaitingForTheDiskIsRefused() async throws {
        try await PostgresTestDatabase.with { url in
            try await PostgresTestDatabase.execute(url, "ALTER DATABASE \(url.database) SET synchronous_commit = off")
            await #expect(throws: StartupError.self) {
                _ = try await PostgresAdmin.migrate(url: url.text, resourceRoot: repositoryRoot, logger: .quiet)
            }
        }
    }

    @Test func auditTrailsAreAppendOnlyAndTriggersKeepTheRegistryVersion() async throws {
        try await PostgresTestDatabase.withMigrated { backend in
            let store = PostgresRegistryStore(database: backend)
            let client = backend.client
            try await client.query("INSERT INTO account (email, password_hash, display_name, created_at) VALUES ('a@x.org', 'h', 'A', now())")
            let artist = try await PostgresTestDatabase.artist(client, name: "Greg Rutkowski", phrases: ["Greg Rutkowski", "rutkowski art"])
            #expect(try await store.registryVersion() == 2)
            try await client.query(
                """
                INSERT INTO report (artist_id, target_kind, target, category, snapshot, created_at, updated_at)
                VALUES (\(artist), 'image_url', 'https://x.org/a.png', 'other', '{}', now(), now())
                """
            )
            try await client.query(
                "INSERT INTO report_event (report_id, actor_account_id, actor_role, action, to_status, created_at) VALUES (1, 1, 'reporter', 'filed', 'open', now())"
            )
            await #expect(throws: PSQLError.self) { try await client.query("UPDATE report_event SET note = 'rewritten'") }
            await #expect(throws: PSQLError.self) { try await client.query("DELETE FROM report_event") }
            // A phrase is held by one artist at a time: the partial unique index.
            await #expect(throws: PSQLError.self) {
                try await client.query(
                    "INSERT INTO phrase (artist_id, text, normalized, kind, position, status, created_at) VALUES (\(artist), 'x', \(PhraseKey.make("Greg Rutkowski")), 'alias', 5, 'active', now())"
                )
            }
            try await client.query("UPDATE artist SET policy = 'credit' WHERE id = \(artist)")
            #expect(try await store.registryVersion() == 3)
        }
    }

    @Test func theGateSeesChangesByTheLogAndIsToldByANotification() async throws {
        try await PostgresTestDatabase.withMigrated { backend in
            let store = PostgresRegistryStore(database: backend)
            let first = try await PostgresTestDatabase.artist(backend.client, name: "Greg Rutkowski", phrases: ["Greg Rutkowski"])
            let loaded = try await store.activePhrases()
            #expect(loaded.phrases.map(\.text) == ["Greg Rutkowski"])
            #expect(loaded.phrases.first?.artistId == first)

            let heard = AsyncStream.makeStream(of: String.self)
            let listener = Task {
                await store.listen { payload in
                    heard.continuation.yield(payload ?? "(connected)")
                }
            }
            defer { listener.cancel() }
            var messages = heard.stream.makeAsyncIterator()
            #expect(await messages.next() == "(connected)")

            let started = ContinuousClock.now
            _ = try await PostgresTestDatabase.artist(backend.client, name: "Sam Spratt", phrases: ["Sam Spratt"])
            var payload = await messages.next()
            while let text = payload, !text.hasPrefix("registry_state:") { payload = await messages.next() }
            #expect(ContinuousClock.now - started < .seconds(1))
            let changed = try await store.activePhrases(after: loaded.seq)
            #expect(changed.changed.values.compactMap { $0?.text } == ["Sam Spratt"])
            #expect(payload == "registry_state:\(changed.version)")

            try await backend.client.query("UPDATE phrase SET status = 'rejected' WHERE artist_id = \(first)")
            let later = try await store.activePhrases(after: changed.seq)
            #expect(later.changed.count == 1)
            #expect(later.changed.values.first.map { $0 == nil } == true)
            // The leader prunes the whole log: a reader that had caught up loses nothing; one behind must load again.
            try await store.pruneOldChanges(keeping: 0)
            #expect(try await store.activePhrases(after: later.seq).changed.isEmpty)
            await #expect(throws: RegistryChangeLogGap.self) { try await store.activePhrases(after: changed.seq) }
            _ = try await PostgresTestDatabase.artist(backend.client, name: "Loish", phrases: ["Loish"])
            #expect(try await store.activePhrases(after: later.seq).changed.values.compactMap { $0?.text } == ["Loish"])
            await #expect(throws: RegistryChangeLogGap.self) { try await store.activePhrases(after: changed.seq) }
        }
    }

    /// A phrase registered through one replica blocks on another replica's prompt gate within a second: the
    /// follower refreshes the gate on the notification.
    @Test func aRegistryChangeOnOneReplicaBlocksOnTheOtherWithinASecond() async throws {
        try await PostgresTestDatabase.withMigrated { first in
            try await PostgresTestDatabase.withBackend(first.url) { second in
                let registry = PostgresRegistryStore(database: second)
                let gate = try await NIOThreadPool.singleton.runIfActive {
                    try PromptGate(store: BlockingPostgresRegistry(store: registry), ordinary: .none, logger: .quiet)
                }
                let follower = Task { try await RegistryFollower(gate: gate, registry: registry).run() }
                defer { follower.cancel() }
                let prompt = "a portrait in the style of sam spratt, oil"
                #expect(gate.check(prompt).matches.isEmpty)
                // The follower listens before the write (a notification sent before LISTEN is not delivered).
                while try await PostgresTestDatabase.listeners(first) == 0 { try await Task.sleep(for: .milliseconds(10)) }
                for round in 0..<3 {
                    let started = ContinuousClock.now
                    let name = ["Sam Spratt", "Greg Rutkowski", "Loish"][round]
                    _ = try await PostgresTestDatabase.artist(first.client, name: name, phrases: [name])
                    let text = "a portrait in the style of \(name.lowercased()), oil"
                    while gate.check(text).matches.isEmpty, ContinuousClock.now - started < .seconds(3) {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    #expect(gate.check(text).matches.first?.phrase.text == name)
                    #expect(ContinuousClock.now - started < .seconds(1))
                }
                #expect(gate.current.version == (try await registry.registryVersion()))
            }
        }
    }

    /// Two replicas (two clients, two group committers) charge one account with 5 prompts left 200 times at once.
    @Test func allowancesAreExactAcrossReplicas() async throws {
        try await PostgresTestDatabase.withMigrated { first in
            try await PostgresTestDatabase.accountAndKey(first.client)
            try await PostgresTestDatabase.withBackend(first.url) { second in
                let replicas = [PostgresGenerationStore(database: first), PostgresGenerationStore(database: second)]
                let plans = PlanCatalog()
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let outcome = try await replicas[index % 2].chargeGeneration(Self.charge(key: "k\(index)"), plans: plans) {
                                account,
                                usage in
                                Self.decide(account: account, usage: usage, plans: plans)
                            }
                            return outcome.status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 201 }.count == 5)
                #expect(statuses.filter { $0 == 402 }.count == 195)
                #expect(try await replicas[1].usage(account: ID(1), now: Date(), plans: plans).used == 5)
                #expect(try await replicas[0].generationCounts(account: 1) == [201: 5, 402: 195])
            }
        }
    }

    /// A charge the database refuses (text with a NUL, which PostgreSQL cannot store) fails alone: the batch it was
    /// in is charged again one by one, and its neighbours are stored.
    @Test func aChargeTheDatabaseRefusesFailsAloneNotItsBatch() async throws {
        try await PostgresTestDatabase.withMigrated { backend in
            try await PostgresTestDatabase.accountAndKey(backend.client)
            try await backend.client.query("UPDATE account SET overage_enabled = true WHERE id = 1")
            let store = PostgresGenerationStore(database: backend)
            let plans = PlanCatalog()
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        // Charge 7's prompt holds a NUL.
                        let charge = Self.charge(key: "k\(index)", prompt: index == 7 ? "a castle\u{0}at night" : "a lighthouse at dusk")
                        do {
                            _ = try await store.chargeGeneration(charge, plans: plans) { account, usage in
                                Self.decide(account: account, usage: usage, plans: plans)
                            }
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes[7] == false)
            #expect(outcomes.filter { $0.value }.count == 39)
            #expect(try await store.generationCounts(account: 1) == [201: 39])
            #expect(try await store.usage(account: ID(1), now: Date(), plans: plans).used == 39)
        }
    }

    @Test func anIdempotencyKeyHoldsAcrossReplicas() async throws {
        try await PostgresTestDatabase.withMigrated { first in
            try await PostgresTestDatabase.accountAndKey(first.client)
            try await PostgresTestDatabase.withBackend(first.url) { second in
                let replicas = [PostgresGenerationStore(database: first), PostgresGenerationStore(database: second)]
                let plans = PlanCatalog()
                let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            try await replicas[index % 2].chargeGeneration(Self.charge(key: "same"), plans: plans) { account, usage in
                                Self.decide(account: account, usage: usage, plans: plans)
                            }.body
                        }
                    }
                    return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                }
                #expect(bodies.count == 1)
                #expect(try await replicas[0].generationCounts(account: 1) == [201: 1])
                await #expect(throws: DomainError.self) {
                    let other = Self.charge(key: "same", prompt: "another prompt")
                    _ = try await replicas[1].chargeGeneration(other, plans: plans) { account, usage in
                        Self.decide(account: account, usage: usage, plans: plans)
                    }
                }
            }
        }
    }
}

/// A database of its own for each test, on the server `OPTOUT_TEST_DATABASE_URL` names.
enum PostgresTestDatabase {
    static let adminURL = ProcessInfo.processInfo.environment["OPTOUT_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    struct Named: Sendable {
        let text: String
        let database: String
        var url: DatabaseURL { get throws { try DatabaseURL(text) } }
    }

    /// Creates a database, gives its URL to `body`, and drops it afterwards.
    static func with(_ body: @Sendable (Named) async throws -> Void) async throws {
        try await PostgresBackend.withScratchDatabase(adminURL: try #require(adminURL), prefix: "optout_test_", logger: .quiet) { url, name in
            try await body(Named(text: url, database: name))
        }
    }

    /// A migrated database of its own, with a running client.
    static func withMigrated(_ body: @Sendable (PostgresBackend) async throws -> Void) async throws {
        try await with { named in
            try await PostgresBackend.withDatabase(
                url: try named.url,
                migrationsDirectory: repositoryRoot.appendingPathComponent("Migrations/postgres"),
                logger: .quiet
            ) { try await body($0) }
        }
    }

    /// Another running client on the same database: a second replica.
    static func withBackend(_ url: DatabaseURL, _ body: @Sendable (PostgresBackend) async throws -> Void) async throws {
        try await PostgresBackend.withDatabase(url: url, migrationsDirectory: nil, logger: .quiet) { try await body($0) }
    }

    /// Runs `sql` on the server `OPTOUT_TEST_DATABASE_URL` names (for statements about `named`'s database).
    static func execute(_ named: Named, _ sql: String) async throws {
        try await PostgresBackend.execute(try DatabaseURL(adminURL!), sql, logger: .quiet)
    }

    /// Account 1 (`a@x.org`, plan free) and API key 1 (`gen`, scope generate).
    static func accountAndKey(_ client: PostgresClient) async throws {
        try await client.query("INSERT INTO account (email, password_hash, display_name, created_at) VALUES ('a@x.org', 'h', 'A', now())")
        try await client.query(
            "INSERT INTO api_key (name, key_hash, scopes, created_at) VALUES ('gen', decode(repeat('ab', 32), 'hex'), 'generate', now())"
        )
    }

    /// Connections listening for registry notifications on the backend's database.
    static func listeners(_ backend: PostgresBackend) async throws -> Int {
        try await backend.client.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
            logger: .quiet
        ).first(Int.self) ?? 0
    }

    /// Registers an artist with active phrases straight in the database; returns its id.
    static func artist(_ client: PostgresClient, name: String, phrases: [String]) async throws -> Int64 {
        let id = try #require(
            try await client.query(
                "INSERT INTO artist (name, name_key, policy, created_at, updated_at) VALUES (\(name), \(PhraseKey.make(name)), 'block', now(), now()) RETURNING id"
            ).first(Int64.self)
        )
        for (position, text) in phrases.enumerated() {
            try await client.query(
                """
                INSERT INTO phrase (artist_id, text, normalized, kind, position, status, created_at)
                VALUES (\(id), \(text), \(PhraseKey.make(text)), \(position == 0 ? "name" : "alias"), \(position), 'active', now())
                """
            )
        }
        return id
    }
}

extension Logger {
    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}
