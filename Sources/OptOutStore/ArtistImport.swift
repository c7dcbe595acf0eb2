import Foundation
import OptOutCore

/// The import's writes: one batch of checked lines in one transaction, each line that updates an artist in its own
/// savepoint so a bad line costs only itself.
extension ArtistRepository {
    /// Imports one batch in one transaction. New artists, the usual line of a first import, are written set-wise:
    /// the batch's live names and held phrases are read in a few statements, and the new artists, their links and
    /// phrases go in as multi-row inserts, so a batch costs a handful of round trips on PostgreSQL rather than ten a
    /// line. A line naming an artist that exists takes the general path, one line at a time, as before; the outcome
    /// is the same as writing the lines one by one in order.
    package func importBatch(_ prepared: [Result<PreparedImportLine, ArtistImportRejection>]) async throws -> ArtistImportSummary {
        try await store.write { db -> ArtistImportSummary in
            var result = ArtistImportSummary()
            let now = Date()
            let lines = prepared.compactMap { try? $0.get() }
            var live = try liveArtists(db, nameKeys: lines.map(\.nameKey))
            var held = try heldPhrases(db, keys: lines.flatMap { $0.phrases.map(\.key) })
            var pending = PendingArtists()
            for (index, entry) in prepared.enumerated() {
                let line: PreparedImportLine
                switch entry {
                case .failure(let rejection):
                    result.rejected.append(rejection)
                    continue
                case .success(let value):
                    line = value
                }
                if pending.nameKeys.contains(line.nameKey) || live[line.nameKey] != nil {
                    // The line updates an artist (perhaps one an earlier line of this batch made), through the general
                    // path that reads the database: write the new artists waiting first.
                    live.merge(try pending.flush(db, now: now).mapValues { (id: $0, accountId: nil) }) { $1 }
                }
                if let artist = live[line.nameKey] {
                    if artist.accountId == nil, try isUnchanged(db, artist: artist.id, line: line) {
                        result.unchanged += 1
                        continue
                    }
                    // An artist by this name exists: compare and update through the general path, in a savepoint so a
                    // clash costs only this line.
                    do {
                        let before = result.updated
                        try db.savepoint {
                            try importExisting(db, id: ID(artist.id), accountId: artist.accountId, submission: line.submission, into: &result)
                        }
                        if result.updated != before {
                            // Its phrases changed: what the rest of the batch finds held is read again.
                            let rest = prepared[(index + 1)...].compactMap { try? $0.get() }
                            held = try heldPhrases(db, keys: rest.flatMap { $0.phrases.map(\.key) })
                        }
                    } catch let error as DomainError {
                        result.rejected.append(.init(line: line.number, reason: error.message))
                    }
                    continue
                }
                // A new artist: refuse the line if another artist (or an earlier line of this batch) holds one of its
                // phrases.
                if let taken = line.phrases.first(where: { held.contains($0.key) || pending.phraseKeys.contains($0.key) }) {
                    result.rejected.append(.init(line: line.number, reason: "The phrase \"\(taken.text)\" is already held by another artist."))
                    continue
                }
                pending.add(line)
                result.imported += 1
                let heldForReview = line.phrases.filter { $0.reviewReason != nil }.count
                if heldForReview > 0 {
                    result.heldForReview += 1
                    result.phrasesHeldForReview += heldForReview
                }
            }
            _ = try pending.flush(db, now: now)
            return result
        }
    }

    /// Live artists by name key, among `nameKeys`.
    private func liveArtists(_ db: any SQLSession, nameKeys: [String]) throws -> [String: (id: Int64, accountId: Int64?)] {
        var found: [String: (id: Int64, accountId: Int64?)] = [:]
        for chunk in Array(Set(nameKeys)).chunked(500) {
            let rows = try db.rows(
                "SELECT id, account_id, name_key FROM artist WHERE withdrawn_at IS NULL AND name_key IN (\(SQLList.repeating("?", chunk.count)))",
                SQLArguments(chunk.map(\.sqlValue))
            )
            for row in rows { found[try row.get("name_key")] = (try row.get("id"), try row.get("account_id")) }
        }
        return found
    }

    /// Which of `keys` a live phrase holds (active or waiting for review).
    private func heldPhrases(_ db: any SQLSession, keys: [String]) throws -> Set<String> {
        var found: Set<String> = []
        for chunk in Array(Set(keys)).chunked(500) {
            let column = try db.column(
                String.self,
                """
                SELECT normalized FROM phrase
                WHERE released_at IS NULL AND status IN ('active', 'pending_review') AND normalized IN (\(SQLList.repeating("?", chunk.count)))
                """,
                SQLArguments(chunk.map(\.sqlValue))
            )
            found.formUnion(column)
        }
        return found
    }

    /// Whether a live imported artist already matches the line exactly: name, policy, links and phrases in order.
    private func isUnchanged(_ db: any SQLSession, artist: Int64, line: PreparedImportLine) throws -> Bool {
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
        into result: inout ArtistImportSummary
    ) throws {
        guard accountId == nil else {
            throw DomainError(
                .conflict,
                code: "artist_has_account",
                message: "\(submission.name) manages their own profile (artist \(id)); the import leaves it alone."
            )
        }
        guard var artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue) else { return }
        let changes = try apply(db, submission: submission, to: &artist, now: Date(), capUnreviewed: false)
        if changes.changed { result.updated += 1 } else { result.unchanged += 1 }
        count(changes, into: &result)
    }

    private func count(_ changes: PhraseChanges, into result: inout ArtistImportSummary) {
        if changes.heldForReview > 0 {
            result.heldForReview += 1
            result.phrasesHeldForReview += changes.heldForReview
        }
    }
}

/// New artists of one import batch not written yet, and what they hold.
private struct PendingArtists {
    private(set) var lines: [PreparedImportLine] = []
    private(set) var nameKeys: Set<String> = []
    private(set) var phraseKeys: Set<String> = []

    package mutating func add(_ line: PreparedImportLine) {
        lines.append(line)
        nameKeys.insert(line.nameKey)
        phraseKeys.formUnion(line.phrases.map(\.key))
    }

    /// Writes the waiting artists with their links and phrases in multi-row inserts; returns their ids by name key.
    package mutating func flush(_ db: any SQLSession, now: Date) throws -> [String: Int64] {
        guard !lines.isEmpty else { return [:] }
        var ids: [String: Int64] = [:]
        for chunk in lines.chunked(500) {
            var arguments: [SQLValue] = []
            for line in chunk {
                arguments += [
                    line.submission.name.sqlValue, line.nameKey.sqlValue, line.submission.policy.rawValue.sqlValue, now.sqlValue, now.sqlValue,
                ]
            }
            let rows = try db.rows(
                "INSERT INTO artist (account_id, name, name_key, policy, verified, created_at, updated_at) VALUES "
                    + SQLList.repeating("(NULL, ?, ?, ?, false, ?, ?)", chunk.count) + " RETURNING id, name_key",
                SQLArguments(arguments)
            )
            for row in rows { ids[try row.get("name_key")] = try row.get("id") }
        }
        var links: [SQLValue] = []
        var phrases: [SQLValue] = []
        for line in lines {
            guard let id = ids[line.nameKey] else { throw SQLDecodingFailure(column: "id", value: .null, type: "the id of artist \(line.nameKey)") }
            for (position, url) in line.submission.links.enumerated() {
                links += [id.sqlValue, url.sqlValue, position.sqlValue]
            }
            for (position, phrase) in line.phrases.enumerated() {
                let status: PhraseStatus = phrase.reviewReason == nil ? .active : .pendingReview
                phrases += [
                    id.sqlValue, phrase.text.sqlValue, phrase.key.sqlValue, phrase.kind.rawValue.sqlValue, position.sqlValue,
                    status.rawValue.sqlValue,
                    phrase.reviewReason.sqlValue, now.sqlValue,
                ]
            }
        }
        for chunk in links.chunked(3 * 1000) {
            try db.execute(
                "INSERT INTO artist_link (artist_id, url, position) VALUES "
                    + SQLList.repeating("(?, ?, ?)", chunk.count / 3),
                SQLArguments(Array(chunk))
            )
        }
        for chunk in phrases.chunked(8 * 1000) {
            try db.execute(
                "INSERT INTO phrase (artist_id, text, normalized, kind, position, status, review_reason, created_at) VALUES "
                    + SQLList.repeating("(?, ?, ?, ?, ?, ?, ?, ?)", chunk.count / 8),
                SQLArguments(Array(chunk))
            )
        }
        self = PendingArtists()
        return ids
    }
}

/// A line the import refused, and why.
public struct ArtistImportRejection: Error, Sendable, Equatable {
    public let line: Int
    public let reason: String

    package init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// What an import did.
public struct ArtistImportSummary: Sendable, Equatable {
    public var imported = 0
    public var updated = 0
    public var unchanged = 0
    /// Artists with at least one phrase held for a moderator by the collision guard.
    public var heldForReview = 0
    /// Phrases held for a moderator.
    public var phrasesHeldForReview = 0
    public var rejected: [ArtistImportRejection] = []

    public init() {}
}

/// A line decoded and checked, with its phrases' keys and starting statuses worked out.
package struct PreparedImportLine: Sendable {
    package struct Phrase: Sendable {
        package let text: String
        package let kind: PhraseKind
        package let key: String
        package let reviewReason: String?

        package init(text: String, kind: PhraseKind, key: String, reviewReason: String?) {
            self.text = text
            self.kind = kind
            self.key = key
            self.reviewReason = reviewReason
        }
    }

    package let number: Int
    package let submission: ArtistSubmission
    package let nameKey: String
    package let phrases: [Phrase]

    package init(number: Int, submission: ArtistSubmission, nameKey: String, phrases: [Phrase]) {
        self.number = number
        self.submission = submission
        self.nameKey = nameKey
        self.phrases = phrases
    }
}
