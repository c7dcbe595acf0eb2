import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

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

            // The holder's phrase still blocks meanwhile; its policy stays the holder's to change (the name is theirs
            // until a moderator decides), and the dispute stays open.
            let key = try await checkKey(configuration)
            let check = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": "art by greg rutkowski"])
            #expect(check.json["matches"][0]["artist_id"].int == squatterId)
            let policy = try await client.call(.patch, "/v1/artists/\(squatterId)", token: squatter, json: ["policy": "credit"])
            #expect(policy.status == .ok)
            #expect(try await client.call(.get, "/v1/moderation/disputes?status=open", token: moderator).json["items"].array.count == 1)

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
        #expect(AddressPolicy.isPublic(CIDR.bytes(of: "2606:4700::1111")!))
        // Issue 22: IPv4-compatible, NAT64 and documentation addresses are not fetched either.
        for address in [
            "::127.0.0.1", "::10.0.0.1", "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "2001:db8::1", "192.0.2.10", "198.51.100.1", "203.0.113.5",
            "2002:7f00:1::1", "2001:0:4136:e378::1",
        ] {
            #expect(!AddressPolicy.isPublic(CIDR.bytes(of: address)!), "\(address)")
        }
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

    // MARK: Issue 22: only the artist controls a name

    /// A store of its own, for what the HTTP routes reach only through a real page fetch.
    func withServices(_ body: (Services) async throws -> Void) async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        try await body(try await Services(configuration: configuration))
    }

    func artist(_ services: Services, _ email: String, name: String, creations: [String] = []) async throws -> ArtistView {
        let owner = try await services.accounts.create(email: email, passwordHash: "x", displayName: "A").id
        return try await services.artists.create(
            account: owner,
            submission: try ArtistSubmission(name: name, creations: creations).validated()
        )
    }

    @Test func aVerifiedPageDecidesNoDisputeAndARenameForgetsIt() async throws {
        try await withServices { services in
            let victim = try await artist(services, "victim@example.org", name: "Wren Halloway")
            let attacker = try await artist(services, "attacker@example.org", name: "Some Attacker", creations: ["Wren Halloway"])
            #expect(attacker.phrases.first { $0.text == "Wren Halloway" }?.status == .disputed)
            // The attacker proves control of a page of its own: that says nothing about the name.
            _ = try await services.artists.recordVerifiedLink(artist: attacker.id, url: "https://attacker.example/echo?q=token", method: .token)
            let after = try await services.artists.view(of: victim.id)!
            #expect(after.phrases[0].status == .active)
            #expect(try await services.artists.disputes(status: "open", after: 0, limit: 10).count == 1)
            let detail = try await services.artists.disputes(status: "open", after: 0, limit: 10)[0]
            let full = try await services.artists.dispute(id: detail.id)!
            #expect(full.challenger?.verifiedLinks == ["https://attacker.example/echo?q=token"])
            #expect(full.challenger?.verifiedForDisputes == false)
            // A verified page does not survive a rename it was not checked for.
            _ = try await services.artists.update(id: attacker.id, edit: .init(name: "Another Name"))
            #expect(try await services.artists.verifiedLinks(artist: attacker.id).isEmpty)
        }
    }

    @Test func oneAccountCannotChallengeARegistryOfNames() async throws {
        try await withServices { services in
            var names: [String] = []
            for index in 0..<8 {
                let name = "Holder Number\(["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight"][index])"
                _ = try await artist(services, "holder\(index)@example.org", name: name)
                names.append(name)
            }
            let owner = try await services.accounts.create(email: "bulk@example.org", passwordHash: "x", displayName: "B").id
            await #expect(throws: DomainError.self) {
                _ = try await services.artists.create(
                    account: owner,
                    submission: try ArtistSubmission(name: "Bulk Claimer", creations: names).validated()
                )
            }
            do {
                _ = try await services.artists.create(
                    account: owner,
                    submission: try ArtistSubmission(name: "Bulk Claimer", creations: names).validated()
                )
            } catch let error as DomainError {
                #expect(error.code == "too_many_disputes")
                #expect(error.kind == .tooManyRequests)
            }
            // Five a day are allowed, and nothing of the refused request was written.
            #expect(try await services.artists.disputes(status: nil, after: 0, limit: 50).isEmpty)
            let five = try await services.artists.create(
                account: owner,
                submission: try ArtistSubmission(name: "Bulk Claimer", creations: Array(names.prefix(5))).validated()
            )
            #expect(five.phrases.filter { $0.status == .disputed }.count == 5)
            await #expect(throws: DomainError.self) {
                _ = try await services.artists.update(id: five.id, edit: .init(creations: Array(names.prefix(6))))
            }
        }
    }

    @Test func aSupersededArtistContestsAndAModeratorReverses() async throws {
        try await withApp { client, configuration in
            let (squatter, squatterId, real, realId) = try await squatted(client)
            let moderator = try await client.moderatorToken()
            // The squatter lets the name go and takes it back: the real artist holds it now, the squatter challenges.
            #expect(try await client.call(.patch, "/v1/artists/\(squatterId)", token: squatter, json: ["name": "Squatter Else"]).status == .ok)
            #expect(try await client.call(.get, "/v1/artists/\(realId)", token: real).json["phrases"][0]["status"].string == "active")
            let taken = try await client.call(.patch, "/v1/artists/\(squatterId)", token: squatter, json: ["aliases": ["Greg Rutkowski"]])
            #expect(taken.status == .ok)
            let id = try await client.call(.get, "/v1/moderation/disputes?status=open", token: moderator).json["items"][0]["id"].int!
            // A moderator decides for the squatter by mistake; the real artist cannot contest a moderator's decision ...
            let decided = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "challenger", "note": "mistake"]
            )
            #expect(decided.json["holder"]["phrase_status"].string == "superseded")
            let realPhrase = decided.json["holder"]["phrase_id"].int!
            let contest = try await client.call(.post, "/v1/artists/\(realId)/phrases/\(realPhrase)/contest", token: real, json: [:])
            #expect(contest.errorCode == "decided_by_moderator")
            // ... others may not contest it at all, nor reopen it ...
            #expect(
                try await client.call(.post, "/v1/artists/\(realId)/phrases/\(realPhrase)/contest", token: squatter, json: [:]).status == .forbidden
            )
            #expect(try await client.call(.post, "/v1/moderation/disputes/\(id)/reopen", token: real, json: ["note": "x"]).status == .forbidden)
            #expect(try await client.call(.post, "/v1/moderation/disputes/\(id)/reopen", json: ["note": "x"]).status == .unauthorized)
            // ... but a moderator reverses it: reopen, then decide.
            let reopened = try await client.call(.post, "/v1/moderation/disputes/\(id)/reopen", token: moderator, json: ["note": "wrong call"])
            #expect(reopened.status == .ok)
            #expect(reopened.json["status"].string == "open")
            #expect(reopened.json["challenger"]["artist_id"].int == realId)
            #expect(reopened.json["challenger"]["phrase_status"].string == "disputed")
            #expect(
                try await client.call(.post, "/v1/moderation/disputes/\(id)/reopen", token: moderator, json: ["note": "again"]).errorCode
                    == "dispute_open"
            )
            let reversed = try await client.call(
                .post,
                "/v1/moderation/disputes/\(id)/decision",
                token: moderator,
                json: ["winner": "challenger", "note": "the real artist"]
            )
            #expect(reversed.json["challenger"]["phrase_status"].string == "active")
            #expect(reversed.json["history"].array.map { $0["action"].string } == ["opened", "decided_challenger", "reopened", "decided_challenger"])
            let key = try await checkKey(configuration)
            let check = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": "art by greg rutkowski"])
            #expect(check.json["matches"].array.map { $0["artist_id"].int } == [realId])
        }
    }

    @Test func aContestMeetsAHolderAModeratorVerified() async throws {
        try await withApp { client, configuration in
            let (squatter, squatterId, real, realId) = try await squatted(client)
            let moderator = try await client.moderatorToken()
            #expect(try await client.call(.patch, "/v1/artists/\(squatterId)", token: squatter, json: ["policy": "credit"]).status == .ok)
            // The moderator verifies the squatter first (a mistake), which hands it the open dispute ...
            _ = try await client.call(.post, "/v1/artists/\(squatterId)/verify", token: moderator)
            #expect(try await client.call(.get, "/v1/artists/\(realId)", token: real).json["phrases"][0]["status"].string == "superseded")
            // ... the real artist contests: the squatter is verified by a moderator, so that is a 409 ...
            let realPhrase = try await client.call(.get, "/v1/artists/\(realId)", token: real).json["phrases"][0]["id"].int!
            let contest = try await client.call(.post, "/v1/artists/\(realId)/phrases/\(realPhrase)/contest", token: real, json: ["note": "mine"])
            #expect(contest.errorCode == "phrase_taken")
            // ... and a contest of a phrase that is not superseded is refused too.
            let active = try await client.call(.get, "/v1/artists/\(squatterId)", token: squatter).json["phrases"][0]["id"].int!
            let notSuperseded = try await client.call(.post, "/v1/artists/\(squatterId)/phrases/\(active)/contest", token: squatter, json: [:])
            #expect(notSuperseded.errorCode == "phrase_not_superseded")
            let key = try await checkKey(configuration)
            let check = try await client.call(.post, "/v1/prompts/check", token: key, json: ["prompt": "art by greg rutkowski"])
            #expect(check.json["matches"][0]["artist_id"].int == squatterId)
        }
    }

    @Test func aContestReopensALossByVerificationAndAVerificationDecidesIt() async throws {
        try await withServices { services in
            // A dispute lost "by verification" before this issue (a verified page decided it) is reopened when the
            // loser contests, and decided when a moderator verifies the loser.
            let victim = try await artist(services, "victim@example.org", name: "Wren Halloway")
            let attackerOwner = try await services.accounts.create(email: "attacker@example.org", passwordHash: "x", displayName: "A").id
            let attacker = try await services.artists.create(
                account: attackerOwner,
                submission: try ArtistSubmission(name: "Some Attacker", creations: ["Wren Halloway"]).validated()
            )
            let dispute = try await services.artists.disputes(status: "open", after: 0, limit: 10)[0].id
            try await services.store.write { db in
                try ArtistRepository.settle(db, dispute: dispute, winner: .challenger, how: "verification", actor: nil, note: "old rule", now: Date())
            }
            #expect(try await services.artists.view(of: victim.id)!.phrases[0].status == .superseded)
            let victimAccount = try await services.accounts.account(email: "victim@example.org")!.id
            let contested = try await services.artists.contest(
                artist: victim.id,
                phrase: victim.phrases[0].id,
                note: "this is my name",
                by: victimAccount
            )
            #expect(contested.phrases[0].status == .disputed)
            let open = try await services.artists.dispute(id: dispute)!
            #expect(open.status == "open")
            #expect(open.holder?.artistId == attacker.id.rawValue)
            _ = try await services.artists.setVerified(id: victim.id, by: nil)
            #expect(try await services.artists.view(of: victim.id)!.phrases[0].status == .active)
            #expect(try await services.artists.view(of: attacker.id)!.phrases.first { $0.text == "Wren Halloway" }?.status == .superseded)
        }
    }

    @Test func aModeratorsRejectionSticksToThePhrasesKey() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("rose@example.org")
            let id = try await client.createArtist(artist, name: "Rose Quillfeather", aliases: ["Trending Now Style"])
            let moderator = try await client.moderatorToken()
            let view = try await client.call(.get, "/v1/artists/\(id)", token: artist)
            let alias = view.json["phrases"].array.first { $0["text"].string == "Trending Now Style" }!
            #expect(try await client.call(.post, "/v1/moderation/phrases/\(alias["id"].int!)/reject", token: moderator).status == .ok)
            _ = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["aliases": []])
            let again = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["aliases": ["trending  now style"]])
            #expect(again.json["phrases"].array.first { $0["kind"].string == "alias" }?["status"].string == "rejected")
            // Another account registering it meets the same rejection.
            let other = try await client.signUp("other@example.org")
            let created = try await client.call(.post, "/v1/artists", token: other, json: ["name": "Trending Now Style"])
            #expect(created.json["phrases"][0]["status"].string == "rejected")
            // A moderator may still approve it.
            let phrase = created.json["phrases"][0]["id"].int!
            #expect(
                try await client.call(.post, "/v1/moderation/phrases/\(phrase)/approve", token: moderator).json["phrase"]["status"].string == "active"
            )
        }
    }
}
