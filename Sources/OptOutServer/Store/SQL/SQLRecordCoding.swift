import Foundation

/// Decodes a flat Codable record from a row: property `passwordHash` from column `password_hash`, a string enum from
/// its raw value, an ``ID`` from an integer.
struct SQLRowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }

    static func column(_ key: some CodingKey) -> String { SnakeCase.column(key.stringValue) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.columns.compactMap { Key(stringValue: SnakeCase.property($0)) } }

        func contains(_ key: Key) -> Bool { row.has(SQLRowDecoder.column(key)) }

        func decodeNil(forKey key: Key) throws -> Bool { row.value(SQLRowDecoder.column(key)) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
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

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw SQLDecodingFailure(column: SQLRowDecoder.column(key), value: .null, type: "nested record")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw SQLDecodingFailure(column: SQLRowDecoder.column(key), value: .null, type: "list")
        }

        func superDecoder() throws -> any Decoder { SQLRowDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { SQLRowDecoder(row: row) }
    }

    /// One column's value, for types that decode themselves from a single value (string enums, ``ID``).
    struct Single: Decoder, SingleValueDecodingContainer {
        let value: SQLValue
        let column: String
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw SQLDecodingFailure(column: column, value: value, type: "record")
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw SQLDecodingFailure(column: column, value: value, type: "list")
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { value == .null }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let convertible = T.self as? any SQLConvertible.Type, let decoded = convertible.from(value) as? T { return decoded }
            throw SQLDecodingFailure(column: column, value: value, type: "\(T.self)")
        }
    }
}

/// The columns a flat Codable record encodes to, in snake_case; a nil optional is a NULL column, not a missing one,
/// so that an update clears it.
enum SQLRecordEncoder {
    static func columns(of record: some Encodable) throws -> [(name: String, value: SQLValue)] {
        let sink = Sink()
        try record.encode(to: RecordEncoder(sink: sink))
        return sink.columns
    }

    final class Sink {
        var columns: [(name: String, value: SQLValue)] = []
    }

    struct RecordEncoder: Encoder {
        let sink: Sink
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(sink: sink))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record is encoded by its properties") }
        func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record is encoded by its properties") }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: Sink
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { sink.columns.append((SQLRowDecoder.column(key), .null)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            sink.columns.append((SQLRowDecoder.column(key), try Single.value(of: value)))
        }

        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("a record's columns are flat")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("a record's columns are flat") }
        mutating func superEncoder() -> any Encoder { RecordEncoder(sink: sink) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { RecordEncoder(sink: sink) }
    }

    /// One property's value: a ``SQLConvertible`` as it is, anything else through its single-value encoding.
    final class Single: Encoder, SingleValueEncodingContainer {
        var result: SQLValue = .null
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        static func value(of value: some Encodable) throws -> SQLValue {
            if let convertible = value as? any SQLConvertible { return convertible.sqlValue }
            let single = Single()
            try value.encode(to: single)
            return single.result
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { fatalError("a column holds one value") }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a column holds one value") }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        func encodeNil() throws { result = .null }
        func encode<T: Encodable>(_ value: T) throws { result = try Single.value(of: value) }
    }
}

/// `passwordHash` ↔ `password_hash`.
enum SnakeCase {
    static func column(_ property: String) -> String {
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

    static func property(_ column: String) -> String {
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
