import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

extension ReportsTests {
    // MARK: Artists' rulings

    @Test func anArtistRulesOnlyOnTheirOwnItemsSentToThem() async throws {
        try await withApp { client, _ in
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let (otherArtistToken, _) = try await verifiedArtist(client, name: "Oren Vale")
            let (_, unverified) = try await verifiedArtist(client, name: "Ida Fenn", verify: false)
            let member = try await client.signUp("member@example.org")
            let moderator = try await client.moderatorToken()
            let id = try await file(client, member, artist: artist, url: "https://x.org/a.png").json["id"].int!

            // Not yet sent: the artist's ruling is an illegal step; nothing waits for them.
            let early = try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "imitation"])
            #expect(early.status == .conflict)
            #expect(early.errorCode == "illegal_transition")
            #expect(early.json["status"].string == "open")
            #expect(try await client.call(.get, "/v1/artists/me/rulings", token: artistToken).json["items"].array.isEmpty)

            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            let asked = try await decide(client, moderator, id, "ask_artist", version: 1, note: "Is this your style?")
            #expect(asked.status == .ok)
            #expect(asked.json["status"].string == "awaiting_artist")
            #expect(asked.json["ruling_due_at"].string != nil)

            let waiting = try await client.call(.get, "/v1/artists/me/rulings", token: artistToken)
            #expect(waiting.json["items"].array.map { $0["id"].int } == [id])
            #expect(waiting.json["items"][0]["moderator_note"].string == "Is this your style?")
            #expect(waiting.json["items"][0]["snapshot"]["image_url"].string == "https://x.org/a.png")
            #expect(try await client.call(.get, "/v1/artists/me/rulings", token: otherArtistToken).json["items"].array.isEmpty)

            // Another artist, the reporter and a moderator may not rule.
            for token in [otherArtistToken, member, moderator] {
                let refused = try await client.call(.post, "/v1/reports/\(id)/ruling", token: token, json: ["verdict": "not_imitation"])
                #expect(refused.status == .forbidden)
            }
            #expect(
                try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "maybe"]).errorCode
                    == "invalid_verdict"
            )

            let ruled = try await client.call(
                .post,
                "/v1/reports/\(id)/ruling",
                token: artistToken,
                json: ["verdict": "imitation", "note": "That is my lighthouse series."]
            )
            #expect(ruled.status == .ok)
            #expect(ruled.json["status"].string == "taken_down")
            let twice = try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "not_imitation"])
            #expect(twice.errorCode == "illegal_transition")
            #expect(twice.json["status"].string == "taken_down")
            let outcome = try await client.call(.get, "/v1/reports/\(id)", token: member).json["outcome"]
            #expect(outcome["result"].string == "taken_down")
            #expect(outcome["decided_by"].string == "artist")

            // Asking an unverified artist is refused with the reason.
            let other = try await file(client, member, artist: unverified, url: "https://x.org/b.png").json["id"].int!
            _ = try await client.call(.post, "/v1/moderation/reports/\(other)/claim", token: moderator)
            let notVerified = try await decide(client, moderator, other, "ask_artist", version: 1)
            #expect(notVerified.status == .conflict)
            #expect(notVerified.errorCode == "artist_cannot_rule")
            #expect(notVerified.json["error"]["message"].string?.contains("not verified") == true)
            #expect(try await item(client, moderator, other)["status"].string == "open")
        }
    }

    @Test func notImitationEndsDismissed() async throws {
        try await withApp { client, _ in
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let moderator = try await client.moderatorToken()
            let id = try await file(client, member, artist: artist, url: "https://x.org/a.png").json["id"].int!
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            _ = try await decide(client, moderator, id, "ask_artist", version: 1)
            let ruled = try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "not_imitation"])
            #expect(ruled.json["status"].string == "dismissed")
            #expect(try await client.call(.get, "/v1/reports/\(id)", token: member).json["outcome"]["result"].string == "dismissed")
        }
    }

    @Test func anUnansweredItemReturnsToTheQueueMarkedByTheBackgroundService() async throws {
        let shortWindow: (inout AppConfiguration) -> Void = {
            $0.moderation.rulingWindow = 0.3
            $0.moderation.rulingSweepInterval = .milliseconds(50)
        }
        try await withApp(configure: shortWindow) { client, _ in
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let moderator = try await client.moderatorToken()
            let id = try await file(client, member, artist: artist, url: "https://x.org/a.png").json["id"].int!
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            #expect(try await decide(client, moderator, id, "ask_artist", version: 1).json["status"].string == "awaiting_artist")
            var status = ""
            for _ in 0..<100 {
                status = try await item(client, moderator, id)["status"].string ?? ""
                if status == "open" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status == "open")
            let back = try await item(client, moderator, id)
            #expect(back["unanswered"].bool == true)
            #expect(back["version"].int == 3)
            let history = try await client.call(.get, "/v1/moderation/reports/\(id)/history", token: moderator).json["events"].array
            #expect(history.last?["action"].string == "artist_timed_out")
            #expect(history.last?["actor"]["role"].string == "system")
            #expect(history.last?["actor"]["account_id"].isNull == true)
            // Too late to rule.
            let late = try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "imitation"])
            #expect(late.errorCode == "illegal_transition")
        }
    }

    @Test func generatorsReadTheTakeDownsOfTheirGenerationsAsAFeed() async throws {
        try await withApp { client, configuration in
            let tasks = try await AdminTasks(configuration: configuration)
            let mine = try await tasks.createAPIKey(name: "studio-a", scopes: [.generate])
            let theirs = try await tasks.createAPIKey(name: "studio-b", scopes: [.generate])
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let moderator = try await client.moderatorToken()
            var generations: [String] = []
            for (index, key) in [mine, mine, theirs].enumerated() {
                let made = try await client.generate(key, account: account, prompt: "a quiet harbour \(index)", idempotency: "k\(index)")
                generations.append(made.json["id"].string!)
            }
            var reports: [Int] = []
            for generation in generations {
                let filed = try await client.call(
                    .post,
                    "/v1/reports",
                    token: member,
                    json: ["artist_id": artist, "target": ["generation_id": generation], "category": "style_imitation"]
                )
                reports.append(filed.json["id"].int!)
            }
            // The first and the third are taken down by a moderator, the second by the artist's ruling.
            for report in [reports[0], reports[2]] {
                _ = try await client.call(.post, "/v1/moderation/reports/\(report)/claim", token: moderator)
                #expect(try await decide(client, moderator, report, "take_down", version: 1).status == .ok)
            }
            _ = try await client.call(.post, "/v1/moderation/reports/\(reports[1])/claim", token: moderator)
            _ = try await decide(client, moderator, reports[1], "ask_artist", version: 1)
            _ = try await client.call(.post, "/v1/reports/\(reports[1])/ruling", token: artistToken, json: ["verdict": "imitation"])
            _ = try await client.call(.post, "/v1/moderation/reports/\(reports[0])/reopen", token: moderator, json: ["note": "Appeal upheld."])

            let feed = try await client.call(.get, "/v1/takedowns", token: mine)
            #expect(feed.status == .ok)
            let items = feed.json["items"].array
            #expect(items.map { $0["generation_id"].string! } == [generations[0], generations[1], generations[0]])
            #expect(items.map { $0["action"].string! } == ["taken_down", "taken_down", "restored"])
            #expect(items.map { $0["decided_by"].string! } == ["moderator", "artist", "moderator"])
            let after = items[0]["event_id"].int!
            let rest = try await client.call(.get, "/v1/takedowns?after=\(after)&limit=1", token: mine)
            #expect(rest.json["items"].array.map { $0["generation_id"].string! } == [generations[1]])
            #expect(rest.json["next"].string != nil)
            #expect(
                try await client.call(.get, "/v1/takedowns", token: theirs).json["items"].array.map { $0["generation_id"].string! } == [
                    generations[2]
                ]
            )
            #expect(try await client.call(.get, "/v1/takedowns", token: member).status == .forbidden)
            #expect(try await client.call(.get, "/v1/takedowns").status == .unauthorized)
            let checkOnly = try await tasks.createAPIKey(name: "checker", scopes: [.check])
            #expect(try await client.call(.get, "/v1/takedowns", token: checkOnly).status == .forbidden)
        }
    }

    // MARK: Races

    @Test func concurrentFilingsOfOneTargetMakeOneItemAndConcurrentDecisionsOneWinner() async throws {
        try await withApp { client, _ in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            var reporters: [String] = []
            for index in 0..<10 { reporters.append(try await client.signUp("racer\(index)@example.org")) }
            let filings = try await withThrowingTaskGroup(of: Reply.self) { group in
                for reporter in reporters + reporters {
                    group.addTask { try await file(client, reporter, artist: artist, url: "https://x.org/race.png") }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(Set(filings.compactMap { $0.json["id"].int }).count == 1)
            #expect(filings.filter { $0.status == .created }.count == 10)
            #expect(filings.filter { $0.status == .ok }.count == 10)
            let id = filings[0].json["id"].int!
            let moderator = try await client.moderatorToken()
            #expect(try await item(client, moderator, id)["reporter_count"].int == 10)

            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            let decisions = try await withThrowingTaskGroup(of: Reply.self) { group in
                for action in ["dismiss", "take_down", "dismiss", "take_down", "dismiss"] {
                    group.addTask { try await decide(client, moderator, id, action, version: 1) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(decisions.filter { $0.status == .ok }.count == 1)
            #expect(decisions.filter { $0.status == .conflict }.count == 4)
            let events = try await client.call(.get, "/v1/moderation/reports/\(id)/history", token: moderator).json["events"].array
            #expect(events.filter { ["dismiss", "take_down"].contains($0["action"].string ?? "") }.count == 1)
        }
    }

    // MARK: Audit trail

    @Test func theHistoryRecordsEveryStepWithWhoAndWhen() async throws {
        try await withApp { client, _ in
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let second = try await client.signUp("second@example.org")
            let moderator = try await client.moderatorToken()
            let modId = try await client.accountId(moderator)
            let id = try await file(client, member, artist: artist, url: "https://x.org/a.png").json["id"].int!
            _ = try await file(client, second, artist: artist, url: "https://x.org/a.png")
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/release", token: moderator)
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: moderator)
            _ = try await decide(client, moderator, id, "ask_artist", version: 1, note: "Unclear; asking the artist.")
            _ = try await client.call(.post, "/v1/reports/\(id)/ruling", token: artistToken, json: ["verdict": "not_imitation", "note": "Not mine."])
            _ = try await client.call(.post, "/v1/moderation/reports/\(id)/reopen", token: moderator, json: ["note": "Third report came in."])

            let history = try await client.call(.get, "/v1/moderation/reports/\(id)/history", token: moderator)
            #expect(history.status == .ok)
            let events = history.json["events"].array
            #expect(
                events.map { $0["action"].string! } == [
                    "filed", "reporter_added", "claimed", "released", "claimed", "ask_artist", "ruled_not_imitation", "reopened",
                ]
            )
            #expect(
                events.map { $0["actor"]["role"].string! } == [
                    "reporter", "reporter", "moderator", "moderator", "moderator", "moderator", "artist", "moderator",
                ]
            )
            #expect(events[5]["actor"]["account_id"].int == modId)
            #expect(events[5]["from_status"].string == "open")
            #expect(events[5]["to_status"].string == "awaiting_artist")
            #expect(events[5]["note"].string == "Unclear; asking the artist.")
            #expect(events[6]["to_status"].string == "dismissed")
            #expect(events[6]["note"].string == "Not mine.")
            #expect(events[7]["to_status"].string == "open")
            #expect(events.allSatisfy { $0["at"].string != nil })
            #expect(try await client.call(.get, "/v1/moderation/reports/999/history", token: moderator).status == .notFound)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func theAuditTableRefusesUpdateAndDelete() async throws {
        try await withApp { client, configuration in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            #expect(try await file(client, member, artist: artist, url: "https://x.org/a.png").status == .created)
            let database = try AppDatabase(
                dataDirectory: configuration.storage.dataDirectory,
                migrationsDirectory: repositoryRoot.appendingPathComponent("Migrations/sqlite")
            )
            #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM report_event") } == 1)
            #expect(throws: DatabaseError.self) {
                try database.write { db in try db.execute(sql: "UPDATE report_event SET note = 'rewritten'") }
            }
            #expect(throws: DatabaseError.self) {
                try database.write { db in try db.execute(sql: "DELETE FROM report_event") }
            }
            let note = try database.read { db in try String.fetchOne(db, sql: "SELECT note FROM report_event") }
            #expect(note == "Looks like their brushwork.")
        }
    }
}
