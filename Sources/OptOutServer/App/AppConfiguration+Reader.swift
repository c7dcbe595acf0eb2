import Configuration
import Foundation
import Logging
import NIOCore
import OptOutCore
import OptOutStore

/// A setting that cannot be used: its key, and what is wrong with it (the executable names the flag).
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let key: String
    public let problem: String
    public var description: String { "\(key): \(problem)" }

    public init(_ key: String, _ problem: String) {
        self.key = key
        self.problem = problem
    }
}

/// Every key the service reads, in one place. The executable's reader looks in its flags first, then in `OPTOUT_*`
/// environment variables (the key's parts upper-cased and joined by `_` after `OPTOUT`: `ruling.days` is
/// `OPTOUT_RULING_DAYS`), then in the JSON file `--config` names (nested objects: `{"http": {"port": 8080}}`).
public enum ConfigKeys {
    public static let all: [String] = [
        "http.host", "http.port", "http.max.connections", "http.request.timeout", "http.trusted.proxies", "http.public.url",
        "data.dir", "root", "database.url", "database.connections",
        "log.level", "log.format",
        "metrics.enabled", "metrics.address",
        "webhook.retry.seconds", "webhook.give.up.hours",
        "disable.signals", "content.usage", "content.signal", "tdm.policy",
        "plans", "overage.cents",
        "max.image.bytes", "ruling.days", "sign.ups.per.address", "sign.ups.per.network", "contact",
        "allow.private.fetch", "c2pa.key", "c2pa.cert", "label.training", "label.prompt",
    ]
}

/// Typed reads with clear errors: a value that is present but not of its type is an error, not a silent default
/// (swift-configuration's optional getters return nil for both).
struct SettingsReader {
    let reader: ConfigReader

    func string(_ key: String) -> String? {
        reader.string(forKey: ConfigKey(key))
    }

    func int(_ key: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let value = try typed(key, reader.int(forKey: ConfigKey(key)), "a whole number") else { return nil }
        if let range, !range.contains(value) { throw ConfigurationError(key, "must be \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    func double(_ key: String, above low: Double, atMost high: Double) throws -> Double? {
        let value = try typed(key, reader.double(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(Double.init), "a number")
        if let value, !(value > low && value <= high) { throw ConfigurationError(key, "must be more than \(Int(low)) and at most \(Int(high))") }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        try typed(key, reader.bool(forKey: ConfigKey(key)), "true or false")
    }

    /// A list: an array in a file or the flags, comma-separated text in the environment.
    func strings(_ key: String) -> [String] {
        if let list = reader.stringArray(forKey: ConfigKey(key)) { return list.filter { !$0.isEmpty } }
        return string(key).map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
    }

    private func typed<T>(_ key: String, _ value: T?, _ kind: String) throws -> T? {
        if let value { return value }
        if let text = string(key) { throw ConfigurationError(key, "\"\(text)\" is not \(kind)") }
        return nil
    }
}

extension AppConfiguration {
    /// The storage settings alone (the command-line tasks that open the database): `data.dir`, `root`,
    /// `database.url`.
    public init(storageFrom reader: ConfigReader) {
        self.init()
        let settings = SettingsReader(reader: reader)
        storage.dataDirectory = URL(fileURLWithPath: settings.string("data.dir") ?? "./data")
        storage.resourceRoot = settings.string("root").map { URL(fileURLWithPath: $0) }
        storage.databaseURL = settings.string("database.url")
    }

    /// Everything `serve` reads, checked: a value out of range or of the wrong type is a ``ConfigurationError``.
    public init(reader: ConfigReader) throws {
        self.init(storageFrom: reader)
        let settings = SettingsReader(reader: reader)
        try readHTTP(settings)
        if let connections = try settings.int("database.connections", in: 1...10_000) { storage.databaseConnections = connections }
        if let text = settings.string("log.level") {
            guard let level = Logger.Level(rawValue: text) else {
                throw ConfigurationError("log.level", "must be trace, debug, info, notice, warning, error or critical")
            }
            logging.level = level
        }
        try readMetrics(settings)
        if let seconds = try settings.double("webhook.retry.seconds", above: 0, atMost: 3600) { webhooks.retryBase = seconds }
        if let hours = try settings.double("webhook.give.up.hours", above: 0, atMost: 24 * 30) { webhooks.giveUpAfter = hours * 3600 }
        try readSignals(settings)
        plans = try Self.plans(settings)
        try readModeration(settings)
        try readLabels(settings)
        if let perAddress = try settings.int("sign.ups.per.address", in: 1...1_000_000) { accounts.signUpLimits.perAddress = perAddress }
        if let perNetwork = try settings.int("sign.ups.per.network", in: 1...1_000_000) { accounts.signUpLimits.perNetwork = perNetwork }
        if let allow = try settings.bool("allow.private.fetch") { outbound.allowPrivateFetch = allow }
    }

    private mutating func readHTTP(_ settings: SettingsReader) throws {
        if let host = settings.string("http.host") { http.host = host }
        if let port = try settings.int("http.port", in: 0...65535) { http.port = port }
        if let connections = try settings.int("http.max.connections", in: 1...1_000_000) { http.maxConnections = connections }
        if let seconds = try settings.int("http.request.timeout", in: 1...3600) { http.requestTimeout = .seconds(Int64(seconds)) }
        http.trustedProxies = try settings.strings("http.trusted.proxies").map { text in
            guard let block = CIDR(text) else { throw ConfigurationError("http.trusted.proxies", "\(text) is not an IP address or CIDR block") }
            return block
        }
        if let publicURL = settings.string("http.public.url") {
            guard let url = URLComponents(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ConfigurationError("http.public.url", "must be an http or https URL")
            }
            http.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
    }

    private mutating func readMetrics(_ settings: SettingsReader) throws {
        if let enabled = try settings.bool("metrics.enabled") { metrics.enabled = enabled }
        guard let address = settings.string("metrics.address") else { return }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
            colon > address.startIndex
        else { throw ConfigurationError("metrics.address", "must be host:port, e.g. 127.0.0.1:9464") }
        guard port != http.port || address[..<colon] != http.host else {
            throw ConfigurationError("metrics.address", "must differ from the service's own address")
        }
        metrics.host = String(address[..<colon])
        metrics.port = port
    }

    /// The signals' own checks throw `StartupError`s that name the flag already.
    private mutating func readSignals(_ settings: SettingsReader) throws {
        signals.tdmPolicy = settings.string("tdm.policy")
        try signals.disable(settings.strings("disable.signals"))
        if let usage = settings.string("content.usage") { try signals.setContentUsage(usage) }
        if let signal = settings.string("content.signal") { try signals.setContentSignal(signal) }
    }

    /// `plans` (`free=5,member=300`) and `overage.cents`: what `serve` and `set-plan` both read.
    public static func plans(from reader: ConfigReader) throws -> PlanCatalog {
        try plans(SettingsReader(reader: reader))
    }

    private static func plans(_ settings: SettingsReader) throws -> PlanCatalog {
        var catalog = PlanCatalog()
        if let text = settings.string("plans") {
            do {
                catalog.allowances = try PlanCatalog.parseAllowances(text)
            } catch let error as DomainError {
                throw ConfigurationError("plans", error.message)
            }
        }
        if let cents = try settings.int("overage.cents", in: 0...1_000_000) { catalog.overagePriceCents = cents }
        return catalog
    }

    private mutating func readModeration(_ settings: SettingsReader) throws {
        if let days = try settings.double("ruling.days", above: 0, atMost: 3650) {
            moderation.rulingWindow = days * 24 * 3600
            // A short window (a test or a demonstration) is checked more often than once a minute.
            if moderation.rulingWindow < 600 { moderation.rulingSweepInterval = .seconds(1) }
        }
        if let contact = settings.string("contact") {
            let url = URLComponents(string: contact)
            guard ShapeRules.isEmail(contact) || ((url?.scheme == "https" || url?.scheme == "http") && url?.host?.isEmpty == false) else {
                throw ConfigurationError("contact", "must be an email address or an http(s) URL")
            }
            moderation.contact = contact
        }
    }

    private mutating func readLabels(_ settings: SettingsReader) throws {
        if let bytes = try settings.int("max.image.bytes", in: 1...(1 << 30)) { labels.maxImageBytes = bytes }
        switch (settings.string("c2pa.key"), settings.string("c2pa.cert")) {
        case (nil, nil): break
        case (let key?, let cert?):
            do {
                labels.c2paKeyPEM = try String(contentsOfFile: key, encoding: .utf8)
                labels.c2paCertificatePEM = try String(contentsOfFile: cert, encoding: .utf8)
            } catch {
                throw ConfigurationError("c2pa.key", "cannot read the key or the certificate: \(error.localizedDescription)")
            }
        default: throw ConfigurationError("c2pa.key", "c2pa.key and c2pa.cert go together")
        }
        if let training = settings.string("label.training") {
            do {
                labels.training = try TrainingMiningPolicy(parsing: training)
            } catch let error as DomainError {
                throw ConfigurationError("label.training", error.message)
            }
        }
        if let prompt = try settings.bool("label.prompt") { labels.prompt = prompt }
    }
}
