import Foundation
import OptOutCore

/// Name disputes: a phrase held by an unverified artist that another artist registered too.
///
/// The second artist's phrase waits as `disputed` (it does not block) while a moderator compares the two profiles.
/// The dispute ends when a moderator decides it, when a moderator verifies one side (or an artist verifies a site of
/// theirs) while the other is not verified, or when one side lets the phrase go; the winner's phrase becomes
/// `active` (the holder's stays as it was), the loser's `superseded`.
extension ArtistRepository {
    /// Whether an artist counts as verified in a dispute: verified by a moderator for its current name. A verified
    /// page proves control of that page's host, nothing about a name: it is evidence the moderators see, never a
    /// decision.
    package static func verifiedForDisputes(_ db: any SQLSession, artist: ID<ArtistRecord>) throws -> Bool {
        try db.value(Bool.self, "SELECT verified FROM artist WHERE id = ?", [artist]) ?? false
    }

    /// The live phrase that holds `key` now, if any.
    package static func holder(_ db: any SQLSession, key: String) throws -> PhraseRecord? {
        try db.fetchOne(
            PhraseRecord.self,
            "SELECT * FROM phrase WHERE normalized = ? AND released_at IS NULL AND status IN ('active', 'pending_review')",
            [key]
        )
    }

    /// Opens a dispute of `challenger` against the phrase `holder`.
    package static func openDispute(_ db: any SQLSession, holder: PhraseRecord, challenger: PhraseRecord, actor: ID<AccountRecord>?, now: Date) throws
    {
        let dispute = try db.value(
            Int64.self,
            "INSERT INTO name_dispute (holder_phrase_id, challenger_phrase_id, created_at) VALUES (?, ?, ?) RETURNING id",
            [holder.id, challenger.id, now]
        )
        try event(
            db,
            dispute: dispute ?? 0,
            action: "opened",
            actor: actor,
            note: "\"\(challenger.text)\" is held by another artist",
            now: now
        )
    }

    package static func event(_ db: any SQLSession, dispute: Int64, action: String, actor: ID<AccountRecord>?, note: String?, now: Date) throws {
        try db.execute(
            "INSERT INTO name_dispute_event (dispute_id, actor_account_id, action, note, created_at) VALUES (?, ?, ?, ?, ?)",
            [dispute, actor, action, note, now]
        )
    }

    package enum DisputeSide: String, Codable, Sendable {
        case holder
        case challenger
    }

    /// Ends an open dispute: the loser's phrase is superseded, then the winner's (when it waited as disputed)
    /// becomes active.
    package static func settle(
        _ db: any SQLSession,
        dispute id: Int64,
        winner: DisputeSide,
        how: String,
        actor: ID<AccountRecord>?,
        note: String?,
        now: Date
    ) throws {
        guard let row = try db.row("SELECT * FROM name_dispute WHERE id = ? AND status = 'open'", [id]) else { return }
        let holderId: Int64 = try row.get("holder_phrase_id")
        let challengerId: Int64 = try row.get("challenger_phrase_id")
        let (winnerId, loserId) = winner == .holder ? (holderId, challengerId) : (challengerId, holderId)
        try db.execute(
            "UPDATE phrase SET status = 'superseded' WHERE id = ? AND released_at IS NULL AND status <> 'rejected'",
            [loserId]
        )
        if winner == .challenger {
            // Other challengers of the same holder now face the new holder: they stay disputed, pointed at it.
            try db.execute("UPDATE phrase SET status = 'active' WHERE id = ? AND released_at IS NULL", [winnerId])
            try db.execute(
                "UPDATE name_dispute SET holder_phrase_id = ? WHERE holder_phrase_id = ? AND status = 'open' AND id <> ?",
                [winnerId, holderId, id]
            )
        }
        try db.execute(
            """
            UPDATE name_dispute SET status = 'decided', winner = ?, decided_how = ?, decided_by = ?, decided_at = ?, version = version + 1
            WHERE id = ?
            """,
            [winner.rawValue, how, actor, now, id]
        )
        let action = how == "released" ? "released" : "decided_\(winner.rawValue)"
        try event(db, dispute: id, action: action, actor: actor, note: note, now: now)
    }

    /// Ends the open disputes a released phrase was part of: the other side wins.
    package static func settleReleased(_ db: any SQLSession, phrase: Int64, now: Date) throws {
        let asHolder = try db.column(
            Int64.self,
            "SELECT id FROM name_dispute WHERE holder_phrase_id = ? AND status = 'open' ORDER BY id",
            [phrase]
        )
        // The oldest challenger takes the name; later ones stay disputed against it.
        if let first = asHolder.first {
            try settle(db, dispute: first, winner: .challenger, how: "released", actor: nil, note: "the holder let the phrase go", now: now)
        }
        let asChallenger = try db.column(
            Int64.self,
            "SELECT id FROM name_dispute WHERE challenger_phrase_id = ? AND status = 'open'",
            [phrase]
        )
        for id in asChallenger {
            try settle(db, dispute: id, winner: .holder, how: "released", actor: nil, note: "the challenger let the phrase go", now: now)
        }
    }

    /// Ends the open disputes of `artist` that its verification decides: against an unverified other side, the
    /// verified side wins.
    package static func settleByVerification(_ db: any SQLSession, artist: ID<ArtistRecord>, actor: ID<AccountRecord>?, now: Date) throws {
        let rows = try db.rows(
            """
            SELECT name_dispute.id, holder.artist_id AS holder_artist, challenger.artist_id AS challenger_artist
            FROM name_dispute
            JOIN phrase AS holder ON holder.id = name_dispute.holder_phrase_id
            JOIN phrase AS challenger ON challenger.id = name_dispute.challenger_phrase_id
            WHERE name_dispute.status = 'open' AND (holder.artist_id = ? OR challenger.artist_id = ?)
            ORDER BY name_dispute.id
            """,
            [artist, artist]
        )
        for row in rows {
            let holderArtist = ID<ArtistRecord>(try row.get("holder_artist", as: Int64.self))
            let challengerArtist = ID<ArtistRecord>(try row.get("challenger_artist", as: Int64.self))
            let side: DisputeSide = holderArtist == artist ? .holder : .challenger
            let other = side == .holder ? challengerArtist : holderArtist
            guard try !verifiedForDisputes(db, artist: other) else { continue }
            // A challenger wins only while its phrase still waits (another challenger may have taken the name).
            try settle(
                db,
                dispute: try row.get("id"),
                winner: side,
                how: "verification",
                actor: actor,
                note: "artist \(artist) was verified",
                now: now
            )
        }
    }

    /// Reopens a decided dispute whose loser's phrase is still on its profile (superseded): the loser's phrase waits
    /// as `disputed` again, against whichever phrase holds the key now (the winner, or a later holder); when no one
    /// holds it any more, the loser takes it at once.
    package func reopen(_ db: any SQLSession, dispute id: Int64, actor: ID<AccountRecord>?, note: String, now: Date) throws {
        guard let row = try db.row("SELECT * FROM name_dispute WHERE id = ?", [id]) else {
            throw DomainError(.notFound, code: "not_found", message: "Name dispute \(id) was not found.")
        }
        guard try row.get("status", as: String.self) == "decided", let winner = try row.get("winner", as: String?.self) else {
            throw DomainError(.conflict, code: "dispute_open", message: "Name dispute \(id) is open: decide it instead.")
        }
        let holderWon = winner == DisputeSide.holder.rawValue
        let loserId: Int64 = try row.get(holderWon ? "challenger_phrase_id" : "holder_phrase_id")
        let winnerId: Int64 = try row.get(holderWon ? "holder_phrase_id" : "challenger_phrase_id")
        guard let loser = try db.fetchOne(PhraseRecord.self, id: loserId), loser.releasedAt == nil, loser.status == .superseded else {
            throw DomainError(
                .conflict,
                code: "dispute_not_reopenable",
                message: "The phrase that lost name dispute \(id) is no longer on its profile as superseded; nothing to reopen."
            )
        }
        try db.execute(
            """
            UPDATE name_dispute SET status = 'open', winner = NULL, decided_how = NULL, decided_by = NULL, decided_at = NULL,
                version = version + 1, holder_phrase_id = ?, challenger_phrase_id = ?
            WHERE id = ?
            """,
            [try Self.holder(db, key: loser.normalized)?.id.rawValue ?? winnerId, loserId, id]
        )
        try db.execute(
            "UPDATE phrase SET status = 'disputed', review_reason = ? WHERE id = ?",
            ["\"\(loser.text)\" is disputed again: a moderator decides the name dispute", loserId]
        )
        try Self.event(db, dispute: id, action: "reopened", actor: actor, note: note, now: now)
        if try Self.holder(db, key: loser.normalized) == nil {
            // The other side let the phrase go meanwhile: the contesting side takes it, as when a holder releases.
            try Self.settle(db, dispute: id, winner: .challenger, how: "released", actor: nil, note: "no other artist holds the phrase", now: now)
            if try collisionGuard.reviewReason(for: loser.text) != nil {
                try db.execute("UPDATE phrase SET status = 'pending_review' WHERE id = ? AND status = 'active'", [loserId])
            }
        }
    }

    /// The disputes `artist` lost without a moderator's decision to an artist no moderator verified: reopened, so
    /// that a moderator's verification of `artist` (which follows) decides them.
    package func reopenLostWithoutModerator(_ db: any SQLSession, artist: ID<ArtistRecord>, actor: ID<AccountRecord>?, now: Date) throws {
        let rows = try db.rows(
            """
            SELECT name_dispute.id, winner_phrase.artist_id AS winner_artist FROM name_dispute
            JOIN phrase AS loser ON loser.id = CASE name_dispute.winner WHEN 'holder' THEN name_dispute.challenger_phrase_id
                                                                      ELSE name_dispute.holder_phrase_id END
            JOIN phrase AS winner_phrase ON winner_phrase.id = CASE name_dispute.winner WHEN 'holder' THEN name_dispute.holder_phrase_id
                                                                                      ELSE name_dispute.challenger_phrase_id END
            WHERE name_dispute.status = 'decided' AND name_dispute.decided_how <> 'moderator'
              AND loser.artist_id = ? AND loser.status = 'superseded' AND loser.released_at IS NULL
            ORDER BY name_dispute.id
            """,
            [artist]
        )
        for row in rows {
            guard try !Self.verifiedForDisputes(db, artist: ID(try row.get("winner_artist", as: Int64.self))) else { continue }
            try reopen(db, dispute: try row.get("id"), actor: actor, note: "artist \(artist) was verified by a moderator", now: now)
        }
    }

    /// A moderator reopens a decided dispute (reversing a settlement takes a reopening, then a decision).
    package func reopenDispute(id: Int64, note: String, version: Int64?, by moderator: ID<AccountRecord>) async throws -> NameDisputeView {
        try await store.write { db in
            guard let current = try db.value(Int64.self, "SELECT version FROM name_dispute WHERE id = ?", [id]) else {
                throw DomainError(.notFound, code: "not_found", message: "Name dispute \(id) was not found.")
            }
            if let version, version != current {
                throw DomainError(
                    .conflict,
                    code: "version_conflict",
                    message: "Name dispute \(id) changed since version \(version); it is at version \(current)."
                )
            }
            try reopen(db, dispute: id, actor: moderator, note: note, now: Date())
            return try Self.disputeView(db, id: id, full: true)!
        }
    }

    /// The artist whose phrase a dispute superseded contests it: the dispute opens again for a moderator, unless a
    /// moderator decided it (then only a moderator reopens it) or the holder is verified by a moderator.
    package func contest(artist: ID<ArtistRecord>, phrase: ID<PhraseRecord>, note: String, by account: ID<AccountRecord>) async throws -> ArtistView {
        try await store.write { db in
            guard let record = try db.fetchOne(PhraseRecord.self, id: phrase.rawValue), record.artistId == artist, record.releasedAt == nil else {
                throw DomainError(.notFound, code: "not_found", message: "Phrase \(phrase) is not a live phrase of artist \(artist).")
            }
            guard record.status == .superseded,
                let row = try db.row(
                    """
                    SELECT id, decided_how FROM name_dispute
                    WHERE status = 'decided' AND ((winner = 'holder' AND challenger_phrase_id = ?) OR (winner = 'challenger' AND holder_phrase_id = ?))
                    ORDER BY id DESC LIMIT 1
                    """,
                    [phrase, phrase]
                )
            else {
                throw DomainError(
                    .conflict,
                    code: "phrase_not_superseded",
                    message: "Phrase \(phrase) is \(record.status.rawValue): only a phrase a name dispute superseded can be contested."
                )
            }
            guard try row.get("decided_how", as: String.self) != "moderator" else {
                throw DomainError(
                    .conflict,
                    code: "decided_by_moderator",
                    message: "A moderator decided this name dispute; ask the moderators (the service's contact) to reopen it."
                )
            }
            if let holder = try Self.holder(db, key: record.normalized), try Self.verifiedForDisputes(db, artist: holder.artistId) {
                throw DomainError(.conflict, code: "phrase_taken", message: "The phrase \"\(record.text)\" is held by a verified artist.")
            }
            try reopen(db, dispute: try row.get("id"), actor: account, note: note.isEmpty ? "contested by the artist" : note, now: Date())
            return try Self.view(db, id: artist)!
        }
    }
}

extension ArtistRepository {
    /// The token the artist may put on a listed page to verify it; made on first use.
    package func verificationToken(artist: ID<ArtistRecord>) async throws -> String {
        try await store.write { db in
            if let token = try db.value(String.self, "SELECT token FROM artist_verification_token WHERE artist_id = ?", [artist]) {
                return token
            }
            let token = "optout-verify-" + RandomToken.make(prefix: "").prefix(32)
            try db.execute(
                "INSERT INTO artist_verification_token (artist_id, token, created_at) VALUES (?, ?, ?)",
                [artist, token, Date()]
            )
            return token
        }
    }

    /// Records a listed page the artist proved is theirs: links to all of its host are no longer held. It decides no
    /// name dispute: a page proves control of its host, not a name; moderators see it beside the dispute.
    package func recordVerifiedLink(artist: ID<ArtistRecord>, url: String, method: SiteProof.Method) async throws -> ArtistView {
        try await store.write { db in
            guard let host = LinkRules.host(of: url) else {
                throw DomainError(.invalid, code: "invalid_link", message: "\(url) is not an http or https URL.", field: "url")
            }
            try db.execute(
                """
                INSERT INTO artist_verified_link (artist_id, url, host, method, verified_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (artist_id, url) DO UPDATE SET method = excluded.method, verified_at = excluded.verified_at
                """,
                [artist, url, host, method.rawValue, Date()]
            )
            let held = try db.rows("SELECT id, url FROM artist_link WHERE artist_id = ? AND held = true", [artist])
            for link in held where LinkRules.host(of: try link.get("url")) == host {
                try db.execute("UPDATE artist_link SET held = false WHERE id = ?", [try link.get("id", as: Int64.self)])
            }
            return try Self.view(db, id: artist)!
        }
    }

    /// The pages the artist verified.
    package func verifiedLinks(artist: ID<ArtistRecord>) async throws -> [String] {
        try await store.read { db in
            try db.column(String.self, "SELECT url FROM artist_verified_link WHERE artist_id = ? ORDER BY id", [artist])
        }
    }
}
