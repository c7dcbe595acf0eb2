import Foundation
import OptOutCore

/// Every statement about webhooks.
package struct WebhookRepository: Sendable {
    package let store: any SQLStore

    package struct Due: Sendable {
        package let deliveryId: Int64
        package let endpointId: Int64
        package let url: String
        package let secret: String
        package let messageId: String
        package let payload: String
        package let attempts: Int
        package let firstFailedAt: Date?

        package init(
            deliveryId: Int64,
            endpointId: Int64,
            url: String,
            secret: String,
            messageId: String,
            payload: String,
            attempts: Int,
            firstFailedAt: Date?
        ) {
            self.deliveryId = deliveryId
            self.endpointId = endpointId
            self.url = url
            self.secret = secret
            self.messageId = messageId
            self.payload = payload
            self.attempts = attempts
            self.firstFailedAt = firstFailedAt
        }
    }

    package func create(
        url: String,
        events: [WebhookEvent],
        description: String,
        secret: String,
        by admin: ID<AccountRecord>,
        now: Date = Date()
    ) async throws -> WebhookEndpointView {
        try await store.write { db in
            let id = try db.value(
                Int64.self,
                "INSERT INTO webhook_endpoint (url, secret, events, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [url, secret, events.map(\.rawValue).joined(separator: " "), description, admin, now]
            )
            var view = try Self.view(db, id: id ?? 0)!
            view.secret = secret
            return view
        }
    }

    package func list() async throws -> [WebhookEndpointView] {
        try await store.read { db in
            try db.column(Int64.self, "SELECT id FROM webhook_endpoint WHERE deleted_at IS NULL ORDER BY id").compactMap {
                try Self.view(db, id: $0)
            }
        }
    }

    package func endpoint(id: Int64) async throws -> WebhookEndpointView? {
        try await store.read { db in
            guard var view = try Self.view(db, id: id) else { return nil }
            view.lastAttempts = try db.rows(
                """
                SELECT webhook_outbox.message_id, webhook_outbox.event_type, webhook_attempt.attempted_at, webhook_attempt.status,
                    webhook_attempt.error, webhook_attempt.duration_ms
                FROM webhook_attempt
                JOIN webhook_delivery ON webhook_delivery.id = webhook_attempt.delivery_id
                JOIN webhook_outbox ON webhook_outbox.seq = webhook_delivery.outbox_seq
                WHERE webhook_attempt.endpoint_id = ? ORDER BY webhook_attempt.id DESC LIMIT 20
                """,
                [id]
            ).map {
                WebhookEndpointView.Attempt(
                    messageId: try $0.get("message_id"),
                    eventType: try $0.get("event_type"),
                    attemptedAt: try $0.get("attempted_at"),
                    status: try $0.get("status"),
                    error: try $0.get("error"),
                    durationMs: try $0.get("duration_ms")
                )
            }
            return view
        }
    }

    /// Deletes an endpoint: its waiting deliveries are abandoned.
    package func delete(id: Int64, now: Date = Date()) async throws -> Bool {
        try await store.write { db in
            guard try db.execute("UPDATE webhook_endpoint SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", [now, id]) > 0 else {
                return false
            }
            try db.execute(
                "UPDATE webhook_delivery SET abandoned_at = ? WHERE endpoint_id = ? AND delivered_at IS NULL AND abandoned_at IS NULL",
                [now, id]
            )
            return true
        }
    }

    /// Makes a delivery for each live endpoint that takes each waiting message's type; marks the messages dispatched.
    package func dispatch(now: Date = Date()) async throws -> Int {
        try await store.write { db in
            let messages = try db.rows("SELECT seq, event_type FROM webhook_outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 500")
            guard !messages.isEmpty else { return 0 }
            let endpoints = try db.rows("SELECT id, events FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL")
            var made = 0
            for message in messages {
                let type: String = try message.get("event_type")
                for endpoint in endpoints where (try endpoint.get("events", as: String.self)).split(separator: " ").contains(Substring(type)) {
                    try db.execute(
                        "INSERT INTO webhook_delivery (endpoint_id, outbox_seq, next_attempt_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [try endpoint.get("id", as: Int64.self), try message.get("seq", as: Int64.self), now]
                    )
                    made += 1
                }
                try db.execute("UPDATE webhook_outbox SET dispatched_at = ? WHERE seq = ?", [now, try message.get("seq", as: Int64.self)])
            }
            return made
        }
    }

    /// Deliveries whose time has come, oldest first.
    package func due(now: Date = Date(), limit: Int = 50) async throws -> [Due] {
        try await store.read { db in
            try db.rows(
                """
                SELECT webhook_delivery.id, webhook_delivery.endpoint_id, webhook_endpoint.url, webhook_endpoint.secret,
                    webhook_outbox.message_id, webhook_outbox.payload, webhook_delivery.attempts, webhook_delivery.first_failed_at
                FROM webhook_delivery
                JOIN webhook_endpoint ON webhook_endpoint.id = webhook_delivery.endpoint_id
                JOIN webhook_outbox ON webhook_outbox.seq = webhook_delivery.outbox_seq
                WHERE webhook_delivery.delivered_at IS NULL AND webhook_delivery.abandoned_at IS NULL
                    AND webhook_delivery.next_attempt_at <= ? AND webhook_endpoint.disabled_at IS NULL AND webhook_endpoint.deleted_at IS NULL
                ORDER BY webhook_delivery.next_attempt_at, webhook_delivery.id LIMIT ?
                """,
                [now, limit]
            ).map {
                Due(
                    deliveryId: try $0.get("id"),
                    endpointId: try $0.get("endpoint_id"),
                    url: try $0.get("url"),
                    secret: try $0.get("secret"),
                    messageId: try $0.get("message_id"),
                    payload: try $0.get("payload"),
                    attempts: try $0.get("attempts"),
                    firstFailedAt: try $0.get("first_failed_at")
                )
            }
        }
    }

    /// Records an attempt. A failure schedules the next one at `retryAt`, or, when deliveries to the endpoint have
    /// failed for `giveUpAfter`, disables the endpoint with the reason and abandons what waits for it.
    package func record(
        _ due: Due,
        status: Int?,
        error: String?,
        duration: Duration,
        retryAt: Date,
        giveUpAfter: TimeInterval,
        now: Date = Date()
    ) async throws {
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let milliseconds = Int(duration.inNanoseconds / 1_000_000)
        try await store.write { db in
            try db.execute(
                "INSERT INTO webhook_attempt (delivery_id, endpoint_id, attempted_at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                [due.deliveryId, due.endpointId, now, status, error.map { String($0.prefix(500)) }, milliseconds]
            )
            if delivered {
                try db.execute(
                    "UPDATE webhook_delivery SET attempts = attempts + 1, delivered_at = ? WHERE id = ?",
                    [now, due.deliveryId]
                )
                return
            }
            let firstFailed = due.firstFailedAt ?? now
            if now.timeIntervalSince(firstFailed) >= giveUpAfter {
                let reason =
                    "Deliveries failed for \(Int(giveUpAfter / 3600 >= 1 ? giveUpAfter / 3600 : giveUpAfter)) \(giveUpAfter >= 3600 ? "hours" : "seconds"); "
                    + "the last attempt: \(status.map { "HTTP \($0)" } ?? (error ?? "no answer"))."
                try db.execute(
                    "UPDATE webhook_endpoint SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL",
                    [now, reason, due.endpointId]
                )
                try db.execute(
                    "UPDATE webhook_delivery SET attempts = attempts + 1, abandoned_at = ? WHERE endpoint_id = ? AND delivered_at IS NULL AND abandoned_at IS NULL",
                    [now, due.endpointId]
                )
                return
            }
            try db.execute(
                "UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = ?, first_failed_at = coalesce(first_failed_at, ?) WHERE id = ?",
                [retryAt, now, due.deliveryId]
            )
        }
    }

    /// Forgets delivered or abandoned messages, and attempts, older than `age` (a week).
    package func prune(olderThan age: TimeInterval = 7 * 86_400, now: Date = Date()) async throws {
        let before = now.addingTimeInterval(-age)
        try await store.write { db in
            try db.execute("DELETE FROM webhook_attempt WHERE attempted_at < ?", [before])
            try db.execute(
                """
                DELETE FROM webhook_delivery WHERE (delivered_at IS NOT NULL OR abandoned_at IS NOT NULL)
                    AND outbox_seq IN (SELECT seq FROM webhook_outbox WHERE dispatched_at < ?)
                    AND id NOT IN (SELECT delivery_id FROM webhook_attempt)
                """,
                [before]
            )
            try db.execute(
                "DELETE FROM webhook_outbox WHERE dispatched_at < ? AND seq NOT IN (SELECT outbox_seq FROM webhook_delivery)",
                [before]
            )
        }
    }

    private static func view(_ db: any SQLSession, id: Int64) throws -> WebhookEndpointView? {
        guard let row = try db.row("SELECT * FROM webhook_endpoint WHERE id = ? AND deleted_at IS NULL", [id]) else {
            return nil
        }
        let counts = try db.row(
            """
            SELECT count(*) FILTER (WHERE delivered_at IS NULL AND abandoned_at IS NULL) AS pending,
                count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered
            FROM webhook_delivery WHERE endpoint_id = ?
            """,
            [id]
        )
        return WebhookEndpointView(
            id: try row.get("id"),
            url: try row.get("url"),
            events: (try row.get("events", as: String.self)).split(separator: " ").map(String.init),
            description: try row.get("description"),
            createdAt: try row.get("created_at"),
            enabled: (try row.get("disabled_at", as: Date?.self)) == nil,
            disabledAt: try row.get("disabled_at"),
            disabledReason: try row.get("disabled_reason"),
            pending: try counts?.get("pending", as: Int?.self) ?? 0,
            delivered: try counts?.get("delivered", as: Int?.self) ?? 0
        )
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}
