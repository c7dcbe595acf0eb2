import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct ComplaintsTests {
    func body(_ changes: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "rightsholder": "Jana Novák",
            "contact_email": "jana@example.org",
            "work_url": "https://jana.example/works/heron",
            "used_in": "The model card of Example-Diffusion 3 lists a scrape of jana.example",
            "details": "Opted out in March.",
        ]
        for (key, value) in changes { body[key] = value }
        return body
    }

    @Test func aRightsholderFilesAndFollowsAComplaint() async throws {
        try await withApp(
            configure: { $0.moderation.contact = "rights@platform.example" },
            body: { client, _ in
                let contact = try await client.call(.get, "/v1/complaints/contact")
                #expect(contact.json["contact"].string == "rights@platform.example")
                #expect(contact.json["page"].string == "/complaint.html")

                let artist = try await client.signUp("jana@example.org")
                let artistId = try await client.createArtist(artist, name: "Jana Novák")
                let filed = try await client.call(.post, "/v1/complaints", token: artist, json: body(["artist_id": artistId]))
                #expect(filed.status == .created, "\(String(buffer: filed.body))")
                #expect(filed.json["category"].string == "opt_out_ignored")
                #expect(filed.json["status"].string == "open")
                #expect(filed.json["artist_name"].string == "Jana Novák")
                #expect(filed.json["contact"].string == "rights@platform.example")
                #expect(filed.json["work_url"].string == "https://jana.example/works/heron")
                let id = try #require(filed.json["id"].int)
                #expect(filed.headers[.location] == "/v1/complaints/\(id)")

                // The filer and moderators see it; another account does not.
                let first = try await client.call(.get, "/v1/complaints/\(id)", token: artist).json["history"].array
                #expect(first.count == 1)
                // Every member is there, a missing note as null (the schema requires it).
                #expect((first.first?.value as? [String: Any])?.keys.sorted() == ["action", "actor_account_id", "created_at", "note"])
                let stranger = try await client.signUp("stranger@example.org")
                #expect(try await client.call(.get, "/v1/complaints/\(id)", token: stranger).status == .notFound)
                #expect(try await client.call(.get, "/v1/complaints/\(id)").status == .unauthorized)
                #expect(try await client.call(.get, "/v1/complaints/mine", token: stranger).json["items"].array.isEmpty)
                #expect(try await client.call(.get, "/v1/complaints/mine", token: artist).json["items"].array.map { $0["id"].int } == [id])

                // Only moderators list and decide; the queue shows it as its own category.
                #expect(try await client.call(.get, "/v1/moderation/complaints", token: artist).status == .forbidden)
                let moderator = try await client.moderatorToken()
                let queue = try await client.call(.get, "/v1/moderation/complaints?status=open", token: moderator)
                #expect(queue.json["items"].array.map { $0["id"].int } == [id])
                let decision: [String: Any] = ["decision": "resolve", "note": "Asked the model's maker to remove it.", "version": 1]
                #expect(try await client.call(.post, "/v1/moderation/complaints/\(id)/decision", token: artist, json: decision).status == .forbidden)
                let decided = try await client.call(.post, "/v1/moderation/complaints/\(id)/decision", token: moderator, json: decision)
                #expect(decided.status == .ok)
                #expect(decided.json["status"].string == "resolved")
                #expect(decided.json["history"].array.map { $0["action"].string } == ["filed", "resolved"])
                // A stale version, and a step the state does not allow, are 409s.
                let stale = try await client.call(.post, "/v1/moderation/complaints/\(id)/decision", token: moderator, json: decision)
                #expect(stale.status == .conflict && stale.errorCode == "version_conflict")
                let again = try await client.call(
                    .post,
                    "/v1/moderation/complaints/\(id)/decision",
                    token: moderator,
                    json: ["decision": "dismiss", "note": "x1", "version": 2]
                )
                #expect(again.status == .conflict && again.errorCode == "illegal_transition")
                let reopened = try await client.call(
                    .post,
                    "/v1/moderation/complaints/\(id)/decision",
                    token: moderator,
                    json: ["decision": "reopen", "note": "The maker did not answer.", "version": 2]
                )
                #expect(reopened.json["status"].string == "open")
                #expect(try await client.call(.get, "/v1/complaints/\(id)", token: artist).json["status"].string == "open")
                #expect(try await client.call(.get, "/v1/moderation/complaints?status=resolved", token: moderator).json["items"].array.isEmpty)
                #expect(try await client.call(.get, "/v1/moderation/complaints?status=maybe", token: moderator).status == .unprocessableContent)
                #expect(try await client.call(.post, "/v1/moderation/complaints/999/decision", token: moderator, json: decision).status == .notFound)
            }
        )
    }

    @Test func badComplaintsAreClear422s() async throws {
        try await withApp { client, _ in
            let member = try await client.signUp("member@example.org")
            #expect(try await client.call(.post, "/v1/complaints", json: body()).status == .unauthorized)
            let cases: [([String: Any], String)] = [
                (["rightsholder": "  "], "rightsholder"),
                (["rightsholder": "Line\nbreak"], "rightsholder"),
                (["contact_email": "not an email"], "contact_email"),
                (["work_url": "ftp://jana.example/x"], "work_url"),
                (["work_url": NSNull()], "work_url"),
                (["used_in": "..."], "used_in"),
                (["used_in": String(repeating: "a", count: 2001)], "used_in"),
                (["details": String(repeating: "a", count: 2001)], "details"),
                (["artist_id": 0], "artist_id"),
                (["artist_id": 999_999], "artist_id"),
            ]
            for (change, field) in cases {
                let reply = try await client.call(.post, "/v1/complaints", token: member, json: body(change))
                #expect(reply.status == .unprocessableContent, "\(change): \(String(buffer: reply.body))")
                #expect(reply.json["error"]["field"].string == field, "\(change)")
            }
            // As on every route, a field the API does not know is ignored.
            #expect(try await client.call(.post, "/v1/complaints", token: member, json: body(["colour": "blue"])).status == .created)
            #expect(try await client.call(.post, "/v1/complaints", token: member, raw: ByteBuffer(string: "{")).status == .badRequest)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func filingIsLimitedPerHourAndTheTrailIsAppendOnly() async throws {
        try await withApp(
            configure: { $0.moderation.complaintsPerHour = 2 },
            body: { client, configuration in
                let member = try await client.signUp("member@example.org")
                for _ in 0..<2 { #expect(try await client.call(.post, "/v1/complaints", token: member, json: body()).status == .created) }
                let limited = try await client.call(.post, "/v1/complaints", token: member, json: body())
                #expect(limited.status == .tooManyRequests && limited.errorCode == "too_many_complaints")
                #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
                // Another account is not held back by this one.
                let other = try await client.signUp("other@example.org")
                #expect(try await client.call(.post, "/v1/complaints", token: other, json: body()).status == .created)

                let database = try AppDatabase(
                    dataDirectory: configuration.storage.dataDirectory,
                    migrationsDirectory: configuration.storage.resourceRoot!.appendingPathComponent("Migrations/sqlite")
                )
                #expect(throws: (any Error).self) { try database.write { db in try db.execute(sql: "UPDATE complaint_event SET note = 'x'") } }
                #expect(throws: (any Error).self) { try database.write { db in try db.execute(sql: "DELETE FROM complaint_event") } }
            }
        )
    }
}
