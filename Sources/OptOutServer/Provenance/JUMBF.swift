/// JPEG universal metadata box format (ISO/IEC 19566-5), as C2PA stores manifests: a superbox (`jumb`) opens with a
/// description box (`jumd`: a type UUID, toggles, a label) and holds content boxes or more superboxes.
enum JUMBF {
    /// The type UUIDs C2PA gives its superboxes: four ASCII letters then `0011 0010 8000 00AA 0038 9B71`.
    static func type(_ letters: String) -> [UInt8] {
        Array(letters.utf8) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }
    static let manifestStore = type("c2pa")
    static let manifest = type("c2ma")
    static let assertionStore = type("c2as")
    static let claim = type("c2cl")
    static let signature = type("c2cs")
    static let cborAssertion = type("cbor")

    /// A box: 4-byte length, 4-letter type, payload.
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + payload.count)
        appendUInt32(&out, UInt32(8 + payload.count))
        out += type.utf8
        out += payload
        return out
    }

    /// The payload of a superbox (its description, then `children` already written as boxes), without its own header:
    /// the bytes an assertion's hash covers.
    static func superboxPayload(type: [UInt8], label: String, children: [[UInt8]]) -> [UInt8] {
        // Toggles 0x03: requestable, label present.
        let description = box("jumd", type + [0x03] + Array(label.utf8) + [0])
        return description + children.joined()
    }

    static func superbox(type: [UInt8], label: String, children: [[UInt8]]) -> [UInt8] {
        box("jumb", superboxPayload(type: type, label: label, children: children))
    }

    static func appendUInt32(_ out: inout [UInt8], _ value: UInt32) {
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    // MARK: Reading

    struct Malformed: Error {}

    /// A superbox as read: its type and label, the bytes after its header (what its hash covers), content boxes and
    /// child superboxes in order.
    struct Superbox {
        var type: [UInt8] = []
        var label = ""
        var payload: ArraySlice<UInt8> = []
        var children: [Superbox] = []
        var contents: [(type: String, data: ArraySlice<UInt8>)] = []

        func child(_ label: String) -> Superbox? { children.first { $0.label == label } }
    }

    /// Reads the superbox that fills `bytes`.
    static func read(_ bytes: ArraySlice<UInt8>, depth: Int = 0) throws -> Superbox {
        guard depth < 8 else { throw Malformed() }
        let boxes = try split(bytes)
        guard boxes.count == 1, boxes[0].type == "jumb" else { throw Malformed() }
        return try superbox(boxes[0].data, depth: depth)
    }

    static func superbox(_ payload: ArraySlice<UInt8>, depth: Int) throws -> Superbox {
        let boxes = try split(payload)
        guard let first = boxes.first, first.type == "jumd", first.data.count >= 17 else { throw Malformed() }
        var result = Superbox()
        result.payload = payload
        result.type = Array(first.data.prefix(16))
        let toggles = first.data[first.data.startIndex + 16]
        if toggles & 0x02 != 0 {
            let start = first.data.startIndex + 17
            guard let end = first.data[start...].firstIndex(of: 0) else { throw Malformed() }
            result.label = String(decoding: first.data[start..<end], as: UTF8.self)
        }
        for box in boxes.dropFirst() {
            if box.type == "jumb" {
                guard depth < 8 else { throw Malformed() }
                result.children.append(try superbox(box.data, depth: depth + 1))
            } else {
                result.contents.append(box)
            }
        }
        return result
    }

    /// The boxes that fill `bytes`, in order.
    static func split(_ bytes: ArraySlice<UInt8>) throws -> [(type: String, data: ArraySlice<UInt8>)] {
        var boxes: [(type: String, data: ArraySlice<UInt8>)] = []
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= 8, boxes.count < 10_000 else { throw Malformed() }
            var length = Int(bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            var header = 8
            if length == 1 {
                guard bytes.endIndex - offset >= 16 else { throw Malformed() }
                let long = bytes[(offset + 8)..<(offset + 16)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                guard long <= UInt64(bytes.endIndex - offset) else { throw Malformed() }
                length = Int(long)
                header = 16
            } else if length == 0 {
                length = bytes.endIndex - offset
            }
            guard length >= header, length <= bytes.endIndex - offset else { throw Malformed() }
            boxes.append((type, bytes[(offset + header)..<(offset + length)]))
            offset += length
        }
        return boxes
    }
}
