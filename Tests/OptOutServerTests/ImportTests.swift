import Foundation
import Testing

@testable import OptOutServer

@Suite struct ImportTests {
    @Test func importIsIdempotentByNameAndReportsEachLine() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.dataDirectory) }
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
}
