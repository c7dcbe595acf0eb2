import Foundation
import GRDB
import OptOutCore

/// The import's writes: one batch of checked lines in one transaction, each line that updates an artist in its own
/// savepoint so a bad line costs only itself.
extension ArtistRepository {
    func importBatch(_ prepared: [Result<ArtistImporter.PreparedLine, ArtistImporter.Rejection>]) throws -> ArtistImporter.Summary {
        try database.write { db -> ArtistImporter.Summary in
            var result = ArtistImporter.Summary()
            let now = Date()
            let findArtist = try db.cachedStatement(sql: "SELECT id, account_id FROM artist WHERE name_key = ? AND withdrawn_at IS NULL LIMIT 1")
            let heldBy = try db.cachedStatement(
                sql: "SELECT artist_id FROM phrase WHERE normalized = ? AND released_at IS NULL AND status IN ('active', 'pending_review') LIMIT 1"
            )
            let insertArtist = try db.cachedStatement(
                sql: "INSERT INTO artist (account_id, name, name_key, policy, verified, created_at, updated_at) VALUES (NULL, ?, ?, ?, 0, ?, ?)"
            )
            let insertLink = try db.cachedStatement(sql: "INSERT INTO artist_link (artist_id, url, position) VALUES (?, ?, ?)")
            let insertPhrase = try db.cachedStatement(
                sql: """
                    INSERT INTO phrase (artist_id, text, normalized, kind, position, status, review_reason, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for entry in prepared {
                let line: ArtistImporter.PreparedLine
                switch entry {
                case .failure(let rejection):
                    result.rejected.append(rejection)
                    continue
                case .success(let value):
                    line = value
                }
                if let row = try Row.fetchOne(findArtist, arguments: [line.nameKey]) {
                    let existingAccount: Int64? = row["account_id"]
                    if existingAccount == nil, try isUnchanged(db, artist: row["id"], line: line) {
                        result.unchanged += 1
                        continue
                    }
                    // An artist by this name exists: compare and update through the general path, in a savepoint so a
                    // clash costs only this line.
                    do {
                        try db.inSavepoint {
                            try importExisting(db, id: ID(row["id"]), accountId: row["account_id"], submission: line.submission, into: &result)
                            return .commit
                        }
                    } catch let error as DomainError {
                        result.rejected.append(.init(line: line.number, reason: error.message))
                    }
                    continue
                }
                // A new artist: refuse the line before writing anything if another artist holds one of its phrases.
                if let taken = try line.phrases.first(where: { try Int64.fetchOne(heldBy, arguments: [$0.key]) != nil }) {
                    result.rejected.append(.init(line: line.number, reason: "The phrase \"\(taken.text)\" is already held by another artist."))
                    continue
                }
                try insertArtist.execute(arguments: [line.submission.name, line.nameKey, line.submission.policy.rawValue, now, now])
                let artistId = db.lastInsertedRowID
                for (position, url) in line.submission.links.enumerated() {
                    try insertLink.execute(arguments: [artistId, url, position])
                }
                var held = 0
                for (position, phrase) in line.phrases.enumerated() {
                    let status: PhraseStatus = phrase.reviewReason == nil ? .active : .pendingReview
                    if status == .pendingReview { held += 1 }
                    try insertPhrase.execute(
                        arguments: [artistId, phrase.text, phrase.key, phrase.kind.rawValue, position, status.rawValue, phrase.reviewReason, now]
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
    private func isUnchanged(_ db: Database, artist: Int64, line: ArtistImporter.PreparedLine) throws -> Bool {
        let fields = try db.cachedStatement(sql: "SELECT name, policy FROM artist WHERE id = ?")
        guard let row = try Row.fetchOne(fields, arguments: [artist]),
            row["name"] as String == line.submission.name, row["policy"] as String == line.submission.policy.rawValue
        else { return false }
        let links = try db.cachedStatement(sql: "SELECT url FROM artist_link WHERE artist_id = ? ORDER BY position")
        guard try String.fetchAll(links, arguments: [artist]) == line.submission.links else { return false }
        let phrases = try db.cachedStatement(
            sql: "SELECT text, kind FROM phrase WHERE artist_id = ? AND released_at IS NULL ORDER BY position"
        )
        let live = try Row.fetchAll(phrases, arguments: [artist])
        guard live.count == line.phrases.count else { return false }
        for (row, phrase) in zip(live, line.phrases) where row["text"] as String != phrase.text || row["kind"] as String != phrase.kind.rawValue {
            return false
        }
        return true
    }

    private func importExisting(
        _ db: Database,
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
        guard var artist = try ArtistRecord.fetchOne(db, key: id.rawValue) else { return }
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
