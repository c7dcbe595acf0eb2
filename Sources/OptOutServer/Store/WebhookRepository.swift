import Foundation
import GRDB
import OptOutCore

/// Every statement about webhooks.
struct WebhookRepository: Sendable {
    let database: AppDatabase

    struct Due: Sendable {
        let deliveryId: Int64
        let endpointId: Int64
        let url: String
        let secret: String
        let messageId: String
        let payload: String
        let attempts: Int
        let firstFailedAt: Date?
    }

    func create(
        url: String,
        events: [WebhookEvent],
        description: String,
        by admin: ID<AccountRecord>,
        now: Date = Date()
    ) throws -> WebhookEndpointView {
        let secret = WebhookSignature.newSecret()
        return try database.write { db in
            try db.execute(
                sql: "INSERT INTO webhook_endpoint (url, secret, events, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [url, secret, events.map(\.rawValue).joined(separator: " "), description, admin, now]
            )
            var view = try Self.view(db, id: db.lastInsertedRowID)!
            view.secret = secret
            return view
        }
    }

    func list() throws -> [WebhookEndpointView] {
        try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM webhook_endpoint WHERE deleted_at IS NULL ORDER BY id").compactMap {
                try Self.view(db, id: $0)
            }
        }
    }

    func endpoint(id: Int64) throws -> WebhookEndpointView? {
        try database.read { db in
            guard var view = try Self.view(db, id: id) else { return nil }
            view.lastAttempts = try Row.fetchAll(
                db,
                sql: """
                    SELECT webhook_outbox.message_id, webhook_outbox.event_type, webhook_attempt.attempted_at, webhook_attempt.status,
                        webhook_attempt.error, webhook_attempt.duration_ms
                    FROM webhook_attempt
                    JOIN webhook_delivery ON webhook_delivery.id = webhook_attempt.delivery_id
                    JOIN webhook_outbox ON webhook_outbox.seq = webhook_delivery.outbox_seq
                    WHERE webhook_attempt.endpoint_id = ? ORDER BY webhook_attempt.id DESC LIMIT 20
                    """,
                arguments: [id]
            ).map {
                WebhookEndpointView.Attempt(
                    messageId: $0["message_id"],
                    eventType: $0["event_type"],
                    attemptedAt: $0["attempted_at"],
                    status: $0["status"],
                    error: $0["error"],
                    durationMs: $0["duration_ms"]
                )
            }
            return view
        }
    }

    /// Deletes an endpoint: its waiting deliveries are abandoned.
    func delete(id: Int64, now: Date = Date()) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE webhook_endpoint SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", arguments: [now, id])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: "UPDATE webhook_delivery SET abandoned_at = ? WHERE endpoint_id = ? AND delivered_at IS NULL AND abandoned_at IS NULL",
                arguments: [now, id]
            )
            return true
        }
    }

    /// Makes a delivery for each live endpoint that takes each waiting message's type; marks the messages dispatched.
    func dispatch(now: Date = Date()) throws -> Int {
        try database.write { db in
            let messages = try Row.fetchAll(db, sql: "SELECT seq, event_type FROM webhook_outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 500")
            guard !messages.isEmpty else { return 0 }
            let endpoints = try Row.fetchAll(db, sql: "SELECT id, events FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL")
            var made = 0
            for message in messages {
                let type: String = message["event_type"]
                for endpoint in endpoints where (endpoint["events"] as String).split(separator: " ").contains(Substring(type)) {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO webhook_delivery (endpoint_id, outbox_seq, next_attempt_at) VALUES (?, ?, ?)",
                        arguments: [endpoint["id"] as Int64, message["seq"] as Int64, now]
                    )
                    made += 1
                }
                try db.execute(sql: "UPDATE webhook_outbox SET dispatched_at = ? WHERE seq = ?", arguments: [now, message["seq"] as Int64])
            }
            return made
        }
    }

    /// Deliveries whose time has come, oldest first.
    func due(now: Date = Date(), limit: Int = 50) throws -> [Due] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT webhook_delivery.id, webhook_delivery.endpoint_id, webhook_endpoint.url, webhook_endpoint.secret,
                        webhook_outbox.message_id, webhook_outbox.payload, webhook_delivery.attempts, webhook_delivery.first_failed_at
                    FROM webhook_delivery
                    JOIN webhook_endpoint ON webhook_endpoint.id = webhook_delivery.endpoint_id
                    JOIN webhook_outbox ON webhook_outbox.seq = webhook_delivery.outbox_seq
                    WHERE webhook_delivery.delivered_at IS NULL AND webhook_delivery.abandoned_at IS NULL
                        AND webhook_delivery.next_attempt_at <= ? AND webhook_endpoint.disabled_at IS NULL AND webhook_endpoint.deleted_at IS NULL
                    ORDER BY webhook_delivery.next_attempt_at, webhook_delivery.id LIMIT ?
                    """,
                arguments: [now, limit]
            ).map {
                Due(
                    deliveryId: $0["id"],
                    endpointId: $0["endpoint_id"],
                    url: $0["url"],
                    secret: $0["secret"],
                    messageId: $0["message_id"],
                    payload: $0["payload"],
                    attempts: $0["attempts"],
                    firstFailedAt: $0["first_failed_at"]
                )
            }
        }
    }

    /// Records an attempt. A failure schedules the next one at `retryAt`, or, when deliveries to the endpoint have
    /// failed for `giveUpAfter`, disables the endpoint with the reason and abandons what waits for it.
    func record(
        _ due: Due,
        status: Int?,
        error: String?,
        duration: Duration,
        retryAt: Date,
        giveUpAfter: TimeInterval,
        now: Date = Date()
    ) throws {
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let milliseconds = Int(duration.inNanoseconds / 1_000_000)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO webhook_attempt (delivery_id, endpoint_id, attempted_at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [due.deliveryId, due.endpointId, now, status, error.map { String($0.prefix(500)) }, milliseconds]
            )
            if delivered {
                try db.execute(
                    sql: "UPDATE webhook_delivery SET attempts = attempts + 1, delivered_at = ? WHERE id = ?",
                    arguments: [now, due.deliveryId]
                )
                return
            }
            let firstFailed = due.firstFailedAt ?? now
            if now.timeIntervalSince(firstFailed) >= giveUpAfter {
                let reason =
                    "Deliveries failed for \(Int(giveUpAfter / 3600 >= 1 ? giveUpAfter / 3600 : giveUpAfter)) \(giveUpAfter >= 3600 ? "hours" : "seconds"); "
                    + "the last attempt: \(status.map { "HTTP \($0)" } ?? (error ?? "no answer"))."
                try db.execute(
                    sql: "UPDATE webhook_endpoint SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL",
                    arguments: [now, reason, due.endpointId]
                )
                try db.execute(
                    sql:
                        "UPDATE webhook_delivery SET attempts = attempts + 1, abandoned_at = ? WHERE endpoint_id = ? AND delivered_at IS NULL AND abandoned_at IS NULL",
                    arguments: [now, due.endpointId]
                )
                return
            }
            try db.execute(
                sql:
                    "UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = ?, first_failed_at = coalesce(first_failed_at, ?) WHERE id = ?",
                arguments: [retryAt, now, due.deliveryId]
            )
        }
    }

    /// Forgets delivered or abandoned messages, and attempts, older than `age` (a week).
    func prune(olderThan age: TimeInterval = 7 * 86_400, now: Date = Date()) throws {
        let before = now.addingTimeInterval(-age)
        try database.write { db in
            try db.execute(sql: "DELETE FROM webhook_attempt WHERE attempted_at < ?", arguments: [before])
            try db.execute(
                sql: """
                    DELETE FROM webhook_delivery WHERE (delivered_at IS NOT NULL OR abandoned_at IS NOT NULL)
                        AND outbox_seq IN (SELECT seq FROM webhook_outbox WHERE dispatched_at < ?)
                        AND id NOT IN (SELECT delivery_id FROM webhook_attempt)
                    """,
                arguments: [before]
            )
            try db.execute(
                sql: "DELETE FROM webhook_outbox WHERE dispatched_at < ? AND seq NOT IN (SELECT outbox_seq FROM webhook_delivery)",
                arguments: [before]
            )
        }
    }

    private static func view(_ db: Database, id: Int64) throws -> WebhookEndpointView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoint WHERE id = ? AND deleted_at IS NULL", arguments: [id]) else {
            return nil
        }
        let counts = try Row.fetchOne(
            db,
            sql: """
                SELECT sum(delivered_at IS NULL AND abandoned_at IS NULL) AS pending, sum(delivered_at IS NOT NULL) AS delivered
                FROM webhook_delivery WHERE endpoint_id = ?
                """,
            arguments: [id]
        )
        return WebhookEndpointView(
            id: row["id"],
            url: row["url"],
            events: (row["events"] as String).split(separator: " ").map(String.init),
            description: row["description"],
            createdAt: row["created_at"],
            enabled: (row["disabled_at"] as Date?) == nil,
            disabledAt: row["disabled_at"],
            disabledReason: row["disabled_reason"],
            pending: counts?["pending"] ?? 0,
            delivered: counts?["delivered"] ?? 0
        )
    }
}
