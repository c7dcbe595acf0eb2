import Foundation
internal import GRDB
import NIOPosix
import OptOutCore

/// A ``SQLSession`` on one of GRDB's connections, inside its blocking `read` or `write`.
package struct SQLiteSession: SQLSession {
    let db: Database

    @discardableResult
    package func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        // GRDB keeps a compiled statement per SQL text and connection: a statement run again is not parsed again.
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    package func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments))
        var rows: [SQLRow] = []
        var columns: [String]?
        while let row = try cursor.next() {
            let names = columns ?? Array(row.columnNames)
            columns = names
            rows.append(SQLRow(columns: names, values: row.databaseValues.map(Self.value)))
        }
        return rows
    }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .integer(let value): value.databaseValue
                case .real(let value): value.databaseValue
                case .text(let value): value.databaseValue
                case .blob(let value): value.databaseValue
                case .bool(let value): value.databaseValue
                case .date(let value): value.databaseValue
                }
            }
        )
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let value): .integer(value)
        case .double(let value): .real(value)
        case .string(let value): .text(value)
        case .blob(let value): .blob(value)
        }
    }

    init(db: Database) {
        self.db = db
    }
}

/// The cold stores' ``SQLStore`` on SQLite: GRDB's blocking API, as everywhere in the service. Reads run on the calling
/// thread (in WAL mode they never wait for the writer). Writes run on threads of the database's own (``WriterThreads``), as the
/// background jobs and the readiness probe ran theirs before the stores were shared: a write waits for the one writer
/// (a group commit's fsync, or up to the busy timeout of 10 s while another process such as an import holds it), and
/// must not hold one of the few cooperative threads meanwhile, nor a thread of NIO's shared pool, where the prompt
/// gate's refresh and bcrypt run.
package struct SQLiteStore: SQLStore {
    package let database: AppDatabase

    package func read<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try database.read { db in try body(SQLiteSession(db: db)) }
    }

    package func write<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try await LentBody.lend(body) { [database] lent in
            try await database.writers.run {
                let work = try lent.take()
                return try database.write { db in try work(SQLiteSession(db: db)) }
            }
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
