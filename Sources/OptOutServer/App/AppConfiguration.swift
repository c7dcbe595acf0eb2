import Foundation
import Logging
import NIOCore
import OptOutCore
import OptOutStore

/// Everything the service needs to start, in groups. The executable makes it from a `ConfigReader` (flags, then
/// `OPTOUT_*` environment variables, then a JSON file: ``AppConfiguration/init(reader:)``); tests set fields directly.
public struct AppConfiguration: Sendable {
    /// The listener: address, connection limits and timeouts, and how the world reaches it.
    public struct HTTP: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var idleTimeout: TimeAmount = .seconds(30)
        /// How long a request's head and whole body may take to arrive, however steadily they trickle; past it the
        /// connection gets a 408 (or just closes) (``RequestDeadlineHandler``).
        public var requestTimeout: TimeAmount = .seconds(60)
        /// The most connections served at once: by default the process's file descriptor limit less 256 kept for
        /// the database, logs and outbound fetches, at most 16,384.
        public var maxConnections = AppConfiguration.defaultMaxConnections()
        /// Reverse proxies whose `X-Forwarded-For` header names the client, for per-address limits.
        public var trustedProxies: [CIDR] = []
        /// The service's address as the world reaches it (artists' pages link to `<public URL>/artists/<id>`); by
        /// default `http://host:port`.
        public var publicURL: String?
    }

    /// Where everything is kept.
    public struct Storage: Sendable {
        public var dataDirectory = URL(fileURLWithPath: "data")
        /// The folder holding `Migrations/` and `Public/`; found by ``ResourceLocator`` when nil.
        public var resourceRoot: URL?
        /// A PostgreSQL database (`postgres://user:password@host:5432/database`) to keep everything in instead of
        /// `<dataDirectory>/optout.sqlite`: what several replicas of the service share.
        public var databaseURL: String?
        /// The most connections a replica opens to PostgreSQL: its cold routes and background jobs share them, and
        /// the metered charges take one per batch. Replicas × this must stay below the server's `max_connections`.
        public var databaseConnections = 32
    }

    public struct Logging: Sendable {
        public var level: Logger.Level = .info
        /// The service's own log handler's output, when the executable installed it: the application runs it
        /// (flushing it) and the request log writes into it directly.
        public var destination: LogDestination?
    }

    public struct Accounts: Sendable {
        /// bcrypt cost: 11 or more in production; tests lower it to stay fast.
        public var bcryptCost: UInt8 = 11
        public var sessionLifetime: TimeInterval = 7 * 24 * 3600
        /// How long an accepted session or API key is remembered: a key revoked from the command line stops working
        /// within this time.
        public var credentialCacheLifetime: Duration = .seconds(1)
        /// Accounts one client address, and one network (IPv6 /64, IPv4 /24), may open in an hour.
        public var signUpLimits = AccountRules.SignUpLimits()
    }

    public struct Gate: Sendable {
        /// How often the prompt gate looks for registry changes made outside the API.
        public var refreshInterval: Duration = .milliseconds(250)
        /// `GET /health/ready` answers 503 when the gate's snapshot has not caught up with the registry for longer.
        public var maxSnapshotAge: Duration = .seconds(10)
        /// How often the artists' activity counters are written (they are counted in memory in between).
        public var activityFlushInterval: Duration = .seconds(5)
    }

    public struct Moderation: Sendable {
        /// How long an artist has to rule on a report sent to them before it returns to the moderators, unanswered.
        public var rulingWindow: TimeInterval = 14 * 24 * 3600
        /// How often the service looks for rulings past their time.
        public var rulingSweepInterval: Duration = .seconds(60)
        /// How long a moderator's claim on a report lasts.
        public var claimLifetime: TimeInterval = ReportClaim.lifetime
        /// Reports an account may file in an hour.
        public var reportsPerHour = ReportLimits.perHour
        /// Complaints an account may file in an hour.
        public var complaintsPerHour = ComplaintFiling.perHour
        /// The service's contact for rightsholders' complaints: an email address or an http(s) URL.
        public var contact: String?
    }

    public struct Labels: Sendable {
        /// The largest image `POST /v1/generations/{id}/label` and `/v1/labels/verify` take.
        public var maxImageBytes = 20 << 20
        /// The PEM ECDSA P-256 key and certificate chain that sign C2PA manifests; when nil, a development pair
        /// kept in `<data-dir>/c2pa/`.
        public var c2paKeyPEM: String?
        public var c2paCertificatePEM: String?
        /// The training-and-data-mining entries written into labels (C2PA, CAWG, IPTC PLUS).
        public var training = TrainingMiningPolicy()
        /// Write the prompt and its writer into the XMP label (IPTC `AIPromptInformation`, `AIPromptWriterName`).
        public var prompt = false
    }

    public struct Metrics: Sendable {
        /// Off: no HTTP metrics, no `/metrics` and no per-check counters (the benchmark's "without").
        public var enabled = true
        /// A second address (host and port) serving `GET /metrics` without a credential, for a scraper on a
        /// private network; nil: `/metrics` only on the service's address, for API keys with the `metrics` scope.
        public var host: String?
        public var port: Int?
    }

    public struct Webhooks: Sendable {
        /// Retries: the first back-off, and how long an endpoint's deliveries may fail before it is disabled.
        public var retryBase: TimeInterval = 5
        public var giveUpAfter: TimeInterval = 24 * 3600
        /// How often the outbox is read for messages to send.
        public var interval: Duration = .milliseconds(250)
    }

    /// Outbound requests: link verification's page fetches and webhook deliveries.
    public struct Outbound: Sendable {
        /// Let link verification fetch private and loopback addresses (tests and closed networks only).
        public var allowPrivateFetch = false
    }

    public var http = HTTP()
    public var storage = Storage()
    public var logging = Logging()
    public var accounts = Accounts()
    public var gate = Gate()
    public var moderation = Moderation()
    public var labels = Labels()
    public var metrics = Metrics()
    public var webhooks = Webhooks()
    public var outbound = Outbound()
    /// The training opt-out signals published.
    public var signals = TrainingSignals()
    /// Monthly allowances and the overage price.
    public var plans = PlanCatalog()
    /// The word lists: a new value reads them on first use; tests pass one value to many applications.
    public var wordLists = WordLists()

    public init() {}

    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return max(64, min(16_384, Int(clamping: limit.rlim_cur) - 256))
    }
}
