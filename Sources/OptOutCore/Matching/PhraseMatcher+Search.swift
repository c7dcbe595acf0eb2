extension PhraseMatcher {
    /// Bytes held by the matcher's tables, the ordinary words included.
    public var memoryBytes: Int {
        words.memoryBytes + ordinaryFilter.memoryBytes + ordinaryHashes.memoryBytes + vocabularyFilter.memoryBytes + leetWords.memoryBytes + leetFirst
            .capacity * 4 + leetNext
            .capacity * 4 + deletes.memoryBytes
            + transitions.memoryBytes + renderedForms.memoryBytes + renderedOwners.capacity * 4 + renderedEveryday.capacity * 8
            + renderedDeletes.memoryBytes
            + terminals.capacity * 4 + hasChildren.capacity + nextDuplicate.capacity * 4 + prefixFilter.memoryBytes
            + orderable.capacity * 8 + endsOrderable.capacity * 8 + spelledOnly.capacity * 8 + skeletons.memoryBytes + shortDeletes.memoryBytes
            + readingOwners.capacity * 4 + quietWords.memoryBytes
            + entryWords.capacity * 4
            + entryStarts.capacity * 4 + anchorStarts.capacity * 4 + anchorEntries.capacity * 4 + pairFilter.memoryBytes
    }

    /// Every registered phrase in `prompt`.
    public func matches(in prompt: String, views: Views = .all) -> [PhraseMatch] {
        search(prompt, views: views).matches
    }

    /// The work a prompt of `bytes` bytes may cost.
    public static func workBudget(bytes: Int) -> Int { workAllowance + workPerFourBytes * bytes / 4 }

    /// Every registered phrase in `prompt`, and whether every view was read within the prompt's work budget
    /// (``workBudget(bytes:)``): the cost of one prompt is bounded by its length.
    public func search(_ prompt: String, views: Views = .all, budget: Int? = nil) -> MatchResult {
        search(prompt, views: views, budget: budget, ordinarySpans: nil)
    }

    /// - Parameter ordinarySpans: for a reading of another prompt, the scalar spans of that prompt's words that are
    ///   ordinary words (sorted), and the map from the reading's scalars to the prompt's: a word read from an ordinary
    ///   word is looked up, but not read through the costly views.
    func search(_ prompt: String, views: Views, budget: Int?, ordinarySpans: (spans: [(Int32, Int32)], starts: [Int32])?) -> MatchResult {
        var scan = PromptScan(prompt: prompt, leetSymbols: false)
        guard !scan.tokens.isEmpty else { return MatchResult(matches: [], complete: true, work: 0) }
        let budget = budget ?? Self.workBudget(bytes: prompt.utf8.count)
        var search = Search(matcher: self, scan: scan, views: views, budget: budget)
        search.ordinarySpans = ordinarySpans
        search.addTokenCandidates()
        search.addJoinedCandidates()
        search.addSyntaxSkips()
        if views.contains(.fuzzy) { search.addNeighbourSlipCandidates() }
        if views.contains(.spacedOut) { search.addSpacedOutCandidates() }
        if scan.sawLeetSymbol && views.contains(.leet) {
            scan = PromptScan(prompt: prompt, leetSymbols: true)
            search.addLeetSymbolCandidates(from: scan)
        }
        search.addDeferredCandidates()
        var matches = search.walk()
        var complete = search.budget > 0 && search.walkBudget > 0
        var spent = budget - max(search.budget, 0)
        // Greek and Cyrillic letters read in Latin ones: the reading is searched with what is left of the budget, and
        // its matches cover the prompt's letters they were read from.
        let readings = scan.sawOtherScript && views.contains(.transliteration) ? Transliteration.promptReadings(prompt) : []
        // The prompt's words that are ordinary words of their language ("γάτα", "кошка"): their Latin readings are
        // looked up, not read as misspelt or run-together names (a long ordinary text in Greek stays cheap).
        let spans = readings.isEmpty ? [] : search.ordinaryTokenSpans()
        for reading in readings where complete {
            let inner = self.search(
                reading.text,
                views: views.subtracting(.transliteration),
                budget: budget - spent,
                ordinarySpans: spans.isEmpty ? nil : (spans, reading.starts)
            )
            spent += inner.work
            complete = inner.complete
            for match in inner.matches where match.end > match.start {
                let start = Int(reading.starts[match.start])
                let end = Int(reading.ends[match.end - 1])
                if matches.contains(where: { $0.phrase == match.phrase && $0.start < end && start < $0.end }) { continue }
                // A reading never turns a phrase found as written into another.
                if matches.contains(where: { $0.via.isDisjoint(with: [.fuzzy, .phonetic]) && $0.start <= start && $0.end >= end }) { continue }
                matches.append(PhraseMatch(phrase: match.phrase, start: start, end: end, via: match.via.union(.transliteration)))
            }
            matches.sort { ($0.start, $0.end, $0.phrase) < ($1.start, $1.end, $1.phrase) }
        }
        return MatchResult(matches: matches, complete: complete, work: spent)
    }
}
