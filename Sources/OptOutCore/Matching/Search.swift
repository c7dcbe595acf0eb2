/// One search of one prompt: candidate words for each token, then walks of the trie.
struct Search {
    struct Candidate {
        var wordsStart: Int32
        var wordCount: Int32
        var first: Int32
        var next: Int32
        var via: Via
        var scalarStart: Int32
        var scalarEnd: Int32
        var nextInList: Int32
    }

    let matcher: PhraseMatcher
    let scan: PromptScan
    let views: Views
    var candidates: [Candidate] = []
    var candidateWords: [Int32] = []
    var heads: [Int32]
    var fuzzyScratch: [Int32] = []
    var narrowScratch: [UInt8] = []
    var phoneticHits: [Int32] = []
    /// For a reading of another prompt (``PhraseMatcher/search(_:views:budget:ordinarySpans:)``).
    var ordinarySpans: (spans: [(Int32, Int32)], starts: [Int32])?

    /// The scalar spans of the prompt's words that are ordinary words.
    func ordinaryTokenSpans() -> [(Int32, Int32)] {
        scan.tokens.indices.compactMap { tokenFlags[$0] & 1 != 0 ? (scan.tokens[$0].scalarStart, scan.tokens[$0].scalarEnd) : nil }
    }

    /// Words read from ordinary words of the prompt this search reads: the costly views read them last, with at most
    /// half of the budget then left, and never make the prompt incomplete.
    var deferred: [Int32] = []

    mutating func addDeferredCandidates() {
        guard !deferred.isEmpty, budget > 0 else { return }
        let floor = budget / 2
        let tokens = scan.tokens
        scan.bytes.withUnsafeBufferPointer { bytes in
            for position in deferred {
                guard budget > floor else { break }
                let token = tokens[Int(position)]
                addWordCandidates(
                    UnsafeBufferPointer(rebasing: bytes[Int(token.byteStart)..<Int(token.byteEnd)]),
                    first: Int(position),
                    next: Int(position) + 1,
                    via: token.via,
                    start: token.scalarStart,
                    end: token.scalarEnd,
                    isASCII: token.isASCII,
                    hasLeet: token.hasLeetDigit && (token.hasLetter || token.scalarCount == 1),
                    token: Int(position),
                    costlyOnly: true
                )
            }
        }
        budget = max(budget, 1)
    }

    /// Whether the token was read from an ordinary word of the prompt this search reads.
    func readFromOrdinary(_ token: PromptScan.Token) -> Bool {
        guard let ordinarySpans, Int(token.scalarStart) < ordinarySpans.starts.count else { return false }
        let origin = ordinarySpans.starts[Int(token.scalarStart)]
        var low = 0
        var high = ordinarySpans.spans.count
        while low < high {
            let middle = (low + high) / 2
            if ordinarySpans.spans[middle].1 <= origin { low = middle + 1 } else { high = middle }
        }
        return low < ordinarySpans.spans.count && ordinarySpans.spans[low].0 <= origin
    }

    /// Words of the prompt read through the costly views, by hash: the token that holds the word and the candidates
    /// the views made of it.
    var readBefore: [UInt64: (token: Int32, start: Int32, end: Int32)] = [:]
    /// Per token: whether it is an ordinary word (bit 0) and whether it was found as a phrase word as written or in
    /// leet (bit 1).
    var tokenFlags: [UInt8]
    var results: [PhraseMatch] = []
    /// Work left for the optional views; below zero when they were cut short.
    var budget: Int
    /// Steps of the trie walk left.
    var walkBudget: Int

    init(matcher: PhraseMatcher, scan: PromptScan, views: Views, budget: Int) {
        self.matcher = matcher
        self.scan = scan
        self.views = views
        self.budget = budget
        self.walkBudget = budget
        heads = [Int32](repeating: -1, count: scan.tokens.count)
        tokenFlags = [UInt8](repeating: 0, count: scan.tokens.count)
        candidates.reserveCapacity(scan.tokens.count + 8)
    }

    mutating func add(words: some Collection<Int32>, first: Int, next: Int, via: Via, start: Int32, end: Int32) {
        let candidate = Candidate(
            wordsStart: Int32(candidateWords.count),
            wordCount: Int32(words.count),
            first: Int32(first),
            next: Int32(next),
            via: via,
            scalarStart: start,
            scalarEnd: end,
            nextInList: heads[first]
        )
        candidateWords.append(contentsOf: words)
        heads[first] = Int32(candidates.count)
        candidates.append(candidate)
    }
}
