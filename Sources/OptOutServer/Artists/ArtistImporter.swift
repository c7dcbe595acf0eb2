import Foundation
import GRDB
import OptOutCore

/// Brings a platform's existing opt-out list into the registry from JSON Lines, one artist a line.
///
/// Idempotent by name: a line whose name (by ``PhraseKey``) matches a live imported artist updates it. Lines are
/// written in batches, one transaction each, and each line in its own savepoint so a bad line costs only itself.
public struct ArtistImporter: Sendable {
    let repository: ArtistRepository
    public var batchSize = 2_000

    /// One line of the import file.
    struct Line: Decodable {
        let name: String
        let aliases: [String]?
        let creations: [String]?
        let policy: Policy?
        let links: [String]?
    }

    public struct Rejection: Sendable, Equatable {
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

    /// Imports every line of `data`.
    public func importLines(_ data: Data) throws -> Summary {
        var summary = Summary()
        let decoder = JSONDecoder()
        var batch: [(number: Int, line: Data.SubSequence)] = []
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            batch.append((number, trimmed))
            if batch.count >= batchSize {
                try write(batch, decoder: decoder, into: &summary)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try write(batch, decoder: decoder, into: &summary)
        return summary
    }

    private func write(_ batch: [(number: Int, line: Data.SubSequence)], decoder: JSONDecoder, into summary: inout Summary) throws {
        guard !batch.isEmpty else { return }
        // Decoding and validation need no lock; do them before taking the writer.
        var prepared: [(number: Int, submission: ArtistSubmission)] = []
        for (number, line) in batch {
            do {
                let parsed = try decoder.decode(Line.self, from: Data(line))
                let submission = try ArtistSubmission(
                    name: parsed.name,
                    aliases: parsed.aliases ?? [],
                    creations: parsed.creations ?? [],
                    policy: parsed.policy ?? .block,
                    links: parsed.links ?? []
                ).validated()
                prepared.append((number, submission))
            } catch let error as DomainError {
                summary.rejected.append(.init(line: number, reason: error.message))
            } catch {
                summary.rejected.append(.init(line: number, reason: "not a JSON object with a string name: \(Self.describe(error))"))
            }
        }
        let result = try repository.database.pool.write { db -> Summary in
            var result = Summary()
            for (number, submission) in prepared {
                do {
                    try db.inSavepoint {
                        try importOne(db, submission: submission, into: &result)
                        return .commit
                    }
                } catch let error as DomainError {
                    result.rejected.append(.init(line: number, reason: error.message))
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
        summary.rejected.sort { $0.line < $1.line }
    }

    private func importOne(_ db: Database, submission: ArtistSubmission, into result: inout Summary) throws {
        let now = Date()
        let key = PhraseKey.make(submission.name)
        let existing = try ArtistRecord.filter(Column("name_key") == key && Column("withdrawn_at") == nil).fetchOne(db)
        if var artist = existing {
            guard artist.accountId == nil else {
                throw DomainError(
                    .conflict,
                    code: "artist_has_account",
                    message: "\(submission.name) manages their own profile (artist \(artist.id!)); the import leaves it alone."
                )
            }
            let changes = try repository.apply(db, submission: submission, to: &artist, now: now)
            if changes.changed { result.updated += 1 } else { result.unchanged += 1 }
            count(changes, into: &result)
        } else {
            let artist = try repository.insertArtist(db, account: nil, submission: submission, now: now)
            let changes = try repository.replacePhrases(db, artist: artist.id!, with: submission.phrases, now: now)
            result.imported += 1
            count(changes, into: &result)
        }
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
