import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the database if needed and apply every migration.")

    @OptionGroup var data: DataOptions

    func run() async throws {
        let configuration = try await data.configuration()
        if let url = configuration.storage.databaseURL {
            let logger = quietLogger()
            let (applied, version) = try await reportingErrors {
                try await PostgresAdmin.migrate(url: url, resourceRoot: configuration.storage.resourceRoot, logger: logger)
            }
            print("migrated \(applied.count) PostgreSQL migrations (\(applied.last ?? "none")); registry version \(version)")
            return
        }
        let (version, held) = try await reportingErrors {
            let tasks = try await AdminTasks(configuration: configuration)
            return await (try tasks.registryVersion(), tasks.guardHeld)
        }
        print("migrated \(configuration.storage.dataDirectory.path)/optout.sqlite; registry version \(version)")
        if let held {
            print("collision guard revision \(CollisionGuard.revision): \(held) active phrases moved back to review")
        }
    }
}
