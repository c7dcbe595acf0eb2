import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct CreateAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-api-key",
        abstract: "Create an API key for an image generator or dataset builder; the key is printed alone on the last line."
    )

    @OptionGroup var data: DataOptions
    @Option var name: String
    @Option(help: "check, generate, registry or metrics; repeat for more than one.")
    var scope: [APIScope] = []

    func run() async throws {
        let key = try await reportingErrors {
            try await AdminTasks(configuration: try await data.configuration()).createAPIKey(name: name, scopes: Set(scope))
        }
        print("API key \(name) with scopes \(scope.map(\.rawValue).sorted().joined(separator: ", ")); it is shown only once:")
        print(key)
    }
}
