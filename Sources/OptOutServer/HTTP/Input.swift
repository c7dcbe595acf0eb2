import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// Query and path values, checked the one way every route checks them: a 422 naming the field, or a 404 for a path
/// id that cannot name anything.
enum Input {
    /// The query value `name` as an integer in `range`, or `value` when the query does not have it.
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return value }
        guard let number = Int(String(raw)), range.contains(number) else {
            throw APIError(
                .unprocessableContent,
                code: "invalid_\(name)",
                message: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).",
                field: name
            )
        }
        return number
    }

    /// `raw` as one of `T`'s cases, or a 422 `code` listing them.
    static func choice<T: RawRepresentable & CaseIterable>(_ raw: String, as type: T.Type, field: String, code: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw APIError(
                .unprocessableContent,
                code: code,
                message: "\(field) is one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).",
                field: field
            )
        }
        return value
    }

    /// The path's `:id` as a row id, or a 404 saying there is no such `noun`.
    static func pathID<Entity>(_ context: AppRequestContext, noun: String) throws -> ID<Entity> {
        guard let raw = context.parameters.get("id"), let value = Int64(raw), value > 0 else {
            throw APIError(.notFound, code: "not_found", message: "There is no \(noun) \(context.parameters.get("id") ?? "").")
        }
        return ID(value)
    }
}

extension Response {
    /// `value` as the API's JSON.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        json(body: ByteBuffer(bytes: try JSONEncoder.api.encode(value)), status: status, headers: headers)
    }

    /// A JSON body written by hand (the hot routes), or already encoded.
    static func json(body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}

/// A page of a list: `{items, next}`. `next` is the `after` value for the next page: always present, null on the last
/// page, so clients can loop on it.
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    @Nullable var next: String?
}

/// A whole list: `{items}`.
struct Items<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
}
