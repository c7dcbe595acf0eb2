import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct ArtistsTests {
    @Test func registeringReturnsTheArtistWithItsPhrases() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            let before = try await client.registryVersion()
            let reply = try await client.call(
                .post,
                "/v1/artists",
                token: token,
                json: [
                    "name": "Greg Rutkowski", "aliases": ["Rutkowski", "rose"], "creations": ["Dragon Ship"], "policy": "credit",
                    "links": ["https://example.org/greg"],
                ]
            )
            #expect(reply.status == .created)
            #expect(reply.headers[.location] == "/v1/artists/\(reply.json["id"].int ?? -1)")
            #expect(reply.json["policy"].string == "credit")
            #expect(reply.json["verified"].bool == false)
            #expect(reply.json["links"][0].string == "https://example.org/greg")
            let phrases = reply.json["phrases"].array
            #expect(phrases.map { $0["text"].string } == ["Greg Rutkowski", "Rutkowski", "rose", "Dragon Ship"])
            #expect(phrases.map { $0["kind"].string } == ["name", "alias", "alias", "creation"])
            #expect(phrases.map { $0["status"].string } == ["active", "active", "pending_review", "active"])
            #expect(phrases.allSatisfy { $0["id"].int != nil })
            // Three phrases became active and one link was added; each raised the version.
            #expect(try await client.registryVersion() == before + 4)
        }
    }

    @Test func oneProfilePerAccount() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            _ = try await client.createArtist(token, name: "Greg Rutkowski")
            let second = try await client.call(.post, "/v1/artists", token: token, json: ["name": "Someone Else"])
            #expect(second.status == .conflict)
            #expect(second.errorCode == "artist_exists")
        }
    }

    @Test func aPhraseHeldByAnotherArtistIsAConflictNamingIt() async throws {
        try await withApp { client, _ in
            let greg = try await client.signUp("greg@example.org")
            let other = try await client.signUp("other@example.org")
            let gregId = try await client.createArtist(greg, name: "Greg Rutkowski", aliases: ["Dragonlord"])
            // A phrase held by a verified artist stays a 409 (an unverified holder faces a name dispute instead).
            _ = try await client.call(.post, "/v1/artists/\(gregId)/verify", token: try await client.moderatorToken())
            let clash = try await client.call(.post, "/v1/artists", token: other, json: ["name": "Imposter Person", "aliases": ["DRAGONLORD"]])
            #expect(clash.status == .conflict)
            #expect(clash.errorCode == "phrase_taken")
            #expect(clash.json["error"]["message"].string?.contains("DRAGONLORD") == true)
            // Nothing of the refused submission was kept.
            #expect(try await client.call(.get, "/v1/artists/me", token: other).status == .notFound)
        }
    }

    @Test func limitsAreClear422s() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            let cases: [([String: Any], String)] = [
                (["name": "G"], "name_length"),
                (["name": String(repeating: "g", count: 129)], "name_length"),
                (["name": "Greg", "aliases": (0..<51).map { "alias number \($0)" }], "too_many_aliases"),
                (["name": "Greg", "creations": (0..<501).map { "work number \($0)" }], "too_many_creations"),
                (["name": "Greg", "links": (0..<21).map { "https://example.org/\($0)" }], "too_many_links"),
                (["name": "Greg", "links": ["ftp://example.org/x"]], "invalid_link"),
                (["name": "Greg", "policy": "maybe"], "invalid_field"),
                (["name": 42], "invalid_field"),
                (["aliases": ["x"]], "missing_field"),
            ]
            for (body, code) in cases {
                let reply = try await client.call(.post, "/v1/artists", token: token, json: body)
                #expect(reply.status == .unprocessableContent, "\(body.keys.sorted())")
                #expect(reply.errorCode == code, "\(body.keys.sorted()): \(String(buffer: reply.body))")
            }
        }
    }

    @Test func editingKeepsPhraseIdsAndReleasesRemovedOnes() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(token, name: "Greg Rutkowski", aliases: ["Rutkowski", "Dragonlord"])
            let before = try await client.call(.get, "/v1/artists/\(id)", token: token).json["phrases"].array
            let version = try await client.registryVersion()
            let edited = try await client.call(
                .patch,
                "/v1/artists/\(id)",
                token: token,
                json: ["aliases": ["Rutkowski", "Dragon Master"], "policy": "credit"]
            )
            #expect(edited.status == .ok)
            #expect(edited.json["policy"].string == "credit")
            #expect(edited.json["name"].string == "Greg Rutkowski")
            let after = edited.json["phrases"].array
            #expect(after.map { $0["text"].string } == ["Greg Rutkowski", "Rutkowski", "Dragon Master"])
            #expect(after[1]["id"].int == before[1]["id"].int)
            #expect(try await client.registryVersion() > version)
            // The released alias is free for another artist now.
            let other = try await client.signUp("other@example.org")
            _ = try await client.createArtist(other, name: "Another Painter", aliases: ["Dragonlord"])
        }
    }

    @Test func withdrawingStopsThePhrasesAndKeepsTheRecord() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(token, name: "Greg Rutkowski", aliases: ["Rutkowski"])
            let version = try await client.registryVersion()
            let active = try await client.call(.get, "/v1/registry/version").json["active_phrases"].int ?? -1
            let withdrawn = try await client.call(.delete, "/v1/artists/\(id)", token: token)
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.json["status"].string == "withdrawn")
            #expect(withdrawn.json["withdrawn_at"].string != nil)
            let state = try await client.call(.get, "/v1/registry/version").json
            #expect(state["active_phrases"].int == active - 2)
            // Two phrases stopped blocking and the artist left the registry's links: three changes.
            #expect(try await client.registryVersion() == version + 3)
            #expect(try await client.call(.get, "/v1/artists/\(id)", token: token).status == .notFound)
            #expect(try await client.call(.get, "/v1/artists/me", token: token).status == .notFound)
            #expect(try await client.call(.patch, "/v1/artists/\(id)", token: token, json: ["policy": "credit"]).status == .notFound)
            #expect(try await client.call(.delete, "/v1/artists/\(id)", token: token).status == .notFound)
            // A moderator can still read the record.
            let moderator = try await client.moderatorToken()
            let record = try await client.call(.get, "/v1/moderation/artists/\(id)", token: moderator)
            #expect(record.status == .ok)
            #expect(record.json["status"].string == "withdrawn")
            #expect(try await client.call(.get, "/v1/moderation/artists/\(id)", token: token).status == .forbidden)
            // And the account may register anew.
            _ = try await client.createArtist(token, name: "Greg Rutkowski")
        }
    }

    @Test func sqlMetacharactersAreJustText() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("bobby@example.org")
            let name = "Robert'); DROP TABLE artist;--"
            let id = try await client.createArtist(token, name: name, aliases: ["\" OR 1=1 --"])
            let reply = try await client.call(.get, "/v1/artists/\(id)", token: token)
            #expect(reply.json["name"].string == name)
            #expect(try await client.registryVersion() > 0)
        }
    }
}
