import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct RevokeAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-api-key", abstract: "Revoke an API key by name.")

    @OptionGroup var data: DataOptions
    @Option var name: String

    func run() async throws {
        let revoked = try await reportingErrors { try await AdminTasks(configuration: try await data.configuration()).revokeAPIKey(name: name) }
        guard revoked else {
            FileHandle.standardError.write(Data("optout-gate: no live API key is named \(name)\n".utf8))
            throw ExitCode.failure
        }
        print("revoked API key \(name)")
    }
}
