import Logging
import ServiceLifecycle

/// Watches the registry's change log and keeps the prompt gate current, so phrases added or withdrawn outside
/// this process (an import, another tool) block or stop blocking within a second. Stops on graceful shutdown.
struct PromptGateService: Service {
    let gate: PromptGate
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    try await gate.refreshInBackground()
                } catch is CancellationError {
                    return
                } catch {
                    gate.logger.error("prompt gate refresh failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
