import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Moderators' name disputes: two artists registered one phrase while the first was unverified.
struct NameDisputesController {
    let repository: ArtistRepository
    let gate: PromptGate

    enum StatusFilter: String, CaseIterable {
        case open
        case decided
    }

    struct Decision: Decodable {
        let winner: ArtistRepository.DisputeSide
        let note: String
        let version: Int64?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/moderation/disputes", use: list)
        routes.get("/v1/moderation/disputes/:id", use: show)
        routes.post("/v1/moderation/disputes/:id/decision", use: decide)
        routes.post("/v1/moderation/disputes/:id/reopen", use: reopen)
    }

    struct Reopening: Decodable {
        let note: String
        let version: Int64?
    }

    /// `POST /v1/moderation/disputes/{id}/reopen {note, version?}`: a decided dispute opens again; its loser's phrase
    /// waits as disputed against the phrase holding the name now.
    @Sendable func reopen(_ request: Request, context: AppRequestContext) async throws -> NameDisputeView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "name dispute")
        var request = request
        let input = try await request.decodeJSON(as: Reopening.self, context: context)
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: true) ?? ""
        let view = try await repository.reopenDispute(id: id.rawValue, note: note, version: input.version, by: moderator.id)
        try await gate.refreshInBackground()
        return view
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<NameDisputeView> {
        _ = try context.requireRole(.moderator)
        let status = try request.uri.queryParameters["status"].map {
            try Input.choice(String($0), as: StatusFilter.self, field: "status", code: "invalid_status")
        }
        let limit = try Input.integer(request, "limit", default: 50, range: 1...200)
        let after = try Input.integer(request, "after", default: 0, range: 0...Int.max)
        let items = try await repository.disputes(status: status?.rawValue, after: Int64(after), limit: limit)
        return Page(items: items, next: items.count == limit ? items.last.map { String($0.id) } : nil)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> NameDisputeView {
        _ = try context.requireRole(.moderator)
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "name dispute")
        guard let view = try await repository.dispute(id: id.rawValue) else { throw APIError.notFound("Name dispute \(id)") }
        return view
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> NameDisputeView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "name dispute")
        var request = request
        let input = try await request.decodeJSON(as: Decision.self, context: context)
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: true) ?? ""
        let view = try await repository.decideDispute(id: id.rawValue, winner: input.winner, note: note, version: input.version, by: moderator.id)
        try await gate.refreshInBackground()
        return view
    }
}

extension NameDisputeView: ResponseEncodable {}
