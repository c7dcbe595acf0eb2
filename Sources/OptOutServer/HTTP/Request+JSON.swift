import Foundation
import Hummingbird

extension Request {
    /// Decodes the JSON body with the API's decoder, leaving a `DecodingError` for ``ErrorMiddleware`` to explain
    /// field by field. A body over the context's upload limit is a 413.
    mutating func decodeJSON<T: Decodable>(as type: T.Type, context: AppRequestContext, decoder: JSONDecoder = .api) async throws -> T {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "invalid_json", message: "The request needs a JSON body.")
        }
        return try decoder.decode(T.self, from: Data(buffer: buffer))
    }
}
