import Foundation
import GRDB
import OptOutCore

/// The moderation queue in the database: reports, claims, decisions, rulings, and the audit trail.
///
/// Every change of an item and its audit event are written in one transaction, so the trail never misses a step.
struct ReportRepository: Sendable {
    let database: AppDatabase
    /// How long the artist has to rule before the item returns to the moderators.
    let rulingWindow: TimeInterval
    let claimLifetime: TimeInterval
    let perHour: Int

    /// Who acts, and in which capacity.
    struct Actor: Sendable {
        let account: AccountRecord
        var id: ID<AccountRecord> { account.id! }
        var moderatorRole: ReportEventRecord.ActorRole { account.role == .admin ? .admin : .moderator }
    }

    // MARK: Filing

    struct Filing: Sendable {
        let artistId: Int64
        let target: ReportTarget
        let category: ReportCategory
        let details: String
    }

    enum FilingOutcome: Sendable {
        /// A new queue item.
        case created
        /// The reporter joined an existing item.
        case joined
        /// The reporter had already reported this target and artist; nothing changed.
        case alreadyReported
    }

    /// Files `filing`; returns what happened and the report as its reporter sees it.
    func file(
        _ filing: Filing,
        by reporter: AccountRecord,
        now: Date = Date()
    ) throws -> (
        outcome: FilingOutcome, id: ID<ReportRecord>, view: [String: JSONValue]
    ) {
        let perHour = self.perHour
        return try database.write { db in
            guard let artist = try ArtistRecord.fetchOne(db, key: filing.artistId), artist.withdrawnAt == nil else {
                throw APIError(
                    .unprocessableContent,
                    code: "unknown_artist",
                    message: "There is no artist \(filing.artistId) in the registry.",
                    field: "artist_id"
                )
            }
            let existing = try ReportRecord.filter(
                Column("artist_id") == artist.id && Column("target_kind") == filing.target.kind && Column("target") == filing.target.value
            ).fetchOne(db)
            if let existing,
                try ReportReporterRecord.filter(Column("report_id") == existing.id && Column("account_id") == reporter.id).fetchCount(db) > 0
            {
                return (.alreadyReported, existing.id!, try Self.reporterView(db, existing.id!, account: reporter.id!))
            }
            try Self.checkRate(db, account: reporter.id!, now: now, perHour: perHour)
            var report: ReportRecord
            if let existing {
                report = existing
            } else {
                report = ReportRecord(
                    artistId: artist.id!,
                    targetKind: filing.target.kind,
                    target: filing.target.value,
                    category: filing.category,
                    status: .open,
                    reporterCount: 0,
                    snapshot: try Self.snapshot(db, target: filing.target, artist: artist, now: now),
                    unanswered: false,
                    version: 1,
                    createdAt: now,
                    updatedAt: now
                )
                try report.insert(db)
            }
            var reporterRow = ReportReporterRecord(
                reportId: report.id!,
                accountId: reporter.id!,
                category: filing.category,
                details: filing.details,
                createdAt: now
            )
            try reporterRow.insert(db)
            try Self.record(
                db,
                report,
                actor: reporter.id,
                role: .reporter,
                action: existing == nil ? "filed" : "reporter_added",
                from: existing?.status,
                note: filing.details.isEmpty ? nil : filing.details,
                now: now
            )
            return (existing == nil ? .created : .joined, report.id!, try Self.reporterView(db, report.id!, account: reporter.id!))
        }
    }

    /// 429 with Retry-After once the account filed `perHour` reports in the last hour.
    private static func checkRate(_ db: Database, account: ID<AccountRecord>, now: Date, perHour: Int) throws {
        let since = now.addingTimeInterval(-3600)
        let row = try Row.fetchOne(
            db,
            sql: "SELECT count(*) AS n, min(created_at) AS oldest FROM report_reporter WHERE account_id = ? AND created_at > ?",
            arguments: [account, since]
        )
        let count: Int = row?["n"] ?? 0
        guard count >= perHour else { return }
        let oldest: Date = row?["oldest"] ?? now
        let wait = max(1, Int((oldest.addingTimeInterval(3600).timeIntervalSince(now)).rounded(.up)))
        throw APIError(
            .tooManyRequests,
            code: "too_many_reports",
            message: "An account may file \(perHour) reports an hour; try again in \(wait) seconds.",
            headers: [.retryAfter: String(wait)]
        )
    }

    /// What was reported, as it is now: the generation's prompt, credits and label, or the image URL; and the artist.
    private static func snapshot(_ db: Database, target: ReportTarget, artist: ArtistRecord, now: Date) throws -> String {
        var snapshot: [String: JSONValue] = [
            "artist": .object([
                "id": .int(artist.id!.rawValue),
                "name": .string(artist.name),
                "policy": .string(artist.policy.rawValue),
                "verified": .bool(artist.verified),
            ]),
            "taken_at": .string(JSONText.iso(now)),
        ]
        switch target {
        case .generation(let publicId):
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM generation WHERE public_id = ?", arguments: [publicId]) else {
                throw APIError(
                    .unprocessableContent,
                    code: "unknown_generation",
                    message: "There is no generation \(publicId).",
                    field: "target.generation_id"
                )
            }
            guard row["status"] as Int == 201 else {
                throw APIError(
                    .unprocessableContent,
                    code: "generation_not_allowed",
                    message: "Generation \(publicId) was refused, so it made no image to report.",
                    field: "target.generation_id"
                )
            }
            let created: String = JSONText.iso(row["created_at"] as Date)
            let creditsText: String = row["credits"]
            let accountId: Int64 = row["account_id"]
            let prompt: String = row["prompt"]
            let generator: String = row["generator"]
            let credits: [JSONValue] = GenerationsController.creditNames(creditsText).map(JSONValue.string)
            let storedCredits: JSONValue = ReportViews.parse(creditsText)
            let label: [String: JSONValue] = [
                "digital_source_type": .string(AILabel.digitalSourceType),
                "generation_id": .string(publicId),
                "generator": .string(generator),
                "created_at": .string(created),
                "credits": .array(credits),
            ]
            let generation: [String: JSONValue] = [
                "id": .string(publicId),
                "account_id": .int(accountId),
                "prompt": .string(prompt),
                "credits": storedCredits,
                "generator": .string(generator),
                "created_at": .string(created),
                "label": .object(label),
            ]
            snapshot["generation"] = .object(generation)
        case .imageURL(let url):
            snapshot["image_url"] = .string(url)
        }
        return String(decoding: try JSONEncoder.api.encode(JSONValue.object(snapshot)), as: UTF8.self)
    }

    // MARK: Reading

    /// The queue: open items first, then by number of reporters, then oldest; keyset-paged.
    func queue(status: ReportStatus?, after: QueueCursor?, limit: Int, now: Date = Date()) throws -> (items: [JSONValue], next: QueueCursor?) {
        try database.read { db in
            var sql = """
                SELECT report.*, artist.name AS artist_name, claimer.display_name AS claimer_name,
                    (report.status <> 'open') AS rank
                FROM report JOIN artist ON artist.id = report.artist_id
                LEFT JOIN account AS claimer ON claimer.id = report.claimed_by
                WHERE 1
                """
            var arguments: StatementArguments = []
            if let status {
                sql += " AND report.status = ?"
                arguments += [status.rawValue]
            }
            // With one status the rank is constant: order as the report_status_queue index does, so the page is a seek.
            let rank = status == nil ? "(report.status <> 'open'), " : ""
            if let after {
                sql += " AND (\(rank)-report.reporter_count, report.id) > (\(status == nil ? "?, " : "")?, ?)"
                if status == nil { arguments += [after.rank] }
                arguments += [-after.reporterCount, after.id]
            }
            sql += " ORDER BY \(rank)report.reporter_count DESC, report.id LIMIT ?"
            arguments += [limit]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let items = try rows.map { row in
                JSONValue.object(
                    ReportViews.queueItem(try ReportRecord(row: row), artistName: row["artist_name"], claimerName: row["claimer_name"], now: now)
                )
            }
            let next = rows.count == limit ? rows.last.map { QueueCursor(rank: $0["rank"], reporterCount: $0["reporter_count"], id: $0["id"]) } : nil
            return (items, next)
        }
    }

    /// One item with its snapshot, reporters and claim, for moderators.
    func detail(_ id: ID<ReportRecord>, now: Date = Date()) throws -> JSONValue {
        try database.read { db in try Self.detail(db, id: id, now: now) }
    }

    static func detail(_ db: Database, id: ID<ReportRecord>, now: Date) throws -> JSONValue {
        let report = try load(db, id)
        let artist = try ArtistRecord.fetchOne(db, key: report.artistId.rawValue)
        let claimer = try report.claimedBy.flatMap { try AccountRecord.fetchOne(db, key: $0.rawValue) }
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
    func history(_ id: ID<ReportRecord>) throws -> [JSONValue] {
        try database.read { db in
            guard try ReportRecord.exists(db, key: id.rawValue) else { throw APIError.notFound("Report \(id)") }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT report_event.*, account.display_name AS actor_name FROM report_event
                    LEFT JOIN account ON account.id = report_event.actor_account_id
                    WHERE report_id = ? ORDER BY report_event.id
                    """,
                arguments: [id]
            )
            return try rows.map { row in
                let event = try ReportEventRecord(row: row)
                return ReportViews.event(event, actorName: row["actor_name"])
            }
        }
    }

    /// The reports `account` filed, newest first, paged by report id.
    func mine(account: ID<AccountRecord>, before: Int64?, limit: Int) throws -> (items: [JSONValue], next: Int64?) {
        try database.read { db in
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
    func reporterView(_ id: ID<ReportRecord>, account: ID<AccountRecord>) throws -> [String: JSONValue] {
        try database.read { db in try Self.reporterView(db, id, account: account) }
    }

    private static func reporterView(_ db: Database, _ id: ID<ReportRecord>, account: ID<AccountRecord>) throws -> [String: JSONValue] {
        guard let item = try reporterItems(db, account: account, filter: "report.id = ?", arguments: [id]).first else {
            throw APIError.notFound("Report \(id)")
        }
        return item.view
    }

    /// The reports `account` filed that pass `filter` (SQL after `WHERE ... AND`), each with that reporter's own filing.
    private static func reporterItems(
        _ db: Database,
        account: ID<AccountRecord>,
        filter: String,
        arguments: StatementArguments
    ) throws
        -> [(id: Int64, view: [String: JSONValue])]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT report.*, artist.name AS artist_name, report_reporter.category AS my_category,
                    report_reporter.details AS my_details, report_reporter.created_at AS reported_at
                FROM report_reporter JOIN report ON report.id = report_reporter.report_id
                JOIN artist ON artist.id = report.artist_id
                WHERE report_reporter.account_id = ? AND \(filter)
                """,
            arguments: [account] + arguments
        )
        return try rows.map { row in
            let view = ReportViews.reporterItem(
                try ReportRecord(row: row),
                artistName: row["artist_name"],
                category: row["my_category"],
                details: row["my_details"],
                reportedAt: row["reported_at"]
            )
            return (row["id"], view)
        }
    }

    /// The items waiting for the rulings of the artists `account` owns.
    func rulings(account: ID<AccountRecord>) throws -> [JSONValue] {
        try database.read { db in
            let reports = try ReportRecord.fetchAll(
                db,
                sql: """
                    SELECT report.* FROM report JOIN artist ON artist.id = report.artist_id
                    WHERE artist.account_id = ? AND report.status = 'awaiting_artist' ORDER BY report.ruling_due_at, report.id
                    """,
                arguments: [account]
            )
            return try reports.map { try Self.rulingItem(db, report: $0) }
        }
    }

    /// What the artist sees: the snapshot, what reporters said (not who they are), and the moderator's question.
    static func rulingItem(_ db: Database, report: ReportRecord) throws -> JSONValue {
        let artist = try ArtistRecord.fetchOne(db, key: report.artistId.rawValue)
        let reporters = try reporters(db, of: report)
        let question = try String.fetchOne(
            db,
            sql: "SELECT note FROM report_event WHERE report_id = ? AND action = 'ask_artist' ORDER BY id DESC LIMIT 1",
            arguments: [report.id]
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
    func takedowns(key: ID<APIKeyRecord>, after: Int64, limit: Int) throws -> (items: [JSONValue], next: Int64?) {
        try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT report_event.id AS event_id, report_event.report_id, report_event.to_status, report_event.actor_role,
                        report_event.created_at, report.target AS generation_id
                    FROM report_event JOIN report ON report.id = report_event.report_id
                    JOIN generation ON generation.public_id = report.target
                    WHERE (report_event.to_status = 'taken_down'
                            OR (report_event.from_status = 'taken_down' AND report_event.action = 'reopened'))
                        AND report_event.id > ? AND report.target_kind = 'generation' AND generation.api_key_id = ?
                    ORDER BY report_event.id LIMIT ?
                    """,
                arguments: [after, key, limit]
            )
            let items: [JSONValue] = rows.map { row in
                let takenDown = (row["to_status"] as String) == ReportStatus.takenDown.rawValue
                let role: String = row["actor_role"]
                return .object([
                    "event_id": .int(row["event_id"]),
                    "report_id": .int(row["report_id"]),
                    "generation_id": .string(row["generation_id"]),
                    "action": .string(takenDown ? "taken_down" : "restored"),
                    "decided_by": .string(role == "artist" ? "artist" : "moderator"),
                    "at": .string(JSONText.iso(row["created_at"] as Date)),
                ])
            }
            return (items, rows.count == limit ? rows.last.map { $0["event_id"] } : nil)
        }
    }

    // MARK: Moderators

    func claim(_ id: ID<ReportRecord>, by actor: Actor, now: Date = Date()) throws -> JSONValue {
        let lifetime = claimLifetime
        return try database.write { db in
            var report = try Self.load(db, id)
            guard report.status == .open else {
                throw APIError(
                    .conflict,
                    code: "report_not_open",
                    message: "Report \(id) is \(report.status.rawValue.replacingOccurrences(of: "_", with: " ")); only open reports are claimed.",
                    extra: ["status": .string(report.status.rawValue)]
                )
            }
            if case .heldBy(let holder, let until) = ReportClaim.standing(of: report.claim(at: now), for: actor.id.rawValue) {
                throw try Self.claimedError(db, id: id, holder: holder, until: until)
            }
            report.claimedBy = actor.id
            report.claimExpiresAt = now.addingTimeInterval(lifetime)
            try Self.save(db, &report, actor: actor.id, role: actor.moderatorRole, action: "claimed", note: nil, now: now)
            return try Self.detail(db, id: id, now: now)
        }
    }

    func release(_ id: ID<ReportRecord>, by actor: Actor, now: Date = Date()) throws -> JSONValue {
        try database.write { db in
            var report = try Self.load(db, id)
            switch ReportClaim.standing(of: report.claim(at: now), for: actor.id.rawValue) {
            case .free:
                throw APIError(.conflict, code: "not_claimed", message: "Nobody holds report \(id).")
            case .heldBy(let holder, let until) where actor.account.role < .admin:
                throw try Self.claimedError(db, id: id, holder: holder, until: until)
            case .heldBy, .mine:
                break
            }
            report.claimedBy = nil
            report.claimExpiresAt = nil
            try Self.save(db, &report, actor: actor.id, role: actor.moderatorRole, action: "released", note: nil, now: now)
            return try Self.detail(db, id: id, now: now)
        }
    }

    /// A moderator's decision on an open item they hold.
    func decide(
        _ id: ID<ReportRecord>,
        decision: ReportAction.Decision,
        note: String,
        version: Int64,
        by actor: Actor,
        now: Date = Date()
    ) throws -> JSONValue {
        let window = rulingWindow
        return try database.write { db in
            var report = try Self.load(db, id)
            let next = try Self.transition(report, .decide(decision))
            switch ReportClaim.standing(of: report.claim(at: now), for: actor.id.rawValue) {
            case .mine: break
            case .free:
                throw APIError(
                    .conflict,
                    code: "claim_required",
                    message: "Claim report \(id) before deciding it (POST /v1/moderation/reports/\(id)/claim)."
                )
            case .heldBy(let holder, let until):
                throw try Self.claimedError(db, id: id, holder: holder, until: until)
            }
            try Self.checkVersion(report, version)
            if decision == .askArtist {
                let artist = try ArtistRecord.fetchOne(db, key: report.artistId.rawValue)
                guard let artist, Self.canRule(artist) else {
                    throw APIError(
                        .conflict,
                        code: "artist_cannot_rule",
                        message: Self.whyCannotRule(artist, id: report.artistId),
                        extra: ["status": .string(report.status.rawValue)]
                    )
                }
                report.rulingDueAt = now.addingTimeInterval(window)
            } else {
                report.decidedByRole = "moderator"
                report.decidedAt = now
            }
            report.claimedBy = nil
            report.claimExpiresAt = nil
            report.unanswered = false
            try Self.save(db, &report, to: next, actor: actor.id, role: actor.moderatorRole, action: decision.rawValue, note: note, now: now)
            return try Self.detail(db, id: id, now: now)
        }
    }

    /// A moderator reopens a decided item.
    func reopen(_ id: ID<ReportRecord>, note: String, version: Int64?, by actor: Actor, now: Date = Date()) throws -> JSONValue {
        try database.write { db in
            var report = try Self.load(db, id)
            let next = try Self.transition(report, .reopen)
            if let version { try Self.checkVersion(report, version) }
            report.decidedAt = nil
            report.decidedByRole = nil
            report.unanswered = false
            try Self.save(db, &report, to: next, actor: actor.id, role: actor.moderatorRole, action: "reopened", note: note, now: now)
            return try Self.detail(db, id: id, now: now)
        }
    }

    // MARK: Artists

    /// The artist's ruling on an item sent to them: only by the account that owns the item's artist.
    func rule(
        _ id: ID<ReportRecord>,
        verdict: ReportAction.Verdict,
        note: String?,
        by account: AccountRecord,
        now: Date = Date()
    ) throws
        -> JSONValue
    {
        try database.write { db in
            var report = try Self.load(db, id)
            let artist = try ArtistRecord.fetchOne(db, key: report.artistId.rawValue)
            guard let owner = artist?.accountId, owner == account.id else {
                throw APIError.forbidden("Only the artist the report is about may rule on report \(id).")
            }
            let next = try Self.transition(report, .rule(verdict))
            report.rulingDueAt = nil
            report.decidedByRole = "artist"
            report.decidedAt = now
            let action = verdict == .imitation ? "ruled_imitation" : "ruled_not_imitation"
            try Self.save(db, &report, to: next, actor: account.id, role: .artist, action: action, note: note, now: now)
            return try Self.rulingItem(db, report: report)
        }
    }

    /// Returns to the moderators, marked unanswered, every item whose artist did not rule in time.
    /// - Returns: how many items came back.
    @discardableResult
    func returnUnanswered(now: Date = Date()) throws -> Int {
        try database.write { db in
            let due = try ReportRecord.filter(Column("status") == ReportStatus.awaitingArtist.rawValue && Column("ruling_due_at") <= now)
                .order(Column("id")).fetchAll(db)
            for var report in due {
                let next = try Self.transition(report, .artistTimedOut)
                report.rulingDueAt = nil
                report.unanswered = true
                try Self.save(
                    db,
                    &report,
                    to: next,
                    actor: nil,
                    role: .system,
                    action: "artist_timed_out",
                    note: "The artist did not rule in time.",
                    now: now
                )
            }
            return due.count
        }
    }

    // MARK: Helpers

    static func canRule(_ artist: ArtistRecord) -> Bool {
        artist.verified && artist.accountId != nil && artist.withdrawnAt == nil
    }

    private static func whyCannotRule(_ artist: ArtistRecord?, id: ID<ArtistRecord>) -> String {
        guard let artist else { return "Artist \(id) no longer exists." }
        if artist.withdrawnAt != nil { return "Artist \(id) withdrew from the registry, so cannot be asked; decide it yourself." }
        if artist.accountId == nil { return "Artist \(id) was imported and has no account to rule with; decide it yourself." }
        return "Artist \(id) is not verified, so cannot be asked to rule; verify the artist first or decide it yourself."
    }

    private static func reporters(_ db: Database, of report: ReportRecord) throws -> [ReportReporterRecord] {
        try ReportReporterRecord.filter(Column("report_id") == report.id).order(Column("created_at")).fetchAll(db)
    }

    private static func load(_ db: Database, _ id: ID<ReportRecord>) throws -> ReportRecord {
        guard let report = try ReportRecord.fetchOne(db, key: id.rawValue) else { throw APIError.notFound("Report \(id)") }
        return report
    }

    /// The workflow's next state; an illegal step is a 409 carrying the current state.
    private static func transition(_ report: ReportRecord, _ action: ReportAction) throws -> ReportStatus {
        do {
            return try ReportWorkflow.next(from: report.status, action: action)
        } catch {
            throw APIError(.conflict, code: error.code, message: error.message, extra: ["status": .string(report.status.rawValue)])
        }
    }

    private static func checkVersion(_ report: ReportRecord, _ version: Int64) throws {
        guard report.version == version else {
            throw APIError(
                .conflict,
                code: "version_conflict",
                message: "Report \(report.id!) changed since you read it (version \(version), now \(report.version)); read it again.",
                field: "version",
                extra: ["version": .int(report.version), "status": .string(report.status.rawValue)]
            )
        }
    }

    private static func claimedError(_ db: Database, id: ID<ReportRecord>, holder: Int64, until: Date) throws -> APIError {
        let name = try String.fetchOne(db, sql: "SELECT display_name FROM account WHERE id = ?", arguments: [holder]) ?? "another moderator"
        return APIError(
            .conflict,
            code: "claimed",
            message: "\(name) (account \(holder)) holds report \(id) until \(JSONText.iso(until)).",
            extra: [
                "claimed_by": .int(holder),
                "claimed_by_name": .string(name),
                "claim_expires_at": .string(JSONText.iso(until)),
            ]
        )
    }

    /// Writes the changed `report` and its audit event, in the caller's transaction. A step to another state (`next`)
    /// raises the version, so a decision made on what was read before is refused.
    private static func save(
        _ db: Database,
        _ report: inout ReportRecord,
        to next: ReportStatus? = nil,
        actor: ID<AccountRecord>?,
        role: ReportEventRecord.ActorRole,
        action: String,
        note: String?,
        now: Date
    ) throws {
        let from = report.status
        if let next {
            report.status = next
            report.version += 1
        }
        report.updatedAt = now
        try report.update(db)
        try record(db, report, actor: actor, role: role, action: action, from: from, note: note, now: now)
    }

    private static func record(
        _ db: Database,
        _ report: ReportRecord,
        actor: ID<AccountRecord>?,
        role: ReportEventRecord.ActorRole,
        action: String,
        from: ReportStatus?,
        note: String?,
        now: Date
    ) throws {
        var event = ReportEventRecord(
            reportId: report.id!,
            actorAccountId: actor,
            actorRole: role,
            action: action,
            fromStatus: from,
            toStatus: report.status,
            note: note,
            createdAt: now
        )
        try event.insert(db)
    }
}

/// The place in the queue after which the next page starts: `rank.reporters.id`.
struct QueueCursor: Sendable, Equatable {
    let rank: Int
    let reporterCount: Int
    let id: Int64

    var text: String { "\(rank).\(reporterCount).\(id)" }

    init(rank: Int, reporterCount: Int, id: Int64) {
        self.rank = rank
        self.reporterCount = reporterCount
        self.id = id
    }

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // Digits only, as the OpenAPI pattern `^[01]\.[0-9]{1,18}\.[0-9]{1,18}$` says (Int("+1") would pass).
        guard parts.count == 3, parts[0] == "0" || parts[0] == "1",
            parts.dropFirst().allSatisfy({ (1...18).contains($0.count) && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let rank = Int(parts[0]), let count = Int(parts[1]), let id = Int64(parts[2])
        else { return nil }
        self.init(rank: rank, reporterCount: count, id: id)
    }
}

/// The JSON shapes of reports.
enum ReportViews {
    static func parse(_ json: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))) ?? .null
    }

    static func target(_ report: ReportRecord) -> JSONValue {
        .object([report.targetKind == "generation" ? "generation_id" : "image_url": .string(report.target)])
    }

    static func outcome(_ report: ReportRecord) -> JSONValue {
        guard report.status == .takenDown || report.status == .dismissed else { return .null }
        return .object([
            "result": .string(report.status.rawValue),
            "decided_by": report.decidedByRole.map(JSONValue.string) ?? .null,
            "decided_at": report.decidedAt.map { .string(JSONText.iso($0)) } ?? .null,
        ])
    }

    static func queueItem(_ report: ReportRecord, artistName: String, claimerName: String?, now: Date) -> [String: JSONValue] {
        let claim = report.claim(at: now)
        return [
            "id": .int(report.id!.rawValue),
            "artist_id": .int(report.artistId.rawValue),
            "artist_name": .string(artistName),
            "target": target(report),
            "category": .string(report.category.rawValue),
            "status": .string(report.status.rawValue),
            "unanswered": .bool(report.unanswered),
            "reporter_count": .int(Int64(report.reporterCount)),
            "claimed_by": claim.map { .int($0.holder) } ?? .null,
            "claimed_by_name": claim != nil ? (claimerName.map(JSONValue.string) ?? .null) : .null,
            "claim_expires_at": claim.map { .string(JSONText.iso($0.expiresAt)) } ?? .null,
            "ruling_due_at": report.rulingDueAt.map { .string(JSONText.iso($0)) } ?? .null,
            "outcome": outcome(report),
            "version": .int(report.version),
            "created_at": .string(JSONText.iso(report.createdAt)),
            "updated_at": .string(JSONText.iso(report.updatedAt)),
        ]
    }

    static func reporterItem(
        _ report: ReportRecord,
        artistName: String,
        category: String,
        details: String,
        reportedAt: Date
    ) -> [String: JSONValue] {
        [
            "id": .int(report.id!.rawValue),
            "artist_id": .int(report.artistId.rawValue),
            "artist_name": .string(artistName),
            "target": target(report),
            "category": .string(category),
            "details": .string(details),
            "status": .string(report.status.rawValue),
            "outcome": outcome(report),
            "reporter_count": .int(Int64(report.reporterCount)),
            "reported_at": .string(JSONText.iso(reportedAt)),
            "updated_at": .string(JSONText.iso(report.updatedAt)),
        ]
    }

    static func event(_ event: ReportEventRecord, actorName: String?) -> JSONValue {
        .object([
            "id": .int(event.id!),
            "report_id": .int(event.reportId.rawValue),
            "at": .string(JSONText.iso(event.createdAt)),
            "actor": .object([
                "account_id": event.actorAccountId.map { .int($0.rawValue) } ?? .null,
                "role": .string(event.actorRole.rawValue),
                "display_name": actorName.map(JSONValue.string) ?? .null,
            ]),
            "action": .string(event.action),
            "from_status": event.fromStatus.map { .string($0.rawValue) } ?? .null,
            "to_status": .string(event.toStatus.rawValue),
            "note": event.note.map(JSONValue.string) ?? .null,
        ])
    }
}
