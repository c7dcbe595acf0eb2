import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Moderators' review of phrases the collision guard held back.
struct PhraseReviewController {
    let repository: ArtistRepository
    let gate: PromptGate

    struct PhraseView: ResponseEncodable {
        let phrase: ArtistView.Phrase
        let registryVersion: Int64
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/moderation/phrases", use: list)
        routes.post("/v1/moderation/phrases/:id/approve") { request, context in
            try await review(request, context: context, to: .active)
        }
        routes.post("/v1/moderation/phrases/:id/reject") { request, context in
            try await review(request, context: context, to: .rejected)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<ArtistRepository.ReviewItem> {
        _ = try context.requireRole(.moderator)
        let query = request.uri.queryParameters
        let status = try Input.choice(
            query["status"].map(String.init) ?? PhraseStatus.pendingReview.rawValue,
            as: PhraseStatus.self,
            field: "status",
            code: "invalid_status"
        )
        let limit = try Input.integer(request, "limit", default: 50, range: 1...500)
        let after = try Input.integer(request, "after", default: 0, range: 0...Int.max)
        let items = try await repository.phrases(status: status, after: Int64(after), limit: limit)
        return Page(items: items, next: items.count == limit ? items.last.map { String($0.id.rawValue) } : nil)
    }

    func review(_ request: Request, context: AppRequestContext, to status: PhraseStatus) async throws -> PhraseView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<PhraseRecord> = try Input.pathID(context, noun: "phrase")
        let phrase = try await repository.review(phrase: id, to: status, by: moderator.id)
        try await gate.refreshInBackground()
        return await PhraseView(phrase: phrase, registryVersion: try repository.registryVersion())
    }
}
