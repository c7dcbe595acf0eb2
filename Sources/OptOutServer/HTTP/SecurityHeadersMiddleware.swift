import HTTPTypes
import Hummingbird

/// Adds the service's security headers and its own training opt-out to every response.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String { "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xRobotsTag] = "noai, noimageai"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        if response.headers[.cacheControl] == nil, request.uri.path.hasPrefix("/v1/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

extension HTTPField.Name {
    static var xRobotsTag: Self { .init("X-Robots-Tag")! }
    static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
    static var contentSecurityPolicy: Self { .init("Content-Security-Policy")! }
    static var retryAfter: Self { .init("Retry-After")! }
}
