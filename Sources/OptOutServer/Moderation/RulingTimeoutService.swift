import Foundation
import Logging
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// Returns to the moderators' queue, marked unanswered, every report whose artist did not rule in time.
/// Runs once at start and then every `interval`; stops on graceful shutdown.
struct RulingTimeoutService: Service {
    let repository: ReportRepository
    let interval: Duration
    var runner: JobRunner = .thisProcess
    let logger: Logger

    func run() async throws {
        await runner.run(every: interval, logger: logger, failure: "returning unanswered reports failed") {
            [repository, logger] in
            let returned = try await repository.returnUnanswered()
            if returned > 0 {
                logger.info("reports returned unanswered", metadata: ["count": "\(returned)"])
            }
        }
    }
}
