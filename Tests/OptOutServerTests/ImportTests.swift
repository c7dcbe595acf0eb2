import Foundation
import OptOutCore
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct ImportTests {
    @Test func importIsIdempotentByNameAndReportsEachLine() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let tasks = try await AdminTasks(configuration: configuration)
        let lines = [
            #"{"name": "Greg Rutkowski", "aliases": ["Rutkowski"], "creations": ["Dragon Ship"], "policy": "block", "links": ["https://example.org/g"]}"#,
            #"{"name": "Alphonse Mucha", "aliases": ["Rose"], "policy": "credit"}"#,
            #"{"name": "X"}"#,
            #"not json"#,
            "",
            #"{"name": "Someone Else", "aliases": ["rutkowski"]}"#,
            #"{"name": "Bad Link", "links": ["ftp://x"]}"#,
        ].joined(separator: "\n")
        let first = try await tasks.importArtists(Data(lines.utf8))
        #expect(first.imported == 2)
        #expect(first.heldForReview == 1)
        #expect(first.phrasesHeldForReview == 1)
        #expect(first.rejected.map(\.line) == [3, 4, 6, 7])
        #expect(first.rejected[2].reason.contains("rutkowski"))

        let again = try await tasks.importArtists(Data(lines.utf8))
        #expect(again.imported == 0)
        #expect(again.unchanged == 2)
        #expect(again.updated == 0)

        let changed = try await tasks.importArtists(
            Data(#"{"name": "greg  rutkowski", "aliases": ["Rutkowski", "Greg R"], "policy": "credit"}"#.utf8)
        )
        #expect(changed.updated == 1)
        #expect(changed.imported == 0)
        let version = try await tasks.registryVersion()
        #expect(version > 0)
    }

    @Test func importLeavesSelfManagedProfilesAlone() async throws {
        try await withApp { client, configuration in
            let token = try await client.signUp("greg@example.org")
            _ = try await client.createArtist(token, name: "Greg Rutkowski")
            let summary = try await AdminTasks(configuration: configuration).importArtists(
                Data(#"{"name": "Greg Rutkowski", "policy": "credit"}"#.utf8)
            )
            #expect(summary.rejected.count == 1)
            #expect(try await client.call(.get, "/v1/artists/me", token: token).json["policy"].string == "block")
        }
    }

    /// The set-wise batch gives what writing the lines one at a time gives: the same name twice in a batch updates the
    /// artist the first line made, a phrase two new lines share goes to the first, a phrase an updated artist lets go
    /// is free for a later line, and an artist who manages their own profile is left alone.
    @Test func aBatchWritesWhatLineByLineWould() async throws {
        let lines = [
            #"{"name": "Orvane Telquist", "aliases": ["Telquist"], "creations": ["Ninefold Harbour"], "links": ["https://example.org/o"]}"#,
            #"{"name": "Brisa Kalloway", "aliases": ["telquist"]}"#,
            #"{"name": "orvane  telquist", "aliases": ["O. Telquist"], "policy": "credit"}"#,
            #"{"name": "Mirel Dunhaven", "creations": ["Ninefold Harbour"]}"#,
            #"{"name": "Quorra Beltane", "aliases": ["Telquist"]}"#,
            #"{"name": "Self Managed"}"#,
            #"{"name": "Yannick Oxbury", "aliases": ["the"], "links": ["https://example.org/y1", "https://example.org/y2"]}"#,
            #"{"name": "Yannick Oxbury", "aliases": ["the"], "links": ["https://example.org/y1", "https://example.org/y2"]}"#,
        ].joined(separator: "\n")
        var outcomes: [(ArtistImporter.Summary, [String])] = []
        for batchSize in [20_000, 1] {
            let configuration = try await testConfiguration()
            defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
            let tasks = try await AdminTasks(configuration: configuration)
            let owner = try await tasks.services.accounts.create(email: "self@example.org", passwordHash: "x", displayName: "Self")
            _ = try await tasks.services.artists.create(account: owner.id, submission: ArtistSubmission(name: "Self Managed"))
            var importer = ArtistImporter(repository: tasks.services.artists)
            importer.batchSize = batchSize
            let summary = try await importer.importLines(Data(lines.utf8))
            let rows = try await tasks.services.store.read { db in
                try db.rows(
                    """
                    SELECT a.name, a.policy, p.text, p.status, p.released_at IS NULL AS live,
                           (SELECT count(*) FROM artist_link l WHERE l.artist_id = a.id) AS links
                    FROM artist a JOIN phrase p ON p.artist_id = a.id
                    WHERE a.withdrawn_at IS NULL ORDER BY a.name, p.text, p.status
                    """
                ).map { row in
                    "\(try row.get("name", as: String.self)) \(try row.get("policy", as: String.self)) \(try row.get("text", as: String.self)) "
                        + "\(try row.get("status", as: String.self)) live=\(try row.get("live", as: Bool.self)) links=\(try row.get("links", as: Int.self))"
                }
            }
            outcomes.append((summary, rows))
        }
        let (batched, oneByOne) = (outcomes[0], outcomes[1])
        #expect(batched.0 == oneByOne.0)
        #expect(batched.1 == oneByOne.1)
        #expect(batched.0.imported == 4)
        #expect(batched.0.updated == 1)
        #expect(batched.0.unchanged == 1)
        #expect(batched.0.rejected.map(\.line) == [2, 6])
        // Line 3 let "Telquist" and "Ninefold Harbour" go, so lines 4 and 5 hold them.
        #expect(batched.1.contains("Mirel Dunhaven block Ninefold Harbour active live=true links=0"))
        #expect(batched.1.contains("Quorra Beltane block Telquist active live=true links=0"))
        #expect(batched.1.contains("orvane  telquist credit O. Telquist active live=true links=0"))
        #expect(batched.1.contains("Yannick Oxbury block the pending_review live=true links=2"))
    }
}
