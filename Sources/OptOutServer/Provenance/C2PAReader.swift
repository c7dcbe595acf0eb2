import Crypto
import Foundation
import OptOutCore
import OptOutStore
import X509

/// What `/v1/labels/verify` finds in an image's C2PA manifest store (the active manifest: the last one).
struct C2PAReport: Sendable, Equatable {
    /// The claim's signature verifies with the first certificate of `x5chain`, every assertion the claim lists
    /// matches its hash, and the hard binding matches the image's bytes.
    var valid = false
    /// C2PA validation status codes for what failed (`claimSignature.mismatch`, `assertion.dataHash.mismatch`, ...).
    var problems: [String] = []
    var signerCommonName: String?
    var signerOrganization: String?
    /// The signing certificate is the one this service signs with.
    var signedByThisService = false
    var claimGenerator: String?
    var digitalSourceType: String?
    /// Training-and-data-mining entries by name (`cawg.ai_training`, `c2pa.ai_training`, ...) to their `use`.
    var trainingMining: [String: String] = [:]
    var credits: [String] = []
    var generationId: String?
}

extension C2PAManifest {
    /// Reads and validates the image's manifest store; nil when it carries none. Work is bounded by the image's
    /// size: box and CBOR readers refuse nesting and counts past fixed limits.
    static func read(_ bytes: [UInt8], signer: C2PACredential?) throws(DomainError) -> C2PAReport? {
        let format = try ImageLabeler.format(of: bytes)
        let pieces = try manifestRanges(bytes, format: format)
        guard !pieces.isEmpty else { return nil }
        var report = C2PAReport()
        // PNG holds the store in one chunk; JPEG may split it over APP11 segments, joined in order.
        let store = format == .png ? pieces[0].data : ArraySlice(pieces.flatMap(\.data))
        guard let root = try? JUMBF.read(store), root.type == JUMBF.manifestStore,
            let manifest = root.children.last(where: { $0.type == JUMBF.manifest })
        else {
            report.problems.append("claim.malformed")
            return report
        }
        guard let claimBox = manifest.children.first(where: { $0.type == JUMBF.claim }),
            let claimBytes = claimBox.contents.first(where: { $0.type == "cbor" })?.data,
            let claim = try? CBOR.decode(claimBytes),
            let assertionStore = manifest.child("c2pa.assertions")
        else {
            report.problems.append("claim.missing")
            return report
        }
        report.claimGenerator = claim["claim_generator_info"]?["name"]?.string ?? claim["claim_generator"]?.string

        // The signature.
        if let signatureBox = manifest.child("c2pa.signature"), let cose = signatureBox.contents.first(where: { $0.type == "cbor" })?.data {
            report.problems += verifySignature(cose, claim: Array(claimBytes), signer: signer, report: &report)
        } else {
            report.problems.append("claimSignature.missing")
        }

        // The assertions the claim lists, by their hashes. Each box is hashed and decoded once, however many
        // references name it, and a claim listing more than `maxAssertionReferences` is malformed: the work is
        // bounded by the image's size, not by what the claim repeats.
        let references = (claim["created_assertions"]?.items ?? []) + (claim["gathered_assertions"]?.items ?? []) + (claim["assertions"]?.items ?? [])
        guard references.count <= Self.maxAssertionReferences else {
            report.problems.append("claim.malformed")
            return report
        }
        var assertions: [String: CBOR] = [:]
        var digests: [String: [UInt8]] = [:]
        for reference in references {
            guard let url = reference["url"]?.string, let hash = reference["hash"]?.byteString,
                let label = url.components(separatedBy: "c2pa.assertions/").last,
                let box = assertionStore.child(label)
            else {
                report.problems.append("assertion.missing")
                continue
            }
            let digest = digests[label] ?? Array(SHA256.hash(data: box.payload))
            if digests[label] == nil {
                digests[label] = digest
                if let data = box.contents.first(where: { $0.type == "cbor" })?.data, let value = try? CBOR.decode(data) {
                    assertions[label] = value
                }
            }
            guard digest == hash else {
                report.problems.append("assertion.hashedURI.mismatch")
                assertions[label] = nil
                continue
            }
        }

        // The hard binding.
        if let binding = assertions["c2pa.hash.data"] {
            if !hardBindingHolds(binding, bytes: bytes) { report.problems.append("assertion.dataHash.mismatch") }
        } else {
            report.problems.append("claim.hardBindings.missing")
        }

        let actions = (assertions["c2pa.actions.v2"] ?? assertions["c2pa.actions"])?["actions"]?.items ?? []
        report.digitalSourceType = actions.first { $0["action"]?.string == "c2pa.created" }?["digitalSourceType"]?.string
        for label in ["cawg.training-mining", "c2pa.training-mining"] {
            for (key, value) in assertions[label]?["entries"]?.pairs ?? [] {
                if let name = key.string, let use = value["use"]?.string { report.trainingMining[name] = use }
            }
        }
        if let credits = assertions[creditsLabel] {
            report.credits = credits["credits_required"]?.items?.compactMap(\.string) ?? []
            report.generationId = credits["generation_id"]?.string
        }
        report.valid = report.problems.isEmpty
        // Each problem once, in the order found, and at most `maxProblems` of them.
        var seen = Set<String>()
        report.problems = Array(report.problems.filter { seen.insert($0).inserted }.prefix(Self.maxProblems))
        return report
    }

    /// The most assertion references a claim may list (the C2PA reference implementation's manifests list a
    /// handful); past it the claim is malformed.
    static let maxAssertionReferences = 256
    /// The most problems a report lists.
    static let maxProblems = 32

    /// Checks the COSE_Sign1 signature over the claim; fills the signer. Returns the problems found.
    static func verifySignature(_ cose: ArraySlice<UInt8>, claim: [UInt8], signer: C2PACredential?, report: inout C2PAReport) -> [String] {
        guard case .tagged(18, let body)? = try? CBOR.decode(cose), let parts = body.items, parts.count == 4,
            let protectedBytes = parts[0].byteString, let signature = parts[3].byteString,
            let protected = try? CBOR.decode(protectedBytes[...])
        else { return ["claimSignature.malformed"] }
        guard protected[1]?.integer == -7 else { return ["algorithm.unsupported"] }
        let chainValue = protected[33] ?? parts[1][33]
        let chain = chainValue?.byteString.map { [$0] } ?? chainValue?.items?.compactMap(\.byteString) ?? []
        guard let leafBytes = chain.first, let leaf = try? Certificate(derEncoded: leafBytes),
            let key = P256.Signing.PublicKey(leaf.publicKey)
        else { return ["signingCredential.invalid"] }
        report.signerCommonName = C2PACredential.attribute(C2PACredential.RDNAttributeType.commonName, of: leaf.subject)
        report.signerOrganization = C2PACredential.attribute(C2PACredential.RDNAttributeType.organizationName, of: leaf.subject)
        report.signedByThisService = signer?.chain.first == leafBytes
        let payload = parts[2].byteString ?? claim
        let toBeSigned = CBOR.array([.text("Signature1"), .bytes(protectedBytes), .bytes([]), .bytes(payload)]).encoded
        guard payload == claim, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(ecdsa, for: toBeSigned)
        else { return ["claimSignature.mismatch"] }
        return []
    }

    /// SHA-256 of every byte outside the exclusions equals the binding's hash.
    static func hardBindingHolds(_ binding: CBOR, bytes: [UInt8]) -> Bool {
        guard binding["alg"]?.string ?? "sha256" == "sha256", let expected = binding["hash"]?.byteString else { return false }
        var ranges: [Range<Int>] = []
        for exclusion in binding["exclusions"]?.items ?? [] {
            guard let start = exclusion["start"]?.integer, let length = exclusion["length"]?.integer, start >= 0, length >= 0,
                start <= bytes.count, length <= bytes.count - start
            else { return false }
            ranges.append(start..<(start + length))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var hasher = SHA256()
        var position = 0
        for range in ranges {
            guard range.lowerBound >= position else { return false }  // overlapping exclusions
            hasher.update(data: bytes[position..<range.lowerBound])
            position = range.upperBound
        }
        hasher.update(data: bytes[position...])
        return Array(hasher.finalize()) == expected
    }
}
