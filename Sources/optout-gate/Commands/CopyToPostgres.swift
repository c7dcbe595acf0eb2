import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct CopyToPostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-to-postgres",
        abstract: "Copy a SQLite deployment's data into an empty PostgreSQL database (migrated first), verifying row counts."
    )

    @OptionGroup var data: DataOptions

    func run() async throws {
        let logger = quietLogger()
        let configuration = try await data.configuration()
        let summary = try await reportingErrors {
            let url = try await requiredDatabaseURL(data.databaseUrl)
            return try await CopyToPostgres.copy(
                dataDirectory: configuration.storage.dataDirectory,
                databaseURL: url,
                resourceRoot: configuration.storage.resourceRoot,
                logger: logger
            )
        }
        for (table, count) in summary.rows where count > 0 {
            print("\(table): \(count) rows")
        }
        print(
            "copied \(summary.rows.reduce(0) { $0 + $1.count }) rows from \(configuration.storage.dataDirectory.path)/optout.sqlite; counts verified; "
                + "registry version \(summary.registryVersion)"
        )
    }
}
