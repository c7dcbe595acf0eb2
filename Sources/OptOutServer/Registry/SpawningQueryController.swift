import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore

/// Spawning's URL look-up, `POST /api/v2/query/urls/`, as `datadiligence.rules.SpawningAPI` and other dataset tools
/// call it: newline-separated URLs as `text/plain`, `Authorization: API <key>` (an API key with the `registry`
/// scope; `Bearer` works too), answered `{"urls": [{"url", "optIn": false, "optOut": bool}]}` in the order sent, from
/// the same link index as `/v1/registry/lookup`. This registry records opt-outs only, so `optIn` is always false.
struct SpawningQueryController {
    let links: LinkIndex

    static let path = "/api/v2/query/urls/"
    static let maxURLs = RegistryLookupController.maxItems
    /// 10,000 URLs of up to 400 bytes each.
    static let maxBodyBytes = 4 << 20

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post(Self.path, use: query)
    }

    struct Answer: Encodable {
        struct Item: Encodable {
            let url: String
            let optIn: Bool
            let optOut: Bool
        }
        let urls: [Item]
    }

    @Sendable func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireScope(.registry)
        if let type = request.headers[.contentType]?.lowercased(), !type.hasPrefix("text/plain") {
            throw APIError(
                .unsupportedMediaType,
                code: "unsupported_media_type",
                message: "Send the URLs as text/plain, one a line."
            )
        }
        var request = request
        let buffer = try await request.collectBody(limit: Self.maxBodyBytes)
        let urls = try Self.parse(buffer)
        let index = try await links.current()
        let answer = try await NIOThreadPool.singleton.runIfActive { Self.answer(urls, index: index) }
        // Spawning's field names are camel case: not the API's snake-case encoder.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Response.json(body: ByteBuffer(bytes: try encoder.encode(answer)))
    }

    /// The non-empty lines of the body (`\n` or `\r\n`), each trimmed.
    static func parse(_ buffer: ByteBuffer) throws -> [String] {
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError(.badRequest, code: "invalid_body", message: "The body is not UTF-8 text.")
        }
        let urls = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !urls.isEmpty else {
            throw APIError(.unprocessableContent, code: "no_urls", message: "Send at least one URL, one a line.")
        }
        guard urls.count <= maxURLs else {
            throw APIError(.contentTooLarge, code: "too_many_items", message: "At most \(maxURLs) URLs a request; \(urls.count) were sent.")
        }
        return urls
    }

    static func answer(_ urls: [String], index: LinkCoverage) -> Answer {
        Answer(
            urls: urls.map { url in
                let covered = LinkCoverage.key(url).flatMap { index.match($0) } != nil
                return Answer.Item(url: url, optIn: false, optOut: covered)
            }
        )
    }
}
