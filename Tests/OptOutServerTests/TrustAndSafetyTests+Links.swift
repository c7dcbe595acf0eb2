import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

extension TrustAndSafetyTests {
    // MARK: Links, keys, readiness and rulings

    @Test func renamingClearsVerification() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("plain@example.org")
            let id = try await client.createArtist(artist, name: "Plain Person")
            let moderator = try await client.moderatorToken()
            #expect(try await client.call(.post, "/v1/artists/\(id)/verify", token: moderator).json["verified"].bool == true)
            let samePolicy = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["policy": "credit"])
            #expect(samePolicy.json["verified"].bool == true)
            let renamed = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["name": "Famous Painter"])
            #expect(renamed.status == .ok)
            #expect(renamed.json["verified"].bool == false)
        }
    }

    // Row 8: a link cannot claim a platform.
    @Test func aLinkCannotClaimASharedHostOrAnUnverifiedSite() async throws {
        try await withApp { client, configuration in
            let artist = try await client.signUp("links@example.org")
            let id = try await client.createArtist(artist, name: "Lina Marsh")
            for link in ["https://www.artstation.com", "https://deviantart.com/", "http://x.com"] {
                let reply = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": [link]])
                #expect(reply.status == .unprocessableContent, "\(link)")
                #expect(reply.errorCode == "link_too_broad")
                #expect(reply.json["error"]["message"].string?.contains(LinkRules.host(of: link)!) == true)
            }
            let site = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": ["https://linamarsh.example"]])
            #expect(site.errorCode == "link_too_broad")
            let page = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": ["https://www.artstation.com/linamarsh"]])
            #expect(page.status == .ok)
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "dataset", scopes: [.registry])
            let lookup = try await client.call(
                .post,
                "/v1/registry/lookup",
                token: key,
                json: ["items": [["url": "https://www.artstation.com/someoneelse/artwork/1"], ["url": "https://artstation.com/linamarsh/a"]]]
            )
            #expect(lookup.json["results"].array.map { $0["opted_out"].bool } == [false, true])
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func whole_hostLinksFromBeforeTheRuleAreHeld() async throws {
        var configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        configuration.logging.level = .critical
        let root = repositoryRoot.appendingPathComponent("Migrations/sqlite")
        let all = try AppDatabase.migrationFiles(in: root)
        // A database migrated up to 0005, with an artist listing a whole platform, then the rest of the migrations.
        let early = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: early, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: early) }
        for file in all where file.lastPathComponent < "0006" {
            try FileManager.default.copyItem(at: file, to: early.appendingPathComponent(file.lastPathComponent))
        }
        let before = try AppDatabase(dataDirectory: configuration.storage.dataDirectory, migrationsDirectory: early)
        try before.write { db in
            try db.execute(
                sql: "INSERT INTO artist (name, name_key, policy, created_at, updated_at) VALUES ('Old Artist', 'old artist', 'block', ?, ?)",
                arguments: [Date(), Date()]
            )
            for (position, url) in [
                "https://www.artstation.com", "https://artstation.com/", "https://artstation.com/old", "https://old.example/?p=1",
            ]
            .enumerated() {
                try db.execute(sql: "INSERT INTO artist_link (artist_id, url, position) VALUES (1, ?, ?)", arguments: [url, position])
            }
        }
        let after = try AppDatabase(dataDirectory: configuration.storage.dataDirectory, migrationsDirectory: root)
        let held = try after.read { db in try String.fetchAll(db, sql: "SELECT url FROM artist_link WHERE held = 1 ORDER BY position") }
        #expect(held == ["https://www.artstation.com", "https://artstation.com/"])
    }

    // Row 10: an idempotency key belongs to one request.
    @Test func anIdempotencyKeyReusedForAnotherRequestIsRefused() async throws {
        try await withApp { client, configuration in
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
            let account = try await client.accountId(try await client.signUp("member@example.org"))
            let first = try await client.generate(key, account: account, prompt: "a lighthouse at dusk", idempotency: "k1")
            #expect(first.status == .created)
            let replay = try await client.generate(key, account: account, prompt: "a lighthouse at dusk", idempotency: "k1")
            #expect(replay.status == .created)
            #expect(replay.json["id"].string == first.json["id"].string)
            let otherPrompt = try await client.generate(key, account: account, prompt: "a castle at dawn", idempotency: "k1")
            #expect(otherPrompt.status == .unprocessableContent)
            #expect(otherPrompt.errorCode == "idempotency_key_reused")
            let otherAccount = try await client.generate(key, account: 0, prompt: "a lighthouse at dusk", idempotency: "k1")
            #expect(otherAccount.errorCode == "idempotency_key_reused")
            let nul = try await client.generate(key, account: account, prompt: "a lighthouse", idempotency: "\u{0}")
            #expect(nul.status == .unprocessableContent)
            #expect(nul.errorCode == "invalid_idempotency_key")
        }
    }

    // Row 13: readiness tells the truth when the database cannot be written.
    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func readinessFailsWhenTheDatabaseCannotBeWritten() async throws {
        try await withApp { client, _ in
            // Ready once the collision guard's lists are read (a moment after start): 503 with the reason before.
            var ready = try await client.call(.get, "/health/ready")
            for _ in 0..<600 where ready.status != .ok {
                #expect(ready.status == .serviceUnavailable && ready.json["error"]["message"].string?.contains("collision guard") == true)
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.call(.get, "/health/ready")
            }
            #expect(ready.status == .ok)
            #expect(ready.json["status"].string == "ready")
        }
        var configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        configuration.logging.level = .critical
        let services = try await Services(configuration: configuration)
        let gate = try await PromptGate.open(store: services.registrySource, ordinary: .none, logger: Logger(label: "test"))
        let readiness = ReadinessCheck(queries: services.operations, gate: gate, wordLists: services.wordLists, maxSnapshotAge: .seconds(10))
        _ = try services.wordLists.collisionGuard()
        await #expect(readiness.problem() == nil)
        try setQueryOnly(services.sqlite!, true)
        try await Task.sleep(for: .milliseconds(1100))
        let problem = await readiness.problem()
        #expect(problem?.contains("cannot be written") == true)
        try setQueryOnly(services.sqlite!, false)
        let stale = ReadinessCheck(queries: services.operations, gate: gate, wordLists: services.wordLists, maxSnapshotAge: .milliseconds(1))
        try await Task.sleep(for: .milliseconds(1100))
        await #expect(stale.problem()?.contains("snapshot") == true)
    }

    // Row 14: the artist ruling on a report sees the prompt, not who generated it.
    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func theRulingViewHidesTheGeneratingAccount() async throws {
        try await withApp { client, configuration in
            let artistToken = try await client.signUp("mira@example.org")
            let artist = try await client.createArtist(artistToken, name: "Mira Kestrel", policy: "credit")
            let moderator = try await client.moderatorToken()
            _ = try await client.call(.post, "/v1/artists/\(artist)/verify", token: moderator)
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let generated = try await client.generate(key, account: account, prompt: "a harbour like Mira Kestrel", idempotency: "one")
            let filed = try await client.call(
                .post,
                "/v1/reports",
                token: member,
                json: ["artist_id": artist, "target": ["generation_id": generated.json["id"].string!], "category": "style_imitation"]
            )
            let id = filed.json["id"].int!
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            let asked = try await client.call(
                .post,
                "/v1/moderation/reports/\(id)/decision",
                token: moderator,
                json: ["action": "ask_artist", "note": "Yours?", "version": 1]
            )
            #expect(asked.status == .ok)
            let rulings = try await client.call(.get, "/v1/artists/me/rulings", token: artistToken)
            let snapshot = rulings.json["items"][0]["snapshot"]["generation"]
            #expect(snapshot["prompt"].string == "a harbour like Mira Kestrel")
            #expect(snapshot["account_id"].isNull)
            #expect(!String(buffer: rulings.body).contains("\"account_id\""))
            // The moderator still sees who generated it.
            let item = try await client.call(.get, "/v1/moderation/reports/\(id)", token: moderator)
            #expect(item.json["snapshot"]["generation"]["account_id"].int == account)
        }
    }
}
