import Logging
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// Runs `work` now and then every `interval` until graceful shutdown: the loop of the app's background services.
/// A failure is logged under `failure` and the loop goes on; cancellation ends it.
func repeatUntilShutdown(
    every interval: Duration,
    logger: Logger,
    failure: Logger.Message,
    _ work: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await work()
            } catch is CancellationError {
                return
            } catch {
                logger.error(failure, metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}

/// Who runs a background job: the one process on SQLite; on PostgreSQL, the one replica that holds the job's advisory
/// lock, another taking over when it goes.
enum JobRunner: Sendable {
    case thisProcess
    case leader(PostgresLeadership, PostgresLeadership.Job)

    /// Runs `work` every `interval` until graceful shutdown, while this process is the one to run it.
    func run(every interval: Duration, logger: Logger, failure: Logger.Message, _ work: @escaping @Sendable () async throws -> Void) async {
        switch self {
        case .thisProcess:
            await repeatUntilShutdown(every: interval, logger: logger, failure: failure, work)
        case .leader(let leadership, let job):
            await cancelWhenGracefulShutdown {
                await leadership.run(job, interval: interval, round: work)
            }
        }
    }
}
