import Crypto
import Foundation
internal import GRDB
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore

/// Owns the service's one `DatabasePool` and the schema in `Migrations/`.
///
/// The pool is private: every statement goes through ``read(_:)`` and ``write(_:)`` (GRDB's blocking API), and only
/// the store (`Sources/OptOutServer/Store/`, a rule `HygieneTests` checks) speaks SQL.
public final class AppDatabase: Sendable {
    private let pool: DatabasePool
    /// The threads this database's cold writes wait on (``SQLiteStore``): started on the first write, stopped with
    /// the database.
    let writers = WriterThreads()

    /// Opens (creating if needed) `<dataDirectory>/optout.sqlite` in WAL mode and applies every migration.
    ///
    /// - Parameters:
    ///   - dataDirectory: the folder that holds the database and its -wal and -shm files.
    ///   - migrationsDirectory: the folder of `NNNN_name.sql` files, applied in name order.
    /// - Throws: `StartupError` when a folder is missing or a shipped migration was edited.
    public init(dataDirectory: URL, migrationsDirectory: URL) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            // 64 MiB of page cache a connection (SQLite's default is 2 MiB): the phrase indexes of a large registry
            // then stay in memory while an import writes to them.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let path = dataDirectory.appendingPathComponent("optout.sqlite").path
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on the writer once it opens; acknowledged writes must survive power loss.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.migrate(pool, from: migrationsDirectory)
        try assertDurability()
    }

    /// Reads on the calling thread.
    ///
    /// The service uses GRDB's blocking API only, also from async code (these wrappers pick it where Swift would pick
    /// the async overload): mixing the two can deadlock. An async read gives its connection back only after resuming
    /// on the cooperative thread pool, while blocking reads (the session check) can hold every thread of that pool
    /// waiting for a connection. `ReportsLoadTests` reproduces it.
    func read<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.read(block)
    }

    /// Writes in a transaction on the calling thread; see ``read(_:)``.
    func write<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.write(block)
    }

    /// A read-only connection in one read transaction: the database as of this instant, while writers go on.
    func makeSnapshot() throws -> DatabaseSnapshot {
        try pool.makeSnapshot()
    }

    /// Runs `block` on the writer outside a transaction (pragmas, VACUUM INTO); see ``read(_:)``.
    func writeWithoutTransaction<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(block)
    }

    /// The writer's `PRAGMA synchronous`: 2 is FULL.
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    private func assertDurability() throws {
        let level = try synchronousLevel()
        guard level == 2 else { throw StartupError("the database writer runs with synchronous=\(level), not FULL (2)") }
        let mode = try journalMode()
        guard mode.lowercased() == "wal" else { throw StartupError("the database is in \(mode) journal mode, not WAL") }
    }

    /// Applies `Migrations/*.sql` in name order. Each file's SHA-256 is recorded, and a start refuses a
    /// migration that changed after it was applied, since the schema it describes is no longer the one on disk.
    static func migrate(_ pool: DatabasePool, from directory: URL) throws {
        let files = try migrationFiles(in: directory)
        var migrator = DatabaseMigrator()
        for file in files {
            let sql = try String(contentsOf: file, encoding: .utf8)
            let name = file.deletingPathExtension().lastPathComponent
            migrator.registerMigration(name) { db in
                try db.execute(sql: sql)
            }
        }
        try pool.write { db in
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS migration_checksum (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            let known = try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, sha256 FROM migration_checksum").map {
                    (row: Row) -> (String, String) in (row["name"], row["sha256"])
                }
            )
            for file in files {
                let name = file.deletingPathExtension().lastPathComponent
                let digest = try sha256Hex(Data(contentsOf: file))
                if let recorded = known[name], recorded != digest {
                    throw StartupError("migration \(name) was edited after it was applied; add a new migration instead")
                }
            }
        }
        try migrator.migrate(pool)
        try pool.write { db in
            for file in files {
                let name = file.deletingPathExtension().lastPathComponent
                try db.execute(
                    sql: "INSERT OR IGNORE INTO migration_checksum (name, sha256, applied_at) VALUES (?, ?, ?)",
                    arguments: [name, try sha256Hex(Data(contentsOf: file)), Date()]
                )
            }
        }
    }

    package static func migrationFiles(in directory: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StartupError("the migrations folder \(directory.path) does not exist")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw StartupError("the migrations folder \(directory.path) holds no .sql files") }
        return files
    }

    package static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// How the layers above the store recognise a database failure without speaking the database's language.
package enum StoreFailure {
    /// The database's message when `error` is a constraint the store did not map to a domain error, else nil.
    package static func constraintMessage(_ error: any Error) -> String? {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT { return error.message ?? "constraint failed" }
        if let state = PostgresFailure.sqlState(error), state.hasPrefix("23") { return PostgresFailure.message(error) ?? "constraint failed" }
        return nil
    }

    /// Whether `error` is text the database cannot store: PostgreSQL refuses the NUL character in `text` (SQLite
    /// stores it). The client's 400, whatever field held it.
    package static func isUnstorableText(_ error: any Error) -> Bool {
        guard let state = PostgresFailure.sqlState(error) else { return false }
        return state == "22021" || state == "22P05"
    }

    /// Whether `error` is a unique index refusing a second row, on either database.
    package static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError { return error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE }
        return PostgresFailure.sqlState(error) == "23505"
    }

}

/// A reason the service cannot start, said plainly instead of crashing.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A few threads that only wait for SQLite's one writer (a group commit's fsync, or up to the busy timeout while
/// another process such as an import holds it), so the waiting holds neither a cooperative thread nor one of NIO's
/// shared pool. Owned by the database that uses them: started on first use, stopped when it goes.
final class WriterThreads: Sendable {
    private let pool = NIOThreadPool(numberOfThreads: 4)
    private let started = NIOLockedValueBox(false)

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        started.withLockedValue { started in
            if !started { pool.start() }
            started = true
        }
        return try await pool.runIfActive(body)
    }

    deinit {
        if started.withLockedValue({ $0 }) { pool.shutdownGracefully { _ in } }
    }
}
