import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

extension Request {
    /// Decodes the JSON body with the API's decoder, leaving a `DecodingError` for ``ErrorMiddleware`` to explain
    /// field by field. A body over the context's upload limit is a 413.
    mutating func decodeJSON<T: Decodable>(as type: T.Type, context: AppRequestContext, decoder: JSONDecoder = .api) async throws -> T {
        let buffer = try await collectBody(limit: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "invalid_json", message: "The request needs a JSON body.")
        }
        return try decoder.decode(T.self, from: Data(buffer: buffer))
    }
}

extension Request {
    /// The whole body, at most `limit` bytes; a larger one is a 413 whose message names this route's limit.
    mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is larger than \(size), this route's limit.")
        }
    }
}
