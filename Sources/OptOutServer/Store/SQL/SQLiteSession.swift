import Foundation
import GRDB

/// A ``SQLSession`` on one of GRDB's connections, inside its blocking `read` or `write`.
struct SQLiteSession: SQLSession {
    let db: Database

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        // GRDB keeps a compiled statement per SQL text and connection: a statement run again is not parsed again.
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
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
}

/// The cold stores' ``SQLStore`` on SQLite: GRDB's blocking API on the calling thread, as everywhere in the service.
struct SQLiteStore: SQLStore {
    let database: AppDatabase

    func read<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try database.read { db in try body(SQLiteSession(db: db)) }
    }

    func write<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try database.write { db in try body(SQLiteSession(db: db)) }
    }
}
