import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// Issue 23, items 5 and 6: the form suggests a distinctive surname alone and the given name's cognates as aliases;
/// the gate does not match them until the artist adds them.
@Suite struct SuggestionsTests {
    @Test func theArtistIsOfferedTheSurnameAndCognatesAndDecides() async throws {
        try await withApp { client, configuration in
            let token = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(token, name: "Greg Rutkowski")
            let reply = try await client.call(.get, "/v1/artists/\(id)/suggestions", token: token)
            #expect(reply.status == .ok)
            let suggestions = reply.json["suggestions"].array
            let phrases = suggestions.compactMap { $0["phrase"].string }
            #expect(phrases.first == "Rutkowski")
            #expect(suggestions.first?["kind"].string == "surname")
            #expect(phrases.contains("Grzegorz Rutkowski") && phrases.contains("Gregory Rutkowski"))
            #expect(suggestions.allSatisfy { $0["reason"].string?.isEmpty == false })
            // Not matched until added: the surname alone passes the gate, then blocks once the artist adds it.
            let gateKey = try await newAPIKey(configuration, scopes: [.check])
            #expect(
                try await client.call(.post, "/v1/prompts/check", token: gateKey, json: ["prompt": "art by Rutkowski"]).json["allowed"].bool == true
            )
            _ = try await client.call(.patch, "/v1/artists/\(id)", token: token, json: ["aliases": ["Rutkowski"]])
            #expect(
                try await client.call(.post, "/v1/prompts/check", token: gateKey, json: ["prompt": "art by Rutkowski"]).json["allowed"].bool == false
            )
            // An added suggestion is no longer offered.
            let after = try await client.call(.get, "/v1/artists/\(id)/suggestions", token: token).json["suggestions"].array
            #expect(!after.contains { $0["phrase"].string == "Rutkowski" })
        }
    }

    @Test func aCommonSurnameAloneIsNotOffered() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("john@example.org")
            let id = try await client.createArtist(token, name: "John Brown")
            let suggestions = try await client.call(.get, "/v1/artists/\(id)/suggestions", token: token).json["suggestions"].array
            #expect(!suggestions.contains { $0["kind"].string == "surname" })
            #expect(suggestions.contains { $0["phrase"].string == "Johann Brown" })
        }
    }

    @Test func onlyTheOwnerAndModeratorsSeeSuggestions() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(token, name: "Greg Rutkowski")
            let other = try await client.signUp("other@example.org")
            #expect(try await client.call(.get, "/v1/artists/\(id)/suggestions", token: other).status == .forbidden)
            #expect(try await client.call(.get, "/v1/artists/\(id)/suggestions").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/artists/999999/suggestions", token: token).status == .notFound)
            let moderator = try await client.moderatorToken()
            #expect(try await client.call(.get, "/v1/artists/\(id)/suggestions", token: moderator).status == .ok)
        }
    }

    @Test func suggestionRulesInTheCore() {
        let cognates = GivenNameCognates(groups: [["Alphonse", "Alfons", "Alfonso"]])
        let suggested = AliasSuggestions.suggest(name: "Alphonse Mucha", phrases: ["Alfons Mucha"], cognates: cognates, isCommon: { _ in false })
        #expect(suggested.map(\.phrase) == ["Mucha", "Alfonso Mucha"])
        // Particles stay with the surname; a short surname or a one-word name gets none.
        #expect(
            AliasSuggestions.suggest(name: "Vincent van Gogh", phrases: [], cognates: .none, isCommon: { _ in false }).map(\.phrase) == ["van Gogh"]
        )
        #expect(AliasSuggestions.suggest(name: "Yi Li", phrases: [], cognates: .none, isCommon: { _ in false }).isEmpty)
        #expect(AliasSuggestions.suggest(name: "Loish", phrases: [], cognates: cognates, isCommon: { _ in false }).isEmpty)
    }
}
