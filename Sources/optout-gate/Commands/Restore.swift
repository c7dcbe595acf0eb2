import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a backup in place as a new data folder's database, after checking it.")

    @Option(help: "The backup file.")
    var from: String
    @Option(help: "The data folder to create (must be empty or absent).")
    var dataDir: String

    func run() async throws {
        let summary = try await reportingErrors {
            try DatabaseBackup.restore(from: URL(fileURLWithPath: from), dataDirectory: URL(fileURLWithPath: dataDir))
        }
        print(
            "restored \(from) into \(dataDir)/optout.sqlite: \(summary.generations) generations, \(summary.artists) artists, "
                + "registry version \(summary.registryVersion); integrity ok. Start it with serve --data-dir \(dataDir)"
        )
    }
}
