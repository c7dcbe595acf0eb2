import Foundation
import Logging
import NIOCore
import OptOutCore
internal import PostgresNIO

/// A ``SQLSession`` on one leased PostgreSQL connection.
///
/// Each statement is sent with postgres-nio's event-loop API and waited for on the calling thread. The answer arrives
/// on the connection's event loop, so the wait needs no thread of Swift's cooperative pool, as a blocking GRDB call
/// needs none: a store's transaction blocks its task's thread for its statements and nothing else.
package struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    package let logger: Logger

    @discardableResult
    package func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try result(sql, arguments).metadata.rows ?? 0
    }

    package func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try result(sql, arguments).rows.map(Self.row)
    }

    private func result(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .real(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            case .bool(let value): binds.append(value)
            case .date(let value): binds.append(value)
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: SQLDialect.numbered(sql), binds: binds), logger: logger).wait()
    }

    static func row(_ row: PostgresRow) throws -> SQLRow {
        var columns: [String] = []
        var values: [SQLValue] = []
        for cell in row {
            columns.append(cell.columnName)
            values.append(try value(cell))
        }
        return SQLRow(columns: columns, values: values)
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob(Data(buffer: try cell.decode(ByteBuffer.self)))
        case .timestamptz, .timestamp: return .date(try cell.decode(Date.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }
}

/// The cold stores' ``SQLStore`` on PostgreSQL: a connection leased from the pooled client for each transaction.
///
/// The lease is awaited; the transaction's statements then run on a thread of the backend's own pool, one per
/// connection, where waiting for the server blocks no thread of Swift's cooperative pool (two of them on a
/// two-core machine, which every request and background job shares).
///
/// Reads run in a repeatable-read, read-only transaction, one consistent view as on SQLite. Write transactions take a
/// transaction-level advisory lock first, so they run one at a time across every replica, as SQLite's one writer
/// runs them: a store's check-then-write (a report filer's hourly count, a claim's holder) holds on PostgreSQL too.
/// The metered generations do not take it; they have their own batcher with row locks.
package struct PostgresSQLStore: SQLStore {
    package let backend: PostgresBackend

    /// The advisory-lock key of write transactions.
    package static let writerLock: Int64 = 0x6F70_746F_7574_0002

    package func read<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    package func write<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T {
        try await transaction("BEGIN", lock: true, body)
    }

    private func transaction<T: Sendable>(_ begin: String, lock: Bool = false, _ body: (any SQLSession) throws -> T) async throws -> T {
        let logger = backend.logger
        let threads = backend.threads
        return try await LentBody.lend(body) { lent in
            try await backend.client.withConnection { connection in
                try await threads.runIfActive {
                    let work = try lent.take()
                    let session = PostgresSession(connection: connection, logger: logger)
                    try session.execute(begin)
                    do {
                        if lock { try session.execute("SELECT pg_advisory_xact_lock(\(Self.writerLock))") }
                        let result = try work(session)
                        try session.execute("COMMIT")
                        return result
                    } catch {
                        _ = try? session.execute("ROLLBACK")
                        throw error
                    }
                }
            }
        }
    }

    package init(backend: PostgresBackend) {
        self.backend = backend
    }
}

/// What the server said about a failed statement.
package enum PostgresFailure {
    package static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    package static func message(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.message]
    }
}
