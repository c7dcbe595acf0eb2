import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database consistently while the service runs (SQLite's online backup), checked, into one file."
    )

    @Option(help: "The folder that holds optout.sqlite.")
    var dataDir = "./data"
    @Option(help: "The backup file to write (must not exist).")
    var to: String

    func run() async throws {
        let summary = try await reportingErrors {
            try DatabaseBackup.backup(dataDirectory: URL(fileURLWithPath: dataDir), to: URL(fileURLWithPath: to))
        }
        print(
            "backed up \(dataDir)/optout.sqlite to \(to): \(summary.bytes) bytes, \(summary.generations) generations, "
                + "\(summary.artists) artists, registry version \(summary.registryVersion); integrity ok"
        )
    }
}
