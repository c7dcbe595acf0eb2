import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct ReportsTests {
    /// An artist with an account, verified by the moderator; returns (artist token, artist id).
    func verifiedArtist(_ client: some TestClientProtocol, name: String, verify: Bool = true) async throws -> (String, Int) {
        let token = try await client.signUp("\(name.lowercased().replacingOccurrences(of: " ", with: "."))@example.org")
        let id = try await client.createArtist(token, name: name)
        if verify {
            let verified = try await client.call(.post, "/v1/artists/\(id)/verify", token: try await client.moderatorToken())
            #expect(verified.status == .ok)
        }
        return (token, id)
    }

    /// A report by a member, and sessions of two moderators: (report id, member, first moderator, second moderator).
    func oneReportTwoModerators(_ client: some TestClientProtocol, _ configuration: AppConfiguration) async throws -> (Int, String, String, String) {
        try await secondModerator(configuration)
        let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
        let member = try await client.signUp("member@example.org")
        let id = try await file(client, member, artist: artist, url: "https://x.org/a.png").json["id"].int!
        let first = try await client.moderatorToken()
        let second = try await client.signIn("mod2@example.org", password: "moderator-pass")
        return (id, member, first, second)
    }

    /// A second moderator, `mod2@example.org`.
    func secondModerator(_ configuration: AppConfiguration) async throws {
        _ = try await AdminTasks(configuration: configuration).createStaff(email: "mod2@example.org", password: "moderator-pass", role: .moderator)
    }

    func file(
        _ client: some TestClientProtocol,
        _ token: String,
        artist: Int,
        url: String,
        category: String = "style_imitation"
    ) async throws
        -> Reply
    {
        try await client.call(
            .post,
            "/v1/reports",
            token: token,
            json: ["artist_id": artist, "target": ["image_url": url], "category": category, "details": "Looks like their brushwork."]
        )
    }

    func decide(
        _ client: some TestClientProtocol,
        _ token: String,
        _ id: Int,
        _ action: String,
        version: Int,
        note: String = "Checked."
    )
        async throws -> Reply
    {
        try await client.call(
            .post,
            "/v1/moderation/reports/\(id)/decision",
            token: token,
            json: ["action": action, "note": note, "version": version]
        )
    }

    func item(_ client: some TestClientProtocol, _ token: String, _ id: Int) async throws -> JSON {
        try await client.call(.get, "/v1/moderation/reports/\(id)", token: token).json
    }

    // MARK: Filing

    @Test func aSecondReportOfOneTargetJoinsTheFirstAndOneReporterCountsOnce() async throws {
        try await withApp { client, _ in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let first = try await client.signUp("first@example.org")
            let second = try await client.signUp("second@example.org")
            let filed = try await file(client, first, artist: artist, url: "https://Images.Example.org/cat.png#top")
            #expect(filed.status == .created)
            #expect(filed.json["reporter_count"].int == 1)
            #expect(filed.json["status"].string == "open")
            #expect(filed.json["target"]["image_url"].string == "https://images.example.org/cat.png")
            let id = filed.json["id"].int!
            #expect(filed.headers[.location] == "/v1/reports/\(id)")

            let joined = try await file(client, second, artist: artist, url: "https://images.example.org/cat.png", category: "missing_credit")
            #expect(joined.status == .created)
            #expect(joined.json["id"].int == id)
            #expect(joined.json["reporter_count"].int == 2)
            #expect(joined.json["category"].string == "missing_credit")

            let again = try await file(client, first, artist: artist, url: "https://images.example.org/cat.png")
            #expect(again.status == .ok)
            #expect(again.json["id"].int == id)
            #expect(again.json["reporter_count"].int == 2)
            #expect(again.json["already_reported"].bool == true)

            // Another artist and the same image is another item.
            let (_, other) = try await verifiedArtist(client, name: "Oren Vale")
            let separate = try await file(client, first, artist: other, url: "https://images.example.org/cat.png")
            #expect(separate.status == .created)
            #expect(separate.json["id"].int != id)

            let moderator = try await client.moderatorToken()
            let detail = try await item(client, moderator, id)
            #expect(detail["reporters"].array.count == 2)
            #expect(detail["snapshot"]["image_url"].string == "https://images.example.org/cat.png")
            #expect(detail["snapshot"]["artist"]["name"].string == "Mira Kestrel")
        }
    }

    @Test func aReporterFindsAnArtistByANameInDisguise() async throws {
        try await withApp { client, configuration in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let found = try await client.call(.get, "/v1/artists/find?name=M%C3%8DRA%20%20kestrel", token: member)
            #expect(found.status == .ok)
            #expect(found.json["items"].array.map { $0["artist_id"].int } == [artist])
            #expect(found.json["items"][0]["artist_name"].string == "Mira Kestrel")
            #expect(try await client.call(.get, "/v1/artists/find?name=lighthouse", token: member).json["items"].array.isEmpty)
            #expect(try await client.call(.get, "/v1/artists/find?name=", token: member).errorCode == "invalid_name")
            #expect(try await client.call(.get, "/v1/artists/find?name=Mira%20Kestrel").status == .unauthorized)
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
            #expect(try await client.call(.get, "/v1/artists/find?name=Mira%20Kestrel", token: key).status == .forbidden)
        }
    }

    @Test func badFilingsAreClear422sAndStrangersAreRefused() async throws {
        try await withApp { client, configuration in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            let cases: [([String: Any], String)] = [
                (["artist_id": 999, "target": ["image_url": "https://x.org/a.png"], "category": "other"], "unknown_artist"),
                (["artist_id": artist, "target": ["image_url": "ftp://x.org/a.png"], "category": "other"], "invalid_image_url"),
                (["artist_id": artist, "target": [String: Any](), "category": "other"], "invalid_target"),
                (
                    ["artist_id": artist, "target": ["image_url": "https://x.org/a.png", "generation_id": "gen_x"], "category": "other"],
                    "invalid_target"
                ),
                (["artist_id": artist, "target": ["generation_id": "gen_missing"], "category": "other"], "unknown_generation"),
                (["artist_id": artist, "target": ["image_url": "https://x.org/a.png"], "category": "theft"], "invalid_category"),
                (
                    [
                        "artist_id": artist, "target": ["image_url": "https://x.org/a.png"], "category": "other",
                        "details": String(repeating: "a", count: 2001),
                    ],
                    "details_too_long"
                ),
                (["artist_id": artist, "category": "other"], "missing_field"),
            ]
            for (body, code) in cases {
                let reply = try await client.call(.post, "/v1/reports", token: member, json: body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.errorCode == code, "\(body): \(String(buffer: reply.body))")
            }
            let anonymous = try await client.call(
                .post,
                "/v1/reports",
                json: ["artist_id": artist, "target": ["image_url": "https://x.org/a.png"], "category": "other"]
            )
            #expect(anonymous.status == .unauthorized)
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
            let byKey = try await client.call(
                .post,
                "/v1/reports",
                token: key,
                json: ["artist_id": artist, "target": ["image_url": "https://x.org/a.png"], "category": "other"]
            )
            #expect(byKey.status == .forbidden)
        }
    }

    @Test func twentyReportsAnHourThen429WithRetryAfter() async throws {
        try await withApp { client, _ in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            for index in 0..<20 {
                #expect(try await file(client, member, artist: artist, url: "https://x.org/\(index).png").status == .created)
            }
            let refused = try await file(client, member, artist: artist, url: "https://x.org/20.png")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "too_many_reports")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 3500)
            // Repeating a report already made is not a new filing, and another account has its own allowance.
            #expect(try await file(client, member, artist: artist, url: "https://x.org/3.png").status == .ok)
            let other = try await client.signUp("other@example.org")
            #expect(try await file(client, other, artist: artist, url: "https://x.org/20.png").status == .created)
        }
    }

    @Test func aGenerationIsSnapshottedWithItsPromptCreditsAndLabel() async throws {
        try await withApp { client, configuration in
            let (artistToken, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            _ = try await client.call(.patch, "/v1/artists/\(artist)", token: artistToken, json: ["policy": "credit"])
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "studio-gen", scopes: [.generate])
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let generated = try await client.generate(key, account: account, prompt: "a harbour in the style of Mira Kestrel", idempotency: "one")
            #expect(generated.status == .created)
            let generation = generated.json["id"].string!
            let filed = try await client.call(
                .post,
                "/v1/reports",
                token: member,
                json: ["artist_id": artist, "target": ["generation_id": generation], "category": "missing_credit"]
            )
            #expect(filed.status == .created)
            #expect(filed.json["target"]["generation_id"].string == generation)

            // The artist renames; the snapshot keeps what was reported.
            _ = try await client.call(.patch, "/v1/artists/\(artist)", token: artistToken, json: ["name": "Mira K. Studio"])
            let detail = try await item(client, try await client.moderatorToken(), filed.json["id"].int!)
            let snapshot = detail["snapshot"]
            #expect(snapshot["generation"]["prompt"].string == "a harbour in the style of Mira Kestrel")
            #expect(snapshot["generation"]["credits"][0]["name"].string == "Mira Kestrel")
            #expect(snapshot["generation"]["label"]["digital_source_type"].string == AILabel.digitalSourceType)
            #expect(snapshot["generation"]["label"]["generator"].string == "studio-gen")
            #expect(snapshot["artist"]["name"].string == "Mira Kestrel")
            #expect(snapshot["artist"]["policy"].string == "credit")

            // The generator learns of a take-down from the generation itself.
            let reportId = filed.json["id"].int!
            #expect(try await client.call(.get, "/v1/generations/\(generation)", token: key).json["taken_down"].bool == false)
            let moderator = try await client.moderatorToken()
            _ = try await client.call(.post, "/v1/moderation/reports/\(reportId)/claim", token: moderator)
            #expect(try await decide(client, moderator, reportId, "take_down", version: 1).status == .ok)
            let shown = try await client.call(.get, "/v1/generations/\(generation)", token: key)
            #expect(shown.json["taken_down"].bool == true)
            #expect(shown.json["taken_down_by_report"].int == reportId)

            // A refused generation made no image.
            _ = try await client.call(.patch, "/v1/artists/\(artist)", token: artistToken, json: ["policy": "block"])
            let refused = try await client.generate(key, account: account, prompt: "Mira K. Studio harbour", idempotency: "two")
            #expect(refused.status == .unprocessableContent)
            let reportRefused = try await client.call(
                .post,
                "/v1/reports",
                token: member,
                json: ["artist_id": artist, "target": ["generation_id": refused.json["id"].string!], "category": "filter_evasion"]
            )
            #expect(reportRefused.errorCode == "generation_not_allowed")
        }
    }

    @Test func aReporterSeesOnlyTheirOwnReports() async throws {
        try await withApp { client, _ in
            let (_, artist) = try await verifiedArtist(client, name: "Mira Kestrel")
            let alice = try await client.signUp("alice@example.org")
            let bob = try await client.signUp("bob@example.org")
            let mine = try await file(client, alice, artist: artist, url: "https://x.org/a.png").json["id"].int!
            let bobs = try await file(client, bob, artist: artist, url: "https://x.org/b.png").json["id"].int!
            let list = try await client.call(.get, "/v1/reports/mine", token: alice)
            #expect(list.status == .ok)
            #expect(list.json["items"].array.map { $0["id"].int } == [mine])
            #expect(list.json["items"][0]["outcome"].isNull)
            #expect(list.json["next"].isNull)
            #expect(try await client.call(.get, "/v1/reports/\(mine)", token: alice).status == .ok)
            #expect(try await client.call(.get, "/v1/reports/\(bobs)", token: alice).status == .notFound)
            #expect(try await client.call(.get, "/v1/reports/mine").status == .unauthorized)
            // Members see neither the queue nor an item's history.
            #expect(try await client.call(.get, "/v1/moderation/reports", token: alice).status == .forbidden)
            #expect(try await client.call(.get, "/v1/moderation/reports/\(bobs)", token: alice).status == .forbidden)
            #expect(try await client.call(.get, "/v1/moderation/reports/\(mine)/history", token: alice).status == .forbidden)
            #expect(try await client.call(.post, "/v1/moderation/reports/\(mine)/claim", token: alice).status == .forbidden)
            #expect(try await decide(client, alice, mine, "dismiss", version: 1).status == .forbidden)
        }
    }

    @Test func everyReportRouteRefusesAnonymousCallersAndAPIKeys() async throws {
        try await withApp { client, configuration in
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "every-scope", scopes: Set(APIScope.allCases))
            let routes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.post, "/v1/reports", ["artist_id": 1, "target": ["image_url": "https://x.org/a.png"], "category": "other"]),
                (.get, "/v1/reports/mine", nil),
                (.get, "/v1/reports/1", nil),
                (.post, "/v1/reports/1/ruling", ["verdict": "imitation"]),
                (.get, "/v1/artists/me/rulings", nil),
                (.get, "/v1/moderation/reports", nil),
                (.get, "/v1/moderation/reports/1", nil),
                (.get, "/v1/moderation/reports/1/history", nil),
                (.post, "/v1/moderation/reports/1/claim", nil),
                (.post, "/v1/moderation/reports/1/release", nil),
                (.post, "/v1/moderation/reports/1/decision", ["action": "dismiss", "note": "n", "version": 1]),
                (.post, "/v1/moderation/reports/1/reopen", ["note": "n"]),
            ]
            for (method, path, body) in routes {
                let anonymous = try await client.call(method, path, json: body)
                #expect(anonymous.status == .unauthorized, "\(method) \(path)")
                #expect(anonymous.errorCode == "unauthorized", "\(method) \(path)")
                let byKey = try await client.call(method, path, token: key, json: body)
                #expect(byKey.status == .forbidden, "\(method) \(path)")
            }
        }
    }

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

/// Signed-in requests that read the queue, hundreds at once: every one is answered (the service never mixes GRDB's
/// blocking and async APIs, which could leave every cooperative thread waiting for a connection no one returns).
/// On PostgreSQL the same 2,000 requests share the test's 3 connections while the whole suite runs beside them, each
/// test on a database of its own: measured at 56 s of the suite's minute, so the limit there is three minutes.
@Suite(.timeLimit(TestBackend.isSQLite ? .minutes(1) : .minutes(3))) struct ReportsLoadTests {
    @Test func hundredsOfConcurrentQueueReadsAreAllAnswered() async throws {
        // No credential cache: every request also reads its session.
        let noCache: (inout AppConfiguration) -> Void = { $0.accounts.credentialCacheLifetime = .zero }
        try await withApp(configure: noCache) { client, _ in
            let moderator = try await client.moderatorToken()
            let artistToken = try await client.signUp("artist@example.org")
            let artist = try await client.createArtist(artistToken, name: "Mira Kestrel")
            let member = try await client.signUp("member@example.org")
            var ids: [Int] = []
            for index in 0..<10 {
                let filed = try await client.call(
                    .post,
                    "/v1/reports",
                    token: member,
                    json: ["artist_id": artist, "target": ["image_url": "https://x.org/\(index).png"], "category": "other"]
                )
                ids.append(filed.json["id"].int ?? 0)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<2000 {
                    let path =
                        switch index % 4 {
                        case 0: "/v1/moderation/reports"
                        case 1: "/v1/moderation/reports/\(ids[index % ids.count])"
                        case 2: "/v1/moderation/reports/\(ids[index % ids.count])/history"
                        default: "/v1/reports/mine"
                        }
                    let token = index % 4 == 3 ? member : moderator
                    group.addTask { try await client.call(.get, path, token: token).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 2000)
            #expect(statuses.allSatisfy { $0 == .ok })
        }
    }
}
