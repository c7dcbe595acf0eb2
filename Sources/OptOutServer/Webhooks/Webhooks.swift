import Crypto
import Foundation
import OptOutCore
import OptOutStore

/// Standard Webhooks signing: `v1,` then base64 of HMAC-SHA256 over `id.timestamp.body` with the secret's bytes.
enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new secret: `whsec_` and 32 random bytes in base64.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return secretPrefix + Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }

    static func sign(secret: String, id: String, timestamp: Int, body: Data) -> String {
        let keyBytes = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))) ?? Data()
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))
        return "v1," + Data(mac).base64EncodedString()
    }
}
