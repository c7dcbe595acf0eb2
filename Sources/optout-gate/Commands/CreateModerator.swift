import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct CreateModerator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a moderator account, or promote an existing one. The password is read from OPTOUT_PASSWORD or stdin."
    )

    @OptionGroup var data: DataOptions
    @Option var email: String
    @Flag(help: "Make the account an admin rather than a moderator.")
    var admin = false

    func run() async throws {
        let password: String
        let reader = try await ConfigSources.reader(flags: [:])
        if let fromEnvironment = reader.string(forKey: "password", isSecret: true) {
            password = fromEnvironment
        } else if let line = readLine(strippingNewline: true) {
            password = line
        } else {
            throw ValidationError("Give the password in OPTOUT_PASSWORD or on stdin.")
        }
        let role: Role = admin ? .admin : .moderator
        let id = try await reportingErrors {
            try await AdminTasks(configuration: try await data.configuration()).createStaff(email: email, password: password, role: role)
        }
        print("\(role.rawValue) \(email) is account \(id)")
    }
}
