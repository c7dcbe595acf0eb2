import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// Issue 11 end to end: the prompt check reads names in every script and spelling, and says how.
@Suite struct GateReadingsTests {
    func checkKey(_ configuration: AppConfiguration) async throws -> String { try await newAPIKey(configuration, scopes: [.check]) }

    @Test func theCheckReadsOtherScriptsAndSaysHow() async throws {
        try await withApp { client, configuration in
            let key = try await checkKey(configuration)
            for (index, name) in ["Greg Rutkowski", "Зоя Никифорова", "新海誠", "Łukasz Wójcik"].enumerated() {
                let artist = try await client.signUp("artist\(index)@example.org")
                _ = try await client.createArtist(artist, name: name)
            }
            let cases: [(String, String, String)] = [
                ("a castle, art by Грег Рутковски", "Greg Rutkowski", "transliteration"),
                ("a portrait in the style of Zoya Nikiforova", "Зоя Никифорова", "transliteration"),
                ("新海誠風の夕焼け", "新海誠", "script"),
                ("by Lukasz Wojcik, oil", "Łukasz Wójcik", "case"),
                ("by Greg Rutkovsky", "Greg Rutkowski", "phonetic"),
                ("by Rutkowski, Greg", "Greg Rutkowski", "order"),
                // Issue 23, item 5: a Latin name in katakana, as Japanese writes it.
                ("グレッグ・ルトコフスキ風のドラゴン", "Greg Rutkowski", "transliteration"),
                // And in Arabic and Hebrew letters.
                ("قلعة في الضباب، بأسلوب غريغ روتكوفسكي", "Greg Rutkowski", "transliteration"),
                ("טירה בערפל, בסגנון גרג רוטקובסקי", "Greg Rutkowski", "transliteration"),
            ]
            for (prompt, phrase, via) in cases {
                let reply = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": prompt])
                #expect(reply.status == .ok)
                #expect(reply.json["allowed"].bool == false, "\(prompt)")
                let match = reply.json["matches"][0]
                #expect(match["phrase"].string == phrase, "\(prompt)")
                #expect(match["via"].array.compactMap(\.string).contains(via), "\(prompt): \(match["via"])")
                // Offsets cover the disguised text as submitted.
                let scalars = Array(prompt.unicodeScalars)
                let start = try #require(match["start"].int)
                let end = try #require(match["end"].int)
                #expect(start >= 0 && end <= scalars.count && start < end)
            }
            let ordinary = try await client.call(
                .post,
                "/v1/prompts/check",
                token: key,
                json: ["prompt": "新しい海の夕焼け, a greg of rutabagas, グレーのドラゴン、ミュージアム, بأسلوب روتكوفسكي, בסגנון רוטקובסקי"]
            )
            #expect(ordinary.json["allowed"].bool == true)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func foldingRevisionReKeysLivePhrasesOnce() async throws {
        var configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        configuration.logging.level = .critical
        let services = try await Services(configuration: configuration)
        // Keys as the folding before revision 3 made them: ł kept, apostrophes parting words.
        try services.sqlite!.write { db in
            for (id, name, key) in [
                (1, "Łukasz Nowak", "łukasz nowak"), (2, "Lukasz Nowak", "lukasz nowak"), (3, "Siobhan O'Brien", "siobhan o brien"),
                // Before revision 5: ・ parted katakana words, and the long-vowel mark and small tsu were kept.
                (4, "グレッグ・ルトコフスキー", "グレッグ ルトコフスキー"),
            ] {
                try db.execute(
                    sql: "INSERT INTO account (id, email, password_hash, display_name, created_at) VALUES (?, ?, 'x', 'A', ?)",
                    arguments: [id, "a\(id)@example.org", Date()]
                )
                try db.execute(
                    sql: "INSERT INTO artist (id, account_id, name, name_key, policy, created_at, updated_at) VALUES (?, ?, ?, ?, 'block', ?, ?)",
                    arguments: [id, id, name, key, Date(), Date()]
                )
                try db.execute(
                    sql: """
                        INSERT INTO phrase (artist_id, text, normalized, kind, position, status, created_at)
                        VALUES (?, ?, ?, 'name', 0, 'active', ?)
                        """,
                    arguments: [id, name, key, Date()]
                )
            }
            try db.execute(sql: "DELETE FROM guard_revision")
        }
        _ = try await Services(configuration: configuration)
        let rows = try services.sqlite!.read { db in
            try Row.fetchAll(db, sql: "SELECT text, normalized, status FROM phrase ORDER BY id").map {
                [$0["text"] as String, $0["normalized"] as String, $0["status"] as String]
            }
        }
        let katakanaKey = PhraseKey.make("グレッグ・ルトコフスキー")
        #expect(katakanaKey == PhraseKey.make("グレグ ルトコフスキ") && !katakanaKey.contains(" "))
        #expect(
            rows == [
                ["Łukasz Nowak", "lukasz nowak", "rejected"], ["Lukasz Nowak", "lukasz nowak", "active"],
                ["Siobhan O'Brien", "siobhan obrien", "active"], ["グレッグ・ルトコフスキー", katakanaKey, "active"],
            ]
        )
        let keys = try services.sqlite!.read { db in try String.fetchAll(db, sql: "SELECT name_key FROM artist ORDER BY id") }
        #expect(keys == ["lukasz nowak", "lukasz nowak", "siobhan obrien", katakanaKey])
    }
}
