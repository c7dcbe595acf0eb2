import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// `GET /health`: reads the database at most once a second, so load balancers polling it cost nothing.
final class HealthCheck: Sendable {
    let queries: OperationsQueries
    private let lastSuccess = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    init(queries: OperationsQueries) {
        self.queries = queries
    }

    func check() async throws {
        let now = ContinuousClock.now
        if let last = lastSuccess.withLockedValue({ $0 }), now - last < .seconds(1) { return }
        try await queries.ping()
        lastSuccess.withLockedValue { $0 = now }
    }
}

/// `GET /health/ready`: whether this process should get traffic. Not ready when the database cannot be written
/// (a write probe, at most once a second; the last answer is reused in between) or when the prompt gate's
/// snapshot has not caught up with the registry for longer than `maxSnapshotAge`.
final class ReadinessCheck: Sendable {
    let queries: OperationsQueries
    let gate: PromptGate
    let wordLists: WordLists
    let maxSnapshotAge: Duration
    private let lastProbe = NIOLockedValueBox<(at: ContinuousClock.Instant, failure: String?)?>(nil)

    init(queries: OperationsQueries, gate: PromptGate, wordLists: WordLists, maxSnapshotAge: Duration) {
        self.queries = queries
        self.gate = gate
        self.wordLists = wordLists
        self.maxSnapshotAge = maxSnapshotAge
    }

    /// Why the service is not ready, or nil when it is.
    func problem() async -> String? {
        if let failure = await writeProbe() { return failure }
        if !wordLists.isGuardLoaded {
            // ``StartupWarmUp`` reads them.
            return "the collision guard's lists are still being read"
        }
        let age = gate.snapshotAge
        if age > maxSnapshotAge {
            return
                "the prompt gate's registry snapshot last caught up \(age.components.seconds) s ago (at most \(maxSnapshotAge.components.seconds) s expected)"
        }
        return nil
    }

    private func writeProbe() async -> String? {
        let now = ContinuousClock.now
        if let last = lastProbe.withLockedValue({ $0 }), now - last.at < .seconds(1) { return last.failure }
        var failure: String?
        do {
            try await queries.probeWrite()
        } catch {
            failure = "the database cannot be written: \(error)"
        }
        lastProbe.withLockedValue { $0 = (now, failure) }
        return failure
    }
}
