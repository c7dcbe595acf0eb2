import Foundation
import OptOutCore

extension ArtistRepository {
    /// Makes the artist's live phrases exactly `desired`: a phrase whose key is already live keeps its row,
    /// id and status; the rest are inserted with the collision guard's status, and the ones not wanted are released.
    package func replacePhrases(
        _ db: any SQLSession,
        artist: ID<ArtistRecord>,
        with desired: [(text: String, kind: PhraseKind)],
        now: Date,
        capUnreviewed: Bool = true
    ) throws -> PhraseChanges {
        var changes = PhraseChanges()
        var disputeBudget: DisputeBudget?
        // One account's phrases together must not refuse more than a sliver of ordinary prompts: past
        // CollisionGuard.maxUnreviewedPhrases that block without a moderator, new ones wait for one (the operator's
        // import is not capped).
        var unreviewed =
            try capUnreviewed
            ? db.value(
                Int.self,
                "SELECT count(*) FROM phrase WHERE artist_id = ? AND released_at IS NULL AND status = 'active' AND reviewed_by IS NULL",
                [artist]
            ) ?? 0 : 0
        var live = Dictionary(
            try db.fetchAll(PhraseRecord.self, "SELECT * FROM phrase WHERE artist_id = ? AND released_at IS NULL", [artist]).map {
                ($0.normalized, $0)
            },
            uniquingKeysWith: { first, _ in first }
        )
        for (position, phrase) in desired.enumerated() {
            let key = PhraseKey.make(phrase.text)
            if var existing = live.removeValue(forKey: key) {
                if existing.text != phrase.text || existing.kind != phrase.kind || existing.position != position {
                    existing.text = phrase.text
                    existing.kind = phrase.kind
                    existing.position = position
                    try db.update(existing)
                    changes.changedFields = true
                }
                continue
            }
            let reason = try collisionGuard.reviewReason(for: phrase.text)
            var record = PhraseRecord(
                artistId: artist,
                text: phrase.text,
                normalized: key,
                kind: phrase.kind,
                position: position,
                status: reason == nil ? .active : .pendingReview,
                reviewReason: reason.map { "\"\(phrase.text)\" \($0)" },
                reviewedBy: nil,
                createdAt: now,
                releasedAt: nil
            )
            if capUnreviewed, record.status == .active {
                if unreviewed >= CollisionGuard.maxUnreviewedPhrases {
                    record.status = .pendingReview
                    record.reviewReason =
                        "\"\(phrase.text)\" is past the \(CollisionGuard.maxUnreviewedPhrases) phrases a profile may have block without a moderator"
                } else {
                    unreviewed += 1
                }
            }
            // A moderator's rejection sticks to the key: removing and adding the phrase again does not undo it.
            if let rejectedBy = try Self.rejection(db, key: key) {
                record.status = .rejected
                record.reviewedBy = rejectedBy
                record.reviewReason = "\"\(phrase.text)\" was rejected by a moderator before; a moderator may approve it"
            }
            // Held by another artist: a verified one keeps it (409); an unverified one faces a name dispute.
            let holder = try Self.holder(db, key: key)
            if let holder {
                if try Self.verifiedForDisputes(db, artist: holder.artistId) {
                    throw DomainError(
                        .conflict,
                        code: "phrase_taken",
                        message: "The phrase \"\(phrase.text)\" is already held by a verified artist.",
                        field: Self.field(of: phrase.kind)
                    )
                }
                if record.status != .rejected {
                    if disputeBudget == nil { disputeBudget = try DisputeBudget(db, artist: artist, now: now) }
                    try disputeBudget!.spend(phrase: phrase.text, kind: phrase.kind)
                    record.status = .disputed
                    record.reviewReason = "\"\(phrase.text)\" is held by another, unverified artist: a moderator decides the name dispute"
                }
            }
            do {
                record.id = try db.insertedID(record)
            } catch  where StoreFailure.isUniqueViolation(error) {
                throw DomainError(
                    .conflict,
                    code: "phrase_taken",
                    message: "The phrase \"\(phrase.text)\" is already held by another artist.",
                    field: Self.field(of: phrase.kind)
                )
            }
            if let holder, record.status == .disputed { try Self.openDispute(db, holder: holder, challenger: record, actor: nil, now: now) }
            changes.inserted += 1
            if reason != nil || holder != nil { changes.heldForReview += 1 }
        }
        for var stale in live.values {
            stale.releasedAt = now
            try db.update(stale)
            try Self.settleReleased(db, phrase: stale.id.rawValue, now: now)
            changes.released += 1
        }
        return changes
    }

    /// The submission's field a phrase of `kind` comes from, for errors about it.
    package static func field(of kind: PhraseKind) -> String {
        switch kind {
        case .name: "name"
        case .alias: "aliases"
        case .creation: "creations"
        }
    }

    /// The moderator whose latest review of this key (any artist's phrase, released or not) rejected it, if so.
    package static func rejection(_ db: any SQLSession, key: String) throws -> ID<AccountRecord>? {
        guard
            let row = try db.row(
                """
                SELECT status, reviewed_by FROM phrase
                WHERE normalized = ? AND reviewed_by IS NOT NULL AND status IN ('active', 'rejected') ORDER BY id DESC LIMIT 1
                """,
                [key]
            ),
            try row.get("status", as: String.self) == PhraseStatus.rejected.rawValue
        else { return nil }
        return ID(try row.get("reviewed_by", as: Int64.self))
    }

    /// How many name disputes an artist may still open: at most ``maxOpenDisputes`` open at once, and at most
    /// ``maxDisputesPerDay`` opened in a day by the artists of its account, so one account cannot challenge a
    /// registry's worth of names in one request.
    package struct DisputeBudget {
        package static let maxOpenDisputes = 10
        package static let maxDisputesPerDay = 5
        package var open: Int
        package var today: Int

        package init(_ db: any SQLSession, artist: ID<ArtistRecord>, now: Date) throws {
            open =
                try db.value(
                    Int.self,
                    """
                    SELECT count(*) FROM name_dispute JOIN phrase ON phrase.id = name_dispute.challenger_phrase_id
                    WHERE name_dispute.status = 'open' AND phrase.artist_id = ?
                    """,
                    [artist]
                ) ?? 0
            today =
                try db.value(
                    Int.self,
                    """
                    SELECT count(*) FROM name_dispute
                    JOIN phrase ON phrase.id = name_dispute.challenger_phrase_id
                    JOIN artist ON artist.id = phrase.artist_id
                    WHERE name_dispute.created_at > ?
                      AND (artist.id = ? OR artist.account_id = (SELECT account_id FROM artist WHERE id = ?))
                    """,
                    [now.addingTimeInterval(-86_400), artist, artist]
                ) ?? 0
        }

        package mutating func spend(phrase: String, kind: PhraseKind) throws {
            let field = ArtistRepository.field(of: kind)
            guard open < Self.maxOpenDisputes else {
                throw DomainError(
                    .tooManyRequests,
                    code: "too_many_disputes",
                    message: "\"\(phrase)\" is held by another artist, and this artist already has \(Self.maxOpenDisputes) open name disputes; "
                        + "wait for a moderator to decide them.",
                    field: field,
                    retryAfterSeconds: 86_400
                )
            }
            guard today < Self.maxDisputesPerDay else {
                throw DomainError(
                    .tooManyRequests,
                    code: "too_many_disputes",
                    message: "\"\(phrase)\" is held by another artist, and this account opened \(Self.maxDisputesPerDay) name disputes in the "
                        + "last day; try again tomorrow.",
                    field: field,
                    retryAfterSeconds: 86_400
                )
            }
            open += 1
            today += 1
        }
    }
}
