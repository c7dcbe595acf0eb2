import ArgumentParser
import Configuration
import Foundation
import Logging
import OptOutCore
import OptOutServer
import OptOutStore

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

/// Where the commands' settings come from, first found first: the flags given, `OPTOUT_*` environment variables,
/// then a JSON file (`serve --config`). Every command reads its settings through one of these readers.
enum ConfigSources {
    /// `flags`: the flags given on the command line, by configuration key (see ``ConfigKeys``); nil values are
    /// flags not given.
    static func reader(flags: [String: ConfigContent?], file: String? = nil) async throws -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            guard let value else { continue }
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(value, isSecret: false)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            // OPTOUT_RULING_DAYS is ruling.days: every key is read in the environment under OPTOUT_.
            KeyMappingProvider(upstream: EnvironmentVariablesProvider(secretsSpecifier: .specific(["OPTOUT_PASSWORD", "OPTOUT_DATABASE_URL"]))) {
                $0.prepending(["optout"])
            },
        ]
        if let file {
            do {
                let location = InMemoryProvider(values: ["filePath": ConfigValue(.string(file), isSecret: false)])
                providers.append(try await FileProvider<JSONSnapshot>(config: ConfigReader(provider: location)))
            } catch {
                throw ValidationError("--config \(file): \(error)")
            }
        }
        return ConfigReader(providers: providers)
    }
}

extension ConfigContent {
    static func text(_ value: String?) -> ConfigContent? { value.map { .string($0) } }
    static func number(_ value: Int?) -> ConfigContent? { value.map { .int($0) } }
    static func decimal(_ value: Double?) -> ConfigContent? { value.map { .double($0) } }
    /// A flag that only turns something on: given is `true`, not given is not a setting.
    static func on(_ value: Bool) -> ConfigContent? { value ? .bool(true) : nil }
    static func list(_ value: [String]) -> ConfigContent? { value.isEmpty ? nil : .stringArray(value) }
}

struct DataOptions: ParsableArguments {
    @Option(help: "The folder that holds optout.sqlite and its -wal and -shm files (default ./data; also OPTOUT_DATA_DIR).")
    var dataDir: String?

    @Option(help: "The folder that holds Migrations/ and Public/ (default: found from the working directory or the executable; also OPTOUT_ROOT).")
    var root: String?

    @Option(
        help:
            "Keep everything in this PostgreSQL database (postgres://user:password@host:5432/database) instead of <data-dir>/optout.sqlite; default OPTOUT_DATABASE_URL."
    )
    var databaseUrl: String?

    var flags: [String: ConfigContent?] {
        ["data.dir": .text(dataDir), "root": .text(root), "database.url": .text(databaseUrl)]
    }

    /// The storage settings, from the flags and the environment.
    func configuration() async throws -> AppConfiguration {
        AppConfiguration(storageFrom: try await ConfigSources.reader(flags: flags))
    }
}

/// Runs `body`, turning a start-up, configuration or domain error into a message on stderr and exit code 1 instead
/// of a crash.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StartupError {
        FileHandle.standardError.write(Data("optout-gate: \(error.description)\n".utf8))
        throw ExitCode.failure
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("optout-gate: \(ConfigurationError.flag(error.key)) \(error.problem)\n".utf8))
        throw ExitCode.failure
    } catch let error as DomainError {
        FileHandle.standardError.write(Data("optout-gate: \(error.message)\n".utf8))
        throw ExitCode.failure
    }
}

extension ConfigurationError {
    /// The flag (and environment variable) a key is set by, for messages: `ruling.days` is `--ruling-days`.
    static func flag(_ key: String) -> String {
        let dashed = key.hasPrefix("http.") ? String(key.dropFirst(5)) : key
        // Keys whose flag is not their dashed name: a switch, and the repeatable flags named in the singular.
        let flags = ["metrics.enabled": "no-metrics", "http.trusted.proxies": "trusted-proxy", "disable.signals": "disable-signal"]
        let name = flags[key] ?? dashed.replacingOccurrences(of: ".", with: "-")
        let variable = "OPTOUT_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
        return "--\(name) (\(variable))"
    }
}

/// `--database-url`, or `OPTOUT_DATABASE_URL` when it is not given.
func requiredDatabaseURL(_ option: String?) async throws -> String {
    let reader = try await ConfigSources.reader(flags: ["database.url": .text(option)])
    guard let url = reader.string(forKey: "database.url", isSecret: true) else {
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

extension APIScope: ExpressibleByArgument {}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
