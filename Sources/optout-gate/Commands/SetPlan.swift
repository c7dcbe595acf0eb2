import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct SetPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-plan",
        abstract: "Set an account's plan, and whether it pays for prompts past it."
    )

    @OptionGroup var data: DataOptions
    @Option var email: String
    @Option var plan: String
    @Option(help: "on or off: charge prompts past the allowance instead of refusing them.")
    var overage: String?
    @OptionGroup var plans: PlanOptions

    func run() async throws {
        let overageFlag: Bool?
        switch overage {
        case nil: overageFlag = nil
        case "on": overageFlag = true
        case "off": overageFlag = false
        default: throw ValidationError("--overage takes on or off")
        }
        try await reportingErrors {
            try await AdminTasks(configuration: try await data.configuration()).setPlan(
                email: email,
                plan: plan,
                overage: overageFlag,
                plans: try await plans.catalog()
            )
        }
        print("\(email): plan \(plan)\(overageFlag.map { $0 ? ", overage on" : ", overage off" } ?? "")")
    }
}
