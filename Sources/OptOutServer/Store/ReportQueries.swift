import Foundation
import OptOutCore

/// The moderation queue's read models: the queue, an item, its history, a reporter's and an artist's view, and
/// the take-downs a generator polls.
extension ReportRepository {
    // MARK: Reading

    /// The queue: open items first, then by number of reporters, then oldest; keyset-paged.
    func queue(status: ReportStatus?, after: QueueCursor?, limit: Int, now: Date = Date()) async throws -> (items: [JSONValue], next: QueueCursor?) {
        try await store.read { db in
            var sql = """
                SELECT report.*, artist.name AS artist_name, claimer.display_name AS claimer_name,
                    CASE WHEN report.status = 'open' THEN 0 ELSE 1 END AS rank
                FROM report JOIN artist ON artist.id = report.artist_id
                LEFT JOIN account AS claimer ON claimer.id = report.claimed_by
                WHERE true
                """
            var arguments: SQLArguments = []
            if let status {
                sql += " AND report.status = ?"
                arguments += [status.rawValue]
            }
            // With one status the rank is constant: order as the report_status_queue index does, so the page is a seek.
            let rank = status == nil ? "(CASE WHEN report.status = 'open' THEN 0 ELSE 1 END), " : ""
            if let after {
                sql += " AND (\(rank)-report.reporter_count, report.id) > (\(status == nil ? "?, " : "")?, ?)"
                if status == nil { arguments += [after.rank] }
                arguments += [-after.reporterCount, after.id]
            }
            sql += " ORDER BY \(rank)report.reporter_count DESC, report.id LIMIT ?"
            arguments += [limit]
            let rows = try db.rows(sql, arguments)
            let items = try rows.map { row in
                JSONValue.object(
                    ReportViews.queueItem(
                        try ReportRecord(from: SQLRowDecoder(row: row)),
                        artistName: try row.get("artist_name"),
                        claimerName: try row.get("claimer_name"),
                        now: now
                    )
                )
            }
            let next =
                rows.count == limit
                ? try rows.last.map { QueueCursor(rank: try $0.get("rank"), reporterCount: try $0.get("reporter_count"), id: try $0.get("id")) } : nil
            return (items, next)
        }
    }

    /// One item with its snapshot, reporters and claim, for moderators.
    func detail(_ id: ID<ReportRecord>, now: Date = Date()) async throws -> JSONValue {
        try await store.read { db in try Self.detail(db, id: id, now: now) }
    }

    static func detail(_ db: any SQLSession, id: ID<ReportRecord>, now: Date) throws -> JSONValue {
        let report = try load(db, id)
        let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
        let claimer = try report.claimedBy.flatMap { try db.fetchOne(AccountRecord.self, id: $0.rawValue) }
        let reporters = try reporters(db, of: report)
        var item = ReportViews.queueItem(report, artistName: artist?.name ?? "", claimerName: claimer?.displayName, now: now)
        item["snapshot"] = ReportViews.parse(report.snapshot)
        item["reporters"] = .array(
            reporters.map {
                .object([
                    "account_id": .int($0.accountId.rawValue),
                    "category": .string($0.category.rawValue),
                    "details": .string($0.details),
                    "reported_at": .string(JSONText.iso($0.createdAt)),
                ])
            }
        )
        item["artist"] = .object([
            "id": .int(report.artistId.rawValue),
            "name": .string(artist?.name ?? ""),
            "verified": .bool(artist?.verified ?? false),
            "can_rule": .bool(artist.map(Self.canRule) ?? false),
            "status": .string(artist?.withdrawnAt == nil ? "active" : "withdrawn"),
        ])
        return .object(item)
    }

    /// Every step of an item, oldest first.
    func history(_ id: ID<ReportRecord>) async throws -> [JSONValue] {
        try await store.read { db in
            guard try db.value(Int64.self, "SELECT id FROM report WHERE id = ?", [id]) != nil else { throw DomainError.notFound("Report \(id)") }
            let rows = try db.rows(
                """
                SELECT report_event.*, account.display_name AS actor_name FROM report_event
                LEFT JOIN account ON account.id = report_event.actor_account_id
                WHERE report_id = ? ORDER BY report_event.id
                """,
                [id]
            )
            return try rows.map { row in
                let event = try ReportEventRecord(from: SQLRowDecoder(row: row))
                return ReportViews.event(event, actorName: try row.get("actor_name"))
            }
        }
    }

    /// The reports `account` filed, newest first, paged by report id.
    func mine(account: ID<AccountRecord>, before: Int64?, limit: Int) async throws -> (items: [JSONValue], next: Int64?) {
        try await store.read { db in
            let items = try Self.reporterItems(
                db,
                account: account,
                filter: "report.id < ? ORDER BY report.id DESC LIMIT ?",
                arguments: [before ?? Int64.max, limit]
            )
            return (items.map { .object($0.view) }, items.count == limit ? items.last.map(\.id) : nil)
        }
    }

    /// A report as its reporter sees it; 404 to anyone who did not file it.
    func reporterView(_ id: ID<ReportRecord>, account: ID<AccountRecord>) async throws -> [String: JSONValue] {
        try await store.read { db in try Self.reporterView(db, id, account: account) }
    }

    static func reporterView(_ db: any SQLSession, _ id: ID<ReportRecord>, account: ID<AccountRecord>) throws -> [String: JSONValue] {
        guard let item = try reporterItems(db, account: account, filter: "report.id = ?", arguments: [id]).first else {
            throw DomainError.notFound("Report \(id)")
        }
        return item.view
    }

    /// The reports `account` filed that pass `filter` (SQL after `WHERE ... AND`), each with that reporter's own filing.
    static func reporterItems(
        _ db: any SQLSession,
        account: ID<AccountRecord>,
        filter: String,
        arguments: SQLArguments
    ) throws
        -> [(id: Int64, view: [String: JSONValue])]
    {
        let rows = try db.rows(
            """
            SELECT report.*, artist.name AS artist_name, report_reporter.category AS my_category,
                report_reporter.details AS my_details, report_reporter.created_at AS reported_at
            FROM report_reporter JOIN report ON report.id = report_reporter.report_id
            JOIN artist ON artist.id = report.artist_id
            WHERE report_reporter.account_id = ? AND \(filter)
            """,
            [account] + arguments
        )
        return try rows.map { row in
            let view = ReportViews.reporterItem(
                try ReportRecord(from: SQLRowDecoder(row: row)),
                artistName: try row.get("artist_name"),
                category: try row.get("my_category"),
                details: try row.get("my_details"),
                reportedAt: try row.get("reported_at")
            )
            return (try row.get("id"), view)
        }
    }

    /// The items waiting for the rulings of the artists `account` owns.
    func rulings(account: ID<AccountRecord>) async throws -> [JSONValue] {
        try await store.read { db in
            let reports = try db.fetchAll(
                ReportRecord.self,
                """
                SELECT report.* FROM report JOIN artist ON artist.id = report.artist_id
                WHERE artist.account_id = ? AND report.status = 'awaiting_artist' ORDER BY report.ruling_due_at, report.id
                """,
                [account]
            )
            return try reports.map { try Self.rulingItem(db, report: $0) }
        }
    }

    /// What the artist sees: the snapshot, what reporters said (not who they are), and the moderator's question.
    static func rulingItem(_ db: any SQLSession, report: ReportRecord) throws -> JSONValue {
        let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
        let reporters = try reporters(db, of: report)
        let question = try db.value(
            String.self,
            "SELECT note FROM report_event WHERE report_id = ? AND action = 'ask_artist' ORDER BY id DESC LIMIT 1",
            [report.id]
        )
        return .object([
            "id": .int(report.id!.rawValue),
            "artist_id": .int(report.artistId.rawValue),
            "artist_name": .string(artist?.name ?? ""),
            "target": ReportViews.target(report),
            "category": .string(report.category.rawValue),
            "status": .string(report.status.rawValue),
            "reporter_count": .int(Int64(report.reporterCount)),
            "reports": .array(
                reporters.map { .object(["category": .string($0.category.rawValue), "details": .string($0.details)]) }
            ),
            "snapshot": artistSnapshot(report.snapshot),
            "moderator_note": question.map(JSONValue.string) ?? .null,
            "ruling_due_at": report.rulingDueAt.map { .string(JSONText.iso($0)) } ?? .null,
            "version": .int(report.version),
            "created_at": .string(JSONText.iso(report.createdAt)),
        ])
    }

    /// The snapshot as the artist may see it: the prompt, credits and label, but not who generated the image.
    static func artistSnapshot(_ stored: String) -> JSONValue {
        guard case .object(var snapshot) = ReportViews.parse(stored) else { return ReportViews.parse(stored) }
        if case .object(var generation) = snapshot["generation"] {
            generation.removeValue(forKey: "account_id")
            snapshot["generation"] = .object(generation)
        }
        return .object(snapshot)
    }

    /// Take-downs of generations `key` made, and their reversals, after event `after`, oldest first.
    func takedowns(key: ID<APIKeyRecord>, after: Int64, limit: Int) async throws -> (items: [JSONValue], next: Int64?) {
        try await store.read { db in
            let rows = try db.rows(
                """
                SELECT report_event.id AS event_id, report_event.report_id, report_event.to_status, report_event.actor_role,
                    report_event.created_at, report.target AS generation_id
                FROM report_event JOIN report ON report.id = report_event.report_id
                JOIN generation ON generation.public_id = report.target
                WHERE (report_event.to_status = 'taken_down'
                        OR (report_event.from_status = 'taken_down' AND report_event.action = 'reopened'))
                    AND report_event.id > ? AND report.target_kind = 'generation' AND generation.api_key_id = ?
                ORDER BY report_event.id LIMIT ?
                """,
                [after, key, limit]
            )
            let items: [JSONValue] = try rows.map { row in
                let takenDown = (try row.get("to_status", as: String.self)) == ReportStatus.takenDown.rawValue
                let role: String = try row.get("actor_role")
                return .object([
                    "event_id": .int(try row.get("event_id")),
                    "report_id": .int(try row.get("report_id")),
                    "generation_id": .string(try row.get("generation_id")),
                    "action": .string(takenDown ? "taken_down" : "restored"),
                    "decided_by": .string(role == "artist" ? "artist" : "moderator"),
                    "at": .string(JSONText.iso(try row.get("created_at", as: Date.self))),
                ])
            }
            return (items, rows.count == limit ? try rows.last.map { try $0.get("event_id", as: Int64.self) } : nil)
        }
    }
}
