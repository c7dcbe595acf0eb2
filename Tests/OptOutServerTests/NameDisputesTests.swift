import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer

/// Squatters lose (issue 10, row 9): a phrase held by an unverified artist is disputed, not a dead end.
@Suite struct NameDisputesTests {
    func checkKey(_ configuration: AppConfiguration) async throws -> String { try await newAPIKey(configuration, scopes: [.check]) }

    /// A squatter holds "Greg Rutkowski"; the real artist registers it too. Returns (squatter, squatter id, real, real id).
    func squatted(_ client: some TestClientProtocol) async throws -> (String, Int, String, Int) {
        let squatter = try await client.signUp("squatter@example.org")
        let squatterId = try await client.createArtist(squatter, name: "Greg Rutkowski")
        let real = try await client.signUp("greg@example.org")
        let created = try await client.call(
            .post,
            "/v1/artists",
            token: real,
            json: ["name": "Greg Rutkowski", "policy": "block", "links": ["https://www.artstation.com/rutkowski"]]
        )
        #expect(created.status == .created, "\(String(buffer: created.body))")
        #expect(created.json["phrases"][0]["status"].string == "disputed")
        return (squatter, squatterId, real, created.json["id"].int ?? -1)
    }

    @Test func aSecondRegistrationOfAnUnverifiedPhraseOpensADispute() async throws {
        try await withApp { client, configuration in
            let (squatter, squatterId, _, realId) = try await squatted(client)
            let moderator = try await client.moderatorToken()
            let list = try await client.call(.get, "/v1/moderation/disputes?status=open", token: moderator)
            #expect(list.status == .ok)
            let item = list.json["items"][0]
            #expect(item["kind"].string == "name_dispute")
            #expect(item["holder"]["artist_id"].int == squatterId)
            #expect(item["challenger"]["artist_id"].int == realId)
            let detail = try await client.call(.get, "/v1/moderation/disputes/\(item["id"].int!)", token: moderator)
            #expect(detail.json["challenger"]["links"][0].string == "https://www.artstation.com/rutkowski")
            #expect(detail.json["holder"]["account"]["age_days"].int == 0)
            #expect(detail.json["holder"]["verified"].bool == false)
            #expect(detail.json["history"][0]["action"].string == "opened")

            // The squatter's phrase still blocks meanwhile, and the squatter cannot switch it to credit.
            let key = try await checkKey(configuration)
            let check = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": "art by greg rutkowski"])
            #expect(check.json["matches"][0]["artist_id"].int == squatterId)
            let policy = try await client.call(.patch, "/v1/artists/\(squatterId)", token: squatter, json: ["policy": "credit"])
            #expect(policy.status == .conflict)
            #expect(policy.errorCode == "phrase_disputed")

            // Members and anonymous callers are refused.
            let member = try await client.signUp("member@example.org")
            #expect(try await client.call(.get, "/v1/moderation/disputes", token: member).status == .forbidden)
            #expect(try await client.call(.get, "/v1/moderation/disputes").status == .unauthorized)
            #expect(
                try await client.call(.post, "/v1/moderation/disputes/1/decision", token: member, json: ["winner": "holder", "note": "x"]).status
                    == .forbidden
            )
        }
    }

    @Test func verifyingTheChallengerHandsItTheName() async throws {
        try await withApp { client, configuration in
            let (squatter, squatterId, real, realId) = try await squatted(client)
            let moderator = try await client.moderatorToken()
            let verified = try await client.call(.post, "/v1/artists/\(realId)/verify", token: moderator)
            #expect(verified.json["phrases"][0]["status"].string == "active")
            let squatterView = try await client.call(.get, "/v1/artists/\(squatterId)", token: squatter)
            #expect(squatterView.json["phrases"][0]["status"].string == "superseded")
            let key = try await checkKey(configuration)
            let check = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": "art by greg rutkowski"])
            #expect(check.json["matches"].array.map { $0["artist_id"].int } == [realId])
            let disputes = try await client.call(.get, "/v1/moderation/disputes?status=decided", token: moderator)
            let decided = disputes.json["items"][0]
            #expect(decided["winner"].string == "challenger")
            #expect(decided["decided_how"].string == "verification")
            // Now the verified artist's policy is theirs to change.
            #expect(try await client.call(.patch, "/v1/artists/\(realId)", token: real, json: ["policy": "credit"]).status == .ok)
            // And a third account meets a verified holder: 409, as before.
            let third = try await client.signUp("third@example.org")
            let taken = try await client.call(.post, "/v1/artists", token: third, json: ["name": "Greg Rutkowski"])
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "phrase_taken")
        }
    }

    @Test func aModeratorDecidesADisputeWithAVersionAndANote() async throws {
        try await withApp { client, _ in
            let (_, squatterId, real, realId) = try await squatted(client)
            let moderator = try await client.moderatorToken()
            let id = try await client.call(.get, "/v1/moderation/disputes", token: moderator).json["items"][0]["id"].int!
            let stale = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "holder", "note": "Old account, real portfolio.", "version": 7]
            )
            #expect(stale.errorCode == "version_conflict")
            let noNote = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "holder", "note": ""]
            )
            #expect(noNote.status == .unprocessableContent)
            let badWinner = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "both", "note": "x"]
            )
            #expect(badWinner.status == .unprocessableContent)
            let decided = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "holder", "note": "Old account, real portfolio.", "version": 1]
            )
            #expect(decided.status == .ok)
            #expect(decided.json["holder"]["artist_id"].int == squatterId)
            #expect(decided.json["challenger"]["phrase_status"].string == "superseded")
            #expect(decided.json["history"].array.map { $0["action"].string } == ["opened", "decided_holder"])
            let again = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "challenger", "note": "Changed my mind."]
            )
            #expect(again.errorCode == "dispute_decided")
            let mine = try await client.call(.get, "/v1/artists/\(realId)", token: real)
            #expect(mine.json["phrases"][0]["status"].string == "superseded")
        }
    }

    @Test func whenTheHolderLetsThePhraseGoTheChallengerTakesIt() async throws {
        try await withApp { client, _ in
            let (squatter, squatterId, real, realId) = try await squatted(client)
            #expect(try await client.call(.delete, "/v1/artists/\(squatterId)", token: squatter).status == .ok)
            let mine = try await client.call(.get, "/v1/artists/\(realId)", token: real)
            #expect(mine.json["phrases"][0]["status"].string == "active")
        }
    }

    @Test func sitesProveThemselvesByRelMeOrToken() {
        let profile = "https://gate.example/artists/7"
        #expect(SiteProof.method(in: "<a rel=\"me\" href=\"https://gate.example/artists/7/\">me</a>", profileURL: profile, token: "tok") == .relMe)
        #expect(SiteProof.method(in: "<link href='https://www.gate.example/artists/7' rel='me authn'>", profileURL: profile, token: "tok") == .relMe)
        #expect(SiteProof.method(in: "<a href=\"https://gate.example/artists/7\">no rel</a>", profileURL: profile, token: "tok") == nil)
        #expect(SiteProof.method(in: "<a rel=me href=https://gate.example/artists/8>", profileURL: profile, token: "tok") == nil)
        #expect(SiteProof.method(in: "<p>optout-verify-abc</p>", profileURL: profile, token: "optout-verify-abc") == .token)
        #expect(AddressPolicy.isPublic([93, 184, 216, 34]))
        for address in [[127, 0, 0, 1], [10, 1, 2, 3], [192, 168, 1, 1], [172, 20, 0, 1], [169, 254, 169, 254], [0, 0, 0, 0]] as [[UInt8]] {
            #expect(!AddressPolicy.isPublic(address), "\(address)")
        }
        #expect(!AddressPolicy.isPublic(CIDR.bytes(of: "::1")!))
        #expect(!AddressPolicy.isPublic(CIDR.bytes(of: "fd00::1")!))
        #expect(AddressPolicy.isPublic(CIDR.bytes(of: "2001:db8::1")!))
    }

    @Test func linkVerificationRefusesUnlistedAndPrivatePages() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("site@example.org")
            let id = try await client.createArtist(artist, name: "Site Owner")
            _ = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": ["http://127.0.0.1:9/about"]])
            let unlisted = try await client.call(.post, "/v1/artists/\(id)/links/verify", token: artist, json: ["url": "http://127.0.0.1:9/other"])
            #expect(unlisted.errorCode == "link_not_listed")
            let local = try await client.call(.post, "/v1/artists/\(id)/links/verify", token: artist, json: ["url": "http://127.0.0.1:9/about"])
            #expect(local.status == .unprocessableContent)
            #expect(local.errorCode == "private_address")
            let other = try await client.signUp("other@example.org")
            #expect(
                try await client.call(.post, "/v1/artists/\(id)/links/verify", token: other, json: ["url": "http://127.0.0.1:9/about"]).status
                    == .forbidden
            )
            let instructions = try await client.call(.get, "/v1/artists/\(id)/links/verify", token: artist)
            #expect(instructions.json["token"].string?.hasPrefix("optout-verify-") == true)
            #expect(instructions.json["profile_url"].string?.hasSuffix("/artists/\(id)") == true)
        }
    }
}
