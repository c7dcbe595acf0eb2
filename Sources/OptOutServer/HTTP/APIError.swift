import Foundation
import Hummingbird
import OptOutCore

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

/// A JSON value, for error members and free-form bodies.
public enum JSONValue: Codable, Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

extension JSONEncoder {
    /// The API's encoder: snake_case keys, ISO 8601 dates, sorted keys so bodies are stable.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// The API's decoder: snake_case keys, ISO 8601 dates.
    static var api: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
