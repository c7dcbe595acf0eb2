import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
import ServiceLifecycle

/// Everything the service needs to start, read by the executable from flags and environment.
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = URL(fileURLWithPath: "data")
    /// The folder holding `Migrations/` and `Public/`; found by ``ResourceLocator`` when nil.
    public var resourceRoot: URL?
    /// bcrypt cost: 11 or more in production; tests lower it to stay fast.
    public var bcryptCost: UInt8 = 11
    public var sessionLifetime: TimeInterval = 7 * 24 * 3600
    public var idleTimeout: TimeAmount = .seconds(30)
    /// How long a request's head and whole body may take to arrive, however steadily they trickle; past it the
    /// connection gets a 408 (or just closes) (``RequestDeadlineHandler``).
    public var requestTimeout: TimeAmount = .seconds(60)
    public var logLevel: Logger.Level = .info
    /// How often the prompt gate looks for registry changes made outside the API.
    public var gateRefreshInterval: Duration = .milliseconds(250)
    /// How long an accepted session or API key is remembered: a key revoked from the command line stops working
    /// within this time.
    public var credentialCacheLifetime: Duration = .seconds(1)
    public var signals = TrainingSignals()
    /// Monthly allowances and the overage price.
    public var plans = PlanCatalog()
    /// The largest image `POST /v1/generations/{id}/label` and `/v1/labels/verify` take.
    public var maxImageBytes = 20 << 20
    /// How long an artist has to rule on a report sent to them before it returns to the moderators, unanswered.
    public var rulingWindow: TimeInterval = 14 * 24 * 3600
    /// How often the service looks for rulings past their time.
    public var rulingSweepInterval: Duration = .seconds(60)
    /// How long a moderator's claim on a report lasts.
    public var claimLifetime: TimeInterval = ReportClaim.lifetime
    /// Reports an account may file in an hour.
    public var reportsPerHour = ReportLimits.perHour
    /// The most connections served at once: by default the process's file descriptor limit less 256 kept for the
    /// database, logs and outbound fetches, at most 16,384.
    public var maxConnections = AppConfiguration.defaultMaxConnections()

    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return max(64, min(16_384, Int(clamping: limit.rlim_cur) - 256))
    }

    /// Accounts one client address, and one network (IPv6 /64, IPv4 /24), may open in an hour.
    public var signUpLimits = AccountRules.SignUpLimits()
    /// `GET /health/ready` answers 503 when the prompt gate's snapshot has not caught up with the registry for longer.
    public var maxSnapshotAge: Duration = .seconds(10)
    /// Reverse proxies whose `X-Forwarded-For` header names the client, for per-address limits.
    public var trustedProxies: [CIDR] = []
    /// The service's address as the world reaches it (artists' pages link to `<public URL>/artists/<id>`); by default
    /// `http://host:port`.
    public var publicURL: String?
    /// Let link verification fetch private and loopback addresses (tests and closed networks only).
    public var allowPrivateFetch = false
    /// The PEM ECDSA P-256 key and certificate chain that sign C2PA manifests; when nil, a development pair kept in
    /// `<data-dir>/c2pa/`.
    public var c2paKeyPEM: String?
    public var c2paCertificatePEM: String?
    /// The training-and-data-mining entries written into labels (C2PA, CAWG, IPTC PLUS).
    public var labelTraining = TrainingMiningPolicy()
    /// Write the prompt and its writer into the XMP label (IPTC `AIPromptInformation`, `AIPromptWriterName`).
    public var labelPrompt = false
    /// A second address (host and port) serving `GET /metrics` without a credential, for a scraper on a private
    /// network; nil: `/metrics` only on the service's address, for API keys with the `metrics` scope.
    public var metricsHost: String?
    public var metricsPort: Int?
    /// Off: no HTTP metrics, no `/metrics` and no per-check counters (the benchmark's "without").
    public var metricsEnabled = true
    /// Webhook retries: the first back-off, and how long an endpoint's deliveries may fail before it is disabled.
    public var webhookRetryBase: TimeInterval = 5
    public var webhookGiveUpAfter: TimeInterval = 24 * 3600
    /// How often the outbox is read for messages to send.
    public var webhookInterval: Duration = .milliseconds(250)
    /// How often the artists' activity counters are written (they are counted in memory in between).
    public var activityFlushInterval: Duration = .seconds(5)
    /// The service's contact for rightsholders' complaints: an email address or an http(s) URL.
    public var contact: String?
    /// Complaints an account may file in an hour.
    public var complaintsPerHour = ComplaintFiling.perHour
    /// A PostgreSQL database (`postgres://user:password@host:5432/database`) to keep everything in instead of
    /// `<dataDirectory>/optout.sqlite`: what several replicas of the service share.
    public var databaseURL: String?
    /// The most connections a replica opens to PostgreSQL: its cold routes and background jobs share them, and the
    /// metered charges take one per batch. Replicas × this must stay below the server's `max_connections`.
    public var databaseConnections = 32

    public init() {}
}

/// The parts of a built service, for the CLI's commands that work on the database directly.
///
/// One backend is chosen at start: SQLite under the data folder (the default), or PostgreSQL when
/// ``AppConfiguration/databaseURL`` is set. The cold stores are written once against ``SQLStore``; the prompt gate's
/// registry reads, the dataset builders' reads and the metered charge have a store per database.
struct Services: Sendable {
    /// SQLite's database, or nil on PostgreSQL.
    let sqlite: AppDatabase?
    /// PostgreSQL's client, or nil on SQLite.
    let postgres: PostgresBackend?
    /// The cold stores' database.
    let store: any SQLStore
    let accounts: AccountRepository
    let artists: ArtistRepository
    let metering: any MeteringStore
    let generations: GenerationQueries
    /// What the prompt gate reads of the registry.
    let registrySource: any RegistrySource
    /// What the look-up, the export and the link index read.
    let registry: any RegistryReads
    let operations: OperationsQueries
    let hasher: PasswordHasher
    let ordinaryWords: OrdinaryWords
    let crawlers: [String]
    /// Active phrases the collision guard's newer rule moved back to review at this start (nil: none to apply).
    let guardHeld: Int?

    /// Opens the database (applying migrations) and loads the collision guard's word list.
    init(configuration: AppConfiguration) async throws {
        let root = try configuration.resourceRoot ?? ResourceLocator.findRoot()
        if let url = configuration.databaseURL {
            var logger = Logger(label: "optout-gate.postgres")
            logger.logLevel = configuration.logLevel
            let backend = PostgresBackend(url: try DatabaseURL(url), connections: configuration.databaseConnections, logger: logger)
            backend.start()
            do {
                try await backend.migrate(from: root.appendingPathComponent("Migrations/postgres"))
                try await backend.assertDurability()
            } catch {
                backend.stop()
                throw error
            }
            sqlite = nil
            postgres = backend
            store = PostgresSQLStore(backend: backend)
            let registryStore = PostgresRegistryStore(database: backend)
            registrySource = BlockingPostgresRegistry(store: registryStore)
            registry = registryStore
            metering = PostgresGenerationStore(database: backend)
        } else {
            let database = try AppDatabase(
                dataDirectory: configuration.dataDirectory,
                migrationsDirectory: root.appendingPathComponent("Migrations/sqlite")
            )
            sqlite = database
            postgres = nil
            store = SQLiteStore(database: database)
            let registryStore = RegistryStore(database: database)
            registrySource = registryStore
            registry = registryStore
            metering = GenerationStore(database: database)
        }
        accounts = AccountRepository(store: store)
        generations = GenerationQueries(store: store)
        operations = OperationsQueries(store: store)
        ordinaryWords = try WordList.ordinary.get()
        try WordList.checkResources()
        artists = ArtistRepository(store: store, collisionGuard: { try WordList.collisionGuard.get() })
        guardHeld = try await artists.applyGuardRevision()
        hasher = PasswordHasher(cost: configuration.bcryptCost)
        crawlers = try CrawlerList.load()
    }

    /// Lets the PostgreSQL client go (a no-op on SQLite): for the CLI's commands once they are done.
    func close() {
        postgres?.stop()
    }

    /// Who runs background job `job`: this process on SQLite, the job's leader on PostgreSQL.
    func runner(_ job: PostgresLeadership.Job) -> JobRunner {
        postgres.map { .leader(PostgresLeadership(database: $0), job) } ?? .thisProcess
    }

    func reports(_ configuration: AppConfiguration) -> ReportRepository {
        ReportRepository(
            store: store,
            rulingWindow: configuration.rulingWindow,
            claimLifetime: configuration.claimLifetime,
            perHour: configuration.reportsPerHour
        )
    }
}

/// Builds the whole application; `optout-gate serve` and the tests both call this.
public func buildApplication(configuration: AppConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "optout-gate")
    logger.logLevel = configuration.logLevel
    let root = try configuration.resourceRoot ?? ResourceLocator.findRoot()
    var configuration = configuration
    configuration.resourceRoot = root
    let services = try await Services(configuration: configuration)
    WordList.warmUp()
    let gate = try await PromptGate.open(store: services.registrySource, ordinary: services.ordinaryWords, logger: logger)
    let links = LinkIndex(store: services.registry)
    try await links.warm()
    // The sign-in decoy hash is made now, in the background, so the first sign-in of an unknown email is not slower.
    Task { [hasher = services.hasher] in _ = try? await hasher.decoyHash() }
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
            metadata: ["folder": "\(configuration.dataDirectory.appendingPathComponent("c2pa").path)"]
        )
    }
    let activity = ActivityRecorder()
    let router = buildRouter(
        services: services,
        gate: gate,
        links: links,
        c2pa: c2pa.credential,
        activity: activity,
        configuration: configuration,
        publicDirectory: root.appendingPathComponent("Public")
    )
    logger.info(
        "registry open",
        metadata: [
            "data_dir": "\(configuration.dataDirectory.path)",
            "registry_version": "\(gate.current.version)",
            "active_phrases": "\(gate.current.base.phrases.count)",
        ]
    )
    var background: [any Service] = [
        PromptGateService(gate: gate, interval: configuration.gateRefreshInterval),
        RulingTimeoutService(
            repository: services.reports(configuration),
            interval: configuration.rulingSweepInterval,
            runner: services.runner(.rulingSweep),
            logger: logger
        ),
        WebhookService(
            repository: WebhookRepository(store: services.store),
            policy: WebhookPolicy(
                base: configuration.webhookRetryBase,
                giveUpAfter: configuration.webhookGiveUpAfter,
                interval: configuration.webhookInterval
            ),
            runner: services.runner(.webhookDelivery),
            logger: logger
        ),
        ActivityService(
            recorder: activity,
            store: ActivityStore(store: services.store),
            queue: services.operations,
            interval: configuration.activityFlushInterval,
            logger: logger
        ),
    ]
    if let backend = services.postgres {
        let registry = PostgresRegistryStore(database: backend)
        // The client goes last: it is listed first, and graceful shutdown stops services in reverse order.
        background.insert(PostgresClientLifetime(backend: backend), at: 0)
        background.append(RegistryFollower(gate: gate, registry: registry))
        background.append(
            ChangeLogPruning(registry: registry, runner: services.runner(.changeLogPruning), interval: .seconds(60), logger: logger)
        )
    }
    if configuration.metricsEnabled, let host = configuration.metricsHost, let port = configuration.metricsPort {
        // The scraper's own address: /metrics without a credential, nothing else.
        let metricsRouter = Router(context: BasicRequestContext.self)
        metricsRouter.get("/metrics") { [queue = services.operations] _, _ in
            try await MetricsController.scrape(metrics: .shared, gate: gate, queue: queue)
        }
        background.append(
            Application(
                router: metricsRouter,
                configuration: .init(address: .hostname(host, port: port), serverName: "optout-gate-metrics"),
                logger: logger
            )
        )
    }
    let requestTimeout = configuration.requestTimeout
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(timeout: requestTimeout)],
                idleTimeout: configuration.idleTimeout
            )
        ),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "optout-gate",
            // Past this many open connections the server stops accepting until one closes (the kernel's backlog
            // holds the rest), so a flood of connections never runs it out of file descriptors.
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)
        ),
        services: background,
        logger: logger
    )
}

func buildRouter(
    services: Services,
    gate: PromptGate,
    links: LinkIndex,
    c2pa: C2PACredential,
    activity: ActivityRecorder = ActivityRecorder(),
    configuration: AppConfiguration,
    publicDirectory: URL,
    table: RouteTable = RouteTable()
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let publicURL = configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)"
    let license = RSLLicense(links: links, publicURL: publicURL)
    router.add(middleware: RequestLogMiddleware())
    if configuration.metricsEnabled {
        _ = ServiceMetrics.shared
        router.add(middleware: HTTPMetricsMiddleware())
    }
    router.add(middleware: SecurityHeadersMiddleware(signals: configuration.signals, licenseAddress: license.address))
    router.add(middleware: ErrorMiddleware(passRouteNotFound: false, routes: table))
    router.add(middleware: StaticPathGuard())
    router.add(middleware: FileMiddleware(publicDirectory.path, searchForIndexHtml: true))
    router.add(middleware: ErrorMiddleware(passRouteNotFound: true, routes: table))
    let credentials = CredentialCache(lifetime: configuration.credentialCacheLifetime)
    router.add(middleware: AuthMiddleware(accounts: services.accounts, cache: credentials))

    let routes = RouteRecorder(router: router, table: table)
    let health = HealthCheck(queries: services.operations)
    routes.get("/health") { _, _ in
        try await health.check()
        return ["status": "ok"]
    }
    let readiness = ReadinessCheck(queries: services.operations, gate: gate, maxSnapshotAge: configuration.maxSnapshotAge)
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
        sessionLifetime: configuration.sessionLifetime,
        trustedProxies: configuration.trustedProxies,
        signUpLimits: configuration.signUpLimits
    ).addRoutes(to: routes)
    ArtistsController(
        repository: services.artists,
        gate: gate,
        fetcher: PageFetcher(allowPrivate: configuration.allowPrivateFetch),
        publicURL: publicURL
    ).addRoutes(to: routes)
    PhraseReviewController(repository: services.artists, gate: gate).addRoutes(to: routes)
    NameDisputesController(repository: services.artists, gate: gate).addRoutes(to: routes)
    PromptCheckController(gate: gate, metrics: configuration.metricsEnabled ? .shared : nil, activity: activity).addRoutes(to: routes)
    ActivityController(recorder: activity, store: ActivityStore(store: services.store), artists: services.artists).addRoutes(to: routes)
    TrainingSignalsController(signals: configuration.signals, crawlers: services.crawlers, license: license).addRoutes(to: routes)
    GenerationsController(
        metering: services.metering,
        queries: services.generations,
        gate: gate,
        plans: configuration.plans,
        maxImageBytes: configuration.maxImageBytes,
        activity: activity,
        labels: LabelOptions(c2pa: c2pa, training: configuration.labelTraining, prompt: configuration.labelPrompt)
    ).addRoutes(to: routes)
    RegistryLookupController(gate: gate, links: links, registry: services.registry).addRoutes(to: routes)
    SpawningQueryController(links: links).addRoutes(to: routes)
    RegistryController(repository: services.artists).addRoutes(to: routes)
    ReportsController(repository: services.reports(configuration)).addRoutes(to: routes)
    if configuration.metricsEnabled {
        MetricsController(metrics: .shared, gate: gate, queue: services.operations, requireKey: true).addRoutes(to: routes)
    }
    WebhooksController(repository: WebhookRepository(store: services.store)).addRoutes(to: routes)
    ComplaintsController(
        repository: ComplaintRepository(store: services.store, perHour: configuration.complaintsPerHour),
        contact: configuration.contact
    ).addRoutes(to: routes)
    return router
}

/// Finds the folder that holds `Migrations/` and `Public/`.
public enum ResourceLocator {
    /// Looks in `$OPTOUT_ROOT`, the working directory, then beside the executable and up to four folders above it
    /// (so `swift run` from the repository and `/app` in the Docker image both work).
    public static func findRoot() throws -> URL {
        var candidates: [URL] = []
        if let root = ProcessInfo.processInfo.environment["OPTOUT_ROOT"] {
            candidates.append(URL(fileURLWithPath: root))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates where isRoot(candidate) {
            return candidate.standardizedFileURL
        }
        throw StartupError(
            "cannot find the Migrations/ and Public/ folders (looked in \(candidates.map(\.path).joined(separator: ", "))); "
                + "run from the repository or set OPTOUT_ROOT"
        )
    }

    static func isRoot(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let migrations =
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Migrations").path, isDirectory: &isDirectory) && isDirectory.boolValue
        let publicFolder =
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Public").path, isDirectory: &isDirectory) && isDirectory.boolValue
        return migrations && publicFolder
    }
}

/// What ordinary prompts and ordinary text are made of, shipped as resources of this module: the collision guard's
/// lists and the matcher's ordinary words (see the README's "Collision guard" for each list's source).
enum WordList {
    /// The matcher's ordinary words and the phrases ordinary prompts use: loaded once a process, at start.
    static let ordinary: Result<OrdinaryWords, any Error> = Result {
        OrdinaryWords(
            try load("english-words"),
            phrases: try commonPhrases.get(),
            otherLanguages: OrdinaryWords.readLanguageWords(try worldWords.get().map { Substring($0) }),
            japaneseNames: JapaneseNames(lines: try load("kanji-name-readings").map { Substring($0) }),
            frequentWords: try worldWords.get().compactMap { $0.split(separator: "\t").last.map(String.init) }
        )
    }

    /// The collision guard: loaded once a process, when a phrase is first written (its 600,000 entries take a
    /// moment to fold and index, and only writes of phrases need them).
    static let collisionGuard: Result<CollisionGuard, any Error> = Result {
        let english = try load("english-words")
        // prompt-words.txt is word<TAB>count: single words and tags are words, word sequences are phrases.
        let promptWords = try load("prompt-words").map { $0.split(separator: "\t") }.filter { $0.count == 2 }
        let singleWords = promptWords.map { String($0[0]) } + (try load("booru-tags")).filter { !$0.contains(" ") }
        // world-words.txt is language<TAB>word. Words of everyday English text ("andrew", "kanye") are prompt
        // vocabulary too: portraits name people. Words in Cyrillic and Greek letters are also read in Latin ones, as a
        // prompt's are ("совет" is "sovet"), and the 5,000 commonest of each language's readings are prompt vocabulary
        // ("soivet" is a slip of "sovet"). The ordinary English words of the matcher are not: it never reads one as a
        // misspelt name.
        var worldWords: [String] = []
        var worldReadings: [String] = []
        var vocabulary = singleWords
        var perLanguage: [Substring: Int] = [:]
        for line in try WordList.worldWords.get() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { continue }
            let word = String(fields[1])
            worldWords.append(word)
            perLanguage[fields[0], default: 0] += 1
            if fields[0] == "en" { vocabulary.append(word) }
            guard let reading = Transliteration.promptReadings(word).first?.text else { continue }
            worldReadings.append(reading)
            if perLanguage[fields[0]]! <= 5000 { vocabulary.append(reading) }
        }
        let englishKeys = Set(english.map(PhraseKey.make))
        return CollisionGuard(
            dictionary: english + (try load("cjk-common-words")) + singleWords + worldWords + worldReadings,
            commonPhrases: try commonPhrases.get(),
            promptVocabulary: vocabulary.filter { !englishKeys.contains(PhraseKey.make($0)) },
            matcherWords: try ordinary.get(),
            readAsPrompts: true,
            // The prompt words that at least 300 of the corpus's prompts hold (about 0.1 %).
            frequentWords: promptWords.compactMap { (Int($0[1]) ?? 0) >= 300 ? String($0[0]) : nil }
        )
    }

    private static let guardLoaded = NIOLockedValueBox<Bool?>(nil)

    /// Starts reading the collision guard's lists on a thread of its own, once a process: a server is ready
    /// (`GET /health/ready`) once they are read, so its first registration does not wait for them.
    static func warmUp() {
        let start = guardLoaded.withLockedValue { state -> Bool in
            guard state == nil else { return false }
            state = false
            return true
        }
        guard start else { return }
        Thread.detachNewThread {
            _ = collisionGuard
            guardLoaded.withLockedValue { $0 = true }
        }
    }

    /// Whether the collision guard's lists are read (false while loading, or before ``warmUp()``).
    static var isGuardLoaded: Bool { guardLoaded.withLockedValue { $0 == true } }

    /// The word sequences ordinary prompts use, read once a process for the matcher's ordinary words and the guard.
    static let commonPhrases: Result<[String], any Error> = Result {
        try load("common-phrases") + (try load("prompt-phrases", column: 0)) + (try load("booru-tags")).filter { $0.contains(" ") }
    }

    static let resources = [
        "english-words", "cjk-common-words", "common-phrases", "prompt-words", "prompt-phrases", "booru-tags", "world-words", "given-name-cognates",
        "kanji-name-readings",
    ]

    /// world-words.txt (language<TAB>word), read once for the matcher's ordinary words and the collision guard.
    static let worldWords: Result<[String], any Error> = Result { try load("world-words") }

    /// Given names that are one name in several languages, for the form's suggested aliases.
    static let givenNameCognates: Result<GivenNameCognates, any Error> = Result {
        GivenNameCognates(lines: try load("given-name-cognates").map { Substring($0) })
    }

    /// Fails at start, not at the first registration, when a list is missing from the build.
    static func checkResources() throws {
        for name in resources where Bundle.module.url(forResource: name, withExtension: "txt") == nil {
            throw StartupError("the \(name).txt resource is missing from the build")
        }
    }

    /// The lines of a resource, comments left out; `column`: that tab-separated field of each line.
    static func load(_ name: String, column: Int? = nil) throws -> [String] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt") else {
            throw StartupError("the \(name).txt resource is missing from the build")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let column else { return lines.map(String.init) }
        return lines.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            return column < fields.count ? String(fields[column]) : nil
        }
    }
}

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
    let maxSnapshotAge: Duration
    private let lastProbe = NIOLockedValueBox<(at: ContinuousClock.Instant, failure: String?)?>(nil)

    init(queries: OperationsQueries, gate: PromptGate, maxSnapshotAge: Duration) {
        self.queries = queries
        self.gate = gate
        self.maxSnapshotAge = maxSnapshotAge
    }

    /// Why the service is not ready, or nil when it is.
    func problem() async -> String? {
        if let failure = await writeProbe() { return failure }
        if !WordList.isGuardLoaded {
            WordList.warmUp()
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
