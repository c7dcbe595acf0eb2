import Foundation
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// The store below HTTP: its named operations and domain errors, called directly. The suite runs on SQLite, and
/// again on PostgreSQL when CI sets `OPTOUT_TEST_BACKEND=postgres` (``testConfiguration()`` picks the database),
/// so each operation is checked on both backends with the same assertions.
@Suite struct StoreTests {
    /// A fresh database with its services; removed afterwards.
    func withStore(_ body: (Services) async throws -> Void) async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let services = try await Services(configuration: configuration)
        defer { services.close() }
        try await body(services)
    }

    @Test func accountsAreUniqueByHowAPersonReadsTheirEmail() async throws {
        try await withStore { services in
            let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
            #expect(ann.id.rawValue > 0)
            #expect(try await services.accounts.account(email: "ann@example.org")?.id == ann.id)
            do {
                _ = try await services.accounts.create(email: "ANN@example.org", passwordHash: "h", displayName: "Ann again")
                Issue.record("a second account took a taken email")
            } catch let error as DomainError {
                #expect(error.code == "email_taken")
            }
        }
    }

    @Test func sessionsAndKeysAreFoundByTheirSecretAndStopWhenEndedOrRevoked() async throws {
        try await withStore { services in
            let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
            let session = try await services.accounts.createSession(for: ann.id, lifetime: 3600)
            #expect(try await services.accounts.account(sessionToken: session.token)?.id == ann.id)
            #expect(try await services.accounts.account(sessionToken: session.token + "x") == nil)
            // Past its lifetime a session is not found.
            #expect(try await services.accounts.account(sessionToken: session.token, now: Date().addingTimeInterval(7200)) == nil)
            await services.accounts.deleteSessionIgnoringErrors(session.token)
            #expect(try await services.accounts.account(sessionToken: session.token) == nil)

            let made = try await services.accounts.createAPIKey(name: "gen", scopes: [.generate, .check])
            #expect(try await services.accounts.apiKey(made.key)?.id == made.record.id)
            #expect(try await services.accounts.revokeAPIKey(name: "gen"))
            #expect(try await services.accounts.apiKey(made.key) == nil)
            #expect(try await services.accounts.revokeAPIKey(name: "gen") == false)
        }
    }

    @Test func anArtistsPhrasesReachTheGateAndANameIsHeldOnce() async throws {
        try await withStore { services in
            let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
            let bob = try await services.accounts.create(email: "bob@example.org", passwordHash: "h", displayName: "Bob")
            let before = try await services.registry.registryVersion()
            let view = try await services.artists.create(
                account: ann.id,
                submission: try ArtistSubmission(name: "Wren Halloway", aliases: ["W. Halloway"], creations: ["The Salt Orchard"]).validated()
            )
            #expect(view.phrases.map(\.text).sorted() == ["The Salt Orchard", "W. Halloway", "Wren Halloway"])
            #expect(try await services.registry.registryVersion() > before)
            let active = try services.registrySource.activePhrases().phrases.map(\.text)
            #expect(Set(active).isSuperset(of: ["Wren Halloway", "The Salt Orchard"]))
            // Another account cannot take the name while it is held.
            let second = try await services.artists.create(
                account: bob.id,
                submission: try ArtistSubmission(name: "Wren Halloway").validated()
            )
            let mine = try #require(second.phrases.first { $0.text == "Wren Halloway" })
            #expect(mine.status != .active)
            // Withdrawing takes every phrase off the gate.
            _ = try await services.artists.withdraw(id: view.id)
            let after = try services.registrySource.activePhrases().phrases.map(\.text)
            #expect(!after.contains("The Salt Orchard"))
        }
    }

    @Test func aChargeIsCountedOnceAndItsKeyReplaysTheSameAnswer() async throws {
        try await withStore { services in
            let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
            let key = try await services.accounts.createAPIKey(name: "gen", scopes: [.generate]).record.id.rawValue
            let plans = PlanCatalog()
            let charge = PostgresTests.charge(key: "k1", account: ann.id.rawValue, apiKey: key)
            let first = try await services.metering.chargeGeneration(charge, plans: plans) { account, usage in
                PostgresTests.decide(account: account, usage: usage, plans: plans)
            }
            #expect(first.status == 201)
            let stored = try #require(try await services.metering.storedAnswer(apiKey: ID(key), idempotencyKey: "k1"))
            #expect(try stored.replay(for: charge.request, key: "k1").body == first.body)
            // The same key for another prompt is refused, not charged.
            #expect(throws: DomainError.self) {
                try stored.replay(for: .init(accountId: ann.id, prompt: "something else"), key: "k1")
            }
            let usage = try await services.metering.usage(account: ann.id, now: Date(), plans: plans)
            #expect(usage.used == 1)
            #expect(try await services.generations.generation(publicId: charge.publicId)?.prompt == charge.request.prompt)
        }
    }

    @Test func aReportOfOneTargetIsOneItemWhoeverFilesIt() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let services = try await Services(configuration: configuration)
        defer { services.close() }
        let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
        let artist = try await services.artists.create(account: ann.id, submission: try ArtistSubmission(name: "Wren Halloway").validated())
        let reports = services.reports(configuration)
        var items: Set<Int64> = []
        var outcomes: [ReportRepository.FilingOutcome] = []
        let filing = ReportRepository.Filing(
            artistId: artist.id.rawValue,
            target: .imageURL("https://x.example/a.png"),
            category: .styleImitation,
            details: "the same style"
        )
        for email in ["r1@example.org", "r2@example.org"] {
            let reporter = try await services.accounts.create(email: email, passwordHash: "h", displayName: "R")
            let filed = try await reports.file(filing, by: reporter)
            items.insert(filed.id.rawValue)
            outcomes.append(filed.outcome)
        }
        #expect(items.count == 1)
        #expect("\(outcomes)" == "\([ReportRepository.FilingOutcome.created, .joined])")
        // The same reporter again changes nothing.
        let again = try await reports.file(filing, by: try #require(try await services.accounts.account(email: "r1@example.org")))
        #expect("\(again.outcome)" == "alreadyReported")
        let queue = try await reports.queue(status: .open, after: nil, limit: 10)
        #expect(queue.items.map(\.id) == Array(items))
        #expect(queue.items.first?.reporterCount == 2)
    }

    @Test func theOutboxMakesADeliveryForEachEndpointThatTakesTheEvent() async throws {
        try await withStore { services in
            let admin = try await services.accounts.create(email: "admin@example.org", passwordHash: "h", displayName: "A", role: .admin)
            let webhooks = WebhookRepository(store: services.store)
            let endpoint = try await webhooks.create(
                url: "https://hooks.example/in",
                events: [.phraseStatusChanged],
                description: "phrases",
                secret: WebhookSignature.newSecret(),
                by: admin.id
            )
            #expect(endpoint.secret?.hasPrefix("whsec_") == true)
            _ = try await webhooks.create(
                url: "https://hooks.example/other",
                events: [.reportDecided],
                description: "reports",
                secret: WebhookSignature.newSecret(),
                by: admin.id
            )
            // A phrase held for review (an everyday word) emits phrase.status_changed into the outbox.
            _ = try await services.artists.create(
                account: admin.id,
                submission: try ArtistSubmission(name: "Wren Halloway", aliases: ["rose"]).validated()
            )
            _ = try await webhooks.dispatch()
            let due = try await webhooks.due()
            #expect(!due.isEmpty)
            #expect(Set(due.map(\.url)) == ["https://hooks.example/in"])
            // Recording a 2xx marks it delivered: nothing is due again.
            for delivery in due {
                try await webhooks.record(delivery, status: 204, error: nil, duration: .milliseconds(3), retryAt: Date(), giveUpAfter: 3600)
            }
            #expect(try await webhooks.due().isEmpty)
            #expect(try await webhooks.endpoint(id: endpoint.id)?.delivered == due.count)
        }
    }

    @Test func activityCountsAddUpPerArtistAndDay() async throws {
        try await withStore { services in
            let ann = try await services.accounts.create(email: "ann@example.org", passwordHash: "h", displayName: "Ann")
            let artist = try await services.artists.create(account: ann.id, submission: try ArtistSubmission(name: "Wren Halloway").validated())
            let store = ActivityStore(store: services.store)
            let key = ActivityKey(artistId: artist.id.rawValue, day: "2026-12-07")
            try await store.add([key: ActivityCounts(refused: 2, credited: 1)])
            try await store.add([
                key: ActivityCounts(refused: 3), ActivityKey(artistId: artist.id.rawValue, day: "2026-12-08"): ActivityCounts(credited: 4),
            ])
            let counts = try await store.activity(artist: artist.id.rawValue, fromDay: "2026-12-01")
            #expect(counts["2026-12-07"] == ActivityCounts(refused: 5, credited: 1))
            #expect(counts["2026-12-08"] == ActivityCounts(refused: 0, credited: 4))
            #expect(try await store.activity(artist: artist.id.rawValue, fromDay: "2026-12-08").count == 1)
        }
    }

    @Test func theWriteProbeAndPingAnswerOnAWritableDatabase() async throws {
        try await withStore { services in
            try await services.operations.ping()
            try await services.operations.probeWrite()
            let sizes = try await services.operations.queueSizes()
            #expect(sizes.allSatisfy { $0.count >= 0 })
        }
    }
}

extension AccountRepository {
    /// Ends a session by its token, as sign-out does.
    func deleteSessionIgnoringErrors(_ token: String) async {
        try? await deleteSession(tokenHash: BearerSecret.hash(token))
    }
}
