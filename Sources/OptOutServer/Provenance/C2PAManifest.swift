import Crypto
import Foundation
import OptOutCore
import OptOutStore
import X509

/// Signed C2PA manifests (C2PA 2.x, claim v2) for generated images: embedded in PNG as a `caBX` chunk after `IHDR`,
/// in JPEG as APP11 JUMBF segments after the APP0/APP1 segments. Assertions: `c2pa.actions.v2` (`c2pa.created` with
/// IPTC's `trainedAlgorithmicMedia`), `c2pa.hash.data` (a hard binding: SHA-256 of every byte but the manifest's own),
/// `cawg.training-mining` and `c2pa.training-mining`, and `org.optout-gate.credits` (the generation and the
/// artists it must credit). Signed ES256 as a detached COSE_Sign1 over the claim, the certificate chain in `x5chain`.
enum C2PAManifest {
    static let claimGenerator = "OptOutGate"
    static let claimGeneratorVersion = "1.0"
    static let creditsLabel = "org.optout-gate.credits"
    static let maxJPEGSegmentPayload = 0xFFFF - 2

    /// `bytes` (a PNG or JPEG that already carries its XMP label: the hash covers it) with a signed manifest
    /// embedded in place of any it carried.
    static func embed(_ bytes: [UInt8], label: AILabel, credential: C2PACredential) throws(DomainError) -> [UInt8] {
        let format = try ImageLabeler.format(of: bytes)
        let base = try withoutManifest(bytes, format: format)
        let offset = try insertionOffset(base, format: format)
        let digest = Array(SHA256.hash(data: base))
        let manifestLabel = "urn:c2pa:\(UUID().uuidString.lowercased())"
        // The hard binding names the manifest's own place and length, which its encoding may change: grow until
        // the length written is the length taken (the length only grows, so this ends within a few rounds).
        var length = 0
        var container: [UInt8] = []
        for _ in 0..<8 {
            let store = try manifestStore(
                label: label,
                manifestLabel: manifestLabel,
                exclusion: (offset, length),
                digest: digest,
                format: format,
                credential: credential
            )
            container = format == .png ? pngChunk(store) : try jpegSegments(store)
            if container.count == length { break }
            length = container.count
        }
        guard container.count == length else {
            throw .invalid("image", code: "label_failed", "The provenance manifest could not be laid out.")
        }
        return Array(base[..<offset]) + container + Array(base[offset...])
    }

    // MARK: The manifest store

    static func manifestStore(
        label: AILabel,
        manifestLabel: String,
        exclusion: (start: Int, length: Int),
        digest: [UInt8],
        format: ImageFormat,
        credential: C2PACredential
    ) throws(DomainError) -> [UInt8] {
        func entries(prefix: String) -> CBOR {
            .map(label.training.entries.map { (.text(prefix + $0.use), .object(["use": .text($0.value)])) })
        }
        var action: [(CBOR, CBOR)] = [
            (.text("action"), .text("c2pa.created")),
            (.text("digitalSourceType"), .text(AILabel.digitalSourceType)),
            (.text("softwareAgent"), .object(["name": .text(label.generator)])),
        ]
        if !label.createdAt.isEmpty { action.append((.text("when"), .text(label.createdAt))) }
        let assertions: [(String, CBOR)] = [
            ("c2pa.actions.v2", .object(["actions": .array([.map(action)])])),
            (
                "c2pa.hash.data",
                .object([
                    "exclusions": .array([.object(["start": .int(exclusion.start), "length": .int(exclusion.length)])]),
                    "name": .text("jumbf manifest"),
                    "alg": .text("sha256"),
                    "hash": .bytes(digest),
                    "pad": .bytes([]),
                ])
            ),
            ("cawg.training-mining", .object(["entries": entries(prefix: "cawg.")])),
            ("c2pa.training-mining", .object(["entries": entries(prefix: "c2pa.")])),
            (
                creditsLabel,
                .object([
                    "generation_id": .text(label.generationId),
                    "credits_required": .array(label.credits.map(CBOR.text)),
                ])
            ),
        ]
        var boxes: [[UInt8]] = []
        var references: [CBOR] = []
        for (assertionLabel, value) in assertions {
            let payload = JUMBF.superboxPayload(type: JUMBF.cborAssertion, label: assertionLabel, children: [JUMBF.box("cbor", value.encoded)])
            boxes.append(JUMBF.box("jumb", payload))
            references.append(
                .object([
                    "url": .text("self#jumbf=c2pa.assertions/\(assertionLabel)"),
                    "hash": .bytes(Array(SHA256.hash(data: payload))),
                ])
            )
        }
        let claim = CBOR.object([
            "instanceID": .text("xmp.iid:\(UUID().uuidString.lowercased())"),
            "claim_generator_info": .object(["name": .text(claimGenerator), "version": .text(claimGeneratorVersion)]),
            "signature": .text("self#jumbf=/c2pa/\(manifestLabel)/c2pa.signature"),
            "created_assertions": .array(references),
            "alg": .text("sha256"),
            "dc:format": .text(format == .png ? "image/png" : "image/jpeg"),
            "dc:title": .text(label.generationId),
        ]).encoded
        let signature = try sign(claim: claim, credential: credential)
        let manifest = JUMBF.superbox(
            type: JUMBF.manifest,
            label: manifestLabel,
            children: [
                JUMBF.superbox(type: JUMBF.assertionStore, label: "c2pa.assertions", children: boxes),
                JUMBF.superbox(type: JUMBF.claim, label: "c2pa.claim.v2", children: [JUMBF.box("cbor", claim)]),
                JUMBF.superbox(type: JUMBF.signature, label: "c2pa.signature", children: [JUMBF.box("cbor", signature)]),
            ]
        )
        return JUMBF.superbox(type: JUMBF.manifestStore, label: "c2pa", children: [manifest])
    }

    /// COSE_Sign1 (tag 18) with a detached payload: the protected header names ES256 (-7) and the certificate chain
    /// (`x5chain`, label 33); the signature covers `["Signature1", protected, h'', claim]`.
    static func sign(claim: [UInt8], credential: C2PACredential) throws(DomainError) -> [UInt8] {
        let chain: CBOR = credential.chain.count == 1 ? .bytes(credential.chain[0]) : .array(credential.chain.map(CBOR.bytes))
        let protected = CBOR.map([(.int(1), .int(-7)), (.int(33), chain)]).encoded
        let toBeSigned = CBOR.array([.text("Signature1"), .bytes(protected), .bytes([]), .bytes(claim)]).encoded
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try credential.key.signature(for: toBeSigned)
        } catch {
            throw .invalid("image", code: "label_failed", "The provenance manifest could not be signed.")
        }
        return CBOR.tagged(18, .array([.bytes(protected), .map([]), .null, .bytes(Array(signature.rawRepresentation))])).encoded
    }

    // MARK: Containers

    static func pngChunk(_ store: [UInt8]) -> [UInt8] {
        var chunk: [UInt8] = []
        JUMBF.appendUInt32(&chunk, UInt32(store.count))
        let typeAndData = Array("caBX".utf8) + store
        chunk += typeAndData
        JUMBF.appendUInt32(&chunk, CRC32.checksum(typeAndData[...]))
        return chunk
    }

    /// APP11 segments: `JP`, box instance 0x0211, sequence number from 1, then the store; each segment after the
    /// first repeats the store's 8-byte box header before carrying on.
    static func jpegSegments(_ store: [UInt8]) throws(DomainError) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        var sequence: UInt32 = 1
        while offset < store.count {
            var payload: [UInt8] = [0x4A, 0x50, 0x02, 0x11]
            JUMBF.appendUInt32(&payload, sequence)
            if sequence > 1 { payload += store[0..<8] }
            let room = maxJPEGSegmentPayload - payload.count
            let end = min(store.count, offset + room)
            payload += store[offset..<end]
            out += [0xFF, 0xEB, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
            offset = end
            sequence += 1
            guard sequence < 1000 else { throw .invalid("image", code: "label_too_large", "The provenance manifest is too large for JPEG.") }
        }
        return out
    }

    /// Where the manifest goes: after IHDR in PNG; after the APP0 and APP1 segments (JFIF, Exif, XMP) in JPEG.
    static func insertionOffset(_ bytes: [UInt8], format: ImageFormat) throws(DomainError) -> Int {
        switch format {
        case .png:
            guard bytes.count >= 33 else { throw ImageLabeler.truncatedError(.png) }
            return 8 + 12 + Int(ImageLabeler.uint32(bytes, 8))
        case .jpeg:
            var offset = 2
            while offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] == 0xE0 || bytes[offset + 1] == 0xE1 {
                offset += 2 + (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
            }
            return min(offset, bytes.count)
        }
    }

    /// The image without its C2PA manifest: `caBX` chunks, or APP11 segments that carry JUMBF (`JP`).
    static func withoutManifest(_ bytes: [UInt8], format: ImageFormat) throws(DomainError) -> [UInt8] {
        let ranges = try manifestRanges(bytes, format: format).map(\.range)
        guard !ranges.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        for range in ranges {
            out += bytes[position..<range.lowerBound]
            position = range.upperBound
        }
        out += bytes[position...]
        return out
    }

    /// Where C2PA data sits in the file, and its JUMBF bytes.
    static func manifestRanges(_ bytes: [UInt8], format: ImageFormat) throws(DomainError) -> [(range: Range<Int>, data: ArraySlice<UInt8>)] {
        var found: [(range: Range<Int>, data: ArraySlice<UInt8>)] = []
        switch format {
        case .png:
            var offset = 8
            while offset + 12 <= bytes.count {
                let length = Int(ImageLabeler.uint32(bytes, offset))
                guard length <= bytes.count - offset - 12 else { throw ImageLabeler.truncatedError(.png) }
                if bytes[(offset + 4)..<(offset + 8)].elementsEqual("caBX".utf8) {
                    found.append((offset..<(offset + 12 + length), bytes[(offset + 8)..<(offset + 8 + length)]))
                }
                if bytes[(offset + 4)..<(offset + 8)].elementsEqual("IEND".utf8) { break }
                offset += 12 + length
            }
        case .jpeg:
            var offset = 2
            while offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] != 0xDA {
                let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                guard length >= 2, offset + 2 + length <= bytes.count else { throw ImageLabeler.truncatedError(.jpeg) }
                let payload = bytes[(offset + 4)..<(offset + 2 + length)]
                if bytes[offset + 1] == 0xEB, payload.count >= 8, payload.starts(with: [0x4A, 0x50]) {
                    let sequence = payload[(payload.startIndex + 4)..<(payload.startIndex + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    let skip = sequence <= 1 ? 8 : 16
                    found.append((offset..<(offset + 2 + length), payload.count >= skip ? payload.dropFirst(skip) : []))
                }
                offset += 2 + length
            }
        }
        return found
    }
}
