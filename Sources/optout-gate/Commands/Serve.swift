import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import OptOutCore
import OptOutServer
import OptOutStore

/// `serve`: its flags become configuration keys (``ConfigKeys``) ahead of the environment and `--config`'s file;
/// ``AppConfiguration/init(reader:)`` reads and checks them all in one place.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @Option(help: "The address to listen on (default 127.0.0.1; also OPTOUT_HTTP_HOST).")
    var host: String?
    @Option(help: "The port to listen on (default 8080; also OPTOUT_HTTP_PORT).")
    var port: Int?
    @OptionGroup var data: DataOptions
    @Option(help: "A JSON file of settings, read after the flags and the OPTOUT_* environment (keys as in the README's table).")
    var config: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?
    @Option(help: "text (the default) or json: one JSON object a line on stderr, for log shippers.")
    var logFormat: String?
    @Option(
        help:
            "host:port of a second listener serving GET /metrics without a credential (default: /metrics only on the service's port, for API keys with the metrics scope)."
    )
    var metricsAddress: String?
    @Option(help: "Seconds before the first webhook retry; each next one waits twice as long, at most an hour (default 5).")
    var webhookRetrySeconds: Double?
    @Option(help: "Hours an endpoint's deliveries may fail before it is disabled (default 24).")
    var webhookGiveUpHours: Double?
    @Flag(help: "Turn metrics off: no HTTP metrics, no /metrics, no per-check counters (for measuring their cost).")
    var noMetrics = false
    @Option(
        help:
            "Turn off a training opt-out signal: x-robots-tag, tdm-header, meta, tdmrep, robots-txt, ai-txt, content-usage, content-signal or rsl (repeatable; also OPTOUT_DISABLE_SIGNALS, comma-separated)."
    )
    var disableSignal: [String] = []
    @Option(help: "The AI Preferences Content-Usage value, an RFC 9651 dictionary of train-ai and search to y or n (default train-ai=n).")
    var contentUsage: String?
    @Option(help: "The Content-Signal value in robots.txt: search, ai-train, ai-input to yes or no (default search=yes, ai-train=no, ai-input=no).")
    var contentSignal: String?
    @Option(help: "A TDMRep policy URL to publish as tdm-policy.")
    var tdmPolicy: String?
    @OptionGroup var plans: PlanOptions
    @Option(help: "The largest image the label routes take, in bytes (default 20 MiB).")
    var maxImageBytes: Int?
    @Option(help: "Days an artist has to rule on a report sent to them before it returns to the moderators (default 14; also OPTOUT_RULING_DAYS).")
    var rulingDays: Double?
    @Option(
        help:
            "A reverse proxy (an address or CIDR block, repeatable) whose X-Forwarded-For header names the client, for per-address sign-in limits."
    )
    var trustedProxy: [String] = []
    @Option(
        help:
            "The most connections served at once; past it the server accepts no more until one closes (default: the file descriptor limit less 256, at most 16384)."
    )
    var maxConnections: Int?
    @Option(help: "Seconds a request's head and whole body may take to arrive, however it trickles; past them a 408 (default 60).")
    var requestTimeout: Int?
    @Option(help: "Accounts one client address may open in an hour (default 10).")
    var signUpsPerAddress: Int?
    @Option(help: "Accounts one network (an IPv6 /64, an IPv4 /24) may open in an hour (default 30).")
    var signUpsPerNetwork: Int?
    @Option(help: "The service's address as artists' pages link to it (rel=\"me\" to <public-url>/artists/<id>); default http://host:port.")
    var publicURL: String?
    @Flag(help: "Let link verification fetch private and loopback addresses (tests and closed networks only).")
    var allowPrivateFetch = false
    @Option(help: "The PEM ECDSA P-256 private key that signs C2PA manifests (with --c2pa-cert; default: a development pair in <data-dir>/c2pa/).")
    var c2paKey: String?
    @Option(help: "The PEM certificate chain for --c2pa-key: the signing certificate first, then the certificates that issued it.")
    var c2paCert: String?
    @Option(
        help:
            "Training and data mining entries of labels: use=value comma-separated, uses ai_training, ai_generative_training, ai_inference, data_mining, values allowed, notAllowed, constrained (default ai_training=notAllowed,ai_generative_training=notAllowed)."
    )
    var labelTraining: String?
    @Flag(
        help:
            "Write the prompt and its writer into labels' XMP (IPTC AIPromptInformation, AIPromptWriterName); off by default, as prompts can be private."
    )
    var labelPrompt = false
    @Option(help: "The service's contact for rightsholders' complaints (EU GPAI Code of Practice 1.5): an email address or an http(s) URL.")
    var contact: String?

    /// The flags given, by configuration key.
    var flags: [String: ConfigContent?] {
        data.flags.merging(plans.flags) { $1 }.merging(
            [
                "http.host": .text(host), "http.port": .number(port), "http.max.connections": .number(maxConnections),
                "http.request.timeout": .number(requestTimeout), "http.trusted.proxies": .list(trustedProxy),
                "http.public.url": .text(publicURL), "log.level": .text(logLevel), "log.format": .text(logFormat),
                "metrics.enabled": noMetrics ? .bool(false) : nil, "metrics.address": .text(metricsAddress),
                "webhook.retry.seconds": .decimal(webhookRetrySeconds), "webhook.give.up.hours": .decimal(webhookGiveUpHours),
                "disable.signals": .list(disableSignal), "content.usage": .text(contentUsage), "content.signal": .text(contentSignal),
                "tdm.policy": .text(tdmPolicy), "max.image.bytes": .number(maxImageBytes), "ruling.days": .decimal(rulingDays),
                "sign.ups.per.address": .number(signUpsPerAddress), "sign.ups.per.network": .number(signUpsPerNetwork),
                "contact": .text(contact), "allow.private.fetch": .on(allowPrivateFetch), "c2pa.key": .text(c2paKey),
                "c2pa.cert": .text(c2paCert), "label.training": .text(labelTraining), "label.prompt": .on(labelPrompt),
            ]
        ) { $1 }
    }

    func run() async throws {
        var output: LogOutput?
        let app = try await reportingErrors {
            let reader = try await ConfigSources.reader(flags: flags, file: config)
            var configuration = try AppConfiguration(reader: reader)
            let format = reader.string(forKey: "log.format") ?? "text"
            guard let format = ServiceLogHandler.Format(rawValue: format) else {
                throw ConfigurationError("log.format", "must be text or json")
            }
            // The one process-wide choice: swift-log's handler, made here in the executable, writing into an output
            // that the application runs (and flushes at shutdown).
            let destination = LogDestination(format: format, output: LogOutput())
            LoggingSystem.bootstrap(destination.handlers(level: configuration.logging.level))
            configuration.logging.destination = destination
            output = destination.output
            return try await buildApplication(configuration: configuration)
        }
        try await app.runService()
        // What was logged after the output's service stopped (the last lines of the shutdown).
        output?.flush()
    }
}

/// Plans: `--plans free=5,member=300` (or `OPTOUT_PLANS`) and `--overage-cents 20` (or `OPTOUT_OVERAGE_CENTS`).
struct PlanOptions: ParsableArguments {
    @Option(help: "Monthly prompt allowances by plan, name=prompts comma-separated (default free=5,member=300; also OPTOUT_PLANS).")
    var plans: String?
    @Option(help: "The price of a prompt past the allowance, in US cents (default 20; also OPTOUT_OVERAGE_CENTS).")
    var overageCents: Int?

    var flags: [String: ConfigContent?] { ["plans": .text(plans), "overage.cents": .number(overageCents)] }

    func catalog() async throws -> PlanCatalog {
        try AppConfiguration.plans(from: try await ConfigSources.reader(flags: flags))
    }
}
