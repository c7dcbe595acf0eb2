import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import OptOutCore
import OptOutStore

/// Turns every error into the API's JSON error shape with a 4xx, or a logged 500.
///
/// Two instances run: an inner one that converts errors from routes into responses (so the static-file
/// middleware never mistakes a missing artist for a missing file) and lets the router's own "no such route"
/// through; and an outer one that answers what is left, including 405 for a known path with another method.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// When true, the router's bare "no route" 404 is rethrown for the static files to try.
    let passRouteNotFound: Bool
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            if passRouteNotFound { throw error }
            return try routeNotFound(request, context: context)
        } catch {
            return try apiError(for: error, request: request, context: context).response(from: request, context: context)
        }
    }

    private func routeNotFound(_ request: Request, context: Context) throws -> Response {
        if let allowed = routes.allowedMethods(forPath: request.uri.path), !allowed.contains(request.method) {
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            return try APIError(
                .methodNotAllowed,
                code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allow).",
                headers: [.allow: allow]
            ).response(from: request, context: context)
        }
        return try APIError(.notFound, code: "not_found", message: "There is nothing at \(request.uri.path).")
            .response(from: request, context: context)
    }

    private func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        if StoreFailure.isUnstorableText(error) {
            return APIError(
                .badRequest,
                code: "invalid_text",
                message: "Text may not contain the NUL character (U+0000)."
            )
        }
        if let message = StoreFailure.constraintMessage(error) {
            // Every constraint a client can reach has its own error where it is written (phrase_taken, artist_exists,
            // email_taken, ...); one that gets here is a gap in that mapping: still the client's 409, but logged.
            context.logger.warning(
                "unmapped constraint failure",
                metadata: ["error": "\(message)", "path": "\(request.uri.path)", "method": "\(request.method.rawValue)"]
            )
            return APIError(.conflict, code: "conflict", message: "The request conflicts with the current state of the registry.")
        }
        switch error {
        case let error as APIError:
            return error
        case let error as DomainError:
            return APIError(error)
        case let error as HTTPError:
            return APIError(
                error.status,
                code: Self.code(for: error.status),
                message: error.body ?? Self.message(for: error.status),
                headers: error.headers
            )
        case let error as DecodingError:
            return Self.decodingError(error)
        case let error as HTTPParserError:
            // Broken framing in the body (a chunk size that is not hex, say): the client's fault, logged quietly.
            context.logger.debug("malformed request body", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError(
                .badRequest,
                code: "malformed_request",
                message: "The request's framing is broken (\(error)); send a well-formed HTTP/1.1 body.",
                headers: [.connection: "close"]
            )
        case let error as any HTTPResponseError where error.status.code < 500:
            return APIError(error.status, code: Self.code(for: error.status), message: Self.message(for: error.status))
        default:
            context.logger.error(
                "unexpected error",
                metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)", "method": "\(request.method.rawValue)"]
            )
            return APIError(.internalServerError, code: "internal_error", message: "The server failed to answer; the failure was logged.")
        }
    }

    static func decodingError(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? snakeCase($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return APIError(.badRequest, code: "invalid_json", message: "The body is not valid UTF-8 JSON.")
        case .dataCorrupted(let context):
            return APIError(
                .unprocessableContent,
                code: "invalid_field",
                message: "\(path(context.codingPath)) is not valid: \(context.debugDescription)",
                field: path(context.codingPath)
            )
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return APIError(.unprocessableContent, code: "missing_field", message: "\(field) is required.", field: field)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return APIError(.badRequest, code: "invalid_json", message: "The body must be a JSON object.")
            }
            return APIError(.unprocessableContent, code: "invalid_field", message: "\(field) must be \(describe(type)).", field: field)
        @unknown default:
            return APIError(.badRequest, code: "invalid_json", message: "The body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "of type \(type)"
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unprocessableContent: "invalid_input"
        case .tooManyRequests: "too_many_requests"
        case .rangeNotSatisfiable: "range_not_satisfiable"
        default: status.code >= 500 ? "internal_error" : "request_error"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "The request body is larger than 1 MiB."
        default: status.reasonPhrase.isEmpty ? "The request failed." : status.reasonPhrase + "."
        }
    }
}
