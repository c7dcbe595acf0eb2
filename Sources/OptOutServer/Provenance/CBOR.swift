/// The part of CBOR (RFC 8949) that C2PA manifests use: integers, byte and text strings, arrays, maps, tags, simple
/// values. Written with definite lengths and shortest integer forms; read with bounds on depth and size, since the
/// reader sees bytes from anyone who sends an image.
indirect enum CBOR: Sendable, Equatable {
    case unsigned(UInt64)
    case negative(UInt64)  // -1 - n
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// Pairs in the order written (C2PA does not ask for canonical ordering).
    case map([(CBOR, CBOR)])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case float(Double)

    static func == (lhs: CBOR, rhs: CBOR) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tagged(let t, let a), .tagged(let u, let b)): return t == u && a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null), (.undefined, .undefined): return true
        case (.float(let a), .float(let b)): return a == b
        default: return false
        }
    }

    static func int(_ value: Int) -> CBOR { value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value)) }

    /// A map with text keys, in the order given.
    static func object(_ pairs: KeyValuePairs<String, CBOR>) -> CBOR { .map(pairs.map { (.text($0.key), $0.value) }) }

    // MARK: Reading values

    subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == .text(key) }?.1
    }

    subscript(key: Int) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == .int(key) }?.1
    }

    var string: String? { if case .text(let text) = self { text } else { nil } }
    var byteString: [UInt8]? { if case .bytes(let bytes) = self { bytes } else { nil } }
    var items: [CBOR]? { if case .array(let items) = self { items } else { nil } }
    var integer: Int? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): value < UInt64(Int.max) ? -1 - Int(value) : nil
        default: nil
        }
    }
    var pairs: [(CBOR, CBOR)]? { if case .map(let pairs) = self { pairs } else { nil } }

    // MARK: Writing

    var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .unsigned(let value): Self.head(0, value, &out)
        case .negative(let value): Self.head(1, value, &out)
        case .bytes(let bytes):
            Self.head(2, UInt64(bytes.count), &out)
            out += bytes
        case .text(let text):
            Self.head(3, UInt64(text.utf8.count), &out)
            out += text.utf8
        case .array(let items):
            Self.head(4, UInt64(items.count), &out)
            for item in items { item.encode(into: &out) }
        case .map(let pairs):
            Self.head(5, UInt64(pairs.count), &out)
            for (key, value) in pairs {
                key.encode(into: &out)
                value.encode(into: &out)
            }
        case .tagged(let tag, let value):
            Self.head(6, tag, &out)
            value.encode(into: &out)
        case .bool(let value): out.append(value ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .float(let value):
            out.append(0xFB)
            let bits = value.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
        }
    }

    private static func head(_ major: UInt8, _ value: UInt64, _ out: inout [UInt8]) {
        let type = major << 5
        switch value {
        case 0..<24: out.append(type | UInt8(value))
        case 24..<0x100: out += [type | 24, UInt8(value)]
        case 0x100..<0x1_0000: out += [type | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
        case 0x1_0000..<0x1_0000_0000:
            out.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        default:
            out.append(type | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        }
    }

    // MARK: Reading

    struct Malformed: Error {}

    /// Decodes one item that fills `bytes` exactly.
    static func decode(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 24) throws -> CBOR {
        var reader = Reader(bytes: bytes, offset: bytes.startIndex, maxDepth: maxDepth)
        let value = try reader.item(depth: 0)
        guard reader.offset == bytes.endIndex else { throw Malformed() }
        return value
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var offset: Int
        let maxDepth: Int
        /// Items read so far: an array header may claim millions of items in a few bytes.
        var budget = 200_000

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.endIndex else { throw Malformed() }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws -> ArraySlice<UInt8> {
            guard count <= UInt64(bytes.endIndex - offset) else { throw Malformed() }
            defer { offset += Int(count) }
            return bytes[offset..<(offset + Int(count))]
        }

        mutating func argument(_ info: UInt8) throws -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return UInt64(try byte())
            case 25: return try take(2).reduce(0) { $0 << 8 | UInt64($1) }
            case 26: return try take(4).reduce(0) { $0 << 8 | UInt64($1) }
            case 27: return try take(8).reduce(0) { $0 << 8 | UInt64($1) }
            default: throw Malformed()  // indefinite lengths are not used by C2PA
            }
        }

        mutating func item(depth: Int) throws -> CBOR {
            guard depth <= maxDepth else { throw Malformed() }
            budget -= 1
            guard budget >= 0 else { throw Malformed() }
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            if major == 7 {
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 23: return .undefined
                case 25:
                    let half = UInt16(try argument(25))
                    return .float(Double(Float16(bitPattern: half)))
                case 26: return .float(Double(Float(bitPattern: UInt32(try argument(26)))))
                case 27: return .float(Double(bitPattern: try argument(27)))
                default: throw Malformed()
                }
            }
            let value = try argument(info)
            switch major {
            case 0: return .unsigned(value)
            case 1: return .negative(value)
            case 2: return .bytes(Array(try take(value)))
            case 3:
                guard let text = String(validating: try take(value), as: UTF8.self) else { throw Malformed() }
                return .text(text)
            case 4:
                guard value <= UInt64(bytes.endIndex - offset) else { throw Malformed() }
                var items: [CBOR] = []
                items.reserveCapacity(Int(value))
                for _ in 0..<value { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard value <= UInt64(bytes.endIndex - offset) / 2 else { throw Malformed() }
                var pairs: [(CBOR, CBOR)] = []
                for _ in 0..<value { pairs.append((try item(depth: depth + 1), try item(depth: depth + 1))) }
                return .map(pairs)
            default: return .tagged(value, try item(depth: depth + 1))
            }
        }
    }
}
