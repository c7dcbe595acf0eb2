import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Reports of style imitation: filing, the reporter's view, the moderators' queue, and the artist's rulings.
///
/// Owner rules: any signed-in account files reports and sees its own; moderators (and admins) see and work the
/// queue, and decide only what they hold; the artist an item is about, and nobody else, rules on it once it is
/// sent to them.
struct ReportsController {
    let repository: ReportRepository

    struct FilingInput: Decodable {
        struct Target: Decodable {
            let generationId: String?
            let imageUrl: String?
        }

        let artistId: Int64
        let target: Target
        let category: String
        let details: String?
    }

    struct DecisionInput: Decodable {
        let action: String
        let note: String?
        let version: Int64
    }

    struct RulingInput: Decodable {
        let verdict: String
        let note: String?
    }

    struct ReopenInput: Decodable {
        let note: String?
        let version: Int64?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/reports", use: file)
        routes.get("/v1/reports/mine", use: mine)
        routes.get("/v1/reports/:id", use: show)
        routes.post("/v1/reports/:id/ruling", use: rule)
        routes.get("/v1/artists/me/rulings", use: rulings)
        routes.get("/v1/takedowns", use: takedowns)
        routes.get("/v1/moderation/reports", use: queue)
        routes.get("/v1/moderation/reports/:id", use: detail)
        routes.get("/v1/moderation/reports/:id/history", use: history)
        routes.post("/v1/moderation/reports/:id/claim", use: claim)
        routes.post("/v1/moderation/reports/:id/release", use: release)
        routes.post("/v1/moderation/reports/:id/decision", use: decide)
        routes.post("/v1/moderation/reports/:id/reopen", use: reopen)
    }

    // MARK: Reporters

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ReporterReportView> {
        let account = try context.requireAccount()
        var request = request
        let input = try await request.decodeJSON(as: FilingInput.self, context: context)
        let category = try Input.choice(input.category, as: ReportCategory.self, field: "category", code: "invalid_category")
        let target = try ReportTarget.validated(generationId: input.target.generationId, imageURL: input.target.imageUrl)
        let details = try ReportLimits.text(input.details, field: "details", maxLength: ReportLimits.maxDetailsLength, required: false) ?? ""
        let result = try await repository.file(
            .init(artistId: input.artistId, target: target, category: category, details: details),
            by: account
        )
        var view = result.view
        view.alreadyReported = result.outcome == .alreadyReported
        let status: HTTPResponse.Status = result.outcome == .alreadyReported ? .ok : .created
        return EditedResponse(status: status, headers: [.location: "/v1/reports/\(result.id)"], response: view)
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> Page<ReporterReportView> {
        let account = try context.requireAccount()
        let limit = try Input.integer(request, "limit", default: 50, range: 1...200)
        let after = try Input.integer(request, "after", default: Int.max, range: 1...Int.max)
        let page = try await repository.mine(account: account.id, before: Int64(after), limit: limit)
        return Page(items: page.items, next: page.next.map { String($0) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ReporterReportView {
        let account = try context.requireAccount()
        return try await repository.reporterView(try Input.pathID(context, noun: "report"), account: account.id)
    }

    // MARK: Artists

    @Sendable func rulings(_ request: Request, context: AppRequestContext) async throws -> Items<RulingItemView> {
        let account = try context.requireAccount()
        return try await Items(items: try repository.rulings(account: account.id))
    }

    @Sendable func rule(_ request: Request, context: AppRequestContext) async throws -> RulingItemView {
        let account = try context.requireAccount()
        let id: ID<ReportRecord> = try Input.pathID(context, noun: "report")
        var request = request
        let input = try await request.decodeJSON(as: RulingInput.self, context: context)
        let verdict = try Input.choice(input.verdict, as: ReportAction.Verdict.self, field: "verdict", code: "invalid_verdict")
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: false)
        return try await repository.rule(id, verdict: verdict, note: note?.isEmpty == true ? nil : note, by: account)
    }

    // MARK: Generators

    /// `GET /v1/takedowns?after=&limit=`: what the calling generator must remove (and may restore), as a feed.
    @Sendable func takedowns(_ request: Request, context: AppRequestContext) async throws -> Page<TakedownView> {
        let key = try context.requireScope(.generate)
        let limit = try Input.integer(request, "limit", default: 100, range: 1...1000)
        let after = try Input.integer(request, "after", default: 0, range: 0...Int.max)
        let page = try await repository.takedowns(key: key.id, after: Int64(after), limit: limit)
        return Page(items: page.items, next: page.next.map { String($0) })
    }

    // MARK: Moderators

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Page<ReportItemView> {
        _ = try context.requireRole(.moderator)
        let query = request.uri.queryParameters
        let status = try query["status"].map { try Input.choice(String($0), as: ReportStatus.self, field: "status", code: "invalid_status") }
        let limit = try Input.integer(request, "limit", default: 50, range: 1...200)
        var after: QueueCursor?
        if let raw = query["after"] {
            guard let cursor = QueueCursor(String(raw)) else {
                throw APIError(
                    .unprocessableContent,
                    code: "invalid_after",
                    message: "after is the next value of a previous page.",
                    field: "after"
                )
            }
            after = cursor
        }
        let page = try await repository.queue(status: status, after: after, limit: limit)
        return Page(items: page.items, next: page.next?.text)
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> ReportItemView {
        _ = try context.requireRole(.moderator)
        return try await repository.detail(try Input.pathID(context, noun: "report"))
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> ReportHistoryView {
        _ = try context.requireRole(.moderator)
        let id: ID<ReportRecord> = try Input.pathID(context, noun: "report")
        return try await repository.history(id)
    }

    @Sendable func claim(_ request: Request, context: AppRequestContext) async throws -> ReportItemView {
        let moderator = try context.requireRole(.moderator)
        return try await repository.claim(try Input.pathID(context, noun: "report"), by: .init(account: moderator))
    }

    @Sendable func release(_ request: Request, context: AppRequestContext) async throws -> ReportItemView {
        let moderator = try context.requireRole(.moderator)
        return try await repository.release(try Input.pathID(context, noun: "report"), by: .init(account: moderator))
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> ReportItemView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<ReportRecord> = try Input.pathID(context, noun: "report")
        var request = request
        let input = try await request.decodeJSON(as: DecisionInput.self, context: context)
        let decision = try Input.choice(input.action, as: ReportAction.Decision.self, field: "action", code: "invalid_action")
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: true) ?? ""
        return try await repository.decide(id, decision: decision, note: note, version: input.version, by: .init(account: moderator))
    }

    @Sendable func reopen(_ request: Request, context: AppRequestContext) async throws -> ReportItemView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<ReportRecord> = try Input.pathID(context, noun: "report")
        var request = request
        let input = try await request.decodeJSON(as: ReopenInput.self, context: context)
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: true) ?? ""
        return try await repository.reopen(id, note: note, version: input.version, by: .init(account: moderator))
    }

    // MARK: Helpers
}
