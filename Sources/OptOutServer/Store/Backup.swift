import Foundation
import GRDB

/// `optout-gate backup` and `restore`: a consistent copy of a live database, and bringing one back.
public enum DatabaseBackup {
    public struct Summary: Sendable {
        public let bytes: Int
        public let generations: Int
        public let artists: Int
        public let registryVersion: Int64
    }

    static func databasePath(_ dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("optout.sqlite") }

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
    public static func restore(from file: URL, dataDirectory: URL) throws -> Summary {
        guard FileManager.default.fileExists(atPath: file.path) else { throw StartupError("there is no file \(file.path)") }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path), !entries.isEmpty {
            throw StartupError("\(dataDirectory.path) is not empty; restore into a new folder")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        do {
            let queue = try DatabaseQueue(path: file.path, configuration: readOnly)
            try check(queue)
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

    static func summary(of file: URL) throws -> Summary {
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
