import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OptOutCore
import OptOutServer

@main
struct OptOutGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optout-gate",
        abstract: "Keeps opted-out artists' names out of AI image generation.",
        subcommands: [
            Serve.self, Migrate.self, CreateModerator.self, CreateAPIKey.self, RevokeAPIKey.self, ImportArtists.self, SetPlan.self,
            Evaluate.self, C2PADevCert.self, Backup.self, Restore.self, CopyToPostgresCommand.self, BenchStore.self,
        ],
        defaultSubcommand: Serve.self
    )
}

struct DataOptions: ParsableArguments {
    @Option(help: "The folder that holds optout.sqlite and its -wal and -shm files.")
    var dataDir = "./data"

    @Option(help: "The folder that holds Migrations/ and Public/ (default: found from the working directory or the executable).")
    var root: String?

    @Option(
        help:
            "Keep everything in this PostgreSQL database (postgres://user:password@host:5432/database) instead of <data-dir>/optout.sqlite; default OPTOUT_DATABASE_URL."
    )
    var databaseUrl: String?

    /// `--database-url`, or `OPTOUT_DATABASE_URL`.
    var postgresURL: String? { databaseUrl ?? ProcessInfo.processInfo.environment["OPTOUT_DATABASE_URL"] }

    var configuration: AppConfiguration {
        var configuration = AppConfiguration()
        configuration.dataDirectory = URL(fileURLWithPath: dataDir)
        configuration.resourceRoot = root.map { URL(fileURLWithPath: $0) }
        configuration.databaseURL = postgresURL
        return configuration
    }
}

/// Runs `body`, turning a start-up or domain error into a message on stderr and exit code 1 instead of a crash.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StartupError {
        FileHandle.standardError.write(Data("optout-gate: \(error.description)\n".utf8))
        throw ExitCode.failure
    } catch let error as DomainError {
        FileHandle.standardError.write(Data("optout-gate: \(error.message)\n".utf8))
        throw ExitCode.failure
    }
}

/// `--database-url`, or `OPTOUT_DATABASE_URL` when it is not given.
func requiredDatabaseURL(_ option: String?) throws -> String {
    guard let url = option ?? ProcessInfo.processInfo.environment["OPTOUT_DATABASE_URL"] else {
        throw StartupError("give --database-url (or OPTOUT_DATABASE_URL)")
    }
    return url
}

/// A logger for the command-line tasks: warnings and worse.
func quietLogger() -> Logger {
    var logger = Logger(label: "optout-gate")
    logger.logLevel = .warning
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @Option var host = "127.0.0.1"
    @Option var port = 8080
    @OptionGroup var data: DataOptions
    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"
    @Option(help: "text (the default) or json: one JSON object a line on stderr, for log shippers.")
    var logFormat = "text"
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
    var maxImageBytes = 20 << 20
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
    var requestTimeout: Int = 60
    @Option(help: "Accounts one client address may open in an hour (default 10).")
    var signUpsPerAddress = AccountRules.SignUpLimits().perAddress
    @Option(help: "Accounts one network (an IPv6 /64, an IPv4 /24) may open in an hour (default 30).")
    var signUpsPerNetwork = AccountRules.SignUpLimits().perNetwork
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

    func run() async throws {
        var configuration = data.configuration
        guard maxImageBytes > 0 else { throw ValidationError("--max-image-bytes must be positive") }
        configuration.maxImageBytes = maxImageBytes
        if let days = rulingDays ?? ProcessInfo.processInfo.environment["OPTOUT_RULING_DAYS"].flatMap({ Double($0) }) {
            guard days > 0, days <= 3650 else { throw ValidationError("--ruling-days must be more than 0 and at most 3650") }
            configuration.rulingWindow = days * 24 * 3600
            // A short window (a test or a demonstration) is checked more often than once a minute.
            if configuration.rulingWindow < 600 { configuration.rulingSweepInterval = .seconds(1) }
        }
        guard signUpsPerAddress > 0, signUpsPerNetwork > 0 else {
            throw ValidationError("--sign-ups-per-address and --sign-ups-per-network must be positive")
        }
        configuration.signUpLimits = AccountRules.SignUpLimits(perAddress: signUpsPerAddress, perNetwork: signUpsPerNetwork)
        guard requestTimeout > 0, requestTimeout <= 3600 else { throw ValidationError("--request-timeout must be 1 to 3600 seconds") }
        configuration.requestTimeout = .seconds(Int64(requestTimeout))
        if let maxConnections {
            guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
            configuration.maxConnections = maxConnections
        }
        configuration.trustedProxies = try trustedProxy.map { text in
            guard let block = CIDR(text) else { throw ValidationError("--trusted-proxy \(text) is not an IP address or CIDR block") }
            return block
        }
        if let publicURL {
            guard let url = URLComponents(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--public-url must be an http or https URL")
            }
            configuration.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
        configuration.allowPrivateFetch = allowPrivateFetch
        switch (c2paKey, c2paCert) {
        case (nil, nil): break
        case (let key?, let cert?):
            do {
                configuration.c2paKeyPEM = try String(contentsOfFile: key, encoding: .utf8)
                configuration.c2paCertificatePEM = try String(contentsOfFile: cert, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read --c2pa-key or --c2pa-cert: \(error.localizedDescription)")
            }
        default: throw ValidationError("--c2pa-key and --c2pa-cert go together")
        }
        if let labelTraining {
            do {
                configuration.labelTraining = try TrainingMiningPolicy(parsing: labelTraining)
            } catch {
                throw ValidationError("--label-training: \(error.message)")
            }
        }
        configuration.labelPrompt = labelPrompt
        if let contact {
            let url = URLComponents(string: contact)
            guard ShapeRules.isEmail(contact) || ((url?.scheme == "https" || url?.scheme == "http") && url?.host?.isEmpty == false) else {
                throw ValidationError("--contact must be an email address or an http(s) URL")
            }
            configuration.contact = contact
        }
        configuration.host = host
        configuration.port = port
        if let level = Logger.Level(rawValue: logLevel) { configuration.logLevel = level }
        guard let format = LogFormat(rawValue: logFormat) else { throw ValidationError("--log-format must be text or json") }
        configuration.metricsEnabled = !noMetrics
        if let webhookRetrySeconds {
            guard webhookRetrySeconds > 0, webhookRetrySeconds <= 3600 else {
                throw ValidationError("--webhook-retry-seconds must be more than 0 and at most 3600")
            }
            configuration.webhookRetryBase = webhookRetrySeconds
        }
        if let webhookGiveUpHours {
            guard webhookGiveUpHours > 0, webhookGiveUpHours <= 24 * 30 else {
                throw ValidationError("--webhook-give-up-hours must be more than 0 and at most 720")
            }
            configuration.webhookGiveUpAfter = webhookGiveUpHours * 3600
        }
        if let metricsAddress {
            guard let colon = metricsAddress.lastIndex(of: ":"), let port = Int(metricsAddress[metricsAddress.index(after: colon)...]),
                (1...65535).contains(port), colon > metricsAddress.startIndex
            else { throw ValidationError("--metrics-address must be host:port, e.g. 127.0.0.1:9464") }
            guard port != self.port || metricsAddress[..<colon] != host else {
                throw ValidationError("--metrics-address must differ from the service's own address")
            }
            configuration.metricsHost = String(metricsAddress[..<colon])
            configuration.metricsPort = port
        }
        format.bootstrap(level: configuration.logLevel)
        let fromEnvironment = ProcessInfo.processInfo.environment["OPTOUT_DISABLE_SIGNALS"]?.split(separator: ",").map(String.init) ?? []
        configuration.signals.tdmPolicy = tdmPolicy
        let app = try await reportingErrors {
            try configuration.signals.disable(fromEnvironment + disableSignal)
            if let contentUsage { try configuration.signals.setContentUsage(contentUsage) }
            if let contentSignal { try configuration.signals.setContentSignal(contentSignal) }
            configuration.plans = try plans.catalog()
            return try await buildApplication(configuration: configuration)
        }
        try await app.runService()
        LogFormat.flush()
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database consistently while the service runs (SQLite's online backup), checked, into one file."
    )

    @Option(help: "The folder that holds optout.sqlite.")
    var dataDir = "./data"
    @Option(help: "The backup file to write (must not exist).")
    var to: String

    func run() async throws {
        let summary = try await reportingErrors {
            try DatabaseBackup.backup(dataDirectory: URL(fileURLWithPath: dataDir), to: URL(fileURLWithPath: to))
        }
        print(
            "backed up \(dataDir)/optout.sqlite to \(to): \(summary.bytes) bytes, \(summary.generations) generations, "
                + "\(summary.artists) artists, registry version \(summary.registryVersion); integrity ok"
        )
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a backup in place as a new data folder's database, after checking it.")

    @Option(help: "The backup file.")
    var from: String
    @Option(help: "The data folder to create (must be empty or absent).")
    var dataDir: String

    func run() async throws {
        let summary = try await reportingErrors {
            try DatabaseBackup.restore(from: URL(fileURLWithPath: from), dataDirectory: URL(fileURLWithPath: dataDir))
        }
        print(
            "restored \(from) into \(dataDir)/optout.sqlite: \(summary.generations) generations, \(summary.artists) artists, "
                + "registry version \(summary.registryVersion); integrity ok. Start it with serve --data-dir \(dataDir)"
        )
    }
}

struct CopyToPostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-to-postgres",
        abstract: "Copy a SQLite deployment's data into an empty PostgreSQL database (migrated first), verifying row counts."
    )

    @OptionGroup var data: DataOptions

    func run() async throws {
        let logger = quietLogger()
        let summary = try await reportingErrors {
            let url = try requiredDatabaseURL(data.postgresURL)
            return try await CopyToPostgres.copy(
                dataDirectory: URL(fileURLWithPath: data.dataDir),
                databaseURL: url,
                resourceRoot: data.configuration.resourceRoot,
                logger: logger
            )
        }
        for (table, count) in summary.rows where count > 0 {
            print("\(table): \(count) rows")
        }
        print(
            "copied \(summary.rows.reduce(0) { $0 + $1.count }) rows from \(data.dataDir)/optout.sqlite; counts verified; "
                + "registry version \(summary.registryVersion)"
        )
    }
}

struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract:
            "Measure the storage layer on this machine: metered generations a second on SQLite and PostgreSQL, and registry propagation between two PostgreSQL clients."
    )

    @Option(help: "A PostgreSQL server whose user may create databases (a temporary one is made and dropped); default OPTOUT_DATABASE_URL.")
    var databaseUrl: String?
    @Option(help: "Seconds of metered generations on each backend.")
    var seconds = 10.0
    @Option(help: "Generations in flight at once.")
    var concurrency = 64
    @Option(help: "Registry writes timed from one PostgreSQL client to another.")
    var writes = 200
    @Option(help: "The folder that holds Migrations/ (default: found as serve finds it).")
    var root: String?

    func run() async throws {
        let logger = quietLogger()
        let figures = try await reportingErrors {
            let url = try requiredDatabaseURL(databaseUrl)
            return try await StoreBenchmark.run(
                adminURL: url,
                resourceRoot: root.map { URL(fileURLWithPath: $0) },
                seconds: seconds,
                concurrency: concurrency,
                writes: writes,
                logger: logger
            )
        }
        let sorted = figures.propagation.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print("metered generations/s, \(concurrency) in flight, \(seconds) s, durable commits:")
        print("  SQLite (GroupCommitter, synchronous=FULL):        \(Int(figures.sqliteGenerationsPerSecond))")
        print("  PostgreSQL (PostgresChargeBatcher, sync commit): \(Int(figures.postgresGenerationsPerSecond))")
        print("  PostgreSQL / SQLite: \((figures.postgresGenerationsPerSecond / figures.sqliteGenerationsPerSecond * 100).rounded()) %")
        print(
            "registry propagation between two PostgreSQL clients (write, NOTIFY, change-log read), \(sorted.count) writes: "
                + "p50 \((percentile(0.5) * 100).rounded() / 100) ms, p99 \((percentile(0.99) * 100).rounded() / 100) ms, max \(((sorted.last ?? 0) * 100).rounded() / 100) ms"
        )
    }
}

struct C2PADevCert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "c2pa-dev-cert",
        abstract: "Make a development key and certificate chain for signing C2PA manifests (validators report them untrusted)."
    )

    @Option(help: "Where to write the PEM private key.")
    var key = "c2pa-dev-key.pem"
    @Option(help: "Where to write the PEM certificate chain (signing certificate, then its root).")
    var cert = "c2pa-dev-cert.pem"
    @Option(help: "The organization named in the certificates.")
    var organization = "OptOutGate development"

    func run() async throws {
        try await reportingErrors {
            try C2PADevelopmentCertificate.write(key: URL(fileURLWithPath: key), chain: URL(fileURLWithPath: cert), organization: organization)
        }
        print("wrote \(key) and \(cert); serve with --c2pa-key \(key) --c2pa-cert \(cert)")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the database if needed and apply every migration.")

    @OptionGroup var data: DataOptions

    func run() async throws {
        if let url = data.postgresURL {
            let logger = quietLogger()
            let (applied, version) = try await reportingErrors {
                try await PostgresAdmin.migrate(url: url, resourceRoot: data.configuration.resourceRoot, logger: logger)
            }
            print("migrated \(applied.count) PostgreSQL migrations (\(applied.last ?? "none")); registry version \(version)")
            return
        }
        let (version, held) = try await reportingErrors {
            let tasks = try await AdminTasks(configuration: data.configuration)
            return await (try tasks.registryVersion(), tasks.guardHeld)
        }
        print("migrated \(data.dataDir)/optout.sqlite; registry version \(version)")
        if let held {
            print("collision guard revision \(CollisionGuard.revision): \(held) active phrases moved back to review")
        }
    }
}

struct CreateModerator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a moderator account, or promote an existing one. The password is read from OPTOUT_PASSWORD or stdin."
    )

    @OptionGroup var data: DataOptions
    @Option var email: String
    @Flag(help: "Make the account an admin rather than a moderator.")
    var admin = false

    func run() async throws {
        let password: String
        if let fromEnvironment = ProcessInfo.processInfo.environment["OPTOUT_PASSWORD"] {
            password = fromEnvironment
        } else if let line = readLine(strippingNewline: true) {
            password = line
        } else {
            throw ValidationError("Give the password in OPTOUT_PASSWORD or on stdin.")
        }
        let role: Role = admin ? .admin : .moderator
        let id = try await reportingErrors {
            try await AdminTasks(configuration: data.configuration).createStaff(email: email, password: password, role: role)
        }
        print("\(role.rawValue) \(email) is account \(id)")
    }
}

struct CreateAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-api-key",
        abstract: "Create an API key for an image generator or dataset builder; the key is printed alone on the last line."
    )

    @OptionGroup var data: DataOptions
    @Option var name: String
    @Option(help: "check, generate, registry or metrics; repeat for more than one.")
    var scope: [APIScope] = []

    func run() async throws {
        let key = try await reportingErrors { try await AdminTasks(configuration: data.configuration).createAPIKey(name: name, scopes: Set(scope)) }
        print("API key \(name) with scopes \(scope.map(\.rawValue).sorted().joined(separator: ", ")); it is shown only once:")
        print(key)
    }
}

struct RevokeAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-api-key", abstract: "Revoke an API key by name.")

    @OptionGroup var data: DataOptions
    @Option var name: String

    func run() async throws {
        let revoked = try await reportingErrors { try await AdminTasks(configuration: data.configuration).revokeAPIKey(name: name) }
        guard revoked else {
            FileHandle.standardError.write(Data("optout-gate: no live API key is named \(name)\n".utf8))
            throw ExitCode.failure
        }
        print("revoked API key \(name)")
    }
}

struct ImportArtists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import artists from JSON Lines: {\"name\", \"aliases\", \"creations\", \"policy\", \"links\"}, one a line."
    )

    @OptionGroup var data: DataOptions
    @Argument(help: "The JSON Lines file, or - for stdin.")
    var file: String

    func run() async throws {
        let contents: Data
        if file == "-" {
            contents = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            contents = read
        }
        let tasks = try await reportingErrors { try await AdminTasks(configuration: data.configuration) }
        let start = ContinuousClock.now
        // On a terminal, a progress line (lines, rate, share done, time left) rewritten at most five times a second;
        // elsewhere (a log, a pipe) only the summary below.
        let onTerminal = isatty(STDERR_FILENO) == 1
        var lastShown = ContinuousClock.now - .seconds(1)
        let progress: ((ArtistImporter.Progress) -> Void)? =
            onTerminal
            ? { step in
                let now = ContinuousClock.now
                guard now - lastShown >= .milliseconds(200) || step.bytes == step.totalBytes else { return }
                lastShown = now
                let elapsed = max((now - start).seconds, 0.001)
                let share = step.totalBytes > 0 ? Double(step.bytes) / Double(step.totalBytes) : 1
                let left = share > 0 ? elapsed * (1 - share) / share : 0
                let line = String(
                    format: "\r%d lines, %.0f lines/s, %.0f %% done, ETA %.0f s   ",
                    step.lines,
                    Double(step.lines) / elapsed,
                    share * 100,
                    left
                )
                FileHandle.standardError.write(Data(line.utf8))
            } : nil
        let summary = try await reportingErrors { try await tasks.importArtists(contents, progress: progress) }
        if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = (ContinuousClock.now - start).seconds
        let lines = summary.imported + summary.updated + summary.unchanged + summary.rejected.count
        for rejection in summary.rejected.prefix(1000) {
            print("rejected line \(rejection.line): \(rejection.reason)")
        }
        if summary.rejected.count > 1000 { print("... and \(summary.rejected.count - 1000) more rejected lines") }
        print(
            "imported \(summary.imported), updated \(summary.updated), unchanged \(summary.unchanged), "
                + "held for review \(summary.heldForReview) (\(summary.phrasesHeldForReview) phrases), rejected \(summary.rejected.count)"
        )
        print(String(format: "%d lines in %.2f s (%.0f artists/s)", lines, seconds, seconds > 0 ? Double(lines) / seconds : 0))
    }
}

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the prompt gate on your own data: recall per disguise and the ordinary prompts it refuses (no database)."
    )

    @Option(help: "Artists as JSON Lines, as import-artists reads them: {\"name\", \"aliases\", \"creations\"}.")
    var registry: String
    @Option(help: "Labelled prompts as JSON Lines: {\"prompt\", \"artist\": the name it names or null, \"category\": the disguise}.")
    var prompts: String
    @Option(help: "How many missed and refused prompts to show per disguise (default 3).")
    var examples: Int = 3
    @Option(
        help:
            "List the N phrases and the N artists (registry lines, as one account registers them) that refuse the most ordinary prompts (default 0: only the worst of each when N > 0)."
    )
    var worst: Int = 0

    func run() async throws {
        guard let registryData = FileManager.default.contents(atPath: registry) else { throw ValidationError("cannot read \(registry)") }
        guard let promptData = FileManager.default.contents(atPath: prompts) else { throw ValidationError("cannot read \(prompts)") }
        guard examples >= 0 else { throw ValidationError("--examples must be 0 or more") }
        guard worst >= 0 else { throw ValidationError("--worst must be 0 or more") }
        let report = try await reportingErrors {
            try GateEvaluation.run(registry: registryData, prompts: promptData, examples: examples, worst: worst)
        }
        print(report.text, terminator: "")
    }
}

/// Plans: `--plans free=5,member=300` (or `OPTOUT_PLANS`) and `--overage-cents 20` (or `OPTOUT_OVERAGE_CENTS`).
struct PlanOptions: ParsableArguments {
    @Option(help: "Monthly prompt allowances by plan, name=prompts comma-separated (default free=5,member=300; also OPTOUT_PLANS).")
    var plans: String?
    @Option(help: "The price of a prompt past the allowance, in US cents (default 20; also OPTOUT_OVERAGE_CENTS).")
    var overageCents: Int?

    func catalog() throws -> PlanCatalog {
        var catalog = PlanCatalog()
        let environment = ProcessInfo.processInfo.environment
        if let text = plans ?? environment["OPTOUT_PLANS"] { catalog.allowances = try PlanCatalog.parseAllowances(text) }
        if let cents = overageCents ?? environment["OPTOUT_OVERAGE_CENTS"].flatMap({ Int($0) }) {
            guard cents >= 0 else { throw ValidationError("--overage-cents must not be negative") }
            catalog.overagePriceCents = cents
        }
        return catalog
    }
}

struct SetPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-plan",
        abstract: "Set an account's plan, and whether it pays for prompts past it."
    )

    @OptionGroup var data: DataOptions
    @Option var email: String
    @Option var plan: String
    @Option(help: "on or off: charge prompts past the allowance instead of refusing them.")
    var overage: String?
    @OptionGroup var plans: PlanOptions

    func run() async throws {
        let overageFlag: Bool?
        switch overage {
        case nil: overageFlag = nil
        case "on": overageFlag = true
        case "off": overageFlag = false
        default: throw ValidationError("--overage takes on or off")
        }
        try await reportingErrors {
            try await AdminTasks(configuration: data.configuration).setPlan(
                email: email,
                plan: plan,
                overage: overageFlag,
                plans: try plans.catalog()
            )
        }
        print("\(email): plan \(plan)\(overageFlag.map { $0 ? ", overage on" : ", overage off" } ?? "")")
    }
}

extension APIScope: ExpressibleByArgument {}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
