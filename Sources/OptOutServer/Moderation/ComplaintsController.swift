import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Rightsholders' complaints (EU GPAI Code of Practice, measure 1.5): someone whose work was used despite an opt-out
/// files one (`/complaint.html` or the API); it lands in the moderation queue as the category `opt_out_ignored`.
///
/// Owner rules: any signed-in account files complaints and sees its own; moderators (and admins) list and decide
/// them; the service's contact is public.
struct ComplaintsController {
    let repository: ComplaintRepository
    /// The service's contact for rightsholders (`--contact`): an email address or a URL.
    let contact: String?

    struct FilingInput: Decodable {
        let rightsholder: String?
        let contactEmail: String?
        let workUrl: String?
        let usedIn: String?
        let artistId: Int64?
        let details: String?
    }

    struct DecisionInput: Decodable {
        let decision: String
        let note: String?
        let version: Int64
    }

    struct Filed: ResponseEncodable {
        let complaint: ComplaintView
        /// Where the rightsholder can reach the service about it.
        let contact: String?

        func encode(to encoder: any Encoder) throws {
            try complaint.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(contact, forKey: .contact)
        }
        enum CodingKeys: String, CodingKey { case contact }
    }

    struct Contact: ResponseEncodable {
        @Nullable var contact: String?
        let page: String
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/complaints/contact", use: showContact)
        routes.post("/v1/complaints", use: file)
        routes.get("/v1/complaints/mine", use: mine)
        routes.get("/v1/complaints/:id", use: show)
        routes.get("/v1/moderation/complaints", use: queue)
        routes.post("/v1/moderation/complaints/:id/decision", use: decide)
    }

    @Sendable func showContact(_ request: Request, context: AppRequestContext) async throws -> Contact {
        Contact(contact: contact, page: "/complaint.html")
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Filed> {
        let account = try context.requireAccount()
        var request = request
        let input = try await request.decodeJSON(as: FilingInput.self, context: context)
        let filing = try ComplaintFiling(
            rightsholder: input.rightsholder,
            contactEmail: input.contactEmail,
            workURL: input.workUrl,
            usedIn: input.usedIn,
            artistId: input.artistId,
            details: input.details
        )
        do {
            let view = try await repository.file(filing, by: account.id)
            return EditedResponse(
                status: .created,
                headers: [.location: "/v1/complaints/\(view.id)"],
                response: Filed(complaint: view, contact: contact)
            )
        } catch let limited as ComplaintRepository.RateLimited {
            throw APIError(
                .tooManyRequests,
                code: "too_many_complaints",
                message: "An account may file \(repository.perHour) complaints an hour; try again in \(limited.wait) seconds.",
                headers: [.retryAfter: String(limited.wait)]
            )
        }
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> Page<ComplaintView> {
        let account = try context.requireAccount()
        let limit = try Input.integer(request, "limit", default: 50, range: 1...200)
        let after = try Input.integer(request, "after", default: Int.max, range: 1...Int.max)
        let items = try await repository.mine(account: account.id, before: Int64(after), limit: limit)
        return Page(items: items, next: items.count == limit ? items.last.map { String($0.id) } : nil)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ComplaintView {
        let account = try context.requireAccount()
        let id: ID<AccountRecord> = try Input.pathID(context, noun: "complaint")
        guard let found = try await repository.complaint(id: id.rawValue) else { throw APIError.notFound("Complaint \(id)") }
        // To others a complaint does not exist (as reports): a 403 would tell them which ids are taken.
        guard found.filer == account.id || account.role >= .moderator else { throw APIError.notFound("Complaint \(id)") }
        return found.view
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Page<ComplaintView> {
        _ = try context.requireRole(.moderator)
        let status = try request.uri.queryParameters["status"].map {
            try Input.choice(String($0), as: ComplaintStatus.self, field: "status", code: "invalid_status")
        }
        let limit = try Input.integer(request, "limit", default: 50, range: 1...200)
        let after = try Input.integer(request, "after", default: 0, range: 0...Int.max)
        let items = try await repository.queue(status: status, after: Int64(after), limit: limit)
        return Page(items: items, next: items.count == limit ? items.last.map { String($0.id) } : nil)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> ComplaintView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<AccountRecord> = try Input.pathID(context, noun: "complaint")
        var request = request
        let input = try await request.decodeJSON(as: DecisionInput.self, context: context)
        let decision = try Input.choice(input.decision, as: ComplaintDecision.self, field: "decision", code: "invalid_decision")
        let note = try ReportLimits.text(input.note, field: "note", maxLength: ReportLimits.maxNoteLength, required: true) ?? ""
        return try await repository.decide(id: id.rawValue, decision: decision, note: note, version: input.version, by: moderator.id)
    }
}

extension ComplaintView: ResponseEncodable {}
