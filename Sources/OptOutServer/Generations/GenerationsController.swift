import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// The generation gate: metered generations with idempotency keys (usage and plans are ``UsageController``'s,
/// labels ``LabelsController``'s).
struct GenerationsController {
    let metering: any MeteringStore
    let queries: GenerationQueries
    let gate: PromptGate
    let plans: PlanCatalog
    var activity: ActivityRecorder? = nil

    struct GenerationRequest: Decodable {
        let accountId: Int64
        let prompt: String
        let idempotencyKey: String
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/generations", use: create)
        routes.get("/v1/generations/:id", use: show)
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
        let fingerprint = GenerationStore.RequestFingerprint(accountId: ID(input.accountId), prompt: prompt)
        if let replay = try await metering.storedAnswer(apiKey: key.id, idempotencyKey: input.idempotencyKey) {
            return Self.response(try replay.replay(for: fingerprint, key: input.idempotencyKey), context: context)
        }
        let (matches, _, complete) = try await gate.checkAnywhere(prompt)
        let views = matches.map(MatchView.init)
        let blocked = !GateVerdict.allowed(complete: complete, policies: views.map(\.policy))
        activity?.record(
            matches: views.map { ($0.artistId, $0.policy) },
            allowed: !blocked,
            complete: complete,
            caller: "key:\(key.id.rawValue ?? 0)",
            prompt: prompt
        )
        let credits = Self.credits(of: matches)
        let plans = self.plans
        let publicId = RandomToken.generationId()
        let charge = GenerationStore.Charge(
            publicId: publicId,
            apiKeyId: key.id,
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

    private func generation(_ request: Request, context: AppRequestContext) async throws -> StoredGeneration {
        try await Self.owned(request, context: context, queries: queries)
    }

    /// The generation named by the path, if the caller is the key that made it or the account it was made for.
    static func owned(_ request: Request, context: AppRequestContext, queries: GenerationQueries) async throws -> StoredGeneration {
        guard let id = context.parameters.get("id") else { throw APIError.notFound("The generation") }
        guard let generation = try await queries.generation(publicId: id) else {
            if context.identity == nil { throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.") }
            throw APIError.notFound("Generation \(id)")
        }
        switch context.identity {
        case .apiKey(let key) where key.id.rawValue == generation.apiKeyId: return generation
        case .account(let account) where account.id.rawValue == generation.accountId: return generation
        case nil: throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.")
        default: throw APIError.forbidden("Only the generator that made it, or the account it was made for, may see generation \(id).")
        }
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
