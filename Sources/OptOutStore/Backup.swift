import Foundation
internal import GRDB
import OptOutCore

/// `optout-gate backup` and `restore`: a consistent copy of a live database, and bringing one back.
public enum DatabaseBackup {
    public struct Summary: Sendable {
        public let bytes: Int
        public let generations: Int
        public let artists: Int
        public let registryVersion: Int64
    }

    package static func databasePath(_ dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("optout.sqlite") }

    /// Copies the database under `dataDirectory` to `file` while the server goes on writing: SQLite's online backup
    /// through GRDB, inside one read transaction of WAL mode, so the copy is the database as of one instant (every
    /// transaction committed before the backup began is in it, none half-written). Written to a temporary file beside
    /// `file`, checked (`PRAGMA integrity_check`), switched to a single file (`journal_mode=DELETE`), then renamed
    /// into place: a failed backup leaves nothing behind.
    /// - Throws: `StartupError` when there is no database or the target exists.
    public static func backup(dataDirectory: URL, to file: URL) throws -> Summary {
        let source = databasePath(dataDirectory)
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw StartupError("there is no database at \(source.path)")
        }
        guard !FileManager.default.fileExists(atPath: file.path) else {
            throw StartupError("\(file.path) exists; choose a new file name")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(10)
        let reader = try DatabasePool(path: source.path, configuration: readOnly)
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).partial-\(UUID().uuidString)")
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary.path + suffix) }
        }
        do {
            let destination = try DatabaseQueue(path: temporary.path)
            try reader.backup(to: destination)
            try destination.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try check(destination)
            try destination.close()
        }
        try reader.close()
        try FileManager.default.moveItem(at: temporary, to: file)
        return try summary(of: file)
    }

    /// Puts the backup `file` in place as `<dataDirectory>/optout.sqlite`, after checking it; refuses a target folder
    /// that holds anything. The service then starts on it as on any database (migrations newer than the backup apply).
    ///
    /// The backup's schema must be exactly what its recorded migrations produce (`migrationsDirectory`: the ones this
    /// build ships, each with the checksum the backup recorded): a table, index, trigger or view more or less (a
    /// trigger slipped into a backup runs with every write of the service) is refused, naming what differs.
    public static func restore(from file: URL, dataDirectory: URL, migrationsDirectory: URL? = nil) throws -> Summary {
        guard FileManager.default.fileExists(atPath: file.path) else { throw StartupError("there is no file \(file.path)") }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path), !entries.isEmpty {
            throw StartupError("\(dataDirectory.path) is not empty; restore into a new folder")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        do {
            let queue = try DatabaseQueue(path: file.path, configuration: readOnly)
            try check(queue)
            try checkSchema(
                queue,
                migrationsDirectory: try migrationsDirectory ?? ResourceLocator.findRoot().appendingPathComponent("Migrations/sqlite")
            )
            try queue.close()
        } catch let error as StartupError {
            throw error
        } catch {
            throw StartupError("\(file.path) is not an OptOutGate database (\(error))")
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let target = databasePath(dataDirectory)
        try FileManager.default.copyItem(at: file, to: target)
        return try summary(of: target)
    }

    /// SQLite's integrity check, and the tables of this service.
    static func check(_ reader: any DatabaseReader) throws {
        try reader.read { db in
            let result = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard result == ["ok"] else { throw StartupError("the integrity check failed: \(result.prefix(5).joined(separator: "; "))") }
            guard try db.tableExists("migration_checksum"), try db.tableExists("generation"), try db.tableExists("registry_state") else {
                throw StartupError("this is not an OptOutGate database: its tables are missing")
            }
        }
    }

    /// Compares the backup's schema with the one its recorded migrations produce in an empty database.
    static func checkSchema(_ reader: any DatabaseReader, migrationsDirectory: URL) throws {
        let files = Dictionary(
            uniqueKeysWithValues: try AppDatabase.migrationFiles(in: migrationsDirectory).map { ($0.deletingPathExtension().lastPathComponent, $0) }
        )
        let recorded = try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sha256 FROM migration_checksum ORDER BY name").map {
                (name: $0["name"] as String, sha256: $0["sha256"] as String)
            }
        }
        let expected = try DatabaseQueue()
        try expected.write { db in
            for migration in recorded {
                guard let file = files[migration.name] else {
                    throw StartupError("the backup records migration \(migration.name), which this build does not ship")
                }
                let data = try Data(contentsOf: file)
                guard try AppDatabase.sha256Hex(data) == migration.sha256 else {
                    throw StartupError("the backup's migration \(migration.name) differs from the one this build ships")
                }
                try db.execute(sql: String(decoding: data, as: UTF8.self))
            }
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS migration_checksum (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        }
        func schema(_ reader: any DatabaseReader) throws -> Set<String> {
            try reader.read { db in
                // GRDB's own bookkeeping table is not part of the service's schema.
                Set(
                    try Row.fetchAll(
                        db,
                        sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name"
                    ).map { row in
                        let sql = (row["sql"] as String?)?.split(whereSeparator: \.isWhitespace).joined(separator: " ") ?? ""
                        return "\(row["type"] as String) \(row["name"] as String): \(sql)"
                    }
                )
            }
        }
        let actual = try schema(reader)
        let wanted = try schema(expected)
        guard actual == wanted else {
            let extra = actual.subtracting(wanted).sorted().map { "unexpected \($0.prefix(120))" }
            let missing = wanted.subtracting(actual).sorted().map { "missing \($0.prefix(120))" }
            throw StartupError("the backup's schema is not what its migrations make: " + (extra + missing).prefix(5).joined(separator: "; "))
        }
    }

    package static func summary(of file: URL) throws -> Summary {
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: file.path, configuration: readOnly)
        defer { try? queue.close() }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        return try queue.read { db in
            Summary(
                bytes: bytes,
                generations: try Int.fetchOne(db, sql: "SELECT count(*) FROM generation") ?? 0,
                artists: try Int.fetchOne(db, sql: "SELECT count(*) FROM artist WHERE withdrawn_at IS NULL") ?? 0,
                registryVersion: try RegistryStore.registryVersion(db)
            )
        }
    }
}
