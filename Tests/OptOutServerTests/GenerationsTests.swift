import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct GenerationsTests {
    func generateKey(_ configuration: AppConfiguration) async throws -> String {
        try await newAPIKey(configuration, scopes: [.generate])
    }

    /// PostgreSQL cannot store the NUL character in text: a prompt holding one is the client's 400 there, never a
    /// 500 (SQLite stores it, and the generation is charged as any other).
    @Test func aPromptWithANulCharacterIsNeverA500() async throws {
        try await withApp { client, configuration in
            let token = try await client.signUp("nul@example.org")
            let account = try await client.accountId(token)
            let key = try await generateKey(configuration)
            let reply = try await client.generate(key, account: account, prompt: "a castle\u{0} at dusk", idempotency: "nul-1")
            if TestBackend.isSQLite {
                #expect(reply.status == .created)
            } else {
                #expect(reply.status == .badRequest)
                #expect(reply.json["error"]["code"].string == "invalid_text")
                // The refused charge cost nothing: the next prompt is the account's first.
                let next = try await client.generate(key, account: account, prompt: "a castle at dusk", idempotency: "nul-2")
                #expect(next.status == .created)
                #expect(next.json["usage"]["used"].int == 1)
            }
        }
    }

    @Test func freeAccountsGetFivePromptsThen402() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            for index in 1...5 {
                let reply = try await client.generate(key, account: account, prompt: "a lighthouse at dusk \(index)", idempotency: "k\(index)")
                #expect(reply.status == .created)
                #expect(reply.json["charge"]["kind"].string == "included")
                #expect(reply.json["usage"]["used"].int == index)
                #expect(reply.json["usage"]["included"].int == 5)
            }
            let refused = try await client.generate(key, account: account, prompt: "one more", idempotency: "k6")
            #expect(refused.status == HTTPResponse.Status(code: 402))
            #expect(refused.errorCode == "quota_exhausted")
            #expect(refused.json["resets_at"].string != nil)
            #expect(refused.json["usage"]["used"].int == 5)
            let usage = try await client.call(.get, "/v1/accounts/me/usage", token: member)
            #expect(usage.json["plan"].string == "free")
            #expect(usage.json["used"].int == 5)
            #expect(usage.json["overage_count"].int == 0)
        }
    }

    @Test func twoHundredConcurrentRequestsAdmitExactlyTheFiveLeft() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<200 {
                    group.addTask { try await client.generate(key, account: account, prompt: "a quiet harbour", idempotency: "c\(index)").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 5)
            #expect(statuses.filter { $0 == HTTPResponse.Status(code: 402) }.count == 195)
        }
    }

    @Test func theSameIdempotencyKeyGetsTheSameAnswerAndOneCharge() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<20 { group.addTask { try await client.generate(key, account: account, prompt: "a red fox", idempotency: "same") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .created })
            #expect(Set(replies.map { String(buffer: $0.body) }).count == 1)
            #expect(try await client.call(.get, "/v1/accounts/me/usage", token: member).json["used"].int == 1)
        }
    }

    @Test func blockedPromptsCostNothingAndCreditsAreRecorded() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let greg = try await client.signUp("greg@example.org")
            _ = try await client.createArtist(greg, name: "Greg Rutkowski")
            let mucha = try await client.signUp("mucha@example.org")
            let muchaId = try await client.createArtist(mucha, name: "Alphonse Mucha", policy: "credit")
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)

            let blocked = try await client.generate(key, account: account, prompt: "castle by Gr3g Rutk0wski", idempotency: "b1")
            #expect(blocked.status == .unprocessableContent)
            #expect(blocked.errorCode == "prompt_blocked")
            #expect(blocked.json["matches"][0]["artist_name"].string == "Greg Rutkowski")

            let credited = try await client.generate(key, account: account, prompt: "poster in the style of alphonse mucha", idempotency: "c1")
            #expect(credited.status == .created)
            #expect(credited.json["credits"][0]["artist_id"].int == muchaId)
            #expect(credited.json["credits"][0]["name"].string == "Alphonse Mucha")
            #expect(try await client.call(.get, "/v1/accounts/me/usage", token: member).json["used"].int == 1)

            let id = try #require(credited.json["id"].string)
            let shown = try await client.call(.get, "/v1/generations/\(id)", token: member)
            #expect(shown.status == .ok)
            #expect(shown.json["decision"].string == "allowed")
            #expect(shown.json["credits"][0]["name"].string == "Alphonse Mucha")
            #expect(try await client.call(.get, "/v1/generations/\(id)", token: key).status == .ok)
            #expect(try await client.call(.get, "/v1/generations/\(id)", token: greg).status == .forbidden)
            #expect(try await client.call(.get, "/v1/generations/\(id)").status == .unauthorized)
            let otherKey = try await generateKey(configuration)
            #expect(try await client.call(.get, "/v1/generations/\(id)", token: otherKey).status == .forbidden)
        }
    }

    @Test func overageIsChargedOnlyWhenTurnedOn() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let admin = try await client.signIn("admin@example.org", password: "moderator-pass")
            let moderator = try await client.moderatorToken()
            #expect(
                try await client.call(.patch, "/v1/accounts/\(account)/plan", token: moderator, json: ["plan": "free", "overage": true]).status
                    == .forbidden
            )
            #expect(try await client.call(.patch, "/v1/accounts/\(account)/plan", token: member, json: ["plan": "member"]).status == .forbidden)
            #expect(try await client.call(.patch, "/v1/accounts/\(account)/plan", token: admin, json: ["plan": "gold"]).errorCode == "unknown_plan")
            let set = try await client.call(.patch, "/v1/accounts/\(account)/plan", token: admin, json: ["plan": "free", "overage": true])
            #expect(set.status == .ok)
            #expect(set.json["overage"].bool == true)
            for index in 1...6 { _ = try await client.generate(key, account: account, prompt: "a garden \(index)", idempotency: "o\(index)") }
            let usage = try await client.call(.get, "/v1/accounts/me/usage", token: member).json
            #expect(usage["used"].int == 6)
            #expect(usage["overage_count"].int == 1)
            #expect(usage["overage_cents"].int == 20)
        }
    }

    @Test func onlyGenerateKeysMayGenerate() async throws {
        try await withApp { client, configuration in
            let checkKey = try await AdminTasks(configuration: configuration).createAPIKey(name: "checker", scopes: [.check])
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let body: [String: Any] = ["account_id": account, "prompt": "x", "idempotency_key": "k"]
            #expect(try await client.call(.post, "/v1/generations", json: body).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/generations", token: checkKey, json: body).status == .forbidden)
            #expect(try await client.call(.post, "/v1/generations", token: member, json: body).status == .forbidden)
            let key = try await generateKey(configuration)
            let unknown = try await client.call(
                .post,
                "/v1/generations",
                token: key,
                json: ["account_id": 999_999, "prompt": "x", "idempotency_key": "k"]
            )
            #expect(unknown.errorCode == "unknown_account")
        }
    }

    @Test func labelsAreEmbeddedAndVerified() async throws {
        try await withApp { client, configuration in
            let key = try await generateKey(configuration)
            let mucha = try await client.signUp("mucha@example.org")
            _ = try await client.createArtist(mucha, name: "Alphonse Mucha", policy: "credit")
            let member = try await client.signUp("member@example.org")
            let account = try await client.accountId(member)
            let generation = try await client.generate(key, account: account, prompt: "poster after alphonse mucha", idempotency: "l1")
            let id = try #require(generation.json["id"].string)
            let png = try Data(
                contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("OptOutCoreTests/Fixtures/small.png")
            )
            let labelled = try await client.call(.post, "/v1/generations/\(id)/label", token: key, raw: ByteBuffer(data: png))
            #expect(labelled.status == .ok)
            #expect(labelled.headers[.contentType] == "image/png")
            let verified = try await client.call(.post, "/v1/labels/verify", raw: labelled.body)
            #expect(verified.json["labeled"].bool == true)
            #expect(verified.json["generation_id"].string == id)
            #expect(verified.json["credits_required"].array.compactMap(\.string) == ["Alphonse Mucha"])
            let plain = try await client.call(.post, "/v1/labels/verify", raw: ByteBuffer(data: png))
            #expect(plain.json["labeled"].bool == false)
            let garbage = try await client.call(.post, "/v1/labels/verify", raw: ByteBuffer(string: "GIF89a not really"))
            #expect(garbage.status == .unprocessableContent)
            #expect(garbage.errorCode == "not_an_image")
            let stranger = try await client.signUp("stranger@example.org")
            #expect(try await client.call(.post, "/v1/generations/\(id)/label", token: stranger, raw: ByteBuffer(data: png)).status == .forbidden)
        }
    }

    @Test func imagesOverTheLimitAre413() async throws {
        try await withApp(
            configure: { $0.labels.maxImageBytes = 1000 },
            body: { client, _ in
                let reply = try await client.call(.post, "/v1/labels/verify", raw: ByteBuffer(repeating: 0x89, count: 2000))
                #expect(reply.status == .contentTooLarge)
            }
        )
    }
}
