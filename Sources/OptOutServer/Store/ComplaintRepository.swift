import Foundation
import GRDB
import OptOutCore

/// The complaints' storage: every statement about complaints is here. Named operations return values and throw
/// domain errors.
struct ComplaintRepository: Sendable {
    let database: AppDatabase
    let perHour: Int

    /// Filing refused by the hourly limit: the caller may try again after `wait` seconds.
    struct RateLimited: Error {
        let wait: Int
    }

    /// Files a complaint for `account`, within the hourly limit, with its first audit event.
    func file(_ filing: ComplaintFiling, by account: ID<AccountRecord>, now: Date = Date()) throws -> ComplaintView {
        let perHour = self.perHour
        return try database.write { db in
            let since = now.addingTimeInterval(-3600)
            let row = try Row.fetchOne(
                db,
                sql: "SELECT count(*) AS n, min(created_at) AS oldest FROM complaint WHERE account_id = ? AND created_at > ?",
                arguments: [account, since]
            )
            if let count: Int = row?["n"], count >= perHour {
                let oldest: Date = row?["oldest"] ?? now
                throw RateLimited(wait: max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(now).rounded(.up))))
            }
            if let artist = filing.artistId {
                guard try Bool.fetchOne(db, sql: "SELECT withdrawn_at IS NULL FROM artist WHERE id = ?", arguments: [artist]) == true else {
                    throw DomainError.invalid("artist_id", code: "unknown_artist", "There is no artist \(artist) in the registry.")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO complaint (account_id, rightsholder, contact_email, work_url, used_in, artist_id, details, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    account, filing.rightsholder, filing.contactEmail, filing.workURL, filing.usedIn, filing.artistId, filing.details, now,
                ]
            )
            let id = db.lastInsertedRowID
            try Self.record(db, complaint: id, action: "filed", actor: account, note: nil, now: now)
            return try Self.view(db, id: id, history: true)!
        }
    }

    /// The account's own complaints, newest first, below `before`.
    func mine(account: ID<AccountRecord>, before: Int64, limit: Int) throws -> [ComplaintView] {
        try database.read { db in
            try Self.views(db, where: "complaint.account_id = ? AND complaint.id < ? ORDER BY complaint.id DESC", [account, before], limit: limit)
        }
    }

    /// One complaint with its history, and who filed it.
    func complaint(id: Int64) throws -> (view: ComplaintView, filer: ID<AccountRecord>)? {
        try database.read { db in
            guard let filer = try Int64.fetchOne(db, sql: "SELECT account_id FROM complaint WHERE id = ?", arguments: [id]),
                let view = try Self.view(db, id: id, history: true)
            else { return nil }
            return (view, ID(filer))
        }
    }

    /// The moderators' list: open first by default (oldest first within a status), or one status, after `after`.
    func queue(status: ComplaintStatus?, after: Int64, limit: Int) throws -> [ComplaintView] {
        try database.read { db in
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
    func decide(
        id: Int64,
        decision: ComplaintDecision,
        note: String,
        version: Int64,
        by moderator: ID<AccountRecord>,
        now: Date = Date()
    ) throws
        -> ComplaintView
    {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, version FROM complaint WHERE id = ?", arguments: [id]),
                let status = ComplaintStatus(rawValue: row["status"])
            else {
                throw DomainError(.notFound, code: "not_found", message: "There is no complaint \(id).")
            }
            guard version == row["version"] as Int64 else {
                throw DomainError(
                    .conflict,
                    code: "version_conflict",
                    message: "Complaint \(id) changed since version \(version); it is at version \(row["version"] as Int64)."
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
                sql: "UPDATE complaint SET status = ?, decided_by = ?, decided_at = ?, version = version + 1 WHERE id = ?",
                arguments: [next.rawValue, next == .open ? nil : moderator, next == .open ? nil : now, id]
            )
            try Self.record(db, complaint: id, action: decision.event, actor: moderator, note: note, now: now)
            return try Self.view(db, id: id, history: true)!
        }
    }

    // MARK: Rows

    private static func record(_ db: Database, complaint: Int64, action: String, actor: ID<AccountRecord>, note: String?, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO complaint_event (complaint_id, actor_account_id, action, note, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [complaint, actor, action, note, now]
        )
    }

    private static let columns = """
        SELECT complaint.*, artist.name AS artist_name FROM complaint LEFT JOIN artist ON artist.id = complaint.artist_id WHERE
        """

    private static func views(_ db: Database, where clause: String, _ arguments: StatementArguments, limit: Int) throws -> [ComplaintView] {
        try Row.fetchAll(db, sql: columns + " " + clause + " LIMIT ?", arguments: arguments + [limit]).map(view)
    }

    private static func view(_ db: Database, id: Int64, history: Bool) throws -> ComplaintView? {
        guard var view = try Row.fetchOne(db, sql: columns + " complaint.id = ?", arguments: [id]).map(view) else { return nil }
        if history {
            view.history = try Row.fetchAll(
                db,
                sql: "SELECT action, actor_account_id, note, created_at FROM complaint_event WHERE complaint_id = ? ORDER BY id",
                arguments: [id]
            ).map { ComplaintView.Event(action: $0["action"], actorAccountId: $0["actor_account_id"], note: $0["note"], createdAt: $0["created_at"]) }
        }
        return view
    }

    private static func view(_ row: Row) -> ComplaintView {
        ComplaintView(
            id: row["id"],
            status: ComplaintStatus(rawValue: row["status"]) ?? .open,
            rightsholder: row["rightsholder"],
            contactEmail: row["contact_email"],
            workUrl: row["work_url"],
            usedIn: row["used_in"],
            artistId: row["artist_id"],
            artistName: row["artist_name"],
            details: row["details"],
            version: row["version"],
            createdAt: row["created_at"],
            decidedAt: row["decided_at"]
        )
    }
}
