import Foundation
import OptOutCore

/// One transaction on either database, statement by statement. The stores that serve the API's cold routes are written
/// once against it and run on SQLite and on PostgreSQL alike.
///
/// Statements use `?` placeholders and the SQL both dialects share (`ON CONFLICT`, `RETURNING`, `COALESCE`, flags
/// compared with bound values or `true`/`false`): no statement differs between the two.
package protocol SQLSession {
    /// Runs one statement and returns how many rows it changed itself (not its triggers).
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int
    /// Runs one statement and returns its rows.
    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]
}

/// A database the cold stores run transactions on: SQLite's pool or PostgreSQL's client.
///
/// `body` runs on the calling task's thread and blocks it for each statement (GRDB's blocking API on SQLite; on
/// PostgreSQL, a wait for the connection's event loop, which needs no thread of Swift's cooperative pool to answer).
package protocol SQLStore: Sendable {
    /// Runs `body` in a read transaction: one consistent view of the database.
    func read<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T
    /// Runs `body` in a write transaction. Write transactions run one at a time, across every replica on PostgreSQL,
    /// so a store may check and then write as on SQLite's single writer.
    func write<T: Sendable>(_ body: (any SQLSession) throws -> T) async throws -> T
}

extension SQLSession {
    @discardableResult
    package func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    package func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    /// The first row, or nil.
    package func row(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row as `T`, or nil when there is no row or it holds NULL.
    package func value<T: SQLConvertible>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        guard let row = try row(sql, arguments) else { return nil }
        return try row.first(as: T?.self)
    }

    /// The first column of every row as `T`.
    package func column<T: SQLConvertible>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        try rows(sql, arguments).map { try $0.first(as: T.self) }
    }

    /// Runs `body` in a savepoint: what it wrote is undone when it throws, and the transaction goes on.
    package func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT step")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT step")
            return result
        } catch {
            try execute("ROLLBACK TO SAVEPOINT step")
            try execute("RELEASE SAVEPOINT step")
            throw error
        }
    }

    /// Every row decoded as `R`, columns in snake_case for its camelCase properties.
    package func fetchAll<R: Decodable>(_ type: R.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [R] {
        try rows(sql, arguments).map { try R(from: SQLRowDecoder(row: $0)) }
    }

    package func fetchOne<R: Decodable>(_ type: R.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> R? {
        try row(sql, arguments).map { try R(from: SQLRowDecoder(row: $0)) }
    }

    /// The record of table `R` with id `id`.
    package func fetchOne<R: SQLRecord>(_ type: R.Type, id: Int64) throws -> R? {
        try fetchOne(R.self, "SELECT * FROM \(R.databaseTableName) WHERE id = ?", [id])
    }

    /// Inserts `record`, leaving out an unsaved (or nil) `id` so that the database gives one; returns the row's id when the table
    /// has an `id` column.
    @discardableResult
    package func insert<R: SQLRecord>(_ record: R) throws -> Int64? {
        var columns = try SQLRecordEncoder.columns(of: record)
        let hasID = columns.contains { $0.name == "id" }
        columns.removeAll { $0.name == "id" && ($0.value == .null || $0.value == .integer(0)) }
        let names = columns.map(\.name).joined(separator: ", ")
        let sql = "INSERT INTO \(R.databaseTableName) (\(names)) VALUES (\(SQLList.repeating("?", columns.count)))"
        let arguments = SQLArguments(columns.map(\.value))
        guard hasID else {
            try execute(sql, arguments)
            return nil
        }
        return try value(Int64.self, sql + " RETURNING id", arguments)
    }

    /// Inserts `record` into a table with an `id` column and answers the id the database gave.
    package func insertedID<Entity, R: SQLRecord>(_ record: R) throws -> ID<Entity> {
        guard let id = try insert(record) else {
            throw SQLDecodingFailure(column: "id", value: .null, type: "id of the row inserted into \(R.databaseTableName)")
        }
        return ID(id)
    }

    /// Writes every column of `record` to its row, found by `id`.
    package func update<R: SQLRecord>(_ record: R) throws {
        let columns = try SQLRecordEncoder.columns(of: record)
        guard let id = columns.first(where: { $0.name == "id" })?.value, id != .null else {
            throw SQLDecodingFailure(column: "id", value: .null, type: "row id to update \(R.databaseTableName) by")
        }
        let others = columns.filter { $0.name != "id" }
        try execute(
            "UPDATE \(R.databaseTableName) SET \(others.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE id = ?",
            SQLArguments(others.map(\.value) + [id])
        )
    }
}

/// A row type the sessions insert, update and read by its table's name and its Codable properties.
public protocol SQLRecord: Codable {
    static var databaseTableName: String { get }
}

/// A store's transaction body, lent to a thread pool while the store awaits it: for blocking work (waiting for a
/// database) that must not hold a thread of Swift's cooperative pool. The body need not escape: the box lets go of
/// it as soon as a thread takes it, and again once the wait is over (when the pool never ran it), so it never
/// outlives the call that lent it (`withoutActuallyEscaping` checks).
package final class LentBody<T>: @unchecked Sendable {
    private var body: ((any SQLSession) throws -> T)?

    private init(_ body: @escaping (any SQLSession) throws -> T) { self.body = body }

    /// Lends `body` to `use` for as long as it runs.
    package static func lend<R>(_ body: (any SQLSession) throws -> T, _ use: (LentBody<T>) async throws -> R) async throws -> R {
        try await withoutActuallyEscaping(body) { body in
            let lent = LentBody(body)
            defer { lent.body = nil }
            return try await use(lent)
        }
    }

    /// The body, taken once by the thread that runs it.
    package func take() throws -> (any SQLSession) throws -> T {
        guard let body else { throw CancellationError() }
        self.body = nil
        return body
    }
}

/// Lists of placeholders for statements whose length depends on their arguments.
package enum SQLList {
    /// `count` copies of `item` joined by commas: `repeating("?", 3)` is the `?, ?, ?` of an `IN (...)`,
    /// `repeating("(?, ?)", 2)` the rows of a multi-row `VALUES`.
    package static func repeating(_ item: String, _ count: Int) -> String {
        Array(repeating: item, count: count).joined(separator: ", ")
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements: a long argument list cut to the statement's bound.
    package func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
