import Crypto
import Foundation
import OptOutCore

/// The event types a webhook endpoint may take.
enum WebhookEvent: String, CaseIterable, Codable, Sendable {
    case registryChanged = "registry.changed"
    case phraseStatusChanged = "phrase.status_changed"
    case reportDecided = "report.decided"
    case generationTakenDown = "generation.taken_down"
    case generationRestored = "generation.restored"
    case rulingRequested = "ruling.requested"
}

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

/// An endpoint as admins see it (never its secret, which is shown once).
struct WebhookEndpointView: Codable, Sendable {
    struct Attempt: Codable, Sendable {
        let messageId: String
        let eventType: String
        let attemptedAt: Date
        @Nullable var status: Int?
        @Nullable var error: String?
        let durationMs: Int
    }

    let id: Int64
    let url: String
    let events: [String]
    let description: String
    let createdAt: Date
    let enabled: Bool
    @Nullable var disabledAt: Date?
    @Nullable var disabledReason: String?
    /// Deliveries waiting (not yet delivered nor abandoned).
    let pending: Int
    let delivered: Int
    /// Shown once, when the endpoint is made.
    var secret: String?
    /// The last attempts, newest first (one endpoint's view).
    var lastAttempts: [Attempt]?
}
