import Foundation
import OptOutCore

/// The complaints' storage: every statement about complaints is here. Named operations return values and throw
/// domain errors.
package struct ComplaintRepository: Sendable {
    package let store: any SQLStore
    package let perHour: Int

    /// Filing refused by the hourly limit: the caller may try again after `wait` seconds.
    package struct RateLimited: Error {
        package let wait: Int
    }

    /// Files a complaint for `account`, within the hourly limit, with its first audit event.
    package func file(_ filing: ComplaintFiling, by account: ID<AccountRecord>, now: Date = Date()) async throws -> ComplaintView {
        let perHour = self.perHour
        return try await store.write { db in
            let since = now.addingTimeInterval(-3600)
            let row = try db.row(
                "SELECT count(*) AS n, min(created_at) AS oldest FROM complaint WHERE account_id = ? AND created_at > ?",
                [account, since]
            )
            if let count = try row?.get("n", as: Int.self), count >= perHour {
                let oldest = try row?.get("oldest", as: Date?.self) ?? now
                throw RateLimited(wait: max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(now).rounded(.up))))
            }
            if let artist = filing.artistId {
                guard try db.value(Bool.self, "SELECT withdrawn_at IS NULL FROM artist WHERE id = ?", [artist]) == true else {
                    throw DomainError.invalid("artist_id", code: "unknown_artist", "There is no artist \(artist) in the registry.")
                }
            }
            let inserted = try db.value(
                Int64.self,
                """
                INSERT INTO complaint (account_id, rightsholder, contact_email, work_url, used_in, artist_id, details, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [account, filing.rightsholder, filing.contactEmail, filing.workURL, filing.usedIn, filing.artistId, filing.details, now]
            )
            guard let id = inserted else { throw SQLDecodingFailure(column: "id", value: .null, type: "new complaint's id") }
            try Self.record(db, complaint: id, action: "filed", actor: account, note: nil, now: now)
            return try Self.view(db, id: id, history: true)!
        }
    }

    /// The account's own complaints, newest first, below `before`.
    package func mine(account: ID<AccountRecord>, before: Int64, limit: Int) async throws -> [ComplaintView] {
        try await store.read { db in
            try Self.views(db, where: "complaint.account_id = ? AND complaint.id < ? ORDER BY complaint.id DESC", [account, before], limit: limit)
        }
    }

    /// One complaint with its history, and who filed it.
    package func complaint(id: Int64) async throws -> (view: ComplaintView, filer: ID<AccountRecord>)? {
        try await store.read { db in
            guard let filer = try db.value(Int64.self, "SELECT account_id FROM complaint WHERE id = ?", [id]),
                let view = try Self.view(db, id: id, history: true)
            else { return nil }
            return (view, ID(filer))
        }
    }

    /// The moderators' list: open first by default (oldest first within a status), or one status, after `after`.
    package func queue(status: ComplaintStatus?, after: Int64, limit: Int) async throws -> [ComplaintView] {
        try await store.read { db in
            if let status {
                return try Self.views(
                    db,
                    where: "complaint.status = ? AND complaint.id > ? ORDER BY complaint.id",
                    [status.rawValue, after],
                    limit: limit
                )
            }
            return try Self.views(db, where: "complaint.id > ? ORDER BY complaint.id", [after], limit: limit)
        }
    }

    /// A moderator's decision, refused when the complaint moved on since `version`.
    package func decide(
        id: Int64,
        decision: ComplaintDecision,
        note: String,
        version: Int64,
        by moderator: ID<AccountRecord>,
        now: Date = Date()
    ) async throws
        -> ComplaintView
    {
        try await store.write { db in
            guard let row = try db.row("SELECT status, version FROM complaint WHERE id = ?", [id]),
                let status = ComplaintStatus(rawValue: try row.get("status"))
            else {
                throw DomainError(.notFound, code: "not_found", message: "There is no complaint \(id).")
            }
            let current = try row.get("version", as: Int64.self)
            guard version == current else {
                throw DomainError(
                    .conflict,
                    code: "version_conflict",
                    message: "Complaint \(id) changed since version \(version); it is at version \(current)."
                )
            }
            guard let next = decision.next(from: status) else {
                throw DomainError(
                    .conflict,
                    code: "illegal_transition",
                    message: "A complaint that is \(status.rawValue) cannot be \(decision.event)."
                )
            }
            try db.execute(
                "UPDATE complaint SET status = ?, decided_by = ?, decided_at = ?, version = version + 1 WHERE id = ?",
                [next.rawValue, next == .open ? nil : moderator, next == .open ? nil : now, id]
            )
            try Self.record(db, complaint: id, action: decision.event, actor: moderator, note: note, now: now)
            return try Self.view(db, id: id, history: true)!
        }
    }

    // MARK: Rows

    private static func record(_ db: any SQLSession, complaint: Int64, action: String, actor: ID<AccountRecord>, note: String?, now: Date) throws {
        try db.execute(
            "INSERT INTO complaint_event (complaint_id, actor_account_id, action, note, created_at) VALUES (?, ?, ?, ?, ?)",
            [complaint, actor, action, note, now]
        )
    }

    private static let columns = """
        SELECT complaint.*, artist.name AS artist_name FROM complaint LEFT JOIN artist ON artist.id = complaint.artist_id WHERE
        """

    private static func views(_ db: any SQLSession, where clause: String, _ arguments: SQLArguments, limit: Int) throws -> [ComplaintView] {
        try db.rows(columns + " " + clause + " LIMIT ?", arguments + [limit]).map(view)
    }

    private static func view(_ db: any SQLSession, id: Int64, history: Bool) throws -> ComplaintView? {
        guard var view = try db.row(columns + " complaint.id = ?", [id]).map(view) else { return nil }
        if history {
            view.history = try db.rows(
                "SELECT action, actor_account_id, note, created_at FROM complaint_event WHERE complaint_id = ? ORDER BY id",
                [id]
            ).map {
                ComplaintView.Event(
                    action: try $0.get("action"),
                    actorAccountId: try $0.get("actor_account_id"),
                    note: try $0.get("note"),
                    createdAt: try $0.get("created_at")
                )
            }
        }
        return view
    }

    private static func view(_ row: SQLRow) throws -> ComplaintView {
        ComplaintView(
            id: try row.get("id"),
            status: ComplaintStatus(rawValue: try row.get("status")) ?? .open,
            rightsholder: try row.get("rightsholder"),
            contactEmail: try row.get("contact_email"),
            workUrl: try row.get("work_url"),
            usedIn: try row.get("used_in"),
            artistId: try row.get("artist_id"),
            artistName: try row.get("artist_name"),
            details: try row.get("details"),
            version: try row.get("version"),
            createdAt: try row.get("created_at"),
            decidedAt: try row.get("decided_at")
        )
    }

    package init(store: any SQLStore, perHour: Int) {
        self.store = store
        self.perHour = perHour
    }
}
