import Foundation
import Logging
import ServiceLifecycle

/// Returns to the moderators' queue, marked unanswered, every report whose artist did not rule in time.
/// Runs once at start and then every `interval`; stops on graceful shutdown.
struct RulingTimeoutService: Service {
    let repository: ReportRepository
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let returned = try repository.returnUnanswered()
                    if returned > 0 {
                        logger.info("reports returned unanswered", metadata: ["count": "\(returned)"])
                    }
                    try await Task.sleep(for: interval)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("returning unanswered reports failed", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }
}
