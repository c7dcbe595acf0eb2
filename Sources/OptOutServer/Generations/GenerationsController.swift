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

/// The generation gate: metered generations with idempotency keys, usage, plans, and the AI-generated label.
struct GenerationsController {
    let metering: any MeteringStore
    let queries: GenerationQueries
    let gate: PromptGate
    let plans: PlanCatalog
    let maxImageBytes: Int
    var activity: ActivityRecorder? = nil
    let labels: LabelOptions
    /// Bounds how many large images are read and hashed at once.
    var uploads = UploadSlots()

    struct GenerationRequest: Decodable {
        let accountId: Int64
        let prompt: String
        let idempotencyKey: String
    }

    struct PlanChange: Decodable {
        let plan: String
        let overage: Bool?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/generations", use: create)
        routes.get("/v1/generations/:id", use: show)
        routes.post("/v1/generations/:id/label", use: label)
        routes.post("/v1/labels/verify", use: verify)
        routes.get("/v1/accounts/me/usage", use: myUsage)
        routes.patch("/v1/accounts/:id/plan", use: setPlan)
    }

    // MARK: Generations

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let key = try context.requireScope(.generate)
        var request = request
        let input = try await request.decodeJSON(as: GenerationRequest.self, context: context)
        let prompt = try PromptRules.validated(input.prompt)
        guard (1...200).contains(input.idempotencyKey.unicodeScalars.count),
            !input.idempotencyKey.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw APIError(
                .unprocessableContent,
                code: "invalid_idempotency_key",
                message: "idempotency_key has 1 to 200 characters, none of them control characters.",
                field: "idempotency_key"
            )
        }
        let fingerprint = GenerationStore.RequestFingerprint(accountId: input.accountId, prompt: prompt)
        if let replay = try await metering.storedAnswer(apiKey: key.id!.rawValue, idempotencyKey: input.idempotencyKey) {
            return Self.response(try replay.replay(for: fingerprint, key: input.idempotencyKey), context: context)
        }
        let (matches, _, complete) = try await gate.checkAnywhere(prompt)
        let views = matches.map(MatchView.init)
        let blocked = !GateVerdict.allowed(complete: complete, policies: views.map(\.policy))
        activity?.record(
            matches: views.map { ($0.artistId, $0.policy) },
            allowed: !blocked,
            complete: complete,
            caller: "key:\(key.id?.rawValue ?? 0)",
            prompt: prompt
        )
        let credits = Self.credits(of: matches)
        let plans = self.plans
        let publicId = RandomToken.generationId()
        let charge = GenerationStore.Charge(
            publicId: publicId,
            apiKeyId: key.id!.rawValue,
            generator: key.name,
            idempotencyKey: input.idempotencyKey,
            request: fingerprint,
            creditsJSON: StoredCredits.json(credits),
            now: Date()
        )
        let outcome = try await metering.chargeGeneration(charge, plans: plans) { account, usage in
            Self.decide(
                publicId: publicId,
                views: views,
                credits: credits,
                complete: complete,
                blocked: blocked,
                account: account,
                usage: usage,
                plans: plans
            )
        }
        return Self.response(outcome, context: context)
    }

    /// The answer to a generation request, given the account and its month's usage: refused (unreadable or blocked
    /// prompt, allowance used up) or allowed with its charge. Written by hand: it is stored for replays as sent.
    static func decide(
        publicId: String,
        views: [MatchView],
        credits: [(id: Int64, name: String)],
        complete: Bool,
        blocked: Bool,
        account: GenerationStore.Account,
        usage: Usage,
        plans: PlanCatalog
    ) -> GenerationStore.Decision {
        var usage = usage
        if !complete {
            return .init(
                status: 422,
                body:
                    "{\"error\":{\"code\":\"prompt_too_complex\",\"message\":\"The prompt could not be read through within the gate's work "
                    + "limit (it is built like an attempt to overload the gate), so it is refused.\",\"field\":\"prompt\"},"
                    + "\"id\":\"\(publicId)\",\"matches\":[\(views.map(\.json).joined(separator: ","))]}"
            )
        }
        if blocked {
            return .init(
                status: 422,
                body:
                    "{\"error\":{\"code\":\"prompt_blocked\",\"message\":\"The prompt names an artist who opted out.\",\"field\":\"prompt\"},"
                    + "\"id\":\"\(publicId)\",\"matches\":[\(views.map(\.json).joined(separator: ","))]}"
            )
        }
        switch Charge.decide(
            used: usage.used,
            included: usage.included,
            overageEnabled: account.overageEnabled,
            priceCents: plans.overagePriceCents
        ) {
        case .exhausted:
            return .init(
                status: 402,
                body: "{\"error\":{\"code\":\"quota_exhausted\",\"message\":\"The month's \(usage.included) prompts are used and overage is off.\"},"
                    + "\"id\":\"\(publicId)\",\"resets_at\":\"\(JSONText.iso(usage.period.end))\",\"usage\":\(usage.json)}"
            )
        case .included:
            usage.used += 1
            return .init(
                status: 201,
                body: allowedBody(publicId: publicId, views: views, credits: credits, kind: "included", cents: 0, usage: usage),
                chargeKind: "included"
            )
        case .overage(let price):
            usage.used += 1
            usage.overageCount += 1
            usage.overageCents += price
            return .init(
                status: 201,
                body: allowedBody(publicId: publicId, views: views, credits: credits, kind: "overage", cents: price, usage: usage),
                chargeKind: "overage",
                cents: price
            )
        }
    }

    /// A stored generation as `GET /v1/generations/{id}` answers it.
    struct GenerationView: ResponseEncodable {
        struct ChargeView: Encodable {
            let cents: Int
            let kind: String
        }

        struct Credit: Codable {
            let artistId: Int64
            let name: String
        }

        let accountId: Int64
        @Nullable var charge: ChargeView?
        let createdAt: Date
        let credits: [Credit]
        let decision: String
        let id: String
        let prompt: String
        let takenDown: Bool
        @Nullable var takenDownByReport: Int64?
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> GenerationView {
        let generation = try await generation(request, context: context)
        let takenDownBy = try await queries.takedownReport(publicId: generation.publicId)
        let credits = (try? JSONDecoder.api.decode([GenerationView.Credit].self, from: Data(generation.credits.utf8))) ?? []
        return GenerationView(
            accountId: generation.accountId,
            charge: generation.chargeKind.map { GenerationView.ChargeView(cents: generation.chargeCents, kind: $0) },
            createdAt: generation.createdAt,
            credits: credits,
            decision: generation.status == 201 ? "allowed" : generation.status == 422 ? "prompt_blocked" : "quota_exhausted",
            id: generation.publicId,
            prompt: generation.prompt,
            takenDown: takenDownBy != nil,
            takenDownByReport: takenDownBy
        )
    }

    /// The generation named by the path, if the caller is the key that made it or the account it was made for.
    private func generation(_ request: Request, context: AppRequestContext) async throws -> StoredGeneration {
        guard let id = context.parameters.get("id") else { throw APIError.notFound("The generation") }
        guard let generation = try await queries.generation(publicId: id) else {
            if context.identity == nil { throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.") }
            throw APIError.notFound("Generation \(id)")
        }
        switch context.identity {
        case .apiKey(let key) where key.id?.rawValue == generation.apiKeyId: return generation
        case .account(let account) where account.id?.rawValue == generation.accountId: return generation
        case nil: throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.")
        default: throw APIError.forbidden("Only the generator that made it, or the account it was made for, may see generation \(id).")
        }
    }

    // MARK: Labels

    @Sendable func label(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await uploads.withSlot(for: request) { try await labelled(request, context: context) }
    }

    private func labelled(_ request: Request, context: AppRequestContext) async throws -> Response {
        let generation = try await generation(request, context: context)
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

    // MARK: Usage and plans

    /// An account's usage as `/v1/accounts/me/usage` answers it.
    struct UsageView: ResponseEncodable {
        let included: Int
        let overageCents: Int
        let overageCount: Int
        let periodEnd: Date
        let periodStart: Date
        let plan: String
        let used: Int

        init(_ usage: Usage) {
            included = usage.included
            overageCents = usage.overageCents
            overageCount = usage.overageCount
            periodEnd = usage.period.end
            periodStart = usage.period.start
            plan = usage.plan
            used = usage.used
        }
    }

    @Sendable func myUsage(_ request: Request, context: AppRequestContext) async throws -> UsageView {
        let account = try context.requireAccount()
        return UsageView(try await metering.usage(account: account.id!.rawValue, now: Date(), plans: plans))
    }

    /// An account's plan after `PATCH /v1/accounts/{id}/plan`.
    struct PlanView: ResponseEncodable {
        let accountId: Int64
        let overage: Bool
        let plan: String
    }

    @Sendable func setPlan(_ request: Request, context: AppRequestContext) async throws -> PlanView {
        _ = try context.requireRole(.admin)
        let id: ID<AccountRecord> = try Input.pathID(context, noun: "account")
        var request = request
        let input = try await request.decodeJSON(as: PlanChange.self, context: context)
        try plans.checkPlan(input.plan)
        guard let account = try await queries.setPlan(.id(id.rawValue), plan: input.plan, overage: input.overage) else {
            throw APIError.notFound("Account \(id)")
        }
        return PlanView(accountId: id.rawValue, overage: account.overageEnabled, plan: account.plan)
    }

    // MARK: Helpers

    static func credits(of matches: [GateMatch]) -> [(id: Int64, name: String)] {
        var seen = Set<Int64>()
        return matches.filter { $0.phrase.policy == .credit && seen.insert($0.phrase.artistId).inserted }.map {
            ($0.phrase.artistId, $0.phrase.artistName)
        }
    }

    static func allowedBody(
        publicId: String,
        views: [MatchView],
        credits: [(id: Int64, name: String)],
        kind: String,
        cents: Int,
        usage: Usage
    ) -> String {
        "{\"allowed\":true,\"charge\":{\"cents\":\(cents),\"kind\":\"\(kind)\"},\"credits\":\(StoredCredits.json(credits)),\"id\":\"\(publicId)\","
            + "\"matches\":[\(views.map(\.json).joined(separator: ","))],\"usage\":\(usage.json)}"
    }

    /// An outcome answered to this request: an error body (a refusal, stored for replays) gets this request's id.
    static func response(_ outcome: GenerationOutcome, context: AppRequestContext) -> Response {
        guard outcome.status >= 400, outcome.body.hasPrefix("{\"error\":{"),
            case .string(let id)? = context.logger[metadataKey: "request_id"]
        else { return response(outcome) }
        let body = "{\"error\":{\"request_id\":" + JSONText.quoted(id) + "," + outcome.body.dropFirst("{\"error\":{".count)
        return response(GenerationOutcome(status: outcome.status, body: body))
    }

    static func response(_ outcome: GenerationOutcome) -> Response {
        Response.json(body: ByteBuffer(string: outcome.body), status: HTTPResponse.Status(code: outcome.status))
    }
}

extension Usage {
    /// Written by hand: it is part of every generation's answer, which is built in the charging transaction.
    var json: String {
        "{\"included\":\(included),\"overage_cents\":\(overageCents),\"overage_count\":\(overageCount),"
            + "\"period_end\":\"\(JSONText.iso(period.end))\",\"period_start\":\"\(JSONText.iso(period.start))\","
            + "\"plan\":\(JSONText.quoted(plan)),\"used\":\(used)}"
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
