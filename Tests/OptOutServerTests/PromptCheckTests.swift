import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct PromptCheckTests {
    func checkKey(_ configuration: AppConfiguration, scopes: Set<APIScope> = [.check]) async throws -> String {
        try await newAPIKey(configuration, scopes: scopes)
    }

    func check(_ client: some TestClientProtocol, _ key: String, _ prompt: String) async throws -> Reply {
        try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": prompt])
    }

    @Test func aBlockedNameIsRefusedEvenInDisguise() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            let artist = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(artist, name: "Greg Rutkowski", aliases: ["Rutkowski"])
            let prompt = "a dragon, art by Gr3g Rutk0wski"
            let reply = try await check(client, key, prompt)
            #expect(reply.status == .ok)
            #expect(reply.json["allowed"].bool == false)
            let match = reply.json["matches"][0]
            #expect(match["artist_id"].int == id)
            #expect(match["artist_name"].string == "Greg Rutkowski")
            #expect(match["phrase"].string == "Greg Rutkowski")
            #expect(match["kind"].string == "name")
            #expect(match["policy"].string == "block")
            #expect(match["start"].int == 17)
            #expect(match["end"].int == 31)
            #expect(match["via"].array.compactMap(\.string).contains("leet"))
            #expect(reply.json["registry_version"].int == (try await client.registryVersion()))

            let ordinary = try await check(client, key, "a constant stream of light over the sea")
            #expect(ordinary.json["allowed"].bool == true)
            #expect(ordinary.json["matches"].array.isEmpty)
        }
    }

    @Test func creditPolicyIsAllowedAndListed() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            let artist = try await client.signUp("mucha@example.org")
            _ = try await client.createArtist(artist, name: "Alphonse Mucha", policy: "credit")
            let reply = try await check(client, key, "poster in the style of alphonse mucha")
            #expect(reply.json["allowed"].bool == true)
            #expect(reply.json["matches"][0]["policy"].string == "credit")
        }
    }

    @Test func editsWithdrawalsAndReviewsTakeEffectAtOnce() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            let artist = try await client.signUp("rose@example.org")
            let id = try await client.createArtist(artist, name: "Rosalind Painter", aliases: ["Rose"])
            // "Rose" waits for review, so it does not block yet.
            #expect(try await check(client, key, "a red rose").json["allowed"].bool == true)
            let moderator = try await client.moderatorToken()
            let pending = try await client.call(.get, "/v1/moderation/phrases", token: moderator).json["items"][0]["id"].int!
            _ = try await client.call(.post, "/v1/moderation/phrases/\(pending)/approve", token: moderator)
            #expect(try await check(client, key, "a red rose").json["allowed"].bool == false)

            _ = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["policy": "credit"])
            let credited = try await check(client, key, "by rosalind painter")
            #expect(credited.json["allowed"].bool == true)
            #expect(credited.json["matches"][0]["policy"].string == "credit")

            _ = try await client.call(.delete, "/v1/artists/\(id)", token: artist)
            let after = try await check(client, key, "by rosalind painter, a red rose")
            #expect(after.json["allowed"].bool == true)
            #expect(after.json["matches"].array.isEmpty)
        }
    }

    @Test func onlyKeysWithTheCheckScopeMayCall() async throws {
        try await withApp(
            configure: { $0.accounts.credentialCacheLifetime = .milliseconds(200) },
            body: { client, configuration in
                let member = try await client.signUp("member@example.org")
                let generateOnly = try await checkKey(configuration, scopes: [.generate])
                let body = ["prompt": "hello"]
                #expect(try await client.call(.post, "/v1/prompts/check", json: body).status == .unauthorized)
                #expect(try await client.call(.post, "/v1/prompts/check", token: member, json: body).status == .forbidden)
                #expect(try await client.call(.post, "/v1/prompts/check", token: generateOnly, json: body).status == .forbidden)
                let name = "revoked-\(UUID().uuidString.prefix(6))"
                let revoked = try await AdminTasks(configuration: configuration).createAPIKey(name: name, scopes: [.check])
                #expect(try await client.call(.post, "/v1/prompts/check", token: revoked, json: body).status == .ok)
                await #expect(try AdminTasks(configuration: configuration).revokeAPIKey(name: name))
                // A key revoked from the command line stops working once the server's credential cache lets go of it.
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await client.call(.post, "/v1/prompts/check", token: revoked, json: body).status == .unauthorized)
            }
        )
    }

    @Test func badPromptsGetClear4xxOrACorrectAnswer() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            let empty = try await check(client, key, "")
            #expect(empty.status == .unprocessableContent)
            #expect(empty.errorCode == "empty_prompt")
            let long = try await check(client, key, String(repeating: "a", count: 4001))
            #expect(long.status == .unprocessableContent)
            #expect(long.errorCode == "prompt_too_long")
            #expect(try await check(client, key, String(repeating: "a", count: 4000)).status == .ok)
            for prompt in [
                "\u{200B}\u{200C}\u{FEFF}", String(repeating: "\u{0301}", count: 4000), "\u{0000}\u{0007}\u{001B}[31m",
                "\u{202E}\u{2066}", String(repeating: "m u c h a ", count: 200),
            ] {
                let reply = try await check(client, key, prompt)
                #expect(reply.status == .ok, "\(prompt.unicodeScalars.prefix(5).map(\.value))")
                #expect(reply.json["allowed"].bool == true)
            }
            let missing = try await client.call(.post, "/v1/prompts/check", token: key, json: ["text": "x"])
            #expect(missing.status == .unprocessableContent)
            let number = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": 5])
            #expect(number.status == .unprocessableContent)
            // A lone surrogate escaped in JSON is not a Unicode scalar.
            let surrogate = try await client.call(.post, "/v1/prompts/check", token: key, raw: ByteBuffer(string: #"{"prompt": "a \ud800 b"}"#))
            #expect(surrogate.status.code < 500)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func checksStoreNothing() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            let database = try AppDatabase(
                dataDirectory: configuration.storage.dataDirectory,
                migrationsDirectory: repositoryRoot.appendingPathComponent("Migrations/sqlite")
            )
            // Every table's rows.
            func rows() throws -> [String: Int] {
                try database.read { db in
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    var counts: [String: Int] = [:]
                    for table in tables { counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\"") ?? -1 }
                    return counts
                }
            }
            let before = try rows()
            #expect(before.count >= 20, "only \(before.count) tables were counted")
            let secret = "a secret prompt about greg rutkowski \(UUID().uuidString)"
            #expect(try await check(client, key, secret).status == .ok)
            #expect(try rows() == before)
        }
    }
}
