import Foundation
import OptOutCore

/// The moderation queue's read models: the queue, an item, its history, a reporter's and an artist's view, and
/// the take-downs a generator polls.
extension ReportRepository {
    // MARK: Reading

    /// The queue: open items first, then by number of reporters, then oldest; keyset-paged.
    package func queue(
        status: ReportStatus?,
        after: QueueCursor?,
        limit: Int,
        now: Date = Date()
    ) async throws -> (items: [ReportItemView], next: QueueCursor?) {
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
                ReportItemView(
                    try ReportRecord(from: SQLRowDecoder(row: row)),
                    artistName: try row.get("artist_name"),
                    claimerName: try row.get("claimer_name"),
                    now: now
                )
            }
            let next =
                rows.count == limit
                ? try rows.last.map { QueueCursor(rank: try $0.get("rank"), reporterCount: try $0.get("reporter_count"), id: try $0.get("id")) } : nil
            return (items, next)
        }
    }

    /// One item with its snapshot, reporters and claim, for moderators.
    package func detail(_ id: ID<ReportRecord>, now: Date = Date()) async throws -> ReportItemView {
        try await store.read { db in try Self.detail(db, id: id, now: now) }
    }

    package static func detail(_ db: any SQLSession, id: ID<ReportRecord>, now: Date) throws -> ReportItemView {
        let report = try load(db, id)
        let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
        let claimer = try report.claimedBy.flatMap { try db.fetchOne(AccountRecord.self, id: $0.rawValue) }
        let reporters = try reporters(db, of: report)
        var item = ReportItemView(report, artistName: artist?.name ?? "", claimerName: claimer?.displayName, now: now)
        item.snapshot = StoredJSON.parse(report.snapshot)
        item.reporters = reporters.map {
            .init(accountId: $0.accountId.rawValue, category: $0.category.rawValue, details: $0.details, reportedAt: $0.createdAt)
        }
        item.artist = .init(
            id: report.artistId.rawValue,
            name: artist?.name ?? "",
            verified: artist?.verified ?? false,
            canRule: artist.map(Self.canRule) ?? false,
            status: artist?.withdrawnAt == nil ? "active" : "withdrawn"
        )
        return item
    }

    /// Every step of an item, oldest first.
    package func history(_ id: ID<ReportRecord>) async throws -> ReportHistoryView {
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
            let events = try rows.map { row in
                ReportEventView(try ReportEventRecord(from: SQLRowDecoder(row: row)), actorName: try row.get("actor_name"))
            }
            return ReportHistoryView(reportId: id.rawValue, events: events)
        }
    }

    /// The reports `account` filed, newest first, paged by report id.
    package func mine(account: ID<AccountRecord>, before: Int64?, limit: Int) async throws -> (items: [ReporterReportView], next: Int64?) {
        try await store.read { db in
            let items = try Self.reporterItems(
                db,
                account: account,
                filter: "report.id < ? ORDER BY report.id DESC LIMIT ?",
                arguments: [before ?? Int64.max, limit]
            )
            return (items, items.count == limit ? items.last.map(\.id) : nil)
        }
    }

    /// A report as its reporter sees it; 404 to anyone who did not file it.
    package func reporterView(_ id: ID<ReportRecord>, account: ID<AccountRecord>) async throws -> ReporterReportView {
        try await store.read { db in try Self.reporterView(db, id, account: account) }
    }

    package static func reporterView(_ db: any SQLSession, _ id: ID<ReportRecord>, account: ID<AccountRecord>) throws -> ReporterReportView {
        guard let item = try reporterItems(db, account: account, filter: "report.id = ?", arguments: [id]).first else {
            throw DomainError.notFound("Report \(id)")
        }
        return item
    }

    /// The reports `account` filed that pass `filter` (SQL after `WHERE ... AND`), each with that reporter's own filing.
    package static func reporterItems(
        _ db: any SQLSession,
        account: ID<AccountRecord>,
        filter: String,
        arguments: SQLArguments
    ) throws
        -> [ReporterReportView]
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
            ReporterReportView(
                try ReportRecord(from: SQLRowDecoder(row: row)),
                artistName: try row.get("artist_name"),
                category: try row.get("my_category"),
                details: try row.get("my_details"),
                reportedAt: try row.get("reported_at")
            )
        }
    }

    /// The items waiting for the rulings of the artists `account` owns.
    package func rulings(account: ID<AccountRecord>) async throws -> [RulingItemView] {
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
    package static func rulingItem(_ db: any SQLSession, report: ReportRecord) throws -> RulingItemView {
        let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
        let reporters = try reporters(db, of: report)
        let question = try db.value(
            String.self,
            "SELECT note FROM report_event WHERE report_id = ? AND action = 'ask_artist' ORDER BY id DESC LIMIT 1",
            [report.id]
        )
        return RulingItemView(
            id: report.id.rawValue,
            artistId: report.artistId.rawValue,
            artistName: artist?.name ?? "",
            target: ReportTargetView(report),
            category: report.category.rawValue,
            status: report.status.rawValue,
            reporterCount: report.reporterCount,
            reports: reporters.map { .init(category: $0.category.rawValue, details: $0.details) },
            snapshot: artistSnapshot(report.snapshot),
            moderatorNote: question,
            rulingDueAt: report.rulingDueAt,
            version: report.version,
            createdAt: report.createdAt
        )
    }

    /// The snapshot as the artist may see it: the prompt, credits and label, but not who generated the image.
    package static func artistSnapshot(_ stored: String) -> JSONValue {
        guard case .object(var snapshot) = StoredJSON.parse(stored) else { return StoredJSON.parse(stored) }
        if case .object(var generation) = snapshot["generation"] {
            generation.removeValue(forKey: "account_id")
            snapshot["generation"] = .object(generation)
        }
        return .object(snapshot)
    }

    /// Take-downs of generations `key` made, and their reversals, after event `after`, oldest first.
    package func takedowns(key: ID<APIKeyRecord>, after: Int64, limit: Int) async throws -> (items: [TakedownView], next: Int64?) {
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
            let items = try rows.map { row in
                let takenDown = (try row.get("to_status", as: String.self)) == ReportStatus.takenDown.rawValue
                let role: String = try row.get("actor_role")
                return TakedownView(
                    eventId: try row.get("event_id"),
                    reportId: try row.get("report_id"),
                    generationId: try row.get("generation_id"),
                    action: takenDown ? "taken_down" : "restored",
                    decidedBy: role == "artist" ? "artist" : "moderator",
                    at: try row.get("created_at")
                )
            }
            return (items, rows.count == limit ? try rows.last.map { try $0.get("event_id", as: Int64.self) } : nil)
        }
    }
}
