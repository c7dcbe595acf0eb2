import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the prompt gate on your own data: recall per disguise and the ordinary prompts it refuses (no database)."
    )

    @Option(help: "Artists as JSON Lines, as import-artists reads them: {\"name\", \"aliases\", \"creations\"}.")
    var registry: String
    @Option(help: "Labelled prompts as JSON Lines: {\"prompt\", \"artist\": the name it names or null, \"category\": the disguise}.")
    var prompts: String
    @Option(help: "How many missed and refused prompts to show per disguise (default 3).")
    var examples: Int = 3
    @Option(
        help:
            "List the N phrases and the N artists (registry lines, as one account registers them) that refuse the most ordinary prompts (default 0: only the worst of each when N > 0)."
    )
    var worst: Int = 0

    func run() async throws {
        guard let registryData = FileManager.default.contents(atPath: registry) else { throw ValidationError("cannot read \(registry)") }
        guard let promptData = FileManager.default.contents(atPath: prompts) else { throw ValidationError("cannot read \(prompts)") }
        guard examples >= 0 else { throw ValidationError("--examples must be 0 or more") }
        guard worst >= 0 else { throw ValidationError("--worst must be 0 or more") }
        let report = try await reportingErrors {
            try GateEvaluation.run(registry: registryData, prompts: promptData, examples: examples, worst: worst)
        }
        print(report.text, terminator: "")
    }
}
