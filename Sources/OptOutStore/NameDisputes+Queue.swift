import Foundation
import OptOutCore

extension ArtistRepository {
    // MARK: The moderators' view

    /// Open disputes first, then decided ones, oldest first; `after` is the last id seen.
    package func disputes(status: String?, after: Int64, limit: Int) async throws -> [NameDisputeView] {
        try await store.read { db in
            let ids = try db.column(
                Int64.self,
                "SELECT id FROM name_dispute WHERE (CAST(? AS TEXT) IS NULL OR status = ?) AND id > ? ORDER BY id LIMIT ?",
                [status, status, after, limit]
            )
            return try ids.compactMap { try Self.disputeView(db, id: $0, full: false) }
        }
    }

    package func dispute(id: Int64) async throws -> NameDisputeView? {
        try await store.read { db in try Self.disputeView(db, id: id, full: true) }
    }

    package static func disputeView(_ db: any SQLSession, id: Int64, full: Bool) throws -> NameDisputeView? {
        guard let row = try db.row("SELECT * FROM name_dispute WHERE id = ?", [id]) else { return nil }
        func side(_ phraseId: Int64) throws -> NameDisputeView.Side? {
            guard let phrase = try db.fetchOne(PhraseRecord.self, id: phraseId),
                let artist = try db.fetchOne(ArtistRecord.self, id: phrase.artistId.rawValue)
            else { return nil }
            var view = NameDisputeView.Side(
                artistId: artist.id.rawValue,
                artistName: artist.name,
                phraseId: phraseId,
                phrase: phrase.text,
                phraseStatus: phrase.releasedAt == nil ? phrase.status.rawValue : "released",
                verified: artist.verified,
                verifiedForDisputes: try verifiedForDisputes(db, artist: artist.id),
                artistCreatedAt: artist.createdAt
            )
            if full {
                view.links = try db.column(String.self, "SELECT url FROM artist_link WHERE artist_id = ? ORDER BY position", [artist.id])
                view.verifiedLinks = try db.column(
                    String.self,
                    "SELECT url FROM artist_verified_link WHERE artist_id = ? ORDER BY id",
                    [artist.id]
                )
                let account = try artist.accountId.flatMap { try db.fetchOne(AccountRecord.self, id: $0.rawValue) }
                view.account = Nullable(
                    wrappedValue: account.map {
                        .init(id: $0.id.rawValue, createdAt: $0.createdAt, ageDays: Int64(max(0, Date().timeIntervalSince($0.createdAt)) / 86_400))
                    }
                )
            }
            return view
        }
        var view = NameDisputeView(
            id: id,
            status: try row.get("status"),
            winner: try row.get("winner"),
            decidedHow: try row.get("decided_how"),
            version: try row.get("version"),
            createdAt: try row.get("created_at"),
            decidedAt: try row.get("decided_at"),
            holder: try side(try row.get("holder_phrase_id")),
            challenger: try side(try row.get("challenger_phrase_id"))
        )
        if full {
            let events = try db.rows(
                """
                SELECT name_dispute_event.*, account.email FROM name_dispute_event
                LEFT JOIN account ON account.id = name_dispute_event.actor_account_id
                WHERE dispute_id = ? ORDER BY name_dispute_event.id
                """,
                [id]
            )
            view.history = try events.map { event in
                .init(
                    action: try event.get("action"),
                    accountId: try event.get("actor_account_id"),
                    note: try event.get("note"),
                    at: try event.get("created_at")
                )
            }
        }
        return view
    }

    /// A moderator's decision on an open dispute.
    package func decideDispute(
        id: Int64,
        winner: DisputeSide,
        note: String,
        version: Int64?,
        by moderator: ID<AccountRecord>
    ) async throws -> NameDisputeView {
        try await store.write { db in
            guard let row = try db.row("SELECT status, version FROM name_dispute WHERE id = ?", [id]) else {
                throw DomainError(.notFound, code: "not_found", message: "Name dispute \(id) was not found.")
            }
            guard try row.get("status", as: String.self) == "open" else {
                throw DomainError(.conflict, code: "dispute_decided", message: "Name dispute \(id) was already decided.")
            }
            if let version, try version != row.get("version", as: Int64.self) {
                throw DomainError(
                    .conflict,
                    code: "version_conflict",
                    message: "Name dispute \(id) changed since version \(version); it is at version \(try row.get("version", as: Int64.self))."
                )
            }
            try Self.settle(db, dispute: id, winner: winner, how: "moderator", actor: moderator, note: note, now: Date())
            return try Self.disputeView(db, id: id, full: true)!
        }
    }
}
