import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Admins register webhook endpoints. Owner rules: admins only (moderators and members get 403); an endpoint's
/// secret is shown once, in the answer that makes it.
struct WebhooksController {
    let repository: WebhookRepository

    struct Input: Decodable {
        let url: String
        let events: [String]
        let description: String?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/webhooks", use: create)
        routes.get("/v1/webhooks", use: list)
        routes.get("/v1/webhooks/:id", use: show)
        routes.delete("/v1/webhooks/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<WebhookEndpointView> {
        let admin = try context.requireRole(.admin)
        var request = request
        let input = try await request.decodeJSON(as: Input.self, context: context)
        let url = try Self.checkedURL(input.url)
        guard !input.events.isEmpty else {
            throw APIError(.unprocessableContent, code: "no_events", message: "Name at least one event.", field: "events")
        }
        var events: [WebhookEvent] = []
        for name in input.events {
            guard let event = WebhookEvent(rawValue: name) else {
                throw APIError(
                    .unprocessableContent,
                    code: "unknown_event",
                    message: "\(name.prefix(100)) is not an event; the events are \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "events"
                )
            }
            if !events.contains(event) { events.append(event) }
        }
        let description = try ReportLimits.text(input.description, field: "description", maxLength: 200, required: false) ?? ""
        let view = try await repository.create(
            url: url,
            events: events,
            description: description,
            secret: WebhookSignature.newSecret(),
            by: admin.id
        )
        return EditedResponse(status: .created, headers: [.location: "/v1/webhooks/\(view.id)"], response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Items<WebhookEndpointView> {
        _ = try context.requireRole(.admin)
        return await Items(items: try repository.list())
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> WebhookEndpointView {
        _ = try context.requireRole(.admin)
        let id: ID<AccountRecord> = try OptOutServer.Input.pathID(context, noun: "webhook endpoint")
        guard let view = try await repository.endpoint(id: id.rawValue) else { throw APIError.notFound("Webhook endpoint \(id)") }
        return view
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(.admin)
        let id: ID<AccountRecord> = try OptOutServer.Input.pathID(context, noun: "webhook endpoint")
        guard try await repository.delete(id: id.rawValue) else { throw APIError.notFound("Webhook endpoint \(id)") }
        return Response(status: .noContent)
    }

    /// An http or https URL with a host, at most 2,048 characters.
    static func checkedURL(_ raw: String) throws -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 2048, !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
            let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw APIError(
                .unprocessableContent,
                code: "invalid_url",
                message: "url must be an http or https URL of at most 2048 characters.",
                field: "url"
            )
        }
        return trimmed
    }
}

extension WebhookEndpointView: ResponseEncodable {}
