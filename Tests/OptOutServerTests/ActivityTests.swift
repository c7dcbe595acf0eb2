import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct ActivityTests {
    @Test func anArtistSeesWhatTheirOptOutDid() async throws {
        try await withApp { client, configuration in
            let tasks = try await AdminTasks(configuration: configuration)
            let checkKey = try await tasks.createAPIKey(name: "checker", scopes: [.check])
            let generateKey = try await tasks.createAPIKey(name: "generator", scopes: [.generate])
            let greg = try await client.signUp("greg@example.org")
            _ = try await client.createArtist(greg, name: "Greg Rutkowski")
            let mucha = try await client.signUp("mucha@example.org")
            _ = try await client.createArtist(mucha, name: "Alphonse Mucha", policy: "credit")
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)

            for prompt in ["castle by Greg Rutkowski", "dragon by gr3g rutk0wski", "poster after Alphonse Mucha", "a quiet harbour"] {
                #expect(try await client.call(.post, "/v1/prompts/check", token: checkKey, json: ["prompt": prompt]).status == .ok)
            }
            // The same prompt checked again by the same key, within ten minutes, counts once.
            #expect(try await client.call(.post, "/v1/prompts/check", token: checkKey, json: ["prompt": "castle by Greg Rutkowski"]).status == .ok)
            // A generation refused, and one credited.
            _ = try await client.generate(generateKey, account: account, prompt: "ship by Greg Rutkowski", idempotency: "a1")
            _ = try await client.generate(generateKey, account: account, prompt: "tarot card after Alphonse Mucha", idempotency: "a2")

            let mine = try await client.call(.get, "/v1/artists/me/activity?days=7", token: greg)
            #expect(mine.status == .ok)
            let days = mine.json["days"].array
            #expect(days.count == 7)
            #expect(days.last?["date"].string == ActivityRecorder.day(Date()))
            #expect(days.last?["refused"].int == 3 && days.last?["credited"].int == 0)
            #expect(mine.json["totals"]["refused"].int == 3)
            let credited = try await client.call(.get, "/v1/artists/me/activity", token: mucha)
            #expect(credited.json["days"].array.count == 90)
            #expect(credited.json["totals"]["credited"].int == 2 && credited.json["totals"]["refused"].int == 0)

            // Refusals: no session, an account that has not opted out, a bad range; the queue history is for moderators.
            #expect(try await client.call(.get, "/v1/artists/me/activity").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/artists/me/activity", token: member).status == .notFound)
            #expect(try await client.call(.get, "/v1/artists/me/activity?days=0", token: greg).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/artists/me/activity?days=366", token: greg).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/moderation/queue-history", token: greg).status == .forbidden)
            let moderator = try await client.moderatorToken()
            #expect(try await client.call(.get, "/v1/moderation/queue-history?days=30", token: moderator).status == .ok)
        }
    }

    @Test func countsAreWrittenInBatchesAndKeptForAYear() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let services = try await Services(configuration: configuration)
        let owner = try await services.accounts.create(email: "a@example.org", passwordHash: "x", displayName: "A").id
        let artist = try await services.artists.create(account: owner, submission: try ArtistSubmission(name: "Greg Rutkowski").validated()).id
            .rawValue
        let recorder = ActivityRecorder()
        let store = ActivityStore(store: services.store)
        let flush = ActivityService.Flush(recorder: recorder, store: store, queue: OperationsQueries(store: services.store))
        for index in 0..<50 {
            recorder.record(matches: [(artist, .block)], allowed: false, complete: true, caller: "key:1", prompt: "p\(index)")
        }
        await #expect(try store.activity(artist: artist, fromDay: "2000-01-01").isEmpty)  // nothing written per check
        try await flush.run()
        await #expect(try store.activity(artist: artist, fromDay: "2000-01-01").first?.value.refused == 50)
        recorder.record(matches: [(artist, .block)], allowed: false, complete: true, caller: "key:1", prompt: "one more")
        try await flush.run(final: true)
        await #expect(try store.activity(artist: artist, fromDay: "2000-01-01").first?.value.refused == 51)
        // The queue's size was read for today.
        await #expect(try store.queueHistory(fromDay: ActivityRecorder.day(Date())).contains { $0.kind == "report" && $0.status == "open" })
        // Rows older than a year go.
        try await store.add([ActivityRecorder.Key(artistId: artist, day: "2020-01-01"): ActivityRecorder.Counts(refused: 4, credited: 0)])
        try await store.prune(before: ActivityRecorder.day(Date().addingTimeInterval(-366 * 86_400)))
        await #expect(try store.activity(artist: artist, fromDay: "2000-01-01").count == 1)
        // Nothing recorded for a prompt that was not read through, or that named nobody.
        recorder.record(matches: [(artist, .block)], allowed: false, complete: false, caller: "key:1", prompt: "x")
        recorder.record(matches: [], allowed: true, complete: true, caller: "key:1", prompt: "y")
        #expect(recorder.drain().isEmpty)
    }
}
