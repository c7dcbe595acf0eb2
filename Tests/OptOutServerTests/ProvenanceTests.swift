import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct ProvenanceTests {
    static let credential: C2PACredential = {
        let pair = try! C2PACredential.makeDevelopmentPair()
        return try! C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM)
    }()

    func fixture(_ name: String) throws -> [UInt8] {
        Array(
            try Data(
                contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("OptOutCoreTests/Fixtures/\(name)")
            )
        )
    }

    var label: AILabel {
        AILabel(generationId: "gen_1", credits: ["Alphonse Mucha"], generator: "sd-test", createdAt: "2026-11-27T09:00:00Z")
    }

    @Test(arguments: ["small.png", "small.jpg", "with-xmp.jpg"])
    func aSignedManifestReadsBackValid(_ name: String) throws {
        let image = try ImageLabeler.label(try fixture(name), with: label)
        let signed = try C2PAManifest.embed(image, label: label, credential: Self.credential)
        let report = try #require(try C2PAManifest.read(signed, signer: Self.credential))
        #expect(report.valid, "\(report.problems)")
        #expect(report.signedByThisService)
        #expect(report.signerOrganization == "OptOutGate development")
        #expect(report.digitalSourceType == AILabel.digitalSourceType)
        #expect(report.credits == ["Alphonse Mucha"] && report.generationId == "gen_1")
        #expect(report.trainingMining["cawg.ai_training"] == "notAllowed" && report.trainingMining["c2pa.ai_generative_training"] == "notAllowed")
        #expect(report.trainingMining["cawg.data_mining"] == nil)
        // The XMP label is still there and still readable.
        #expect(try ImageLabeler.read(signed)?.generationId == "gen_1")
        // Signing again replaces the manifest instead of adding one.
        let again = try C2PAManifest.embed(signed, label: label, credential: Self.credential)
        #expect(try C2PAManifest.manifestRanges(again, format: ImageLabeler.format(of: again)).count == 1)
        #expect(try C2PAManifest.read(again, signer: Self.credential)?.valid == true)
        // Another service's key: valid, but not this service's.
        let pair = try C2PACredential.makeDevelopmentPair(organization: "Elsewhere")
        let other = try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM)
        let theirs = try #require(try C2PAManifest.read(try C2PAManifest.embed(image, label: label, credential: other), signer: Self.credential))
        #expect(theirs.valid && !theirs.signedByThisService && theirs.signerOrganization == "Elsewhere")
    }

    @Test func tamperingIsFound() throws {
        let image = try ImageLabeler.label(try fixture("small.png"), with: label)
        let signed = try C2PAManifest.embed(image, label: label, credential: Self.credential)
        // A pixel byte changed: the hard binding fails, the signature still holds.
        var pixels = signed
        pixels[pixels.count - 20] ^= 0x01
        #expect(try C2PAManifest.read(pixels, signer: Self.credential)?.problems == ["assertion.dataHash.mismatch"])
        // A byte of an assertion changed: its hashed URI fails.
        var assertion = signed
        let at = try #require(indexOf(Array("notAllowed".utf8), in: assertion))
        assertion[at] = UInt8(ascii: "N")
        #expect(try C2PAManifest.read(assertion, signer: Self.credential)?.problems.contains("assertion.hashedURI.mismatch") == true)
        // The claim changed: the signature fails.
        var claim = signed
        let title = try #require(indexOf(Array("dc:title".utf8), in: claim))
        claim[title + 12] ^= 0x01
        #expect(try C2PAManifest.read(claim, signer: Self.credential)?.problems.contains("claimSignature.mismatch") == true)
        // Garbage in the chunk: reported, not a crash.
        var broken = signed
        let box = try #require(indexOf(Array("jumd".utf8), in: broken))
        for index in box..<(box + 40) { broken[index] = 0xFF }
        let report = try #require(try C2PAManifest.read(broken, signer: Self.credential))
        #expect(!report.valid && !report.problems.isEmpty)
        #expect(try C2PAManifest.read(image, signer: Self.credential) == nil)
    }

    @Test func aLargeManifestSpansSeveralJPEGSegments() throws {
        var big = label
        big.credits = (0..<4000).map { "Artist number \($0) with a long name" }
        let image = try ImageLabeler.label(try fixture("small.jpg"), with: AILabel(generationId: "g", credits: [], generator: "x", createdAt: ""))
        let signed = try C2PAManifest.embed(image, label: big, credential: Self.credential)
        #expect(try C2PAManifest.manifestRanges(signed, format: .jpeg).count > 1)
        let report = try #require(try C2PAManifest.read(signed, signer: Self.credential))
        #expect(report.valid, "\(report.problems)")
        #expect(report.credits.count == 4000)
    }

    @Test func cborRoundTripsAndRefusesHostileInput() throws {
        let value = CBOR.object([
            "a": .int(-1), "b": .int(65_536), "c": .bytes([1, 2]), "d": .array([.null, .bool(true)]), "e": .tagged(18, .text("x")),
        ])
        #expect(try CBOR.decode(value.encoded[...]) == value)
        // An array claiming 2^32 items in five bytes, nesting past the limit, a truncated string.
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode([0x9A, 0xFF, 0xFF, 0xFF, 0xFF][...]) }
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode(Array(repeating: 0x81, count: 100)[...] + [0x00]) }
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode([0x65, 0x61][...]) }
    }

    @Test func trainingPolicyParsesAndSpeaksPLUS() throws {
        #expect(TrainingMiningPolicy().plusDataMining == "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING")
        let custom = try TrainingMiningPolicy(parsing: "data_mining=allowed, ai_generative_training=notAllowed")
        #expect(custom.entries.map(\.use) == ["ai_generative_training", "data_mining"])
        #expect(custom.plusDataMining == "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-GENAIMLTRAINING")
        #expect(try TrainingMiningPolicy(parsing: "ai_training=allowed").plusDataMining.hasSuffix("DMI-ALLOWED"))
        #expect(try TrainingMiningPolicy(parsing: "data_mining=notAllowed").plusDataMining.hasSuffix("DMI-PROHIBITED"))
        for bad in ["", "ai_training", "ai_training=no", "training=allowed", "ai_training=allowed,ai_training=notAllowed"] {
            #expect(throws: DomainError.self, "\(bad)") { try TrainingMiningPolicy(parsing: bad) }
        }
    }

    @Test func credentialsAreCheckedAtStart() throws {
        let pair = try C2PACredential.makeDevelopmentPair()
        let other = try C2PACredential.makeDevelopmentPair()
        #expect(throws: StartupError.self) { try C2PACredential.load(keyPEM: other.keyPEM, certificatePEM: pair.chainPEM) }
        #expect(throws: StartupError.self) { try C2PACredential.load(keyPEM: "not a key", certificatePEM: pair.chainPEM) }
        #expect(throws: StartupError.self) { try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: "nothing") }
        // The root (a CA certificate) cannot sign.
        let root = String(pair.chainPEM[pair.chainPEM.range(of: "-----END CERTIFICATE-----")!.upperBound...])
        #expect(throws: StartupError.self) { try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: root) }
        #expect(throws: StartupError.self) {
            try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM, now: Date().addingTimeInterval(5 * 365 * 86_400))
        }
        #expect(try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM).chain.count == 2)
    }

    @Test func verifyReportsTheManifestAndLabelsFollowTheOptions() async throws {
        try await withApp(
            configure: {
                $0.labels.training = try! TrainingMiningPolicy(parsing: "ai_training=notAllowed,ai_inference=allowed")
                $0.labels.prompt = true
            },
            body: { client, configuration in
                let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
                let member = try await client.signUp("member@example.org")
                let account = try await client.accountId(member)
                let generation = try await client.generate(key, account: account, prompt: "a quiet harbour at dawn", idempotency: "p1")
                let id = try #require(generation.json["id"].string)
                let labelled = try await client.call(
                    .post,
                    "/v1/generations/\(id)/label",
                    token: key,
                    raw: ByteBuffer(bytes: try fixture("small.jpg"))
                )
                #expect(labelled.status == .ok)
                let bytes = Array(labelled.body.readableBytesView)
                let xmp = String(decoding: bytes, as: UTF8.self)
                #expect(xmp.contains("Iptc4xmpExt:AIPromptInformation=\"a quiet harbour at dawn\""))
                #expect(xmp.contains("plus:DataMining=\"http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING\""))

                let verified = try await client.call(.post, "/v1/labels/verify", raw: labelled.body)
                let c2pa = verified.json["c2pa"]
                #expect(c2pa["valid"].bool == true)
                #expect(c2pa["signed_by_this_service"].bool == true)
                #expect(c2pa["problems"].array.isEmpty)
                #expect(c2pa["training_mining"]["cawg.ai_inference"].string == "allowed")
                #expect(c2pa["training_mining"]["cawg.ai_training"].string == "notAllowed")
                #expect(c2pa["training_mining"]["cawg.ai_generative_training"].string == nil)
                #expect(c2pa["digital_source_type"].string == AILabel.digitalSourceType)
                #expect(c2pa["generation_id"].string == id)
                #expect(c2pa["signer"]["organization"].string == "OptOutGate development")

                // An image without a manifest: c2pa is null.
                let plain = try await client.call(.post, "/v1/labels/verify", raw: ByteBuffer(bytes: try fixture("small.jpg")))
                #expect(plain.json["c2pa"].value is NSNull)
                #expect(plain.json["labeled"].bool == false)

                // The development pair was kept in the data folder and is used again on the next start.
                let folder = configuration.storage.dataDirectory.appendingPathComponent("c2pa")
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("development-key.pem").path))
                let reopened = try C2PACredential.forService(configuration)
                #expect(reopened.development)
                let reread = try #require(try C2PAManifest.read(bytes, signer: reopened.credential))
                #expect(reread.signedByThisService)
            }
        )
    }

    func indexOf(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Issue 22, item 6: a manifest whose claim names one large assertion box many times is read once, a claim
    /// listing more references than any real one is malformed, and the problems are listed once each, capped.
    @Test func aClaimRepeatingReferencesCostsOneReadAndItsProblemsAreCapped() throws {
        func image(references count: Int, payload: Int) throws -> [UInt8] {
            let big = JUMBF.box(
                "jumb",
                JUMBF.superboxPayload(
                    type: JUMBF.cborAssertion,
                    label: "big",
                    children: [JUMBF.box("cbor", CBOR.bytes(Array(repeating: 7, count: payload)).encoded)]
                )
            )
            var references: [CBOR] = []
            for index in 0..<count {
                // Every other reference names a box that is not there, the rest the big one with a wrong hash.
                let url = index % 2 == 0 ? "self#jumbf=c2pa.assertions/big" : "self#jumbf=c2pa.assertions/missing\(index)"
                references.append(.object(["url": .text(url), "hash": .bytes(Array(repeating: 0, count: 32))]))
            }
            let claim = CBOR.object(["created_assertions": .array(references), "alg": .text("sha256")]).encoded
            let store = JUMBF.superbox(
                type: JUMBF.manifestStore,
                label: "c2pa",
                children: [
                    JUMBF.superbox(
                        type: JUMBF.manifest,
                        label: "urn:c2pa:hostile",
                        children: [
                            JUMBF.superbox(type: JUMBF.assertionStore, label: "c2pa.assertions", children: [big]),
                            JUMBF.superbox(type: JUMBF.claim, label: "c2pa.claim.v2", children: [JUMBF.box("cbor", claim)]),
                        ]
                    )
                ]
            )
            let base = try fixture("small.png")
            let offset = try C2PAManifest.insertionOffset(base, format: .png)
            return Array(base[..<offset]) + C2PAManifest.pngChunk(store) + Array(base[offset...])
        }
        let repeated = try #require(try C2PAManifest.read(try image(references: 256, payload: 1 << 20), signer: nil))
        #expect(repeated.valid == false)
        #expect(repeated.problems.count <= C2PAManifest.maxProblems)
        #expect(Set(repeated.problems).count == repeated.problems.count)
        #expect(repeated.problems.contains("assertion.hashedURI.mismatch") && repeated.problems.contains("assertion.missing"))
        let tooMany = try #require(try C2PAManifest.read(try image(references: 257, payload: 16), signer: nil))
        #expect(tooMany.problems == ["claimSignature.missing", "claim.malformed"])
    }
}
