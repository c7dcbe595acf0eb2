import Foundation
internal import GRDB
import Logging
import NIOCore
import OptOutCore
internal import PostgresNIO

/// `optout-gate copy-to-postgres`: moves a SQLite deployment's data into an empty PostgreSQL database.
///
/// The SQLite database is read in one read transaction (a consistent instant, even while a server still writes);
/// everything is written in one PostgreSQL transaction with the tables' own triggers off (the copied rows already
/// hold what the triggers would compute: usage counters, reporter counts, the change log), ids kept, identity
/// sequences, the registry's and links' versions and the log positions moved past the copied rows. The rows of every
/// table are counted on both sides before the commit: a difference rolls everything back.
public enum CopyToPostgres {
    public struct Summary: Sendable {
        /// Rows copied, by table, in copy order.
        public let rows: [(table: String, count: Int)]
        public let registryVersion: Int64
    }

    /// The tables in an order their foreign keys allow.
    package static let tables = [
        "account", "session", "api_key", "artist", "artist_link", "phrase", "registry_change", "generation", "usage_counter", "report",
        "report_reporter", "report_event", "guard_revision", "artist_verified_link", "name_dispute", "name_dispute_event",
        "artist_verification_token", "complaint", "complaint_event", "artist_activity", "queue_size", "webhook_endpoint", "webhook_outbox",
        "webhook_delivery", "webhook_attempt", "sign_in_throttle",
    ]

    public static func copy(dataDirectory: URL, databaseURL text: String, resourceRoot: URL?, logger: Logger) async throws -> Summary {
        let url = try DatabaseURL(text)
        let root = try resourceRoot ?? ResourceLocator.findRoot()
        guard FileManager.default.fileExists(atPath: DatabaseBackup.databasePath(dataDirectory).path) else {
            throw StartupError("there is no database at \(DatabaseBackup.databasePath(dataDirectory).path)")
        }
        // Brings the SQLite file to the newest schema first, so its tables are the ones Migrations/postgres describes.
        let source = try AppDatabase(dataDirectory: dataDirectory, migrationsDirectory: root.appendingPathComponent("Migrations/sqlite"))
        return try await PostgresBackend.withDatabase(
            url: url,
            migrationsDirectory: root.appendingPathComponent("Migrations/postgres"),
            logger: logger
        ) { target in
            try await target.client.withConnection { connection in
                try await copy(from: source, to: connection, target: url, logger: logger)
            }
        }
    }

    private static func copy(from source: AppDatabase, to connection: PostgresConnection, target: DatabaseURL, logger: Logger) async throws -> Summary
    {
        try await connection.transaction(logger: logger) {
            try await connection.query("SET LOCAL TIME ZONE 'UTC'", logger: logger)
            var existing = 0
            for table in tables {
                existing += try await count(connection, table, logger: logger)
            }
            guard existing == 0 else {
                throw StartupError("\(target) already holds \(existing) rows; copy-to-postgres fills an empty database only")
            }
            let snapshot = try source.snapshot()
            var copied: [(table: String, count: Int)] = []
            for table in tables {
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) DISABLE TRIGGER USER"), logger: logger)
                let columns = try await columnTypes(connection, table, logger: logger)
                let rows = try blockingRead(snapshot) { db in
                    try Row.fetchAll(db, sql: "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(table)")
                }
                let perBatch = max(1, min(1000, 60_000 / max(1, columns.count)))
                for start in stride(from: 0, to: rows.count, by: perBatch) {
                    let batch = rows[start..<min(start + perBatch, rows.count)]
                    var bindings = PostgresBindings(capacity: batch.count * columns.count)
                    var values: [String] = []
                    var position = 0
                    for row in batch {
                        var placeholders: [String] = []
                        for (index, column) in columns.enumerated() {
                            position += 1
                            try bind(row[index] as DatabaseValue, as: column.type, into: &bindings)
                            placeholders.append(column.type == "bytea" ? "$\(position)" : "$\(position)::\(column.cast)")
                        }
                        values.append("(" + placeholders.joined(separator: ", ") + ")")
                    }
                    let sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) VALUES " + values.joined(separator: ", ")
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                }
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) ENABLE TRIGGER USER"), logger: logger)
                copied.append((table, rows.count))
            }
            // The singletons: versions, and the positions handed out next.
            let state = try blockingRead(snapshot) { db in
                (
                    registry: try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0,
                    links: try Int64.fetchOne(db, sql: "SELECT version FROM link_state WHERE id = 1") ?? 0,
                    changeSeq: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'registry_change'") ?? 0,
                    lastEvent: try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM report_event") ?? 0
                )
            }
            try await connection.query("ALTER TABLE registry_state DISABLE TRIGGER USER", logger: logger)
            try await connection.query("ALTER TABLE link_state DISABLE TRIGGER USER", logger: logger)
            try await connection.query(
                "UPDATE registry_state SET version = \(state.registry), change_seq = greatest(\(state.changeSeq), (SELECT coalesce(max(seq), 0) FROM registry_change)) WHERE id = 1",
                logger: logger
            )
            try await connection.query("UPDATE link_state SET version = \(state.links) WHERE id = 1", logger: logger)
            try await connection.query("ALTER TABLE registry_state ENABLE TRIGGER USER", logger: logger)
            try await connection.query("ALTER TABLE link_state ENABLE TRIGGER USER", logger: logger)
            try await connection.query("UPDATE report_event_counter SET last_id = \(state.lastEvent) WHERE id = 1", logger: logger)
            for table in tables {
                for (column, ) in try await identityColumns(connection, table, logger: logger) {
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL:
                                "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce((SELECT max(\(column)) FROM \(table)), 0) + 1, false)"
                        ),
                        logger: logger
                    )
                }
            }
            for (table, expected) in copied {
                let found = try await count(connection, table, logger: logger)
                guard found == expected else {
                    throw StartupError("\(table): \(expected) rows in SQLite but \(found) in PostgreSQL after the copy; nothing was kept")
                }
            }
            try snapshot.close()
            return Summary(rows: copied, registryVersion: state.registry)
        }
    }

    private static func count(_ connection: PostgresConnection, _ table: String, logger: Logger) async throws -> Int {
        try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).first(Int.self) ?? 0
    }

    private static func columnTypes(
        _ connection: PostgresConnection,
        _ table: String,
        logger: Logger
    ) async throws -> [(name: String, type: String, cast: String)] {
        var columns: [(name: String, type: String, cast: String)] = []
        for try await (name, type) in try await connection.query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position",
            logger: logger
        ).decode((String, String).self) {
            columns.append((name, type, type == "timestamp with time zone" ? "timestamptz" : type))
        }
        return columns
    }

    private static func identityColumns(_ connection: PostgresConnection, _ table: String, logger: Logger) async throws -> [(String, )] {
        var columns: [(String, )] = []
        for try await row in try await connection.query(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table) AND is_identity = 'YES'",
            logger: logger
        ).decode((String,).self) {
            columns.append(row)
        }
        return columns
    }

    /// A SQLite value as the PostgreSQL column takes it: bytes for bytea, text (cast in the statement) otherwise.
    private static func bind(_ value: DatabaseValue, as type: String, into bindings: inout PostgresBindings) throws {
        switch value.storage {
        case .null:
            bindings.appendNull()
        case .blob(let data):
            guard type == "bytea" else { throw StartupError("a blob in a \(type) column") }
            bindings.append(ByteBuffer(bytes: data))
        case .int64(let number):
            bindings.append(String(number))
        case .double(let number):
            bindings.append(String(number))
        case .string(let text):
            bindings.append(text)
        }
    }
}

/// GRDB's blocking read, also from async code (see ``AppDatabase/read(_:)`` for why never the async one).
private func blockingRead<T>(_ snapshot: DatabaseSnapshot, _ block: (Database) throws -> T) throws -> T {
    try snapshot.read(block)
}

extension AppDatabase {
    /// A read-only connection held in one read transaction: the database as of one instant.
    func snapshot() throws -> DatabaseSnapshot {
        try makeSnapshot()
    }
}
