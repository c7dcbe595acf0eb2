import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct WebhooksTests {
    @Test func signaturesMatchTheStandardWebhooksVector() {
        // The example of the Standard Webhooks specification, as PyPI's standardwebhooks signs it.
        let signature = WebhookSignature.sign(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: 1_614_265_330,
            body: Data("{\"test\": 2432232314}".utf8)
        )
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSignature.newSecret().hasPrefix("whsec_"))
        #expect(WebhookSignature.newSecret() != WebhookSignature.newSecret())
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func onlyAdminsManageEndpointsAndChangesLandInTheOutbox() async throws {
        // The app's own sender reads the outbox once at start, then not for an hour: this test sends by hand.
        try await withApp(
            configure: { $0.webhooks.interval = .seconds(3600) },
            body: { client, configuration in
                let moderator = try await client.moderatorToken()
                let admin = try await client.signIn("admin@example.org", password: "moderator-pass")
                let member = try await client.signUp("member@example.org")
                let body: [String: Any] = ["url": "https://hooks.example/in", "events": ["registry.changed", "report.decided"]]
                #expect(try await client.call(.post, "/v1/webhooks", json: body).status == .unauthorized)
                #expect(try await client.call(.post, "/v1/webhooks", token: member, json: body).status == .forbidden)
                #expect(try await client.call(.post, "/v1/webhooks", token: moderator, json: body).status == .forbidden)
                let made = try await client.call(.post, "/v1/webhooks", token: admin, json: body)
                #expect(made.status == .created)
                let id = try #require(made.json["id"].int)
                #expect(made.json["secret"].string?.hasPrefix("whsec_") == true)
                let shown = try await client.call(.get, "/v1/webhooks/\(id)", token: admin)
                #expect(shown.json["secret"].value is NSNull && shown.json["events"].array.count == 2)
                #expect(try await client.call(.get, "/v1/webhooks/\(id)", token: moderator).status == .forbidden)
                for bad: [String: Any] in [
                    ["url": "javascript:alert(1)", "events": ["registry.changed"]], ["url": "https://x.example", "events": []],
                    ["url": "https://x.example", "events": ["registry.changed", "everything"]],
                ] {
                    #expect(try await client.call(.post, "/v1/webhooks", token: admin, json: bad).status == .unprocessableContent)
                }

                // A registry change writes its message in the same transaction; the repository fans it out.
                let artist = try await client.signUp("artist@example.org")
                _ = try await client.createArtist(artist, name: "Greg Rutkowski")
                let database = try AppDatabase(
                    dataDirectory: configuration.storage.dataDirectory,
                    migrationsDirectory: configuration.storage.resourceRoot!.appendingPathComponent("Migrations/sqlite")
                )
                let waiting = try database.read { db in
                    try Row.fetchAll(db, sql: "SELECT event_type, payload FROM webhook_outbox WHERE dispatched_at IS NULL")
                }
                // Many version bumps, one waiting registry.changed carrying the newest version.
                #expect(waiting.filter { $0["event_type"] == "registry.changed" }.count == 1)
                let version = try await client.registryVersion()
                #expect(
                    (waiting.first { $0["event_type"] == "registry.changed" }?["payload"] as String?)?.contains("\"registry_version\":\(version)")
                        == true
                )
                let repository = WebhookRepository(store: SQLiteStore(database: database))
                await #expect(try repository.dispatch() == 1)
                let due = try await repository.due()
                #expect(due.count == 1 && due[0].url == "https://hooks.example/in")
                // A failure is retried later; an endpoint failing past the limit is disabled with its reason.
                try await repository.record(
                    due[0],
                    status: 503,
                    error: nil,
                    duration: .milliseconds(3),
                    retryAt: Date().addingTimeInterval(60),
                    giveUpAfter: 3600
                )
                await #expect(try repository.due().isEmpty)
                let later = try await repository.due(now: Date().addingTimeInterval(61))
                #expect(later.count == 1)
                try await repository.record(later[0], status: nil, error: "refused", duration: .milliseconds(1), retryAt: Date(), giveUpAfter: 0)
                let disabled = try await client.call(.get, "/v1/webhooks/\(id)", token: admin)
                #expect(disabled.json["enabled"].bool == false)
                #expect(disabled.json["disabled_reason"].string?.contains("refused") == true)
                #expect(disabled.json["last_attempts"].array.count == 2)
                #expect(try await client.call(.delete, "/v1/webhooks/\(id)", token: admin).status == .noContent)
                #expect(try await client.call(.delete, "/v1/webhooks/\(id)", token: admin).status == .notFound)
                #expect(try await client.call(.get, "/v1/webhooks", token: admin).json["items"].array.isEmpty)
            }
        )
    }

    /// Issue 22, item 5: a phrase that enters `disputed` or `pending_review` when it is added emits
    /// `phrase.status_changed` (from null), as one moved there later does; on both databases.
    @Test func aPhraseAddedForReviewOrDisputedEmitsItsStatus() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let services = try await Services(configuration: configuration)
        let admin = try await services.accounts.create(email: "admin@example.org", passwordHash: "x", displayName: "A", role: .admin).id
        _ = try await WebhookRepository(store: services.store).create(
            url: "https://hooks.example/in",
            events: [.phraseStatusChanged],
            description: "",
            secret: WebhookSignature.newSecret(),
            by: admin
        )
        let holder = try await services.accounts.create(email: "h@example.org", passwordHash: "x", displayName: "H").id
        _ = try await services.artists.create(account: holder, submission: try ArtistSubmission(name: "Wren Halloway", aliases: ["rose"]).validated())
        let challenger = try await services.accounts.create(email: "c@example.org", passwordHash: "x", displayName: "C").id
        _ = try await services.artists.create(account: challenger, submission: try ArtistSubmission(name: "Wren Halloway").validated())
        let payloads = try await services.store.read { db in
            try db.column(String.self, "SELECT payload FROM webhook_outbox WHERE event_type = 'phrase.status_changed' ORDER BY seq", [])
        }
        let data = try payloads.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["data"] as! [String: Any] }
        #expect(data.map { $0["to"] as? String } == ["pending_review", "disputed"])
        #expect(data.allSatisfy { $0["from"] is NSNull })
        #expect(data.map { $0["phrase"] as? String } == ["rose", "Wren Halloway"])
    }
}
