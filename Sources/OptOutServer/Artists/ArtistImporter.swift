import Foundation
import OptOutCore
import OptOutStore

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

    public typealias Rejection = ArtistImportRejection
    public typealias Summary = ArtistImportSummary
    typealias PreparedLine = PreparedImportLine

    /// How far an import has gone: lines read, and bytes read of the whole.
    public struct Progress: Sendable {
        public let lines: Int
        public let bytes: Int
        public let totalBytes: Int
    }

    /// Imports every line of `data`, telling `progress` after each batch written.
    public func importLines(_ data: Data, progress: ((Progress) -> Void)? = nil) async throws -> Summary {
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
                try await write(batch, into: &summary)
                batch.removeAll(keepingCapacity: true)
                progress?(Progress(lines: number, bytes: min(bytes, data.count), totalBytes: data.count))
            }
        }
        try await write(batch, into: &summary)
        // The split sees an empty piece after a final newline: that is not a line.
        progress?(Progress(lines: number - (data.last == UInt8(ascii: "\n") ? 1 : 0), bytes: data.count, totalBytes: data.count))
        summary.rejected.sort { $0.line < $1.line }
        return summary
    }

    /// Decodes and checks lines on every core; this needs no database.
    func prepare(_ batch: [(number: Int, line: Data.SubSequence)]) throws -> [Result<PreparedLine, Rejection>] {
        /// Each worker writes only its own slots.
        struct Slots: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<Result<PreparedLine, Rejection>?> }
        let slots = Slots(buffer: .allocate(capacity: batch.count))
        slots.buffer.initialize(repeating: nil)
        defer { slots.buffer.deallocate() }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let collisionGuard = try repository.collisionGuard
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

    private func write(_ batch: [(number: Int, line: Data.SubSequence)], into summary: inout Summary) async throws {
        guard !batch.isEmpty else { return }
        // Decoding and checking need no lock; do them on every core before taking the writer.
        let prepared = try prepare(batch)
        let result = try await repository.importBatch(prepared)
        summary.imported += result.imported
        summary.updated += result.updated
        summary.unchanged += result.unchanged
        summary.heldForReview += result.heldForReview
        summary.phrasesHeldForReview += result.phrasesHeldForReview
        summary.rejected += result.rejected
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
