import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// Adds the service's security headers and its training opt-out signals to every response.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String { "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" }
    let signals: TrainingSignals
    /// The absolute address of the RSL document, for the `Link` header of pages.
    var licenseAddress = ""

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if signals.xRobotsTag { response.headers[.xRobotsTag] = "noai, noimageai" }
        if signals.tdmHeader { response.headers[.tdmReservation] = "1" }
        if signals.contentUsage { response.headers[.contentUsage] = signals.contentUsageValue }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            if signals.rsl {
                response.headers[.link] = "<\(licenseAddress)>; rel=\"license\"; type=\"\(RSLLicense.mediaType)\""
            }
            if !signals.metaTags || !signals.rsl {
                response = try await Self.withoutOptOutTags(response, meta: !signals.metaTags, license: !signals.rsl)
            }
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        if response.headers[.cacheControl] == nil, request.uri.path.hasPrefix("/v1/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

/// Refuses a path holding NUL or another control character before the static files see it: the file system
/// would read `/app.js%00.html` as `/app.js` while the type came from `.html`.
struct StaticPathGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            || (path.removingPercentEncoding ?? "\u{0}").unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        {
            throw APIError(.notFound, code: "not_found", message: "There is nothing at that path.")
        }
        return try await next(request, context)
    }
}

extension SecurityHeadersMiddleware {
    static var metaTags: [String] { ["<meta name=\"robots\" content=\"noai, noimageai\">\n", "<meta name=\"tdm-reservation\" content=\"1\">\n"] }
    static var licenseTag: String { "<link rel=\"license\" type=\"\(RSLLicense.mediaType)\" href=\"/license.xml\">\n" }

    /// The page without its `noai` and `tdm-reservation` meta tags or its RSL link, for a platform that turned them off.
    static func withoutOptOutTags(_ response: Response, meta: Bool, license: Bool) async throws -> Response {
        let writer = CollectingWriter()
        try await response.body.write(writer)
        var html = String(buffer: writer.buffer.withLockedValue { $0 })
        for tag in (meta ? metaTags : []) + (license ? [licenseTag] : []) {
            html = html.replacingOccurrences(of: tag, with: "")
        }
        var edited = response
        edited.headers[.contentLength] = String(html.utf8.count)
        edited.body = .init(byteBuffer: ByteBuffer(string: html))
        return edited
    }
}

/// Gathers a response body in memory.
final class CollectingWriter: ResponseBodyWriter, Sendable {
    let buffer = NIOLockedValueBox(ByteBuffer())
    func write(_ buffer: ByteBuffer) async throws {
        self.buffer.withLockedValue { _ = $0.writeImmutableBuffer(buffer) }
    }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension HTTPField.Name {
    static var tdmReservation: Self { .init("tdm-reservation")! }
    static var contentUsage: Self { .init("Content-Usage")! }
    static var link: Self { .init("Link")! }
    static var xRobotsTag: Self { .init("X-Robots-Tag")! }
    static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
    static var contentSecurityPolicy: Self { .init("Content-Security-Policy")! }
    static var retryAfter: Self { .init("Retry-After")! }
}
