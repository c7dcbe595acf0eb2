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

func buildRouter(
    services: Services,
    gate: PromptGate,
    links: LinkIndex,
    c2pa: C2PACredential,
    activity: ActivityRecorder = ActivityRecorder(),
    metrics: ServiceMetrics? = nil,
    outbound: OutboundHTTP = OutboundHTTP(),
    configuration: AppConfiguration,
    publicDirectory: URL,
    table: RouteTable = RouteTable()
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let publicURL = configuration.http.publicURL ?? "http://\(configuration.http.host):\(configuration.http.port)"
    let license = RSLLicense(links: links, publicURL: publicURL)
    router.add(middleware: RequestLogMiddleware(direct: configuration.logging.destination))
    if let metrics {
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
    }
    router.add(middleware: SecurityHeadersMiddleware(signals: configuration.signals, licenseAddress: license.address))
    router.add(middleware: ErrorMiddleware(passRouteNotFound: false, routes: table))
    router.add(middleware: StaticPathGuard())
    router.add(middleware: FileMiddleware(publicDirectory.path, searchForIndexHtml: true))
    router.add(middleware: ErrorMiddleware(passRouteNotFound: true, routes: table))
    let credentials = CredentialCache(lifetime: configuration.accounts.credentialCacheLifetime)
    router.add(middleware: AuthMiddleware(accounts: services.accounts, cache: credentials))

    let routes = RouteRecorder(router: router, table: table)
    let health = HealthCheck(queries: services.operations)
    routes.get("/health") { _, _ in
        try await health.check()
        return ["status": "ok"]
    }
    let readiness = ReadinessCheck(
        queries: services.operations,
        gate: gate,
        wordLists: services.wordLists,
        maxSnapshotAge: configuration.gate.maxSnapshotAge
    )
    routes.get("/health/ready") { _, context -> Response in
        let problem = await readiness.problem()
        if let problem {
            var error: [String: JSONValue] = ["code": .string("not_ready"), "message": .string(problem)]
            if case .string(let id)? = context.logger[metadataKey: "request_id"] { error["request_id"] = .string(id) }
            return try Response.json(
                .object(["status": .string("not_ready"), "error": .object(error)]),
                status: .serviceUnavailable,
                headers: [.retryAfter: "1"]
            )
        }
        return try Response.json(.object(["status": .string("ready")]))
    }
    AccountsController(
        repository: services.accounts,
        hasher: services.hasher,
        throttle: LoginThrottle(store: SignInThrottleStore(store: services.store)),
        credentials: credentials,
        sessionLifetime: configuration.accounts.sessionLifetime,
        trustedProxies: configuration.http.trustedProxies,
        signUpLimits: configuration.accounts.signUpLimits,
        throttled: metrics?.signInThrottled
    ).addRoutes(to: routes)
    ArtistsController(
        repository: services.artists,
        gate: gate,
        fetcher: PageFetcher(allowPrivate: configuration.outbound.allowPrivateFetch, outbound: outbound),
        wordLists: services.wordLists,
        publicURL: publicURL
    ).addRoutes(to: routes)
    PhraseReviewController(repository: services.artists, gate: gate).addRoutes(to: routes)
    NameDisputesController(repository: services.artists, gate: gate).addRoutes(to: routes)
    PromptCheckController(gate: gate, metrics: metrics, activity: activity).addRoutes(to: routes)
    ActivityController(recorder: activity, store: ActivityStore(store: services.store), artists: services.artists).addRoutes(to: routes)
    TrainingSignalsController(signals: configuration.signals, crawlers: services.crawlers, license: license).addRoutes(to: routes)
    GenerationsController(
        metering: services.metering,
        queries: services.generations,
        gate: gate,
        plans: configuration.plans,
        activity: activity
    ).addRoutes(to: routes)
    LabelsController(
        queries: services.generations,
        labels: LabelOptions(c2pa: c2pa, training: configuration.labels.training, prompt: configuration.labels.prompt),
        maxImageBytes: configuration.labels.maxImageBytes
    ).addRoutes(to: routes)
    UsageController(metering: services.metering, queries: services.generations, plans: configuration.plans).addRoutes(to: routes)
    RegistryLookupController(gate: gate, links: links, registry: services.registry).addRoutes(to: routes)
    SpawningQueryController(links: links).addRoutes(to: routes)
    RegistryController(repository: services.artists).addRoutes(to: routes)
    ReportsController(repository: services.reports(configuration)).addRoutes(to: routes)
    if let metrics {
        MetricsController(metrics: metrics, gate: gate, queue: services.operations, requireKey: true).addRoutes(to: routes)
    }
    WebhooksController(repository: WebhookRepository(store: services.store)).addRoutes(to: routes)
    ComplaintsController(
        repository: ComplaintRepository(store: services.store, perHour: configuration.moderation.complaintsPerHour),
        contact: configuration.moderation.contact
    ).addRoutes(to: routes)
    return router
}
