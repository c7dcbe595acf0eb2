import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import PostgresNIO
import Testing

@testable import OptOutServer
@testable import OptOutStore

extension PostgresTests {
    // MARK: Moving in, leading, and the URL

    /// A SQLite deployment with accounts, artists, a key, charged generations, a report and its trail moves into
    /// PostgreSQL with every row and id; a second copy is refused, and the copy serves the same registry.
    @Test func aSQLiteDeploymentIsCopiedWithItsRowsAndIds() async throws {
        var sqliteConfiguration = try await testConfiguration()
        // The source is a SQLite deployment whichever backend the rest of the suite runs on.
        sqliteConfiguration.storage.databaseURL = nil
        let configuration = sqliteConfiguration
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let services = try await Services(configuration: configuration)
        let owner = try await services.accounts.create(email: "a@example.org", passwordHash: "x", displayName: "A").id
        _ = try await services.accounts.create(email: "b@example.org", passwordHash: "x", displayName: "B")
        let submission = try ArtistSubmission(name: "Greg Rutkowski", aliases: ["Grzegorz Rutkowski"], links: ["https://example.org/greg"])
            .validated()
        let artist = try await services.artists.create(account: owner, submission: submission).id
        let key = try await services.accounts.createAPIKey(name: "gen", scopes: [.generate]).record.id.rawValue
        let plans = PlanCatalog()
        for index in 0..<7 {
            let charge = Self.charge(key: "k\(index)", prompt: "a castle \(index)", account: owner.rawValue, apiKey: key)
            _ = try await services.metering.chargeGeneration(charge, plans: plans) { account, usage in
                Self.decide(account: account, usage: usage, plans: plans)
            }
        }
        let reports = services.reports(configuration)
        let reporter = try await #require(try services.accounts.account(email: "b@example.org"))
        _ = try await reports.file(
            .init(artistId: artist.rawValue, target: .imageURL("https://x.org/a.png"), category: .styleImitation, details: "same style"),
            by: reporter
        )
        let sqlitePhrases = try services.registrySource.activePhrases()
        let sqliteVersion = try await services.registry.registryVersion()

        try await PostgresTestDatabase.with { named in
            let summary = try await CopyToPostgres.copy(
                dataDirectory: configuration.storage.dataDirectory,
                databaseURL: named.text,
                resourceRoot: repositoryRoot,
                logger: .quiet
            )
            let rows = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.table, $0.count) })
            #expect(rows["account"] == 2)
            #expect(rows["generation"] == 7)
            #expect(rows["usage_counter"] == 1)
            #expect(rows["report_event"] == 1)
            #expect(rows["phrase"] == sqlitePhrases.phrases.count)
            #expect(summary.registryVersion == sqliteVersion)
            await #expect(throws: StartupError.self) {
                _ = try await CopyToPostgres.copy(
                    dataDirectory: configuration.storage.dataDirectory,
                    databaseURL: named.text,
                    resourceRoot: repositoryRoot,
                    logger: .quiet
                )
            }
            try await PostgresTestDatabase.withBackend(try named.url) { backend in
                let registry = PostgresRegistryStore(database: backend)
                let copied = try await registry.activePhrases()
                #expect(copied.phrases.map(\.id) == sqlitePhrases.phrases.map(\.id))
                #expect(copied.phrases.map(\.text) == sqlitePhrases.phrases.map(\.text))
                #expect(copied.version == sqliteVersion)
                #expect(try await registry.liveLinks().links.map(\.url) == ["https://example.org/greg"])
                let generations = PostgresGenerationStore(database: backend)
                #expect(try await generations.usage(account: owner, now: Date(), plans: plans).used == 5)
                #expect(try await generations.generationCounts(account: owner.rawValue) == [201: 5, 402: 2])
                // Ids go on after the copied ones, and the usage trigger is live again.
                let next = Self.charge(key: "after-copy", prompt: "a castle", account: owner.rawValue, apiKey: key)
                try await backend.client.query("UPDATE account SET overage_enabled = true WHERE id = \(owner.rawValue)")
                let outcome = try await generations.chargeGeneration(next, plans: plans) { account, usage in
                    Self.decide(account: account, usage: usage, plans: plans)
                }
                #expect(outcome.status == 201)
                #expect(try await generations.usage(account: owner, now: Date(), plans: plans).used == 6)
                // A new artist's phrase gets a change-log position after the copied ones.
                _ = try await PostgresTestDatabase.artist(backend.client, name: "Sam Spratt", phrases: ["Sam Spratt"])
                let changed = try await registry.activePhrases(after: copied.seq)
                #expect(changed.changed.values.compactMap { $0?.text } == ["Sam Spratt"])
            }
        }
    }

    /// A background job runs on one replica at a time; when that replica goes, another takes over.
    @Test func oneReplicaRunsABackgroundJobAndAnotherTakesOverWhenItGoes() async throws {
        try await PostgresTestDatabase.withMigrated { first in
            try await PostgresTestDatabase.withBackend(first.url) { second in
                let rounds = NIOLockedValueBox<[String]>([])
                let leaderA = Task {
                    await PostgresLeadership(database: first).run(.rulingSweep, interval: .milliseconds(50)) {
                        rounds.withLockedValue { $0.append("a") }
                    }
                }
                while rounds.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
                let leaderB = Task {
                    await PostgresLeadership(database: second).run(.rulingSweep, interval: .milliseconds(50)) {
                        rounds.withLockedValue { $0.append("b") }
                    }
                }
                defer { leaderB.cancel() }
                try await Task.sleep(for: .milliseconds(500))
                #expect(rounds.withLockedValue { $0.filter { $0 == "a" }.count } >= 3)
                #expect(!rounds.withLockedValue { $0.contains("b") })
                // Another job is led separately.
                let other = NIOLockedValueBox(0)
                let pruning = Task {
                    await PostgresLeadership(database: second).run(.changeLogPruning, interval: .milliseconds(50)) {
                        other.withLockedValue { $0 += 1 }
                    }
                }
                defer { pruning.cancel() }
                leaderA.cancel()
                await leaderA.value
                let gone = ContinuousClock.now
                while !rounds.withLockedValue({ $0.contains("b") }), ContinuousClock.now - gone < .seconds(5) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(rounds.withLockedValue { $0.contains("b") })
                #expect(ContinuousClock.now - gone < .seconds(1))
                #expect(other.withLockedValue { $0 } > 0)
            }
        }
    }

    @Test func statementsAreSplitOutsideQuotesBodiesAndComments() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (x TEXT DEFAULT 'a;b');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'no; never';
            END $$;
            SELECT $tag$ ; $tag$, "odd;name" FROM a
            """
        let statements = SQLStatements.split(sql)
        #expect(statements.count == 3)
        #expect(statements[0] == "CREATE TABLE a (x TEXT DEFAULT 'a;b')")
        #expect(statements[1].hasSuffix("END $$"))
        #expect(statements[2] == "SELECT $tag$ ; $tag$, \"odd;name\" FROM a")
    }

    @Test func databaseURLsAreReadAndTheirPasswordsKeptOutOfLogs() throws {
        let url = try DatabaseURL("postgres://gate:s%40cret@db.example:6543/optout?sslmode=require")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.username == "gate")
        #expect(url.password == "s@cret")
        #expect(url.database == "optout")
        #expect(url.tls == .require)
        #expect(!url.description.contains("cret"))
        let socket = try DatabaseURL("postgresql://gate@/optout?host=/run/postgresql")
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432")
        for bad in ["mysql://a@b/c", "postgres://a@b/", "postgres://b/c", "postgres://a@b/c?sslmode=verify-full", "not a url"] {
            #expect(throws: StartupError.self) { _ = try DatabaseURL(bad) }
        }
    }

    static func charge(key: String, prompt: String = "a lighthouse at dusk", account: Int64 = 1, apiKey: Int64 = 1) -> GenerationStore.Charge {
        GenerationStore.Charge(
            publicId: RandomToken.generationId(),
            apiKeyId: ID(apiKey),
            generator: "gen",
            idempotencyKey: key,
            request: .init(accountId: ID(account), prompt: prompt),
            creditsJSON: "[]",
            now: Date()
        )
    }

    static func decide(account: GenerationStore.Account, usage: Usage, plans: PlanCatalog) -> GenerationStore.Decision {
        GenerationsController.decide(
            publicId: "gen_test",
            views: [],
            credits: [],
            complete: true,
            blocked: false,
            account: account,
            usage: usage,
            plans: plans
        )
    }
}
