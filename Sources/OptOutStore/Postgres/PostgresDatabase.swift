import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
internal import PostgresNIO
import ServiceLifecycle

/// A `postgres://` or `postgresql://` URL: `postgres://user:password@host:port/database?sslmode=disable`.
///
/// `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it) or `require`; a Unix socket is
/// written `postgres://user@/database?host=/run/postgresql`.
package struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    package enum TLSMode: String, Sendable { case disable, prefer, require }

    package let host: String?
    package let socketPath: String?
    package let port: Int
    package let username: String
    package let password: String?
    package let database: String
    package let tls: TLSMode

    package init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StartupError("--database-url must be a postgres:// URL (postgres://user:password@host:5432/database)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StartupError("--database-url names no database (postgres://host/DATABASE)") }
        guard let user = components.user.map({ $0.removingPercentEncoding ?? $0 }), !user.isEmpty else {
            throw StartupError("--database-url names no user (postgres://USER@host/database)")
        }
        let mode = query["sslmode"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw StartupError("--database-url's sslmode is disable, prefer or require, not \(mode)")
        }
        self.database = database
        username = user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        socketPath = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }.map { $0 + "/.s.PGSQL.\(components.port ?? 5432)" }
        host = socketPath == nil ? (components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost") : nil
        port = components.port ?? 5432
        self.tls = tls
    }

    /// The URL without its password, for logs and errors.
    package var description: String {
        "postgres://\(username)@\(host ?? "")\(socketPath == nil ? ":\(port)" : "")/\(database)"
            + (socketPath.map { "?host=\(($0 as NSString).deletingLastPathComponent)" } ?? "")
    }

    var configuration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch self.tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = 32
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// The service's PostgreSQL database: one pooled `PostgresClient` (postgres-nio), the schema in
/// `Migrations/postgres/`, and the durability the service promises, checked at start.
///
/// The client must run (``run()``, a `Service`) while it is used; ``open(url:migrationsDirectory:logger:)`` runs
/// it for the caller's scope.
package final class PostgresBackend: Sendable {
    let client: PostgresClient
    /// Where the cold stores' transactions wait for the server (``PostgresSQLStore``): one thread per request
    /// connection, started with the backend and shut down when ``run()`` ends.
    package let threads: NIOThreadPool
    package let url: DatabaseURL
    package let logger: Logger

    /// Connections held for as long as the process runs: one for each background job this replica may lead (it
    /// holds the job's advisory lock) and one listening for registry notifications. The pool has these on top of the
    /// connections asked for, or a replica leading every job would have none left for its requests.
    package static let heldConnections = PostgresLeadership.Job.allCases.count + 1

    /// - Parameter connections: the most connections the pool opens to the server for requests (each idle one closes
    ///   after a minute), besides ``heldConnections``.
    package init(url: DatabaseURL, connections: Int = 32, logger: Logger) {
        self.url = url
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: connections)
        threads.start()
        var configuration = url.configuration
        configuration.options.maximumConnections = connections + Self.heldConnections
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Runs the client's pool until the task is cancelled.
    package func run() async {
        await client.run()
        try? await threads.shutdownGracefully()
    }

    private let runner = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Runs the client's pool in a task of its own, for a backend that lives as long as the process's services;
    /// ``stop()`` ends it.
    package func start() {
        runner.withLockedValue { task in
            guard task == nil else { return }
            task = Task { [self] in await run() }
        }
    }

    /// Ends the pool ``start()`` runs: its connections close.
    package func stop() {
        runner.withLockedValue { task in
            task?.cancel()
            task = nil
        }
    }

    /// Opens a client on `url`, runs it while `body` runs, and applies the migrations first when a folder is given.
    package static func withDatabase<T: Sendable>(
        url: DatabaseURL,
        migrationsDirectory: URL?,
        logger: Logger,
        _ body: @Sendable (PostgresBackend) async throws -> T
    ) async throws -> T {
        let database = PostgresBackend(url: url, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await database.run()
                return nil
            }
            defer { group.cancelAll() }
            if let migrationsDirectory { try await database.migrate(from: migrationsDirectory) }
            try await database.assertDurability()
            return try await body(database)
        }
    }

    /// Runs one statement on `url` with a client of its own (`CREATE DATABASE` and the like, which no transaction
    /// may hold).
    package static func execute(_ url: DatabaseURL, _ sql: String, logger: Logger) async throws {
        _ = try await withDatabase(url: url, migrationsDirectory: nil, logger: logger) { backend in
            try await backend.client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// Creates a database with a new name (`prefix` and 12 random hex digits) on the server `adminURL` names, gives
    /// `body` its URL and name, and drops it afterwards however `body` ends. For tests and benchmarks.
    package static func withScratchDatabase<T: Sendable>(
        adminURL text: String,
        prefix: String,
        logger: Logger,
        _ body: (_ url: String, _ name: String) async throws -> T
    ) async throws -> T {
        let admin = try DatabaseURL(text)
        let (url, name) = try await createScratchDatabase(adminURL: text, prefix: prefix, logger: logger)
        let result: T
        do {
            result = try await body(url, name)
        } catch {
            try? await execute(admin, "DROP DATABASE \(name) WITH (FORCE)", logger: logger)
            throw error
        }
        try await execute(admin, "DROP DATABASE \(name) WITH (FORCE)", logger: logger)
        return result
    }

    /// Creates a database with a new name (`prefix` and 12 random hex digits) on the server `adminURL` names; returns
    /// its URL and name. For tests and benchmarks.
    package static func createScratchDatabase(adminURL text: String, prefix: String, logger: Logger) async throws -> (url: String, name: String) {
        let admin = try DatabaseURL(text)
        guard var components = URLComponents(string: text) else { throw StartupError("\(admin) is not a URL") }
        let name = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        components.path = "/" + name
        try await execute(admin, "CREATE DATABASE \(name)", logger: logger)
        return (components.string!, name)
    }

    /// The advisory-lock key under which migrations run, so replicas starting together apply them once.
    package static let migrationLock: Int64 = 0x6F70_746F_7574_0001

    /// Applies `Migrations/postgres/*.sql` in name order, each in its own transaction with its checksum, under an
    /// advisory lock. A start refuses a migration that changed after it was applied.
    package func migrate(from directory: URL) async throws {
        let files = try AppDatabase.migrationFiles(in: directory)
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            do {
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS migration_checksum (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
                    logger: logger
                )
                var known: [String: String] = [:]
                for try await (name, digest) in try await connection.query("SELECT name, sha256 FROM migration_checksum", logger: logger)
                    .decode((String, String).self)
                {
                    known[name] = digest
                }
                for file in files {
                    let name = file.deletingPathExtension().lastPathComponent
                    let data = try Data(contentsOf: file)
                    let digest = AppDatabase.sha256Hex(data)
                    if let recorded = known[name] {
                        guard recorded == digest else {
                            throw StartupError("migration \(name) was edited after it was applied; add a new migration instead")
                        }
                        continue
                    }
                    let sql = String(decoding: data, as: UTF8.self)
                    do {
                        try await connection.transaction(logger: logger) {
                            // The extended protocol takes one statement at a time.
                            for statement in SQLStatements.split(sql) {
                                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                            }
                            try await connection.query(
                                "INSERT INTO migration_checksum (name, sha256, applied_at) VALUES (\(name), \(digest), now())",
                                logger: logger
                            )
                        }
                        logger.info("applied migration", metadata: ["migration": "\(name)"])
                    } catch {
                        throw StartupError("migration \(name) failed on \(url): \(String(reflecting: error))")
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
        }
    }

    /// Acknowledged means committed: refuses a server whose commits may return before they are on disk.
    package func assertDurability() async throws {
        for setting in ["synchronous_commit", "fsync"] {
            let value = try await client.query(PostgresQuery(unsafeSQL: "SHOW \(setting)"), logger: logger).first(String.self)
            guard value != "off" else {
                throw StartupError("the PostgreSQL server runs with \(setting)=off: acknowledged generations could be lost; set it on")
            }
        }
    }

    /// The names of the migrations applied, in order.
    package func appliedMigrations() async throws -> [String] {
        var names: [String] = []
        for try await (name, ) in try await client.query("SELECT name FROM migration_checksum ORDER BY name", logger: logger).decode((String,).self) {
            names.append(name)
        }
        return names
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction opened by `begin`: committed when `body` returns, rolled back when it throws.
    func transaction<T>(_ begin: PostgresQuery = "BEGIN", logger: Logger, _ body: () async throws -> T) async throws -> T {
        try await query(begin, logger: logger)
        do {
            let result = try await body()
            try await query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

extension PostgresRowSequence {
    /// The first row's one column, or nil when there is no row.
    func first<Value: PostgresDecodable>(_ type: Value.Type) async throws -> Value? {
        for try await value in decode(Value.self) { return value }
        return nil
    }
}

/// Splits SQL text into its statements at the semicolons outside quotes, dollar-quoted bodies and comments.
package enum SQLStatements {
    package static func split(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { statements.append(trimmed) }
            current = ""
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "-" where next == "-":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            case "'", "\"":
                current.unicodeScalars.append(scalar)
                index += 1
                while index < scalars.count {
                    current.unicodeScalars.append(scalars[index])
                    index += 1
                    if scalars[index - 1] == scalar { break }
                }
                continue
            case "$":
                // A dollar quote: $tag$ ... $tag$ (the tag may be empty).
                var end = index + 1
                while end < scalars.count, scalars[end] == "_" || scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]) {
                    end += 1
                }
                if end < scalars.count, scalars[end] == "$" {
                    let tag = String(String.UnicodeScalarView(scalars[index...end]))
                    current += tag
                    index = end + 1
                    let rest = String(String.UnicodeScalarView(scalars[index...]))
                    if let close = rest.range(of: tag) {
                        let body = rest[..<close.upperBound]
                        current += body
                        index += body.unicodeScalars.count
                    } else {
                        current += rest
                        index = scalars.count
                    }
                    continue
                }
            case ";":
                flush()
                index += 1
                continue
            default:
                break
            }
            current.unicodeScalars.append(scalar)
            index += 1
        }
        flush()
        return statements
    }
}

/// The operator's tasks on a PostgreSQL database, for `optout-gate migrate --database-url`.
public enum PostgresAdmin {
    /// Applies `Migrations/postgres/` to the database at `url`.
    /// - Returns: the migrations now applied, and the registry version.
    public static func migrate(url text: String, resourceRoot: URL?, logger: Logger) async throws -> (applied: [String], registryVersion: Int64) {
        let url = try DatabaseURL(text)
        let root = try resourceRoot ?? ResourceLocator.findRoot()
        return try await PostgresBackend.withDatabase(
            url: url,
            migrationsDirectory: root.appendingPathComponent("Migrations/postgres"),
            logger: logger
        ) { database in
            (try await database.appliedMigrations(), try await PostgresRegistryStore(database: database).registryVersion())
        }
    }
}
