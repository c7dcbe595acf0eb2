import Foundation
internal import GRDB
import OptOutCore

/// A value bound to a statement or read from a row, in the types both of the service's databases share.
///
/// SQLite keeps a date as GRDB's text (`yyyy-MM-dd HH:mm:ss.SSS`, UTC) and a flag as 0 or 1; PostgreSQL as
/// `timestamptz` and `boolean`. Each session converts at its edge, so the stores' SQL and values are the same on both.
package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case bool(Bool)
    case date(Date)
}

/// A Swift type the stores bind and read: to and from ``SQLValue``.
package protocol SQLConvertible {
    var sqlValue: SQLValue { get }
    /// The value `value` holds as this type, or nil when it holds another kind.
    static func from(_ value: SQLValue) -> Self?
}

extension SQLValue: SQLConvertible {
    package var sqlValue: SQLValue { self }
    package static func from(_ value: SQLValue) -> SQLValue? { value }
}

extension Int64: SQLConvertible {
    package var sqlValue: SQLValue { .integer(self) }
    package static func from(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let value): value
        case .bool(let value): value ? 1 : 0
        case .real(let value): Int64(exactly: value)
        default: nil
        }
    }
}

extension Int: SQLConvertible {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package static func from(_ value: SQLValue) -> Int? { Int64.from(value).map(Int.init) }
}

extension Double: SQLConvertible {
    package var sqlValue: SQLValue { .real(self) }
    package static func from(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}

extension String: SQLConvertible {
    package var sqlValue: SQLValue { .text(self) }
    package static func from(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Data: SQLConvertible {
    package var sqlValue: SQLValue { .blob(self) }
    package static func from(_ value: SQLValue) -> Data? {
        if case .blob(let data) = value { return data }
        return nil
    }
}

extension Bool: SQLConvertible {
    package var sqlValue: SQLValue { .bool(self) }
    package static func from(_ value: SQLValue) -> Bool? {
        switch value {
        case .bool(let value): value
        case .integer(let value): value != 0
        default: nil
        }
    }
}

extension Date: SQLConvertible {
    package var sqlValue: SQLValue { .date(self) }
    package static func from(_ value: SQLValue) -> Date? {
        switch value {
        case .date(let date): date
        // SQLite's text and numbers, read as GRDB reads them.
        case .text(let text): Date.fromDatabaseValue(text.databaseValue)
        case .integer(let seconds): Date(timeIntervalSince1970: TimeInterval(seconds))
        case .real(let seconds): Date(timeIntervalSince1970: seconds)
        default: nil
        }
    }
}

extension ID: SQLConvertible {
    package var sqlValue: SQLValue { .integer(rawValue) }
    package static func from(_ value: SQLValue) -> ID? { Int64.from(value).map(ID.init) }
}

extension Optional: SQLConvertible where Wrapped: SQLConvertible {
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
    package static func from(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.from(value).map { .some($0) }
    }
}

/// A string enum stored by its raw value.
extension SQLConvertible where Self: RawRepresentable, RawValue == String {
    package var sqlValue: SQLValue { .text(rawValue) }
    package static func from(_ value: SQLValue) -> Self? { String.from(value).flatMap(Self.init(rawValue:)) }
}

/// A statement's arguments: `[id, name, Date()]`.
package struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    package var values: [SQLValue]

    package init(_ values: [SQLValue]) { self.values = values }
    package init(arrayLiteral elements: (any SQLConvertible)...) { values = elements.map(\.sqlValue) }

    package static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(lhs.values + rhs.values) }
    package static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
}

/// One row of a result, its values by column name.
package struct SQLRow: Sendable {
    package let columns: [String]
    package let values: [SQLValue]

    /// The value of column `name`, or .null when the row has no such column.
    package func value(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    package func has(_ name: String) -> Bool { columns.contains(name) }

    /// Column `name` as `T`; throws when it holds another kind (a NULL in a column read as non-optional, say).
    package func get<T: SQLConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        let value = value(name)
        guard let converted = T.from(value) else { throw SQLDecodingFailure(column: name, value: value, type: "\(T.self)") }
        return converted
    }

    /// The first column as `T`.
    package func first<T: SQLConvertible>(as type: T.Type = T.self) throws -> T {
        guard let name = columns.first else { throw SQLDecodingFailure(column: "(none)", value: .null, type: "\(T.self)") }
        return try get(name)
    }
}

/// A row's value that is not of the type the store reads it as: a bug in the store's SQL, not the client's.
package struct SQLDecodingFailure: Error, CustomStringConvertible {
    package let column: String
    package let value: SQLValue
    package let type: String
    package var description: String { "column \(column) holds \(value), not a \(type)" }
}

/// The one thing the sessions change in the stores' SQL: PostgreSQL's numbered placeholders.
package enum SQLDialect {
    /// `sql` with its `?` placeholders numbered `$1`, `$2`, … as PostgreSQL writes them; quoted text, quoted names
    /// and comments are left alone.
    package static func numbered(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var comment = false
        var previous: Character = " "
        for character in sql {
            if comment {
                if character == "\n" { comment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-" && previous == "-" {
                comment = true
            } else if character == "?" {
                number += 1
                output += "$\(number)"
                previous = character
                continue
            }
            output.append(character)
            previous = character
        }
        return output
    }
}
