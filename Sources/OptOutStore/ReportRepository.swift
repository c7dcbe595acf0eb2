import Foundation
import OptOutCore

/// The moderation queue in the database: reports, claims, decisions, rulings, and the audit trail. Filing and the
/// shared steps are here; moderators' and artists' commands are in `ReportCommands.swift`, the read models in
/// `ReportQueries.swift`, the JSON shapes outside the store in `Moderation/ReportViews.swift`.
///
/// Every change of an item and its audit event are written in one transaction, so the trail never misses a step.
package struct ReportRepository: Sendable {
    package let store: any SQLStore
    /// How long the artist has to rule before the item returns to the moderators.
    package let rulingWindow: TimeInterval
    package let claimLifetime: TimeInterval
    package let perHour: Int

    /// Who acts, and in which capacity.
    package struct Actor: Sendable {
        package let account: AccountRecord
        package var id: ID<AccountRecord> { account.id }
        package var moderatorRole: ReportEventRecord.ActorRole { account.role == .admin ? .admin : .moderator }

        package init(account: AccountRecord) {
            self.account = account
        }
    }

    // MARK: Filing

    package struct Filing: Sendable {
        package let artistId: Int64
        package let target: ReportTarget
        package let category: ReportCategory
        package let details: String

        package init(artistId: Int64, target: ReportTarget, category: ReportCategory, details: String) {
            self.artistId = artistId
            self.target = target
            self.category = category
            self.details = details
        }
    }

    package enum FilingOutcome: Sendable {
        /// A new queue item.
        case created
        /// The reporter joined an existing item.
        case joined
        /// The reporter had already reported this target and artist; nothing changed.
        case alreadyReported
    }

    /// Files `filing`; returns what happened and the report as its reporter sees it.
    package func file(
        _ filing: Filing,
        by reporter: AccountRecord,
        now: Date = Date()
    ) async throws -> (
        outcome: FilingOutcome, id: ID<ReportRecord>, view: ReporterReportView
    ) {
        let perHour = self.perHour
        return try await store.write { db in
            guard let artist = try db.fetchOne(ArtistRecord.self, id: filing.artistId), artist.withdrawnAt == nil else {
                throw DomainError(
                    .invalid,
                    code: "unknown_artist",
                    message: "There is no artist \(filing.artistId) in the registry.",
                    field: "artist_id"
                )
            }
            let existing = try db.fetchOne(
                ReportRecord.self,
                "SELECT * FROM report WHERE artist_id = ? AND target_kind = ? AND target = ?",
                [artist.id, filing.target.kind, filing.target.value]
            )
            if let existing,
                try db.value(Int64.self, "SELECT 1 FROM report_reporter WHERE report_id = ? AND account_id = ?", [existing.id, reporter.id]) != nil
            {
                return (.alreadyReported, existing.id, try Self.reporterView(db, existing.id, account: reporter.id))
            }
            try Self.checkRate(db, account: reporter.id, now: now, perHour: perHour)
            var report: ReportRecord
            if let existing {
                report = existing
            } else {
                report = ReportRecord(
                    artistId: artist.id,
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
                report.id = try db.insertedID(report)
            }
            let reporterRow = ReportReporterRecord(
                reportId: report.id,
                accountId: reporter.id,
                category: filing.category,
                details: filing.details,
                createdAt: now
            )
            try db.insert(reporterRow)
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
            return (existing == nil ? .created : .joined, report.id, try Self.reporterView(db, report.id, account: reporter.id))
        }
    }

    /// 429 with Retry-After once the account filed `perHour` reports in the last hour.
    private static func checkRate(_ db: any SQLSession, account: ID<AccountRecord>, now: Date, perHour: Int) throws {
        let since = now.addingTimeInterval(-3600)
        let row = try db.row(
            "SELECT count(*) AS n, min(created_at) AS oldest FROM report_reporter WHERE account_id = ? AND created_at > ?",
            [account, since]
        )
        let count = try row?.get("n", as: Int.self) ?? 0
        guard count >= perHour else { return }
        let oldest = try row?.get("oldest", as: Date?.self) ?? now
        let wait = max(1, Int((oldest.addingTimeInterval(3600).timeIntervalSince(now)).rounded(.up)))
        throw DomainError(
            .tooManyRequests,
            code: "too_many_reports",
            message: "An account may file \(perHour) reports an hour; try again in \(wait) seconds.",
            retryAfterSeconds: wait
        )
    }

    /// What was reported, as it is now: the generation's prompt, credits and label, or the image URL; and the artist.
    private static func snapshot(_ db: any SQLSession, target: ReportTarget, artist: ArtistRecord, now: Date) throws -> String {
        var snapshot: [String: JSONValue] = [
            "artist": .object([
                "id": .int(artist.id.rawValue),
                "name": .string(artist.name),
                "policy": .string(artist.policy.rawValue),
                "verified": .bool(artist.verified),
            ]),
            "taken_at": .string(JSONText.iso(now)),
        ]
        switch target {
        case .generation(let publicId):
            guard let row = try db.row("SELECT * FROM generation WHERE public_id = ?", [publicId]) else {
                throw DomainError(
                    .invalid,
                    code: "unknown_generation",
                    message: "There is no generation \(publicId).",
                    field: "target.generation_id"
                )
            }
            guard try row.get("status", as: Int.self) == 201 else {
                throw DomainError(
                    .invalid,
                    code: "generation_not_allowed",
                    message: "Generation \(publicId) was refused, so it made no image to report.",
                    field: "target.generation_id"
                )
            }
            let created: String = JSONText.iso(try row.get("created_at", as: Date.self))
            let creditsText: String = try row.get("credits")
            let accountId: Int64 = try row.get("account_id")
            let prompt: String = try row.get("prompt")
            let generator: String = try row.get("generator")
            let credits: [JSONValue] = StoredCredits.names(creditsText).map(JSONValue.string)
            let storedCredits: JSONValue = StoredJSON.parse(creditsText)
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

    // MARK: Helpers

    package static func canRule(_ artist: ArtistRecord) -> Bool {
        RulingEligibility.canRule(verified: artist.verified, hasAccount: artist.accountId != nil, withdrawn: artist.withdrawnAt != nil)
    }

    package static func whyCannotRule(_ artist: ArtistRecord?, id: ID<ArtistRecord>) -> String {
        RulingEligibility.obstacle(
            id: id.rawValue,
            exists: artist != nil,
            verified: artist?.verified ?? false,
            hasAccount: artist?.accountId != nil,
            withdrawn: artist?.withdrawnAt != nil
        ) ?? ""
    }

    package static func reporters(_ db: any SQLSession, of report: ReportRecord) throws -> [ReportReporterRecord] {
        try db.fetchAll(ReportReporterRecord.self, "SELECT * FROM report_reporter WHERE report_id = ? ORDER BY created_at", [report.id])
    }

    package static func load(_ db: any SQLSession, _ id: ID<ReportRecord>) throws -> ReportRecord {
        guard let report = try db.fetchOne(ReportRecord.self, id: id.rawValue) else { throw DomainError.notFound("Report \(id)") }
        return report
    }

    /// The workflow's next state; an illegal step is a 409 carrying the current state.
    package static func transition(_ report: ReportRecord, _ action: ReportAction) throws -> ReportStatus {
        do {
            return try ReportWorkflow.next(from: report.status, action: action)
        } catch {
            throw DomainError(.conflict, code: error.code, message: error.message, details: ["status": .string(report.status.rawValue)])
        }
    }

    package static func checkVersion(_ report: ReportRecord, _ version: Int64) throws {
        guard report.version == version else {
            throw DomainError(
                .conflict,
                code: "version_conflict",
                message: "Report \(report.id) changed since you read it (version \(version), now \(report.version)); read it again.",
                field: "version",
                details: ["version": .int(report.version), "status": .string(report.status.rawValue)]
            )
        }
    }

    package static func claimedError(_ db: any SQLSession, id: ID<ReportRecord>, holder: Int64, until: Date) throws -> DomainError {
        let name = try db.value(String.self, "SELECT display_name FROM account WHERE id = ?", [holder]) ?? "another moderator"
        return DomainError(
            .conflict,
            code: "claimed",
            message: "\(name) (account \(holder)) holds report \(id) until \(JSONText.iso(until)).",
            details: [
                "claimed_by": .int(holder),
                "claimed_by_name": .string(name),
                "claim_expires_at": .string(JSONText.iso(until)),
            ]
        )
    }

    /// Writes the changed `report` and its audit event, in the caller's transaction. A step to another state (`next`)
    /// raises the version, so a decision made on what was read before is refused.
    package static func save(
        _ db: any SQLSession,
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
        try db.update(report)
        try record(db, report, actor: actor, role: role, action: action, from: from, note: note, now: now)
    }

    package static func record(
        _ db: any SQLSession,
        _ report: ReportRecord,
        actor: ID<AccountRecord>?,
        role: ReportEventRecord.ActorRole,
        action: String,
        from: ReportStatus?,
        note: String?,
        now: Date
    ) throws {
        let event = ReportEventRecord(
            reportId: report.id,
            actorAccountId: actor,
            actorRole: role,
            action: action,
            fromStatus: from,
            toStatus: report.status,
            note: note,
            createdAt: now
        )
        try db.insert(event)
    }

    package init(store: any SQLStore, rulingWindow: TimeInterval, claimLifetime: TimeInterval, perHour: Int) {
        self.store = store
        self.rulingWindow = rulingWindow
        self.claimLifetime = claimLifetime
        self.perHour = perHour
    }
}
