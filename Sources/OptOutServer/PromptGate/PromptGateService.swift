import Logging
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// Watches the registry's change log and keeps the prompt gate current, so phrases added or withdrawn outside
/// this process (an import, another tool) block or stop blocking within a second. Stops on graceful shutdown.
struct PromptGateService: Service {
    let gate: PromptGate
    let interval: Duration

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: gate.logger, failure: "prompt gate refresh failed") { [gate] in
            try await gate.refreshInBackground()
        }
    }
}
