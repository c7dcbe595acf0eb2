import Foundation
import OptOutCore

/// An endpoint as admins see it (never its secret, which is shown once).
package struct WebhookEndpointView: Codable, Sendable {
    package struct Attempt: Codable, Sendable {
        package let messageId: String
        package let eventType: String
        package let attemptedAt: Date
        @Nullable package var status: Int?
        @Nullable package var error: String?
        package let durationMs: Int
    }

    package let id: Int64
    package let url: String
    package let events: [String]
    package let description: String
    package let createdAt: Date
    package let enabled: Bool
    @Nullable package var disabledAt: Date?
    @Nullable package var disabledReason: String?
    /// Deliveries waiting (not yet delivered nor abandoned).
    package let pending: Int
    package let delivered: Int
    /// Shown once, when the endpoint is made.
    package var secret: String?
    /// The last attempts, newest first (one endpoint's view).
    package var lastAttempts: [Attempt]?

    package init(
        id: Int64,
        url: String,
        events: [String],
        description: String,
        createdAt: Date,
        enabled: Bool,
        disabledAt: Date? = nil,
        disabledReason: String? = nil,
        pending: Int,
        delivered: Int,
        secret: String? = nil,
        lastAttempts: [Attempt]? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.createdAt = createdAt
        self.enabled = enabled
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.pending = pending
        self.delivered = delivered
        self.secret = secret
        self.lastAttempts = lastAttempts
    }
}
