import Foundation
import OptOutCore

/// The import's writes: one batch of checked lines in one transaction, each line that updates an artist in its own
/// savepoint so a bad line costs only itself.
extension ArtistRepository {
    func importBatch(_ prepared: [Result<ArtistImporter.PreparedLine, ArtistImporter.Rejection>]) async throws -> ArtistImporter.Summary {
        try await store.write { db -> ArtistImporter.Summary in
            var result = ArtistImporter.Summary()
            let now = Date()
            for entry in prepared {
                let line: ArtistImporter.PreparedLine
                switch entry {
                case .failure(let rejection):
                    result.rejected.append(rejection)
                    continue
                case .success(let value):
                    line = value
                }
                if let row = try db.row("SELECT id, account_id FROM artist WHERE name_key = ? AND withdrawn_at IS NULL LIMIT 1", [line.nameKey]) {
                    let existingAccount: Int64? = try row.get("account_id")
                    if existingAccount == nil, try isUnchanged(db, artist: try row.get("id"), line: line) {
                        result.unchanged += 1
                        continue
                    }
                    // An artist by this name exists: compare and update through the general path, in a savepoint so a
                    // clash costs only this line.
                    do {
                        try db.savepoint {
                            try importExisting(
                                db,
                                id: ID(try row.get("id")),
                                accountId: try row.get("account_id"),
                                submission: line.submission,
                                into: &result
                            )
                        }
                    } catch let error as DomainError {
                        result.rejected.append(.init(line: line.number, reason: error.message))
                    }
                    continue
                }
                // A new artist: refuse the line before writing anything if another artist holds one of its phrases.
                if let taken = try line.phrases.first(where: {
                    try db.value(
                        Int64.self,
                        "SELECT artist_id FROM phrase WHERE normalized = ? AND released_at IS NULL AND status IN ('active', 'pending_review') LIMIT 1",
                        [$0.key]
                    ) != nil
                }) {
                    result.rejected.append(.init(line: line.number, reason: "The phrase \"\(taken.text)\" is already held by another artist."))
                    continue
                }
                let artistId = try db.value(
                    Int64.self,
                    "INSERT INTO artist (account_id, name, name_key, policy, verified, created_at, updated_at) VALUES (NULL, ?, ?, ?, false, ?, ?) RETURNING id",
                    [line.submission.name, line.nameKey, line.submission.policy.rawValue, now, now]
                )
                for (position, url) in line.submission.links.enumerated() {
                    try db.execute("INSERT INTO artist_link (artist_id, url, position) VALUES (?, ?, ?)", [artistId, url, position])
                }
                var held = 0
                for (position, phrase) in line.phrases.enumerated() {
                    let status: PhraseStatus = phrase.reviewReason == nil ? .active : .pendingReview
                    if status == .pendingReview { held += 1 }
                    try db.execute(
                        """
                        INSERT INTO phrase (artist_id, text, normalized, kind, position, status, review_reason, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [artistId, phrase.text, phrase.key, phrase.kind.rawValue, position, status.rawValue, phrase.reviewReason, now]
                    )
                }
                result.imported += 1
                if held > 0 {
                    result.heldForReview += 1
                    result.phrasesHeldForReview += held
                }
            }
            return result
        }
    }

    /// Whether a live imported artist already matches the line exactly: name, policy, links and phrases in order.
    private func isUnchanged(_ db: any SQLSession, artist: Int64, line: ArtistImporter.PreparedLine) throws -> Bool {
        guard let row = try db.row("SELECT name, policy FROM artist WHERE id = ?", [artist]),
            try row.get("name", as: String.self) == line.submission.name, try row.get("policy", as: String.self) == line.submission.policy.rawValue
        else { return false }
        let links = try db.column(String.self, "SELECT url FROM artist_link WHERE artist_id = ? ORDER BY position", [artist])
        guard links == line.submission.links else { return false }
        let live = try db.rows("SELECT text, kind FROM phrase WHERE artist_id = ? AND released_at IS NULL ORDER BY position", [artist])
        guard live.count == line.phrases.count else { return false }
        for (row, phrase) in zip(live, line.phrases)
        where try row.get("text", as: String.self) != phrase.text || (try row.get("kind", as: String.self)) != phrase.kind.rawValue {
            return false
        }
        return true
    }

    private func importExisting(
        _ db: any SQLSession,
        id: ID<ArtistRecord>,
        accountId: Int64?,
        submission: ArtistSubmission,
        into result: inout ArtistImporter.Summary
    ) throws {
        guard accountId == nil else {
            throw DomainError(
                .conflict,
                code: "artist_has_account",
                message: "\(submission.name) manages their own profile (artist \(id)); the import leaves it alone."
            )
        }
        guard var artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue) else { return }
        let changes = try apply(db, submission: submission, to: &artist, now: Date())
        if changes.changed { result.updated += 1 } else { result.unchanged += 1 }
        count(changes, into: &result)
    }

    private func count(_ changes: PhraseChanges, into result: inout ArtistImporter.Summary) {
        if changes.heldForReview > 0 {
            result.heldForReview += 1
            result.phrasesHeldForReview += changes.heldForReview
        }
    }
}
