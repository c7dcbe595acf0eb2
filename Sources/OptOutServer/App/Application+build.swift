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

/// Builds the whole application; `optout-gate serve` and the tests both call this.
public func buildApplication(configuration: AppConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "optout-gate")
    logger.logLevel = configuration.logging.level
    let root = try configuration.storage.resourceRoot ?? ResourceLocator.findRoot()
    var configuration = configuration
    configuration.storage.resourceRoot = root
    let metrics = configuration.metrics.enabled ? ServiceMetrics() : nil
    let services = try await Services(configuration: configuration, metrics: metrics)
    let gate = try await PromptGate.open(
        store: services.registrySource,
        ordinary: try services.wordLists.ordinary(),
        logger: logger,
        rebuildTimer: metrics?.snapshotRebuild
    )
    let links = LinkIndex(store: services.registry)
    try await links.warm()
    if let held = services.guardHeld {
        logger.notice(
            "collision guard applied to the registry",
            metadata: ["revision": "\(CollisionGuard.revision)", "phrases_moved_to_review": "\(held)"]
        )
    }
    let c2pa = try C2PACredential.forService(configuration)
    if c2pa.development {
        logger.notice(
            "C2PA manifests are signed with a development certificate; give --c2pa-key and --c2pa-cert for production",
            metadata: ["folder": "\(configuration.storage.dataDirectory.appendingPathComponent("c2pa").path)"]
        )
    }
    let activity = ActivityRecorder()
    // Page fetches and webhook deliveries: one owner of outbound connections, closed when the application stops.
    let outbound = OutboundHTTP()
    let router = buildRouter(
        services: services,
        gate: gate,
        links: links,
        c2pa: c2pa.credential,
        activity: activity,
        metrics: metrics,
        outbound: outbound,
        configuration: configuration,
        publicDirectory: root.appendingPathComponent("Public")
    )
    logger.info(
        "registry open",
        metadata: [
            "data_dir": "\(configuration.storage.dataDirectory.path)",
            "registry_version": "\(gate.current.version)",
            "active_phrases": "\(gate.current.base.phrases.count)",
        ]
    )
    var background: [any Service] = [
        // The collision guard's lists and the sign-in decoy hash, made in the background at start: the service is
        // ready once the lists are read, and the first sign-in of an unknown email is not slower than the others.
        StartupWarmUp(wordLists: services.wordLists, hasher: services.hasher, logger: logger),
        outbound,
        PromptGateService(gate: gate, interval: configuration.gate.refreshInterval),
        RulingTimeoutService(
            repository: services.reports(configuration),
            interval: configuration.moderation.rulingSweepInterval,
            runner: services.runner(.rulingSweep),
            logger: logger
        ),
        WebhookService(
            repository: WebhookRepository(store: services.store),
            policy: WebhookPolicy(
                base: configuration.webhooks.retryBase,
                giveUpAfter: configuration.webhooks.giveUpAfter,
                interval: configuration.webhooks.interval
            ),
            outbound: outbound,
            runner: services.runner(.webhookDelivery),
            logger: logger
        ),
        ActivityService(
            recorder: activity,
            store: ActivityStore(store: services.store),
            queue: services.operations,
            interval: configuration.gate.activityFlushInterval,
            logger: logger
        ),
    ]
    if let output = configuration.logging.destination?.output {
        // Listed first, stopped last: lines logged while the others stop are still written.
        background.insert(output, at: 0)
    }
    if let backend = services.postgres {
        let registry = PostgresRegistryStore(database: backend)
        // The client goes last: it is listed first, and graceful shutdown stops services in reverse order.
        background.insert(PostgresClientLifetime(backend: backend), at: 0)
        background.append(RegistryFollower(gate: gate, registry: registry))
        background.append(
            ChangeLogPruning(registry: registry, runner: services.runner(.changeLogPruning), interval: .seconds(60), logger: logger)
        )
    }
    if let metrics, let host = configuration.metrics.host, let port = configuration.metrics.port {
        // The scraper's own address: /metrics without a credential, nothing else.
        let metricsRouter = Router(context: BasicRequestContext.self)
        metricsRouter.get("/metrics") { [queue = services.operations] _, _ in
            try await MetricsController.scrape(metrics: metrics, gate: gate, queue: queue)
        }
        background.append(
            Application(
                router: metricsRouter,
                configuration: .init(address: .hostname(host, port: port), serverName: "optout-gate-metrics"),
                logger: logger
            )
        )
    }
    let requestTimeout = configuration.http.requestTimeout
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(timeout: requestTimeout)],
                idleTimeout: configuration.http.idleTimeout
            )
        ),
        configuration: .init(
            address: .hostname(configuration.http.host, port: configuration.http.port),
            serverName: "optout-gate",
            // Past this many open connections the server stops accepting until one closes (the kernel's backlog
            // holds the rest), so a flood of connections never runs it out of file descriptors.
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.http.maxConnections, logger: logger)
        ),
        services: background,
        logger: logger
    )
}
