import Logging
import NIOPosix
import OptOutCore
import ServiceLifecycle

/// Work done once at start, in the background, by the application's service group: reads the collision guard's
/// lists (the service is ready, `GET /health/ready`, once they are read, so its first registration does not wait
/// for them) and makes the sign-in decoy hash (so the first sign-in of an unknown email is not slower than the
/// others). Then waits for shutdown, as a service does.
struct StartupWarmUp: Service {
    let wordLists: WordLists
    let hasher: PasswordHasher
    let logger: Logger

    func run() async throws {
        do {
            _ = try await NIOThreadPool.singleton.runIfActive { [wordLists] in try wordLists.collisionGuard() }
            _ = try await hasher.decoyHash()
        } catch {
            // A missing list fails the first registration with the same error; the readiness check reports it.
            logger.error("start-up warm-up failed", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }
}
