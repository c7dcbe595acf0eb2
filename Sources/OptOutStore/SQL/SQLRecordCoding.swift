import Foundation
import OptOutCore

/// Decodes a flat Codable record from a row: property `passwordHash` from column `password_hash`, a string enum from
/// its raw value, an ``ID`` from an integer.
package struct SQLRowDecoder: Decoder {
    package let row: SQLRow
    package var codingPath: [any CodingKey] = []
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }

    package static func column(_ key: some CodingKey) -> String { SnakeCase.column(key.stringValue) }

    package struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        package let row: SQLRow
        package var codingPath: [any CodingKey] { [] }
        package var allKeys: [Key] { row.columns.compactMap { Key(stringValue: SnakeCase.property($0)) } }

        package func contains(_ key: Key) -> Bool { row.has(SQLRowDecoder.column(key)) }

        package func decodeNil(forKey key: Key) throws -> Bool { row.value(SQLRowDecoder.column(key)) == .null }

        package func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = SQLRowDecoder.column(key)
            let value = row.value(name)
            if let convertible = T.self as? any SQLConvertible.Type {
                guard let decoded = convertible.from(value) as? T else {
                    throw SQLDecodingFailure(column: name, value: value, type: "\(T.self)")
                }
                return decoded
            }
            return try T(from: Single(value: value, column: name))
        }

        package func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey>
        {
            throw SQLDecodingFailure(column: SQLRowDecoder.column(key), value: .null, type: "nested record")
        }

        package func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw SQLDecodingFailure(column: SQLRowDecoder.column(key), value: .null, type: "list")
        }

        package func superDecoder() throws -> any Decoder { SQLRowDecoder(row: row) }
        package func superDecoder(forKey key: Key) throws -> any Decoder { SQLRowDecoder(row: row) }
    }

    /// One column's value, for types that decode themselves from a single value (string enums, ``ID``).
    package struct Single: Decoder, SingleValueDecodingContainer {
        package let value: SQLValue
        package let column: String
        package var codingPath: [any CodingKey] { [] }
        package var userInfo: [CodingUserInfoKey: Any] { [:] }

        package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw SQLDecodingFailure(column: column, value: value, type: "record")
        }
        package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw SQLDecodingFailure(column: column, value: value, type: "list")
        }
        package func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        package func decodeNil() -> Bool { value == .null }

        package func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let convertible = T.self as? any SQLConvertible.Type, let decoded = convertible.from(value) as? T { return decoded }
            throw SQLDecodingFailure(column: column, value: value, type: "\(T.self)")
        }
    }
}

/// The columns a flat Codable record encodes to, in snake_case; a nil optional is a NULL column, not a missing one,
/// so that an update clears it.
package enum SQLRecordEncoder {
    package static func columns(of record: some Encodable) throws -> [(name: String, value: SQLValue)] {
        let sink = Sink()
        try record.encode(to: RecordEncoder(sink: sink))
        return sink.columns
    }

    package final class Sink {
        package var columns: [(name: String, value: SQLValue)] = []
    }

    package struct RecordEncoder: Encoder {
        package let sink: Sink
        package var codingPath: [any CodingKey] { [] }
        package var userInfo: [CodingUserInfoKey: Any] { [:] }

        package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(sink: sink))
        }
        package func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record is encoded by its properties") }
        package func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record is encoded by its properties") }
    }

    package struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        package let sink: Sink
        package var codingPath: [any CodingKey] { [] }

        package mutating func encodeNil(forKey key: Key) throws { sink.columns.append((SQLRowDecoder.column(key), .null)) }

        package mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            sink.columns.append((SQLRowDecoder.column(key), try Single.value(of: value)))
        }

        package mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }

        package mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            fatalError("a record's columns are flat")
        }
        package mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("a record's columns are flat") }
        package mutating func superEncoder() -> any Encoder { RecordEncoder(sink: sink) }
        package mutating func superEncoder(forKey key: Key) -> any Encoder { RecordEncoder(sink: sink) }
    }

    /// One property's value: a ``SQLConvertible`` as it is, anything else through its single-value encoding.
    package final class Single: Encoder, SingleValueEncodingContainer {
        package var result: SQLValue = .null
        package var codingPath: [any CodingKey] { [] }
        package var userInfo: [CodingUserInfoKey: Any] { [:] }

        package static func value(of value: some Encodable) throws -> SQLValue {
            if let convertible = value as? any SQLConvertible { return convertible.sqlValue }
            let single = Single()
            try value.encode(to: single)
            return single.result
        }

        package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { fatalError("a column holds one value") }
        package func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a column holds one value") }
        package func singleValueContainer() -> any SingleValueEncodingContainer { self }

        package func encodeNil() throws { result = .null }
        package func encode<T: Encodable>(_ value: T) throws { result = try Single.value(of: value) }
    }
}

/// `passwordHash` ↔ `password_hash`.
package enum SnakeCase {
    package static func column(_ property: String) -> String {
        var column = ""
        for character in property {
            if character.isUppercase {
                column.append("_")
                column.append(contentsOf: character.lowercased())
            } else {
                column.append(character)
            }
        }
        return column
    }

    package static func property(_ column: String) -> String {
        var property = ""
        var upper = false
        for character in column {
            if character == "_" {
                upper = true
            } else {
                property.append(contentsOf: upper ? character.uppercased() : String(character))
                upper = false
            }
        }
        return property
    }
}
