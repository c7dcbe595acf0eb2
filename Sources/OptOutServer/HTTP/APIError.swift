import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// An error response in the service's one shape: `{"error": {"code": ..., "message": ...}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var field: String?
    public var headers: HTTPFields
    /// Further top-level members beside `error`, such as `matches` for a blocked prompt.
    public var extra: [String: JSONValue]

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        message: String,
        field: String? = nil,
        headers: HTTPFields = [:],
        extra: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
        self.extra = extra
    }

    public init(_ error: DomainError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .unprocessableContent
            case .conflict: .conflict
            case .notFound: .notFound
            case .forbidden: .forbidden
            case .unauthorized: .unauthorized
            case .tooManyRequests: .tooManyRequests
            }
        self.init(
            status,
            code: error.code,
            message: error.message,
            field: error.field,
            headers: error.retryAfterSeconds.map { [.retryAfter: String($0)] } ?? [:],
            extra: error.details.mapValues {
                switch $0 {
                case .int(let value): .int(value)
                case .string(let value): .string(value)
                }
            }
        )
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        if case .string(let id)? = context.logger[metadataKey: "request_id"] { error["request_id"] = .string(id) }
        var body = extra
        body["error"] = .object(error)
        var fields = headers
        if status == .unauthorized, fields[.wwwAuthenticate] == nil {
            fields[.wwwAuthenticate] = "Bearer"
        }
        return try Response.json(.object(body), status: status, headers: fields)
    }

    static func unauthorized(_ message: String = "Sign in first: send Authorization: Bearer <token>.") -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) was not found.")
    }
}
