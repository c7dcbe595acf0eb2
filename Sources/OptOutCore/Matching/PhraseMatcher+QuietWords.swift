/// Words ordinary prompts use that are not ordinary words ("artstation", "bokeh", "steampunk", "cyberpunk") and in
/// which the costly views (slips, sounds, romaji, run-together names, forms, handles, glued prompt words) found
/// nothing when the matcher was built. A prompt's word found here skips those views: their answer is known, and the
/// same. Most of the costly views' work on an ordinary prompt goes to such words.
///
/// Filled once by ``PhraseMatcher``'s init, before the matcher can be shared, and only read after: the one mutation
/// happens before publication, which is why the class may be `@unchecked Sendable`.
final class QuietWords: @unchecked Sendable {
    fileprivate(set) var table = WordTable(capacity: 0)

    var count: Int { table.count }

    var memoryBytes: Int { table.memoryBytes }

    /// Whether `word`, whose ``hashBytes(_:)`` is `hash`, is a quiet word.
    @inline(__always)
    func contains(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Bool {
        table.count > 0 && table.find(word, hash: hash) != nil
    }
}

extension PhraseMatcher {
    /// How many prompt words the costly views skip (``QuietWords``).
    public var quietWordCount: Int { quietWords.count }

    /// Matchers of fewer phrases read every word through the costly views: the overlay of recent changes is rebuilt
    /// with every change, and a small registry's views are cheap.
    static let quietWordsMinimumPhrases = 1_000

    /// Reads each of `candidates` (folded, four Latin letters or more, no ordinary word) through the costly views, as
    /// ``Search/addWordCandidates(_:first:next:via:start:end:isASCII:hasLeet:expensive:token:costlyOnly:)`` reads a
    /// prompt's word with every view and a full budget, and keeps the ones in which nothing is found and which are no
    /// phrase word.
    func fillQuietWords(from candidates: [[UInt8]]) {
        guard phraseCount >= Self.quietWordsMinimumPhrases, !candidates.isEmpty else { return }
        var table = WordTable(capacity: candidates.count)
        for word in candidates {
            let scan = PromptScan(prompt: String(decoding: word, as: UTF8.self), leetSymbols: false)
            guard scan.tokens.count == 1, scan.tokens[0].isASCII, !scan.tokens[0].hasLeetDigit else { continue }
            let token = scan.tokens[0]
            var search = Search(matcher: self, scan: scan, views: .all, budget: Self.workBudget(bytes: 4_000))
            scan.bytes.withUnsafeBufferPointer { bytes in
                let (exact, ordinary) = lookUp(bytes)
                guard exact == nil, !ordinary else { return }
                search.addWordCandidates(
                    bytes,
                    first: 0,
                    next: 1,
                    via: token.via,
                    start: token.scalarStart,
                    end: token.scalarEnd,
                    isASCII: true,
                    hasLeet: false
                )
                if search.candidates.isEmpty && search.budget > 0 { table.insert(bytes) }
            }
        }
        quietWords.table = table
    }
}
