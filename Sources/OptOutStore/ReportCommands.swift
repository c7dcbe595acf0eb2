import Foundation
import OptOutCore

/// Moderators' and artists' commands on the queue: claim, release, decide, reopen, rule, and the ruling sweep.
extension ReportRepository {
    // MARK: Moderators

    package func claim(_ id: ID<ReportRecord>, by actor: Actor, now: Date = Date()) async throws -> ReportItemView {
        let lifetime = claimLifetime
        return try await store.write { db in
            var report = try Self.load(db, id)
            guard report.status == .open else {
                throw DomainError(
                    .conflict,
                    code: "report_not_open",
                    message: "Report \(id) is \(report.status.rawValue.replacingOccurrences(of: "_", with: " ")); only open reports are claimed.",
                    details: ["status": .string(report.status.rawValue)]
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

    package func release(_ id: ID<ReportRecord>, by actor: Actor, now: Date = Date()) async throws -> ReportItemView {
        try await store.write { db in
            var report = try Self.load(db, id)
            switch ReportClaim.standing(of: report.claim(at: now), for: actor.id.rawValue) {
            case .free:
                throw DomainError(.conflict, code: "not_claimed", message: "Nobody holds report \(id).")
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
    package func decide(
        _ id: ID<ReportRecord>,
        decision: ReportAction.Decision,
        note: String,
        version: Int64,
        by actor: Actor,
        now: Date = Date()
    ) async throws -> ReportItemView {
        let window = rulingWindow
        return try await store.write { db in
            var report = try Self.load(db, id)
            let next = try Self.transition(report, .decide(decision))
            switch ReportClaim.standing(of: report.claim(at: now), for: actor.id.rawValue) {
            case .mine: break
            case .free:
                throw DomainError(
                    .conflict,
                    code: "claim_required",
                    message: "Claim report \(id) before deciding it (POST /v1/moderation/reports/\(id)/claim)."
                )
            case .heldBy(let holder, let until):
                throw try Self.claimedError(db, id: id, holder: holder, until: until)
            }
            try Self.checkVersion(report, version)
            if decision == .askArtist {
                let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
                guard let artist, Self.canRule(artist) else {
                    throw DomainError(
                        .conflict,
                        code: "artist_cannot_rule",
                        message: Self.whyCannotRule(artist, id: report.artistId),
                        details: ["status": .string(report.status.rawValue)]
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
    package func reopen(_ id: ID<ReportRecord>, note: String, version: Int64?, by actor: Actor, now: Date = Date()) async throws -> ReportItemView {
        try await store.write { db in
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
    package func rule(
        _ id: ID<ReportRecord>,
        verdict: ReportAction.Verdict,
        note: String?,
        by account: AccountRecord,
        now: Date = Date()
    ) async throws
        -> RulingItemView
    {
        try await store.write { db in
            var report = try Self.load(db, id)
            let artist = try db.fetchOne(ArtistRecord.self, id: report.artistId.rawValue)
            guard let owner = artist?.accountId, owner == account.id else {
                throw DomainError.forbidden("Only the artist the report is about may rule on report \(id).")
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
    package func returnUnanswered(now: Date = Date()) async throws -> Int {
        try await store.write { db in
            let due = try db.fetchAll(
                ReportRecord.self,
                "SELECT * FROM report WHERE status = ? AND ruling_due_at <= ? ORDER BY id",
                [ReportStatus.awaitingArtist.rawValue, now]
            )
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
}
