import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// How generated images are labelled: the C2PA signer, the training-and-data-mining entries, whether the prompt
/// goes into the XMP.
struct LabelOptions: Sendable {
    let c2pa: C2PACredential
    let training: TrainingMiningPolicy
    let prompt: Bool
}

/// The AI-generated label: `POST /v1/generations/{id}/label` (the generator that made it, or its account) labels an
/// allowed generation's image; `POST /v1/labels/verify` (anyone) reads a label and a C2PA manifest back.
struct LabelsController {
    let queries: GenerationQueries
    let labels: LabelOptions
    let maxImageBytes: Int
    /// Bounds how many large images are read and hashed at once.
    var uploads = UploadSlots()

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/generations/:id/label", use: label)
        routes.post("/v1/labels/verify", use: verify)
    }

    @Sendable func label(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await uploads.withSlot(for: request) { try await labelled(request, context: context) }
    }

    private func labelled(_ request: Request, context: AppRequestContext) async throws -> Response {
        let generation = try await GenerationsController.owned(request, context: context, queries: queries)
        guard generation.allowed else {
            throw APIError(.conflict, code: "generation_not_allowed", message: "This generation was refused, so there is no image to label.")
        }
        var request = request
        let bytes = try await imageBody(&request)
        var label = AILabel(
            generationId: generation.publicId,
            credits: StoredCredits.names(generation.credits),
            generator: generation.generator,
            createdAt: JSONText.iso(generation.createdAt)
        )
        label.training = labels.training
        if labels.prompt {
            label.prompt = generation.prompt
            label.promptWriter = "account \(generation.accountId)"
        }
        let labels = self.labels
        let labelled = try await NIOThreadPool.singleton.runIfActive { [label] in
            try C2PAManifest.embed(try ImageLabeler.label(bytes, with: label), label: label, credential: labels.c2pa)
        }
        let type = try ImageLabeler.format(of: bytes) == .png ? "image/png" : "image/jpeg"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: labelled)))
    }

    /// What `/v1/labels/verify` answers: the XMP label, and the C2PA manifest when the image carries one.
    struct VerifyAnswer: ResponseEncodable {
        struct Signer: Encodable {
            @Nullable var commonName: String?
            @Nullable var organization: String?
        }

        struct C2PA: Encodable {
            let valid: Bool
            let problems: [String]
            let signer: Signer
            let signedByThisService: Bool
            @Nullable var claimGenerator: String?
            @Nullable var digitalSourceType: String?
            /// Entry names are C2PA's own (`cawg.ai_training`, lower case): snake-case keys leave them as they are.
            let trainingMining: [String: String]
            let creditsRequired: [String]
            @Nullable var generationId: String?

            init(_ report: C2PAReport) {
                valid = report.valid
                problems = report.problems
                signer = Signer(commonName: report.signerCommonName, organization: report.signerOrganization)
                signedByThisService = report.signedByThisService
                claimGenerator = report.claimGenerator
                digitalSourceType = report.digitalSourceType
                trainingMining = report.trainingMining
                creditsRequired = report.credits
                generationId = report.generationId
            }
        }

        let labeled: Bool
        @Nullable var generationId: String?
        let creditsRequired: [String]
        @Nullable var c2pa: C2PA?
    }

    /// Anyone may ask: the label is meant to be read. The XMP label and a C2PA manifest are both read; a valid
    /// manifest stating `trainedAlgorithmicMedia` labels the image even when its XMP was stripped.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> VerifyAnswer {
        try await uploads.withSlot(for: request) { try await verified(request) }
    }

    private func verified(_ request: Request) async throws -> VerifyAnswer {
        var request = request
        let bytes = try await imageBody(&request)
        let signer = labels.c2pa
        let (found, manifest) = try await NIOThreadPool.singleton.runIfActive {
            (try ImageLabeler.read(bytes), try C2PAManifest.read(bytes, signer: signer))
        }
        let provenLabel = manifest.map { $0.valid && $0.digitalSourceType == AILabel.digitalSourceType } ?? false
        let labeled = found?.digitalSourceType == AILabel.digitalSourceType || provenLabel
        let generationId = found?.generationId ?? (provenLabel ? manifest?.generationId : nil)
        var credits = found?.credits ?? (provenLabel ? manifest?.credits ?? [] : [])
        if let id = generationId, let stored = try await queries.creditNames(publicId: id) {
            credits = stored
        }
        return VerifyAnswer(labeled: labeled, generationId: generationId, creditsRequired: credits, c2pa: manifest.map(VerifyAnswer.C2PA.init))
    }

    private func imageBody(_ request: inout Request) async throws -> [UInt8] {
        let buffer = try await request.collectBody(limit: maxImageBytes)
        guard buffer.readableBytes > 0 else {
            throw APIError(.unprocessableContent, code: "not_an_image", message: "Send a PNG or JPEG image as the body.")
        }
        return Array(buffer.readableBytesView)
    }
}

/// How many large uploads (over 1 MiB, or of unknown length) the label routes read and hash at once: past
/// ``limit``, one more is a 429 with `Retry-After`, answered before its body is read, so anonymous uploads cannot
/// hold every core and gigabytes of memory. Small images are never refused.
final class UploadSlots: Sendable {
    let limit: Int
    private let inFlight = NIOLockedValueBox(0)

    init(limit: Int = 2) {
        self.limit = limit
    }

    func withSlot<T: Sendable>(for request: Request, _ body: () async throws -> T) async throws -> T {
        let length = request.headers[.contentLength].flatMap { Int($0) }
        guard length.map({ $0 > 1 << 20 }) ?? true else { return try await body() }
        let taken = inFlight.withLockedValue { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard taken else {
            throw APIError(
                .tooManyRequests,
                code: "too_many_uploads",
                message: "\(limit) large images are being read already; send this one again in a second.",
                headers: [.retryAfter: "1"]
            )
        }
        defer { inFlight.withLockedValue { $0 -= 1 } }
        return try await body()
    }
}
