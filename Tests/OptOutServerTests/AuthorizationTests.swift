import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// Every object endpoint as its owner, another member, a moderator and anonymously.
@Suite struct AuthorizationTests {
    @Test func artistEndpointsServeOwnerAndModeratorsOnly() async throws {
        try await withApp { client, _ in
            let owner = try await client.signUp("owner@example.org")
            let stranger = try await client.signUp("stranger@example.org")
            let moderator = try await client.moderatorToken()
            let id = try await client.createArtist(owner, name: "Owner Artist")

            for (method, path, body) in [
                (HTTPRequest.Method.get, "/v1/artists/\(id)", nil), (.patch, "/v1/artists/\(id)", ["policy": "credit"]),
                (.delete, "/v1/artists/\(id)", nil),
            ] as [(HTTPRequest.Method, String, [String: Any]?)] {
                let anonymous = try await client.call(method, path, json: body)
                #expect(anonymous.status == .unauthorized, "\(method) \(path) anonymously")
                #expect(anonymous.errorCode == "unauthorized")
                let other = try await client.call(method, path, token: stranger, json: body)
                #expect(other.status == .forbidden, "\(method) \(path) as another member")
                #expect(other.errorCode == "forbidden")
                let bogus = try await client.call(method, path, token: "ogs_not-a-real-token", json: body)
                #expect(bogus.status == .unauthorized)
            }
            #expect(try await client.call(.get, "/v1/artists/\(id)", token: owner).status == .ok)
            #expect(try await client.call(.get, "/v1/artists/\(id)", token: moderator).status == .ok)
            #expect(try await client.call(.patch, "/v1/artists/\(id)", token: moderator, json: ["policy": "credit"]).status == .ok)
            #expect(try await client.call(.patch, "/v1/artists/\(id)", token: owner, json: ["policy": "block"]).status == .ok)
            #expect(try await client.call(.delete, "/v1/artists/\(id)", token: moderator).status == .ok)
        }
    }

    @Test func membersGet403OnModeratorRoutes() async throws {
        try await withApp { client, _ in
            let member = try await client.signUp("member@example.org")
            let id = try await client.createArtist(member, name: "Member Artist", aliases: ["Rose"])
            let phrase = try await client.call(.get, "/v1/artists/\(id)", token: member).json["phrases"][1]["id"].int!
            for (method, path) in [
                (HTTPRequest.Method.get, "/v1/moderation/phrases?status=pending_review"),
                (.post, "/v1/moderation/phrases/\(phrase)/approve"),
                (.post, "/v1/moderation/phrases/\(phrase)/reject"),
                (.post, "/v1/artists/\(id)/verify"),
            ] {
                #expect(try await client.call(method, path, token: member).status == .forbidden, "\(method) \(path) as member")
                #expect(try await client.call(method, path).status == .unauthorized, "\(method) \(path) anonymously")
            }
            // The admin may do what a moderator may.
            let admin = try await client.signIn("admin@example.org", password: "moderator-pass")
            #expect(try await client.call(.post, "/v1/artists/\(id)/verify", token: admin).status == .ok)
        }
    }

    @Test func apiKeysAreNotSessions() async throws {
        try await withApp { client, configuration in
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "generator", scopes: [.check])
            let me = try await client.call(.get, "/v1/accounts/me", token: key)
            #expect(me.status == .forbidden)
            let create = try await client.call(.post, "/v1/artists", token: key, json: ["name": "Key Artist"])
            #expect(create.status == .forbidden)
        }
    }
}

@Suite struct BearerHeaderTests {
    @Test func theSecretIsReadFromBearerInAnyCaseWithSpacesAroundIt() {
        #expect(AuthMiddleware.bearerSecret("Bearer ogk_abc") == "ogk_abc")
        #expect(AuthMiddleware.bearerSecret("bEaReR   ogk_abc \t") == "ogk_abc")
        #expect(AuthMiddleware.bearerSecret("  Bearer ogs_x") == "ogs_x")
        for bad in ["", "Bearer", "Bearer ", "Bearer \t ", "Basic dXNlcjpwYXNz", "Bearerogk_abc", "Bearer\togk_abc", "Bear ogk_abc", "Bearér ogk"] {
            #expect(AuthMiddleware.bearerSecret(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct APIKeyScopeTests {
    @Test func aKeyHoldsExactlyItsScopes() {
        let key = APIKeyRecord(name: "k", keyHash: Data(count: 32), scopes: "check registry", createdAt: Date())
        #expect(key.holds(.check))
        #expect(key.holds(.registry))
        #expect(!key.holds(.generate))
        #expect(APIScope.allCases.filter(key.holds) == [.check, .registry])
        let one = APIKeyRecord(name: "k", keyHash: Data(count: 32), scopes: "generate", createdAt: Date())
        #expect(one.holds(.generate) && !one.holds(.check))
        let partial = APIKeyRecord(name: "k", keyHash: Data(count: 32), scopes: "checks generated", createdAt: Date())
        #expect(!partial.holds(.check) && !partial.holds(.generate))
    }
}
