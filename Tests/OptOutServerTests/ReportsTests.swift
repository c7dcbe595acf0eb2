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
