/// What an AI-generated image is labelled with: IPTC's digital source type, and who made it and must be credited.
public struct AILabel: Sendable, Equatable {
    public static let digitalSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

    public var generationId: String
    public var credits: [String]
    public var generator: String
    /// ISO 8601.
    public var createdAt: String
    /// What the image's maker allows of AI training and data mining (C2PA/CAWG entries, IPTC `plus:DataMining`).
    public var training = TrainingMiningPolicy()
    /// The prompt and who wrote it, written as IPTC `AIPromptInformation` and `AIPromptWriterName` only when the
    /// platform asks (`--label-prompt`): a prompt can be private.
    public var prompt: String?
    public var promptWriter: String?

    public init(generationId: String, credits: [String], generator: String, createdAt: String) {
        self.generationId = generationId
        self.credits = credits
        self.generator = generator
        self.createdAt = createdAt
    }
}

/// The training-and-data-mining entries of CAWG's `cawg.training-mining` assertion (C2PA 1.x's
/// `c2pa.training-mining`): each of four uses allowed, not allowed, or constrained; a use not named says nothing.
public struct TrainingMiningPolicy: Sendable, Equatable {
    /// The uses, in the order written.
    public static let uses = ["ai_training", "ai_generative_training", "ai_inference", "data_mining"]
    public static let values = ["allowed", "notAllowed", "constrained"]

    /// Use to value, in ``uses`` order.
    public private(set) var entries: [(use: String, value: String)]

    /// The default: not allowed for AI training and for generative AI training.
    public init() {
        entries = [("ai_training", "notAllowed"), ("ai_generative_training", "notAllowed")]
    }

    /// Reads `use=value, use=value` (`--label-training`), e.g. `ai_training=notAllowed, data_mining=allowed`.
    public init(parsing text: String) throws(DomainError) {
        var found: [String: String] = [:]
        for member in text.split(separator: ",") {
            let parts = member.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Self.uses.contains(parts[0]), Self.values.contains(parts[1]) else {
                throw .invalid(
                    "label_training",
                    code: "invalid_label_training",
                    "\"\(member.trimmingCharacters(in: .whitespaces))\" is not use=value; the uses are \(Self.uses.joined(separator: ", ")) and the values \(Self.values.joined(separator: ", "))"
                )
            }
            guard found[parts[0]] == nil else { throw .invalid("label_training", code: "invalid_label_training", "\(parts[0]) is given twice") }
            found[parts[0]] = parts[1]
        }
        guard !found.isEmpty else {
            throw .invalid("label_training", code: "invalid_label_training", "name at least one use, e.g. ai_training=notAllowed")
        }
        entries = Self.uses.compactMap { use in found[use].map { (use, $0) } }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.entries.elementsEqual(rhs.entries) { $0 == $1 } }

    public func value(of use: String) -> String? { entries.first { $0.use == use }?.value }

    /// The PLUS `DataMining` term that says the same: prohibited for all data mining, for AI/ML training, for
    /// generative AI/ML training, or allowed; unspecified when the entries say nothing it can name.
    public var plusDataMining: String {
        let base = "http://ns.useplus.org/ldf/vocab/"
        if value(of: "data_mining") == "notAllowed" { return base + "DMI-PROHIBITED" }
        if value(of: "ai_training") == "notAllowed" { return base + "DMI-PROHIBITED-AIMLTRAINING" }
        if value(of: "ai_generative_training") == "notAllowed" { return base + "DMI-PROHIBITED-GENAIMLTRAINING" }
        if entries.contains(where: { $0.value == "constrained" }) { return base + "DMI-PROHIBITED-SEECONSTRAINT" }
        if !entries.isEmpty, entries.allSatisfy({ $0.value == "allowed" }) { return base + "DMI-ALLOWED" }
        return base + "DMI-UNSPECIFIED"
    }
}

/// What a label check finds in an image.
public struct FoundLabel: Sendable, Equatable {
    public let digitalSourceType: String?
    public let generationId: String?
    public let credits: [String]
}

public enum ImageFormat: String, Sendable {
    case png
    case jpeg
}

/// Embeds and reads the AI-generated label as XMP: in PNG an `iTXt` chunk with keyword `XML:com.adobe.xmp`, in JPEG
/// an APP1 segment. Pixels are never touched; an existing XMP packet is replaced, not duplicated.
public enum ImageLabeler {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let xmpKeyword = Array("XML:com.adobe.xmp".utf8)
    static let jpegXMPHeader = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]
    static let namespace = "urn:optout-gate:xmp:1.0#"

    /// The image's format, from its first bytes.
    public static func format(of bytes: [UInt8]) throws(DomainError) -> ImageFormat {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return .jpeg }
        throw .invalid("image", code: "not_an_image", "The body is neither a PNG nor a JPEG image.")
    }

    /// `bytes` with `label` embedded as its only XMP packet.
    public static func label(_ bytes: [UInt8], with label: AILabel) throws(DomainError) -> [UInt8] {
        let packet = Array(xmpPacket(for: label).utf8)
        switch try format(of: bytes) {
        case .png: return try labelPNG(bytes, packet: packet)
        case .jpeg: return try labelJPEG(bytes, packet: packet)
        }
    }

    /// The label in `bytes`, or nil when the image carries no XMP packet.
    public static func read(_ bytes: [UInt8]) throws(DomainError) -> FoundLabel? {
        let packet: [UInt8]?
        switch try format(of: bytes) {
        case .png: packet = try pngChunks(bytes).first { $0.isXMP }.map { Array($0.text) }
        case .jpeg: packet = try jpegSegments(bytes).segments.first { $0.isXMP }.map { Array($0.payload.dropFirst(jpegXMPHeader.count)) }
        }
        return packet.map { parse(String(decoding: $0, as: UTF8.self)) }
    }

    // MARK: XMP

    /// The XMP packet: IPTC's digital source type and 2025.1 AI fields (`AISystemUsed`, and the prompt and its
    /// writer only when the label carries them), PLUS `DataMining`, the creator tool and date, and this service's
    /// generation id and credits.
    public static func xmpPacket(for label: AILabel) -> String {
        let credits = label.credits.map { "      <rdf:li>\(escape($0))</rdf:li>\n" }.joined()
        var promptFields = ""
        if let prompt = label.prompt { promptFields += "\n    Iptc4xmpExt:AIPromptInformation=\"\(escape(prompt))\"" }
        if let writer = label.promptWriter { promptFields += "\n    Iptc4xmpExt:AIPromptWriterName=\"\(escape(writer))\"" }
        return """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about=""
                xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
                xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"
                xmlns:xmp="http://ns.adobe.com/xap/1.0/"
                xmlns:optout="\(namespace)"
                Iptc4xmpExt:DigitalSourceType="\(AILabel.digitalSourceType)"
                Iptc4xmpExt:AISystemUsed="\(escape(label.generator))"\(promptFields)
                plus:DataMining="\(label.training.plusDataMining)"
                xmp:CreatorTool="\(escape(label.generator))"
                xmp:CreateDate="\(escape(label.createdAt))"
                optout:GenerationID="\(escape(label.generationId))">
               <optout:CreditsRequired>
                <rdf:Bag>
            \(credits)    </rdf:Bag>
               </optout:CreditsRequired>
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    static func unescape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Reads the fields this service writes; another tool's packet yields what it shares with ours.
    static func parse(_ packet: String) -> FoundLabel {
        func attribute(_ name: String) -> String? {
            guard let start = packet.range(of: name + "=\"") else { return nil }
            guard let end = packet[start.upperBound...].firstIndex(of: "\"") else { return nil }
            return unescape(packet[start.upperBound..<end])
        }
        var credits: [String] = []
        if let bag = packet.range(of: "<optout:CreditsRequired>"), let bagEnd = packet.range(of: "</optout:CreditsRequired>") {
            var rest = packet[bag.upperBound..<bagEnd.lowerBound]
            while let open = rest.range(of: "<rdf:li>"), let close = rest.range(of: "</rdf:li>"), open.upperBound <= close.lowerBound {
                credits.append(unescape(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
        }
        return FoundLabel(
            digitalSourceType: attribute("Iptc4xmpExt:DigitalSourceType"),
            generationId: attribute("optout:GenerationID"),
            credits: credits
        )
    }

    // MARK: PNG

    struct PNGChunk {
        let type: [UInt8]
        let data: ArraySlice<UInt8>
        /// The whole chunk as it stands in the file: length, type, data, CRC.
        let raw: ArraySlice<UInt8>

        var isXMP: Bool {
            type == Array("iTXt".utf8) && data.starts(with: ImageLabeler.xmpKeyword) && data.count > xmpKeyword.count
                && data[data.startIndex + xmpKeyword.count] == 0
        }

        /// The text of an uncompressed iTXt chunk.
        var text: ArraySlice<UInt8> {
            // keyword \0 compression-flag compression-method language \0 translated \0 text
            var index = data.startIndex + ImageLabeler.xmpKeyword.count + 3
            for _ in 0..<2 {
                while index < data.endIndex && data[index] != 0 { index += 1 }
                index += 1
            }
            return index <= data.endIndex ? data[index...] : []
        }
    }

    static func pngChunks(_ bytes: [UInt8]) throws(DomainError) -> [PNGChunk] {
        var chunks: [PNGChunk] = []
        var offset = pngSignature.count
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw truncated(.png) }
            let length = Int(readUInt32(bytes, offset))
            guard length <= 0x7FFF_FFFF, offset + 12 + length <= bytes.count else { throw truncated(.png) }
            let type = Array(bytes[(offset + 4)..<(offset + 8)])
            let data = bytes[(offset + 8)..<(offset + 8 + length)]
            let crc = readUInt32(bytes, offset + 8 + length)
            guard CRC32.checksum(bytes[(offset + 4)..<(offset + 8 + length)]) == crc else {
                throw .invalid("image", code: "bad_png_crc", "The PNG chunk \(String(decoding: type, as: UTF8.self)) fails its CRC check.")
            }
            chunks.append(PNGChunk(type: type, data: data, raw: bytes[offset..<(offset + 12 + length)]))
            offset += 12 + length
            if type == Array("IEND".utf8) { break }
        }
        guard chunks.first?.type == Array("IHDR".utf8), chunks.last?.type == Array("IEND".utf8) else { throw truncated(.png) }
        return chunks
    }

    static func labelPNG(_ bytes: [UInt8], packet: [UInt8]) throws(DomainError) -> [UInt8] {
        let chunks = try pngChunks(bytes)
        var data = xmpKeyword + [0, 0, 0, 0, 0]  // keyword, NUL, uncompressed, method 0, empty language, empty translation
        data += packet
        var chunk: [UInt8] = []
        appendUInt32(&chunk, UInt32(data.count))
        let typeAndData = Array("iTXt".utf8) + data
        chunk += typeAndData
        appendUInt32(&chunk, CRC32.checksum(typeAndData[...]))
        var out = pngSignature
        out.reserveCapacity(bytes.count + chunk.count)
        for (index, existing) in chunks.enumerated() where !existing.isXMP {
            out += existing.raw
            if index == 0 { out += chunk }  // right after IHDR
        }
        return out
    }

    // MARK: JPEG

    struct JPEGSegment {
        let marker: UInt8
        let payload: ArraySlice<UInt8>
        let raw: ArraySlice<UInt8>

        var isXMP: Bool { marker == 0xE1 && payload.starts(with: ImageLabeler.jpegXMPHeader) }
    }

    /// The segments before the scan data, and the offset where the scan (and the rest of the file) begins.
    static func jpegSegments(_ bytes: [UInt8]) throws(DomainError) -> (segments: [JPEGSegment], scan: Int) {
        var segments: [JPEGSegment] = []
        var offset = 2
        while true {
            guard offset + 4 <= bytes.count, bytes[offset] == 0xFF else { throw truncated(.jpeg) }
            let marker = bytes[offset + 1]
            if marker == 0xDA {
                guard bytes.count >= offset + 4, bytes.suffix(2) == [0xFF, 0xD9] else { throw truncated(.jpeg) }
                return (segments, offset)
            }
            if marker == 0xD9 { throw truncated(.jpeg) }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { throw truncated(.jpeg) }
            segments.append(
                JPEGSegment(marker: marker, payload: bytes[(offset + 4)..<(offset + 2 + length)], raw: bytes[offset..<(offset + 2 + length)])
            )
            offset += 2 + length
        }
    }

    static func labelJPEG(_ bytes: [UInt8], packet: [UInt8]) throws(DomainError) -> [UInt8] {
        let (segments, scan) = try jpegSegments(bytes)
        let payload = jpegXMPHeader + packet
        guard payload.count + 2 <= 0xFFFF else {
            throw .invalid("image", code: "label_too_large", "The label does not fit in one JPEG segment.")
        }
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(bytes.count + segment.count)
        var placed = false
        for existing in segments where !existing.isXMP {
            // After JFIF and Exif APP segments, before everything else.
            if !placed && existing.marker != 0xE0 && existing.marker != 0xE1 {
                out += segment
                placed = true
            }
            out += existing.raw
        }
        if !placed { out += segment }
        out += bytes[scan...]
        return out
    }

    // MARK: Bytes

    /// The error for an image that ends early or is malformed.
    public static func truncatedError(_ format: ImageFormat) -> DomainError { truncated(format) }

    /// A big-endian 32-bit number at `offset`.
    public static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 { readUInt32(bytes, offset) }

    static func truncated(_ format: ImageFormat) -> DomainError {
        .invalid("image", code: "truncated_image", "The \(format == .png ? "PNG" : "JPEG") image is truncated or malformed.")
    }

    static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    static func appendUInt32(_ bytes: inout [UInt8], _ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// CRC-32 (IEEE 802.3), as PNG chunks use.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
