import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

extension ReportsTests {
    // MARK: The queue

    @Test func theQueueListsOpenItemsFirstByReportersThenOldestAndPages() async throws {
        try await withApp { client, _ in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let moderator = try await client.moderatorToken()
            var reporters: [String] = []
            for index in 0..<3 { reporters.append(try await client.signUp("r\(index)@example.org")) }
            let a = try await file(client, reporters[0], artist: artist, url: "https://x.org/a.png").json["id"].int!
            let b = try await file(client, reporters[0], artist: artist, url: "https://x.org/b.png").json["id"].int!
            let c = try await file(client, reporters[0], artist: artist, url: "https://x.org/c.png").json["id"].int!
            let d = try await file(client, reporters[0], artist: artist, url: "https://x.org/d.png").json["id"].int!
            for reporter in reporters.dropFirst() { _ = try await file(client, reporter, artist: artist, url: "https://x.org/c.png") }
            _ = try await file(client, reporters[1], artist: artist, url: "https://x.org/b.png")
            // a is decided, so it goes last although it is oldest.
            _ = try await client.call(.post, "/v1/moderation/reports/\(a)/claim", token: moderator)
            #expect(try await decide(client, moderator, a, "dismiss", version: 1).status == .ok)

            let all = try await client.call(.get, "/v1/moderation/reports", token: moderator)
            #expect(all.status == .ok)
            #expect(all.json["items"].array.map { $0["id"].int! } == [c, b, d, a])
            let first = all.json["items"][0]
            #expect(first["reporter_count"].int == 3)
            #expect(first["artist_id"].int == artist)
            #expect(first["status"].string == "open")
            #expect(first["claimed_by"].isNull)
            #expect(first["version"].int == 1)

            /// Every id the queue lists from `query`, following `next` page by page.
            func walk(_ query: String) async throws -> [Int] {
                var seen: [Int] = []
                var after: String?
                repeat {
                    let page = try await client.call(.get, "/v1/moderation/reports?\(query)" + (after.map { "&after=\($0)" } ?? ""), token: moderator)
                    #expect(page.status == .ok)
                    seen += page.json["items"].array.map { $0["id"].int! }
                    after = page.json["next"].string
                } while after != nil && seen.count < 10
                return seen
            }
            #expect(try await walk("limit=1") == [c, b, d, a])
            #expect(try await walk("status=open&limit=2") == [c, b, d])
            let open = try await client.call(.get, "/v1/moderation/reports?status=open", token: moderator)
            #expect(open.json["items"].array.map { $0["id"].int! } == [c, b, d])
            let dismissed = try await client.call(.get, "/v1/moderation/reports?status=dismissed", token: moderator)
            #expect(dismissed.json["items"].array.map { $0["id"].int! } == [a])
            #expect(try await client.call(.get, "/v1/moderation/reports?status=closed", token: moderator).errorCode == "invalid_status")
            #expect(try await client.call(.get, "/v1/moderation/reports?after=x", token: moderator).errorCode == "invalid_after")
        }
    }

    @Test func claimsAreExclusiveAndDecisionsNeedTheClaimAndTheCurrentVersion() async throws {
        try await withApp { client, configuration in
            let (id, member, first, second) = try await oneReportTwoModerators(client, configuration)
            let admin = try await client.signIn("admin@example.org", password: "moderator-pass")
            let firstId = try await client.accountId(first)

            // Deciding without a claim.
            #expect(try await decide(client, first, id, "dismiss", version: 1).errorCode == "claim_required")

            let claimed = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: first)
            #expect(claimed.status == .ok)
            #expect(claimed.json["claimed_by"].int == firstId)
            #expect(claimed.json["claim_expires_at"].string != nil)

            // Another moderator: 409 naming the holder, for claiming, deciding and releasing.
            let taken = try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: second)
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "claimed")
            #expect(taken.json["claimed_by"].int == firstId)
            #expect(taken.json["error"]["message"].string?.hasPrefix("mod (account \(firstId)) holds report") == true)
            let otherDecides = try await decide(client, second, id, "take_down", version: 1)
            #expect(otherDecides.status == .conflict)
            #expect(otherDecides.errorCode == "claimed")
            #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/release", token: second).errorCode == "claimed")

            // A stale version.
            let stale = try await decide(client, first, id, "dismiss", version: 7)
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            #expect(stale.json["version"].int == 1)

            // A note is required.
            #expect(try await decide(client, first, id, "dismiss", version: 1, note: "  ").errorCode == "missing_note")
            #expect(try await decide(client, first, id, "ban", version: 1).errorCode == "invalid_action")

            // An admin may release another's claim; then the second moderator claims and decides.
            #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/release", token: admin).status == .ok)
            #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: second).status == .ok)
            let decided = try await decide(client, second, id, "take_down", version: 1, note: "Same motif and palette.")
            #expect(decided.status == .ok)
            #expect(decided.json["status"].string == "taken_down")
            #expect(decided.json["version"].int == 2)
            #expect(decided.json["claimed_by"].isNull)
            #expect(decided.json["outcome"]["decided_by"].string == "moderator")

            // A decided item: claiming and deciding again are refused with its state.
            let again = try await decide(client, second, id, "dismiss", version: 2)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "illegal_transition")
            #expect(again.json["status"].string == "taken_down")
            #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: first).errorCode == "report_not_open")

            // The reporter sees the outcome.
            let mine = try await client.call(.get, "/v1/reports/\(id)", token: member)
            #expect(mine.json["status"].string == "taken_down")
            #expect(mine.json["outcome"]["result"].string == "taken_down")

            // Reopen with a note; a stale version or a missing note is refused.
            #expect(
                try await client.call(.post, "/v1/moderation/reports/\(id)/reopen", token: first, json: ["version": 2]).errorCode == "missing_field"
            )
            #expect(
                try await client.call(.post, "/v1/moderation/reports/\(id)/reopen", token: first, json: ["note": "New evidence.", "version": 1])
                    .errorCode == "version_conflict"
            )
            let reopened = try await client.call(
                .post,
                "/v1/moderation/reports/\(id)/reopen",
                token: first,
                json: ["note": "New evidence.", "version": 2]
            )
            #expect(reopened.status == .ok)
            #expect(reopened.json["status"].string == "open")
            #expect(reopened.json["outcome"].isNull)
            let reopenOpen = try await client.call(.post, "/v1/moderation/reports/\(id)/reopen", token: first, json: ["note": "Again."])
            #expect(reopenOpen.errorCode == "illegal_transition")
            #expect(reopenOpen.json["status"].string == "open")

            #expect(try await client.call(.post, "/v1/moderation/reports/999/claim", token: first).status == .notFound)
        }
    }

    @Test func anExpiredClaimFreesTheItem() async throws {
        try await withApp(
            configure: { $0.moderation.claimLifetime = 0.2 },
            body: { client, configuration in
                let (id, _, first, second) = try await oneReportTwoModerators(client, configuration)
                #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: first).status == .ok)
                try await Task.sleep(for: .milliseconds(400))
                #expect(try await item(client, first, id)["claimed_by"].isNull)
                #expect(try await decide(client, first, id, "dismiss", version: 1).errorCode == "claim_required")
                #expect(try await client.call(.post, "/v1/moderation/reports/\(id)/claim", token: second).status == .ok)
            }
        )
    }
}
