import Foundation
import GRDB
import Hummingbird
import NIOPosix
import OptOutCore

/// How generated images are labelled: the C2PA signer, the training-and-data-mining entries, whether the prompt
/// goes into the XMP.
struct LabelOptions: Sendable {
    let c2pa: C2PACredential
    let training: TrainingMiningPolicy
    let prompt: Bool
}

/// The generation gate: metered generations with idempotency keys, usage, plans, and the AI-generated label.
struct GenerationsController {
    let database: AppDatabase
    let gate: PromptGate
    let committer: GroupCommitter
    let plans: PlanCatalog
    let maxImageBytes: Int
    var activity: ActivityRecorder? = nil
    let labels: LabelOptions

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
        let prompt = try PromptCheckController.validated(input.prompt)
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
        let fingerprint = RequestFingerprint(accountId: input.accountId, prompt: prompt)
        if let replay = try database.read({ db in try Self.existing(db, key: key.id!, idempotencyKey: input.idempotencyKey) }) {
            return Self.response(try replay.replay(for: fingerprint, key: input.idempotencyKey), context: context)
        }
        let (matches, _, complete) = try await gate.checkAnywhere(prompt)
        let views = PromptCheckController.views(of: matches)
        let blocked = !complete || views.contains { $0.policy == .block }
        activity?.record(
            matches: views.map { ($0.artistId, $0.policy) },
            allowed: !blocked,
            complete: complete,
            caller: "key:\(key.id?.rawValue ?? 0)",
            prompt: prompt
        )
        let credits = Self.credits(of: matches)
        let plans = self.plans
        let now = Date()
        let outcome = try await committer.write { db in
            if let replay = try Self.existing(db, key: key.id!, idempotencyKey: input.idempotencyKey) {
                return try replay.replay(for: fingerprint, key: input.idempotencyKey)
            }
            guard let account = try Row.fetchOne(db, sql: "SELECT plan, overage_enabled FROM account WHERE id = ?", arguments: [input.accountId])
            else {
                throw APIError(
                    .unprocessableContent,
                    code: "unknown_account",
                    message: "There is no account \(input.accountId).",
                    field: "account_id"
                )
            }
            let period = UsagePeriod.containing(now)
            let plan: String = account["plan"]
            let overageEnabled: Bool = account["overage_enabled"]
            let publicId = BearerSecret.generate(prefix: "gen_").prefix(26)
            var usage = try Self.usage(db, account: input.accountId, plan: plan, period: period, plans: plans)
            let status: Int
            let body: String
            var chargeKind: String?
            var cents = 0
            if !complete {
                status = 422
                body =
                    "{\"error\":{\"code\":\"prompt_too_complex\",\"message\":\"The prompt could not be read through within the gate's work "
                    + "limit (it is built like an attempt to overload the gate), so it is refused.\",\"field\":\"prompt\"},"
                    + "\"id\":\"\(publicId)\",\"matches\":[\(views.map(\.json).joined(separator: ","))]}"
            } else if blocked {
                status = 422
                body =
                    "{\"error\":{\"code\":\"prompt_blocked\",\"message\":\"The prompt names an artist who opted out.\",\"field\":\"prompt\"},"
                    + "\"id\":\"\(publicId)\",\"matches\":[\(views.map(\.json).joined(separator: ","))]}"
            } else {
                switch Charge.decide(used: usage.used, included: usage.included, overageEnabled: overageEnabled, priceCents: plans.overagePriceCents)
                {
                case .exhausted:
                    status = 402
                    body =
                        "{\"error\":{\"code\":\"quota_exhausted\",\"message\":\"The month's \(usage.included) prompts are used and overage is off.\"},"
                        + "\"id\":\"\(publicId)\",\"resets_at\":\"\(JSONText.iso(period.end))\",\"usage\":\(usage.json)}"
                case .included:
                    (status, chargeKind) = (201, "included")
                    usage.used += 1
                    body = Self.allowedBody(publicId: String(publicId), views: views, credits: credits, kind: "included", cents: 0, usage: usage)
                case .overage(let price):
                    (status, chargeKind, cents) = (201, "overage", price)
                    usage.used += 1
                    usage.overageCount += 1
                    usage.overageCents += price
                    body = Self.allowedBody(publicId: String(publicId), views: views, credits: credits, kind: "overage", cents: price, usage: usage)
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO generation (public_id, account_id, api_key_id, idempotency_key, prompt, status, response, charge_kind,
                        charge_cents, period, credits, generator, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    String(publicId), input.accountId, key.id!, input.idempotencyKey, prompt, status, body, chargeKind, cents, period.key,
                    Self.creditsJSON(credits), key.name, now,
                ]
            )
            return GenerationOutcome(status: status, body: body)
        }
        return Self.response(outcome, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let row = try generation(request, context: context)
        let status: Int = row["status"]
        let decision = status == 201 ? "allowed" : status == 422 ? "prompt_blocked" : "quota_exhausted"
        let kind: String? = row["charge_kind"]
        let cents: Int = row["charge_cents"]
        let created: Date = row["created_at"]
        let publicId: String = row["public_id"]
        let takenDownBy = try database.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT id FROM report WHERE target_kind = 'generation' AND target = ? AND status = 'taken_down' ORDER BY id LIMIT 1",
                arguments: [publicId]
            )
        }
        let body =
            "{\"account_id\":\(row["account_id"] as Int64),\"charge\":\(kind.map { "{\"cents\":\(cents),\"kind\":\"\($0)\"}" } ?? "null"),"
            + "\"created_at\":\"\(JSONText.iso(created))\",\"credits\":\(row["credits"] as String),\"decision\":\"\(decision)\","
            + "\"id\":\(JSONText.quoted(publicId)),\"prompt\":\(JSONText.quoted(row["prompt"])),"
            + "\"taken_down\":\(takenDownBy != nil),\"taken_down_by_report\":\(takenDownBy.map(String.init) ?? "null")}"
        return Self.response(GenerationOutcome(status: 200, body: body))
    }

    /// The generation named by the path, if the caller is the key that made it or the account it was made for.
    private func generation(_ request: Request, context: AppRequestContext) throws -> Row {
        guard let id = context.parameters.get("id") else { throw APIError.notFound("The generation") }
        guard let row = try database.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM generation WHERE public_id = ?", arguments: [id]) })
        else {
            if context.identity == nil { throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.") }
            throw APIError.notFound("Generation \(id)")
        }
        switch context.identity {
        case .apiKey(let key) where key.id?.rawValue == row["api_key_id"] as Int64: return row
        case .account(let account) where account.id?.rawValue == row["account_id"] as Int64: return row
        case nil: throw APIError.unauthorized(context.credentialProblem ?? "Send a session token or an API key.")
        default: throw APIError.forbidden("Only the generator that made it, or the account it was made for, may see generation \(id).")
        }
    }

    // MARK: Labels

    @Sendable func label(_ request: Request, context: AppRequestContext) async throws -> Response {
        let row = try generation(request, context: context)
        guard row["status"] as Int == 201 else {
            throw APIError(.conflict, code: "generation_not_allowed", message: "This generation was refused, so there is no image to label.")
        }
        var request = request
        let bytes = try await imageBody(&request)
        let created: Date = row["created_at"]
        let credits = ((try? JSONSerialization.jsonObject(with: Data((row["credits"] as String).utf8))) as? [[String: Any]] ?? []).compactMap {
            $0["name"] as? String
        }
        var label = AILabel(generationId: row["public_id"], credits: credits, generator: row["generator"], createdAt: JSONText.iso(created))
        label.training = labels.training
        if labels.prompt {
            label.prompt = row["prompt"]
            label.promptWriter = "account \(row["account_id"] as Int64)"
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
            let commonName: String?
            let organization: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(commonName, forKey: .commonName)
                try container.encode(organization, forKey: .organization)
            }
            enum CodingKeys: String, CodingKey { case commonName, organization }
        }

        struct C2PA: Encodable {
            let valid: Bool
            let problems: [String]
            let signer: Signer
            let signedByThisService: Bool
            let claimGenerator: String?
            let digitalSourceType: String?
            let trainingMining: [String: String]
            let creditsRequired: [String]
            let generationId: String?

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

            enum CodingKeys: String, CodingKey {
                case valid, problems, signer, signedByThisService, claimGenerator, digitalSourceType, trainingMining, creditsRequired, generationId
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(valid, forKey: .valid)
                try container.encode(problems, forKey: .problems)
                try container.encode(signer, forKey: .signer)
                try container.encode(signedByThisService, forKey: .signedByThisService)
                try container.encode(claimGenerator, forKey: .claimGenerator)
                try container.encode(digitalSourceType, forKey: .digitalSourceType)
                // Entry names are C2PA's own (cawg.ai_training, lower case): the API's snake-case keys leave them as they are.
                try container.encode(trainingMining, forKey: .trainingMining)
                try container.encode(creditsRequired, forKey: .creditsRequired)
                try container.encode(generationId, forKey: .generationId)
            }
        }

        let labeled: Bool
        let generationId: String?
        let creditsRequired: [String]
        let c2pa: C2PA?

        enum CodingKeys: String, CodingKey { case labeled, generationId, creditsRequired, c2pa }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(labeled, forKey: .labeled)
            try container.encode(generationId, forKey: .generationId)
            try container.encode(creditsRequired, forKey: .creditsRequired)
            try container.encode(c2pa, forKey: .c2pa)
        }
    }

    /// Anyone may ask: the label is meant to be read. The XMP label and a C2PA manifest are both read; a valid
    /// manifest stating `trainedAlgorithmicMedia` labels the image even when its XMP was stripped.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> VerifyAnswer {
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
        if let id = generationId,
            let stored = try database.read({ db in
                try String.fetchOne(db, sql: "SELECT credits FROM generation WHERE public_id = ?", arguments: [id])
            }),
            let parsed = try? JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [[String: Any]]
        {
            credits = parsed.compactMap { $0["name"] as? String }
        }
        return VerifyAnswer(labeled: labeled, generationId: generationId, creditsRequired: credits, c2pa: manifest.map(VerifyAnswer.C2PA.init))
    }

    private func imageBody(_ request: inout Request) async throws -> [UInt8] {
        let buffer = try await request.collectBody(upTo: maxImageBytes)
        guard buffer.readableBytes > 0 else {
            throw APIError(.unprocessableContent, code: "not_an_image", message: "Send a PNG or JPEG image as the body.")
        }
        return Array(buffer.readableBytesView)
    }

    // MARK: Usage and plans

    struct Usage {
        var plan: String
        var period: UsagePeriod
        var used: Int
        var included: Int
        var overageCount: Int
        var overageCents: Int

        var json: String {
            "{\"included\":\(included),\"overage_cents\":\(overageCents),\"overage_count\":\(overageCount),"
                + "\"period_end\":\"\(JSONText.iso(period.end))\",\"period_start\":\"\(JSONText.iso(period.start))\","
                + "\"plan\":\(JSONText.quoted(plan)),\"used\":\(used)}"
        }
    }

    static func usage(_ db: Database, account: Int64, plan: String, period: UsagePeriod, plans: PlanCatalog) throws -> Usage {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT used, overage_count, overage_cents AS cents FROM usage_counter WHERE account_id = ? AND period = ?",
            arguments: [account, period.key]
        )
        return Usage(
            plan: plan,
            period: period,
            used: row?["used"] ?? 0,
            included: plans.allowances[plan] ?? 0,
            overageCount: row?["overage_count"] ?? 0,
            overageCents: row?["cents"] ?? 0
        )
    }

    @Sendable func myUsage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let plans = self.plans
        let usage = try database.read { db -> Usage in
            let plan = try String.fetchOne(db, sql: "SELECT plan FROM account WHERE id = ?", arguments: [account.id!]) ?? "free"
            return try Self.usage(db, account: account.id!.rawValue, plan: plan, period: UsagePeriod.containing(Date()), plans: plans)
        }
        return Self.response(GenerationOutcome(status: 200, body: usage.json))
    }

    @Sendable func setPlan(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(.admin)
        let id: ID<AccountRecord> = try Input.pathID(context, noun: "account")
        var request = request
        let input = try await request.decodeJSON(as: PlanChange.self, context: context)
        guard plans.allowances[input.plan] != nil else {
            throw APIError(
                .unprocessableContent,
                code: "unknown_plan",
                message: "Plans are \(plans.allowances.keys.sorted().joined(separator: ", ")).",
                field: "plan"
            )
        }
        let changed = try database.write { db in
            try db.execute(
                sql: "UPDATE account SET plan = ?, overage_enabled = coalesce(?, overage_enabled) WHERE id = ?",
                arguments: [input.plan, input.overage, id]
            )
            return db.changesCount
        }
        guard changed == 1 else { throw APIError.notFound("Account \(id)") }
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT plan, overage_enabled FROM account WHERE id = ?", arguments: [id])!
        }
        return Self.response(
            GenerationOutcome(
                status: 200,
                body: "{\"account_id\":\(id),\"overage\":\(row["overage_enabled"] as Bool),\"plan\":\(JSONText.quoted(row["plan"]))}"
            )
        )
    }

    // MARK: Helpers

    /// What makes two generation requests the same request: a retry carries the same account and prompt.
    struct RequestFingerprint: Equatable {
        let accountId: Int64
        let prompt: String
    }

    /// A stored answer and the request it answered.
    struct StoredAnswer {
        let outcome: GenerationOutcome
        let request: RequestFingerprint

        /// The stored answer for a retry of the same request; a key reused for another request is refused
        /// (422 `idempotency_key_reused`, as Stripe and the IETF Idempotency-Key draft do).
        func replay(for request: RequestFingerprint, key: String) throws -> GenerationOutcome {
            guard request == self.request else {
                throw APIError(
                    .unprocessableContent,
                    code: "idempotency_key_reused",
                    message: "idempotency_key \(JSONText.quoted(key)) was already used by this API key for a request with another account_id or "
                        + "prompt; use a new key for a new request.",
                    field: "idempotency_key"
                )
            }
            return outcome
        }
    }

    static func existing(_ db: Database, key: ID<APIKeyRecord>, idempotencyKey: String) throws -> StoredAnswer? {
        try Row.fetchOne(
            db,
            sql: "SELECT status, response, account_id, prompt FROM generation WHERE api_key_id = ? AND idempotency_key = ?",
            arguments: [key, idempotencyKey]
        ).map {
            StoredAnswer(
                outcome: GenerationOutcome(status: $0["status"], body: $0["response"]),
                request: RequestFingerprint(accountId: $0["account_id"], prompt: $0["prompt"])
            )
        }
    }

    static func credits(of matches: [GateMatch]) -> [(id: Int64, name: String)] {
        var seen = Set<Int64>()
        return matches.filter { $0.phrase.policy == .credit && seen.insert($0.phrase.artistId).inserted }.map {
            ($0.phrase.artistId, $0.phrase.artistName)
        }
    }

    /// The artists' names in a stored `credits` column, as ``creditsJSON(_:)`` writes it.
    static func creditNames(_ stored: String) -> [String] {
        let parsed = (try? JSONSerialization.jsonObject(with: Data(stored.utf8))) as? [[String: Any]] ?? []
        return parsed.compactMap { $0["name"] as? String }
    }

    static func creditsJSON(_ credits: [(id: Int64, name: String)]) -> String {
        "[" + credits.map { "{\"artist_id\":\($0.id),\"name\":\(JSONText.quoted($0.name))}" }.joined(separator: ",") + "]"
    }

    static func allowedBody(
        publicId: String,
        views: [PromptCheckController.MatchView],
        credits: [(id: Int64, name: String)],
        kind: String,
        cents: Int,
        usage: Usage
    ) -> String {
        "{\"allowed\":true,\"charge\":{\"cents\":\(cents),\"kind\":\"\(kind)\"},\"credits\":\(creditsJSON(credits)),\"id\":\"\(publicId)\","
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
