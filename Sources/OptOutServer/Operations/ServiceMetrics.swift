import Foundation
import Hummingbird
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore
import Prometheus

/// The service's metrics, through swift-metrics with swift-prometheus as the backend. The application owns one
/// (none with `--no-metrics`): its registry, and every metric made through its factory, so nothing goes through
/// swift-metrics' process-wide `MetricsSystem` and two applications in one process (the tests) count apart. HTTP
/// requests are timed by ``HTTPMetricsMiddleware`` (the series Hummingbird's `MetricsMiddleware` writes); the rest is
/// the service's own: prompt checks by decision, matches by `via`, the registry and the gate's snapshot, group commits,
/// the moderation queue, sign-in throttles.
final class ServiceMetrics: Sendable {
    static let decisions = ["allowed", "blocked", "incomplete", "credited"]

    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let checks: [String: Metrics.Counter]
    private let matchCounters = NIOLockedValueBox<[String: Metrics.Counter]>([:])
    let signInThrottled: Metrics.Counter
    let groupCommitBatch: Metrics.Recorder
    let groupCommitDuration: Metrics.Timer
    let snapshotRebuild: Metrics.Timer
    private let registryVersion: Metrics.Gauge
    private let activePhrases: Metrics.Gauge
    private let snapshotAge: Metrics.Gauge
    private let queueGauges = NIOLockedValueBox<[String: Metrics.Gauge]>([:])

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A prompt check answers in tens of microseconds: buckets from 100 µs, not the default 5 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets = ["optout_group_commit_batch_size": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]]
        self.factory = factory
        checks = Dictionary(
            uniqueKeysWithValues: Self.decisions.map {
                ($0, Metrics.Counter(label: "optout_prompt_checks_total", dimensions: [("decision", $0)], factory: factory))
            }
        )
        signInThrottled = Metrics.Counter(label: "optout_sign_in_throttled_total", factory: factory)
        groupCommitBatch = Metrics.Recorder(label: "optout_group_commit_batch_size", aggregate: true, factory: factory)
        groupCommitDuration = Metrics.Timer(label: "optout_group_commit_seconds", preferredDisplayUnit: .seconds, factory: factory)
        snapshotRebuild = Metrics.Timer(label: "optout_snapshot_rebuild_seconds", preferredDisplayUnit: .seconds, factory: factory)
        registryVersion = Metrics.Gauge(label: "optout_registry_version", factory: factory)
        activePhrases = Metrics.Gauge(label: "optout_active_phrases", factory: factory)
        snapshotAge = Metrics.Gauge(label: "optout_snapshot_age_seconds", factory: factory)
    }

    /// What the store's group commits record: batch sizes and commit times.
    var commits: CommitMetrics { CommitMetrics(batch: groupCommitBatch, duration: groupCommitDuration) }

    /// One prompt check: its decision, and each match by how it was read. No database write: counters live in memory.
    func recordCheck(allowed: Bool, complete: Bool, credited: Bool, via: [[String]]) {
        let decision = !complete ? "incomplete" : !allowed ? "blocked" : credited ? "credited" : "allowed"
        checks[decision]?.increment()
        for names in via {
            for name in names { matchCounter(name).increment() }
        }
    }

    private func matchCounter(_ via: String) -> Metrics.Counter {
        matchCounters.withLockedValue { counters in
            if let counter = counters[via] { return counter }
            let counter = Metrics.Counter(label: "optout_prompt_matches_total", dimensions: [("via", via)], factory: factory)
            counters[via] = counter
            return counter
        }
    }

    /// The figures read when scraped: the gate's snapshot and the queue's sizes.
    func refreshGauges(gate: PromptGate, queue: [(kind: String, status: String, count: Int)]) {
        let snapshot = gate.current
        registryVersion.record(Double(snapshot.version))
        let superseded = snapshot.superseded
        let live = snapshot.base.phrases.reduce(0) { $0 + (superseded.contains($1.id) ? 0 : 1) } + snapshot.overlay.phrases.count
        activePhrases.record(Double(live))
        snapshotAge.record(gate.snapshotAge.inSeconds)
        queueGauges.withLockedValue { gauges in
            for item in queue {
                let key = item.kind + "/" + item.status
                let gauge =
                    gauges[key]
                    ?? Metrics.Gauge(
                        label: "optout_queue_items",
                        dimensions: [("kind", item.kind), ("status", item.status)],
                        factory: factory
                    )
                gauges[key] = gauge
                gauge.record(Double(item.count))
            }
        }
    }

    /// The Prometheus text exposition of everything recorded.
    func exposition() -> ByteBuffer {
        ByteBuffer(bytes: registry.emitToBuffer())
    }
}

/// `GET /metrics`: an API key with the `metrics` scope on the service's own address, or no credential on the
/// separate `--metrics-address`.
struct MetricsController {
    let metrics: ServiceMetrics
    let gate: PromptGate
    let queue: OperationsQueries
    let requireKey: Bool

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        if requireKey { _ = try context.requireScope(.metrics) }
        return try await Self.scrape(metrics: metrics, gate: gate, queue: queue)
    }

    static func scrape(metrics: ServiceMetrics, gate: PromptGate, queue: OperationsQueries) async throws -> Response {
        let sizes = try await queue.queueSizes()
        metrics.refreshGauges(gate: gate, queue: sizes)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: metrics.exposition())
        )
    }
}
