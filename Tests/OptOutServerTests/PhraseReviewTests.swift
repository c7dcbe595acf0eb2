import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct PhraseReviewTests {
    @Test func moderatorsApproveAndRejectHeldPhrases() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("rose@example.org")
            _ = try await client.createArtist(artist, name: "Rose Painter", aliases: ["Rose", "Ink"])
            let moderator = try await client.moderatorToken()
            let queue = try await client.call(.get, "/v1/moderation/phrases?status=pending_review", token: moderator)
            #expect(queue.status == .ok)
            let items = queue.json["items"].array
            #expect(items.map { $0["text"].string } == ["Rose", "Ink"])
            #expect(items.allSatisfy { $0["artist_name"].string == "Rose Painter" })
            #expect(queue.json["next"].isNull)

            let version = try await client.registryVersion()
            let approve = try await client.call(.post, "/v1/moderation/phrases/\(items[0]["id"].int!)/approve", token: moderator)
            #expect(approve.status == .ok)
            #expect(approve.json["phrase"]["status"].string == "active")
            #expect(approve.json["registry_version"].int == version + 1)
            let reject = try await client.call(.post, "/v1/moderation/phrases/\(items[1]["id"].int!)/reject", token: moderator)
            #expect(reject.json["phrase"]["status"].string == "rejected")

            let remaining = try await client.call(.get, "/v1/moderation/phrases?status=pending_review", token: moderator)
            #expect(remaining.json["items"].array.isEmpty)
            let mine = try await client.call(.get, "/v1/artists/me", token: artist)
            #expect(mine.json["phrases"].array.map { $0["status"].string } == ["active", "active", "rejected"])
        }
    }

    @Test func theQueuePages() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("rose@example.org")
            _ = try await client.createArtist(artist, name: "Rose Painter", aliases: ["Rose", "Ink", "Sky", "Tulip"])
            let moderator = try await client.moderatorToken()
            let first = try await client.call(.get, "/v1/moderation/phrases?limit=3", token: moderator)
            #expect(first.json["items"].array.count == 3)
            let next = try #require(first.json["next"].string)
            let second = try await client.call(.get, "/v1/moderation/phrases?limit=3&after=\(next)", token: moderator)
            #expect(second.json["items"].array.count == 1)
            let bad = try await client.call(.get, "/v1/moderation/phrases?limit=0", token: moderator)
            #expect(bad.status == .unprocessableContent)
            let badStatus = try await client.call(.get, "/v1/moderation/phrases?status=lost", token: moderator)
            #expect(badStatus.errorCode == "invalid_status")
        }
    }

    @Test func moderatorsVerifyArtists() async throws {
        try await withApp { client, _ in
            let artist = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(artist, name: "Greg Rutkowski")
            let moderator = try await client.moderatorToken()
            let verified = try await client.call(.post, "/v1/artists/\(id)/verify", token: moderator)
            #expect(verified.status == .ok)
            #expect(verified.json["verified"].bool == true)
            #expect(try await client.call(.post, "/v1/artists/99999/verify", token: moderator).status == .notFound)
        }
    }
}
