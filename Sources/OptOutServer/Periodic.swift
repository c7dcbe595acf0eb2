import Logging
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
