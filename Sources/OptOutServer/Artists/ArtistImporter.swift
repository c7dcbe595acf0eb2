import Foundation
import GRDB
import OptOutCore

/// Brings a platform's existing opt-out list into the registry from JSON Lines, one artist a line.
///
/// Idempotent by name: a line whose name (by ``PhraseKey``) matches a live imported artist updates it. Lines are
/// written in batches, one transaction each, and each line in its own savepoint so a bad line costs only itself.
public struct ArtistImporter: Sendable {
    let repository: ArtistRepository
    public var batchSize = 20_000

    /// One line of the import file.
    struct Line: Decodable {
        let name: String
        let aliases: [String]?
        let creations: [String]?
        let policy: Policy?
        let links: [String]?
    }

    public struct Rejection: Error, Sendable, Equatable {
        public let line: Int
        public let reason: String
    }

    public struct Summary: Sendable, Equatable {
        public var imported = 0
        public var updated = 0
        public var unchanged = 0
        /// Artists with at least one phrase held for a moderator by the collision guard.
        public var heldForReview = 0
        /// Phrases held for a moderator.
        public var phrasesHeldForReview = 0
        public var rejected: [Rejection] = []
    }

    /// How far an import has gone: lines read, and bytes read of the whole.
    public struct Progress: Sendable {
        public let lines: Int
        public let bytes: Int
        public let totalBytes: Int
    }

    /// Imports every line of `data`, telling `progress` after each batch written.
    public func importLines(_ data: Data, progress: ((Progress) -> Void)? = nil) throws -> Summary {
        var summary = Summary()
        var batch: [(number: Int, line: Data.SubSequence)] = []
        var number = 0
        var bytes = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            bytes += line.count + 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            batch.append((number, trimmed))
            if batch.count >= batchSize {
                try write(batch, into: &summary)
                batch.removeAll(keepingCapacity: true)
                progress?(Progress(lines: number, bytes: min(bytes, data.count), totalBytes: data.count))
            }
        }
        try write(batch, into: &summary)
        // The split sees an empty piece after a final newline: that is not a line.
        progress?(Progress(lines: number - (data.last == UInt8(ascii: "\n") ? 1 : 0), bytes: data.count, totalBytes: data.count))
        summary.rejected.sort { $0.line < $1.line }
        return summary
    }

    /// A line decoded and checked, with its phrases' keys and starting statuses worked out.
    struct PreparedLine: Sendable {
        struct Phrase: Sendable {
            let text: String
            let kind: PhraseKind
            let key: String
            let reviewReason: String?
        }

        let number: Int
        let submission: ArtistSubmission
        let nameKey: String
        let phrases: [Phrase]
    }

    /// Decodes and checks lines on every core; this needs no database.
    func prepare(_ batch: [(number: Int, line: Data.SubSequence)]) -> [Result<PreparedLine, Rejection>] {
        /// Each worker writes only its own slots.
        struct Slots: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<Result<PreparedLine, Rejection>?> }
        let slots = Slots(buffer: .allocate(capacity: batch.count))
        slots.buffer.initialize(repeating: nil)
        defer { slots.buffer.deallocate() }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let collisionGuard = repository.collisionGuard
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let decoder = JSONDecoder()
            var index = worker
            while index < batch.count {
                slots.buffer[index] = Self.prepare(batch[index], decoder: decoder, collisionGuard: collisionGuard)
                index += workers
            }
        }
        return slots.buffer.map { $0! }
    }

    static func prepare(
        _ entry: (number: Int, line: Data.SubSequence),
        decoder: JSONDecoder,
        collisionGuard: CollisionGuard
    ) -> Result<PreparedLine, Rejection> {
        do {
            let parsed = try decoder.decode(Line.self, from: Data(entry.line))
            let submission = try ArtistSubmission(
                name: parsed.name,
                aliases: parsed.aliases ?? [],
                creations: parsed.creations ?? [],
                policy: parsed.policy ?? .block,
                links: parsed.links ?? []
            ).validated()
            let phrases = submission.phrases.map { phrase in
                PreparedLine.Phrase(
                    text: phrase.text,
                    kind: phrase.kind,
                    key: PhraseKey.make(phrase.text),
                    reviewReason: collisionGuard.reviewReason(for: phrase.text).map { "\"\(phrase.text)\" \($0)" }
                )
            }
            return .success(PreparedLine(number: entry.number, submission: submission, nameKey: PhraseKey.make(submission.name), phrases: phrases))
        } catch let error as DomainError {
            return .failure(Rejection(line: entry.number, reason: error.message))
        } catch {
            return .failure(Rejection(line: entry.number, reason: "not a JSON object with a string name: \(Self.describe(error))"))
        }
    }

    private func write(_ batch: [(number: Int, line: Data.SubSequence)], into summary: inout Summary) throws {
        guard !batch.isEmpty else { return }
        // Decoding and checking need no lock; do them on every core before taking the writer.
        let prepared = prepare(batch)
        let result = try repository.database.pool.write { db -> Summary in
            var result = Summary()
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
                let line: PreparedLine
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
        summary.imported += result.imported
        summary.updated += result.updated
        summary.unchanged += result.unchanged
        summary.heldForReview += result.heldForReview
        summary.phrasesHeldForReview += result.phrasesHeldForReview
        summary.rejected += result.rejected
    }

    /// Whether a live imported artist already matches the line exactly: name, policy, links and phrases in order.
    private func isUnchanged(_ db: Database, artist: Int64, line: PreparedLine) throws -> Bool {
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
        into result: inout Summary
    ) throws {
        guard accountId == nil else {
            throw DomainError(
                .conflict,
                code: "artist_has_account",
                message: "\(submission.name) manages their own profile (artist \(id)); the import leaves it alone."
            )
        }
        guard var artist = try ArtistRecord.fetchOne(db, key: id.rawValue) else { return }
        let changes = try repository.apply(db, submission: submission, to: &artist, now: Date())
        if changes.changed { result.updated += 1 } else { result.unchanged += 1 }
        count(changes, into: &result)
    }

    private func count(_ changes: PhraseChanges, into result: inout Summary) {
        if changes.heldForReview > 0 {
            result.heldForReview += 1
            result.phrasesHeldForReview += changes.heldForReview
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "\(key.stringValue) is missing"
        case DecodingError.typeMismatch(_, let context): "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is not valid"
        default: "invalid JSON"
        }
    }
}
