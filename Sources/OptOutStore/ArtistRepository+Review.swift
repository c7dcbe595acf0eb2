import Foundation
import OptOutCore

extension ArtistRepository {
    // MARK: Phrase review

    package struct ReviewItem: Codable, Sendable {
        package let id: ID<PhraseRecord>
        package let text: String
        package let kind: PhraseKind
        package let status: PhraseStatus
        package let reviewReason: String?
        package let artistId: ID<ArtistRecord>
        package let artistName: String
        package let createdAt: Date

        package init(
            id: ID<PhraseRecord>,
            text: String,
            kind: PhraseKind,
            status: PhraseStatus,
            reviewReason: String?,
            artistId: ID<ArtistRecord>,
            artistName: String,
            createdAt: Date
        ) {
            self.id = id
            self.text = text
            self.kind = kind
            self.status = status
            self.reviewReason = reviewReason
            self.artistId = artistId
            self.artistName = artistName
            self.createdAt = createdAt
        }
    }

    /// Live phrases in `status`, oldest first, `limit` at a time after the phrase id `after`.
    package func phrases(status: PhraseStatus, after: Int64, limit: Int) async throws -> [ReviewItem] {
        try await store.read { db in
            try db.rows(
                """
                SELECT phrase.id, phrase.text, phrase.kind, phrase.status, phrase.review_reason, phrase.created_at,
                       artist.id AS artist_id, artist.name AS artist_name
                FROM phrase JOIN artist ON artist.id = phrase.artist_id
                WHERE phrase.status = ? AND phrase.released_at IS NULL AND phrase.id > ?
                ORDER BY phrase.id LIMIT ?
                """,
                [status.rawValue, after, limit]
            ).map { row in
                ReviewItem(
                    id: ID(try row.get("id")),
                    text: try row.get("text"),
                    kind: PhraseKind(rawValue: try row.get("kind")) ?? .name,
                    status: status,
                    reviewReason: try row.get("review_reason"),
                    artistId: ID(try row.get("artist_id")),
                    artistName: try row.get("artist_name"),
                    createdAt: try row.get("created_at")
                )
            }
        }
    }

    /// Moves a live phrase to `status` as a moderator's decision.
    package func review(phrase id: ID<PhraseRecord>, to status: PhraseStatus, by moderator: ID<AccountRecord>) async throws -> ArtistView.Phrase {
        try await store.write { db in
            guard var phrase = try db.fetchOne(PhraseRecord.self, id: id.rawValue), phrase.releasedAt == nil else {
                throw DomainError(.notFound, code: "not_found", message: "Phrase \(id) was not found, or its artist removed it.")
            }
            guard phrase.status != .disputed, phrase.status != .superseded, status != .disputed, status != .superseded else {
                throw DomainError(
                    .conflict,
                    code: "phrase_disputed",
                    message: "Phrase \(id) is part of a name dispute (\(phrase.status.rawValue)): decide the dispute instead."
                )
            }
            if phrase.status != status {
                phrase.status = status
                phrase.reviewedBy = moderator
                do {
                    try db.update(phrase)
                } catch  where StoreFailure.isUniqueViolation(error) {
                    throw DomainError(.conflict, code: "phrase_taken", message: "Another artist now holds \"\(phrase.text)\".")
                }
            }
            return .init(id: id, text: phrase.text, kind: phrase.kind, status: phrase.status, reviewReason: phrase.reviewReason)
        }
    }

    // MARK: The collision guard's revisions

    /// Applies the collision guard's current rule to the phrases already active, once per revision: those now under
    /// the rule go back to review. Returns how many moved, or nil when this revision was applied before.
    package func applyGuardRevision() async throws -> Int? {
        try await store.write { db -> Int? in
            let applied = try db.value(Int.self, "SELECT max(revision) FROM guard_revision") ?? 0
            guard applied < CollisionGuard.revision else { return nil }
            var held = 0
            // Folding revisions change keys (revision 3: letters with a stroke fold to their base, ligatures to
            // their letters, white space inside Han, kana and Hangul joins, apostrophes between letters drop;
            // revision 5: katakana's long-vowel mark and small tsu drop, small kana fold to full size, ・ joins
            // kana): keys are recomputed first. A phrase whose new key another live phrase already holds is a second spelling of
            // one name: it is rejected, with the reason, and the phrase that already held the key keeps it.
            for row in try db.rows("SELECT id, name, name_key FROM artist WHERE withdrawn_at IS NULL") {
                let key = PhraseKey.make(try row.get("name", as: String.self))
                if try key != row.get("name_key", as: String.self) {
                    try db.execute("UPDATE artist SET name_key = ? WHERE id = ?", [key, try row.get("id", as: Int64.self)])
                }
            }
            let live = try db.rows(
                "SELECT id, text, normalized FROM phrase WHERE released_at IS NULL AND status IN ('active', 'pending_review') ORDER BY id"
            )
            for row in live {
                let text: String = try row.get("text")
                let key = PhraseKey.make(text)
                guard try key != row.get("normalized", as: String.self), !key.isEmpty else { continue }
                let id: Int64 = try row.get("id")
                let taken = try db.value(
                    Bool.self,
                    "SELECT 1 FROM phrase WHERE normalized = ? AND released_at IS NULL AND status IN ('active', 'pending_review') AND id != ?",
                    [key, id]
                )
                if taken == true {
                    try db.execute(
                        "UPDATE phrase SET status = 'rejected', review_reason = ? WHERE id = ?",
                        ["\"\(text)\" now reads as another live phrase (folding revision \(CollisionGuard.revision))", id]
                    )
                }
                try db.execute("UPDATE phrase SET normalized = ? WHERE id = ?", [key, id])
            }
            let rows = try db.rows("SELECT id, text FROM phrase WHERE status = 'active' AND released_at IS NULL")
            let guardian = try rows.isEmpty ? nil : collisionGuard
            for row in rows {
                let text: String = try row.get("text")
                guard let reason = guardian?.reviewReason(for: text) else { continue }
                try db.execute(
                    "UPDATE phrase SET status = 'pending_review', review_reason = ? WHERE id = ?",
                    ["\"\(text)\" \(reason) (held by collision guard revision \(CollisionGuard.revision))", try row.get("id", as: Int64.self)]
                )
                held += 1
            }
            try db.execute(
                "INSERT INTO guard_revision (revision, held, applied_at) VALUES (?, ?, ?)",
                [CollisionGuard.revision, held, Date()]
            )
            return held
        }
    }

    // MARK: Registry

    package func registryVersion() async throws -> Int64 {
        try await store.read { db in try db.value(Int64.self, "SELECT version FROM registry_state WHERE id = 1") ?? 0 }
    }

    package func activePhraseCount() async throws -> Int {
        try await store.read { db in
            try db.value(Int.self, "SELECT count(*) FROM phrase WHERE status = 'active' AND released_at IS NULL") ?? 0
        }
    }
}
