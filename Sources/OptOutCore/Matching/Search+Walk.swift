extension Search {
    /// Walks the trie from every candidate and returns the phrases found, each span once.
    mutating func walk() -> [PhraseMatch] {
        for position in 0..<heads.count {
            var index = heads[position]
            while index >= 0 {
                descend(from: -1, candidate: index, depth: 0, start: candidates[Int(index)].scalarStart, via: [])
                surnameFirst(candidate: index)
                index = candidates[Int(index)].nextInList
            }
        }
        guard results.count > 1 else { return results }
        // A reading never turns a registered phrase into another: a phrase read through a slip, a sound or another
        // script gives way to a different phrase found exactly on the same words.
        let read: Via = [.fuzzy, .phonetic, .transliteration]
        let found = results
        results.removeAll { match in
            !match.via.isDisjoint(with: read)
                && found.contains { other in
                    other.phrase != match.phrase && other.via.isDisjoint(with: read) && other.start <= match.start && other.end >= match.end
                }
        }
        var best: [PhraseMatch] = []
        for match in results {
            if let existing = best.firstIndex(where: { $0.phrase == match.phrase && $0.start < match.end && match.start < $0.end }) {
                let current = best[existing]
                let longer = match.end - match.start > current.end - current.start
                // On the same words, a reading without a misspelling wins, then the one that undid less.
                func cost(_ via: Via) -> (Int, Int) { (via.contains(.fuzzy) ? 1 : 0, via.rawValue.nonzeroBitCount) }
                let plainer = match.end - match.start == current.end - current.start && cost(match.via) < cost(current.via)
                if longer || plainer { best[existing] = match }
            } else {
                best.append(match)
            }
        }
        return best.sorted { ($0.start, $0.end, $0.phrase) < ($1.start, $1.end, $1.phrase) }
    }

    /// Names read surname first, from a one-word candidate `index` (the surname) followed by one or two one-word
    /// candidates (the given names): the trie is walked in the name's own order, given names then surname, so this
    /// reading needs no second path in the trie. "Rutkowski Greg", "Rutkowski, Greg", "Kowalska Anna Maria".
    mutating func surnameFirst(candidate index: Int32) {
        let surname = candidates[Int(index)]
        guard surname.wordCount == 1, Int(surname.next) < heads.count, matcher.maxDepth >= 2 else { return }
        let surnameWord = candidateWords[Int(surname.wordsStart)]
        guard matcher.endsOrderable[Int(surnameWord) >> 6] & (1 << UInt64(surnameWord & 63)) != 0 else { return }
        var given = heads[Int(surname.next)]
        while given >= 0 {
            let first = candidates[Int(given)]
            defer { given = first.nextInList }
            guard first.wordCount == 1, walkBudget > 0 else { continue }
            walkBudget -= 1
            let firstWord = candidateWords[Int(first.wordsStart)]
            let via = surname.via.union(first.via).union(gapVia(first.first))
            // "Rutkowski, Greg" is a name surname first only when the surname starts its fragment (or follows "by"):
            // in "a cold winter, kerry" the comma ends one fragment and "kerry" starts the next.
            if via.contains(.separator) && scan.tokens[Int(first.first)].gap.isPunctuation && !startsFragment(Int(surname.first)) { continue }
            if let two = matcher.step(firstWord, surnameWord) {
                report(state: two, start: surname.scalarStart, end: first.scalarEnd, next: Int(first.next), via: via)
            }
            guard matcher.maxDepth >= 3, Int(first.next) < heads.count else { continue }
            var middle = heads[Int(first.next)]
            while middle >= 0 {
                let second = candidates[Int(middle)]
                defer { middle = second.nextInList }
                guard second.wordCount == 1, walkBudget > 0 else { continue }
                walkBudget -= 1
                if let pair = matcher.step(firstWord, candidateWords[Int(second.wordsStart)]), let three = matcher.step(pair, surnameWord) {
                    report(
                        state: three,
                        start: surname.scalarStart,
                        end: second.scalarEnd,
                        next: Int(second.next),
                        via: via.union(second.via).union(gapVia(second.first))
                    )
                }
            }
        }
    }

    /// Whether trie entry `entry`, found from scalar `start` to the token at `next` across the end of a fragment, is
    /// a name read surname first with its particles moved ("van Gogh, Vincent", "Leyen, Ursula von der"): such a name
    /// is read across a comma as ``surnameFirst(candidate:)`` reads one, when it starts its fragment and ends there.
    func readsAcrossBoundary(_ entry: Int32, start: Int32, next: Int) -> Bool {
        guard Int(entry) >= matcher.phraseCount, matcher.readingVias[Int(entry) - matcher.phraseCount] == .order else { return false }
        if next < scan.tokens.count && !scan.tokens[next].gap.isPunctuation { return false }
        let first = firstToken(at: start)
        return first < scan.tokens.count && startsFragment(first)
    }

    /// The first token that starts at scalar `start` or after it (tokens are in order): where a match from `start`
    /// begins.
    func firstToken(at start: Int32) -> Int {
        var low = 0
        var high = scan.tokens.count
        while low < high {
            let middle = (low + high) / 2
            if scan.tokens[middle].scalarStart < start { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether the token at `position` starts a fragment of the prompt: it is the first, follows punctuation, or
    /// follows a function word ("by", "of", "and").
    func startsFragment(_ position: Int) -> Bool {
        guard position > 0 else { return true }
        if scan.tokens[position].gap.isPunctuation { return true }
        let previous = scan.tokens[position - 1]
        return Self.functionWords.contains(Array(scan.bytes[Int(previous.byteStart)..<Int(previous.byteEnd)]))
    }

    static let functionWords = Set(CollisionGuard.functionWords.map { Array($0.utf8) })

    /// What the gap before the token at `position` says of how words were joined.
    func gapVia(_ position: Int32) -> Via {
        let token = scan.tokens[Int(position)]
        switch token.gap {
        case .none, .space: return []
        case .whitespace: return .spacing
        case .boundary: return .separator
        case .punctuation: return token.mark & PromptScan.Mark.hyphen != 0 ? [.separator, .hyphenBetween] : .separator
        }
    }

    /// Reports the orderable phrases that end at `state`, read surname first.
    mutating func report(state: Int32, start: Int32, end: Int32, next: Int, via: Via) {
        // "Harris, John" is a name surname first only when it ends there: in "the isle of harris, john cena" the
        // comma joins two fragments, and the next word shows "john" starts another name.
        if via.contains(.separator), next < scan.tokens.count, !scan.tokens[next].gap.isPunctuation { return }
        // Surname first is itself a reading: a short-word slip does not join it, and one slip at most.
        if !via.isDisjoint(with: [.shortSlip, .weakForm, .twoSlips]) { return }
        var entry = matcher.terminals[Int(state)]
        while entry >= 0 {
            if matcher.orderable[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0 && takesInitials(entry, via: via) && takesSlips(entry, via: via)
                && !cutsHyphenatedName(entry, start: start, next: next, via: via)
            {
                let (phrase, reportedVia) = reported(entry, via: via.union(.order))
                results.append(PhraseMatch(phrase: phrase, start: Int(start), end: Int(end), via: reportedVia))
            }
            entry = matcher.nextDuplicate[Int(entry)]
        }
    }

    /// Whether a phrase of `words` words and `letters` letters reached through `via` (with `slips` misspelt words)
    /// counts: a slip in a short word only when it is the one slip of a phrase of two words or more, two slips only in
    /// a phrase of twelve letters or more, never three.
    @inline(__always)
    static func slipsAllowed(via: Via, slips: Int, words: Int, letters: Int) -> Bool {
        if slips == 0 { return true }
        if !via.isDisjoint(with: [.shortSlip, .weakForm]) && (slips > 1 || words < 2) { return false }
        if slips >= 2 { return slips == 2 && letters >= PhraseMatcher.minimumTwoSlipLetters }
        return true
    }

    /// Whether entry `entry` may be reported through `via`: an initials reading needs its initial written as one, on
    /// its own and in the name's order, and the surname as written or with one slip ("G. Rutkowski"; not "clarkson"
    /// read as "c" and a slip of "larsson", nor "chucky, 3" as "Cucchi, E.").
    @inline(__always)
    func takesInitials(_ entry: Int32, via: Via) -> Bool {
        guard Int(entry) >= matcher.phraseCount, !via.isDisjoint(with: [.notInitial, .concatenation, .leet, .order, .phonetic, .spacing]) else {
            return true
        }
        return matcher.readingVias[Int(entry) - matcher.phraseCount] != .initials
    }

    /// Whether entry `entry`, one found only as spelt (a romanized Korean, Chinese or Japanese name), was found from
    /// scalar `start` to the token at `next` (through `via`) across a hyphenated given name: beside it ("Chen Li-xue"
    /// does not name 陈莉, Chen Li, nor "Mei-ying Hou" 侯英, Hou Ying), or between two of its words ("Zheng Li-hua" does
    /// not name 李华, Li Hua: a family name is not hyphenated to a given name). A hyphen inside one word of the reading
    /// is read as usual ("Kim Jung-gi").
    func cutsHyphenatedName(_ entry: Int32, start: Int32, next: Int, via: Via) -> Bool {
        guard matcher.spelledOnly[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0 else { return false }
        if via.contains(.hyphenBetween) { return true }
        func hyphenBefore(_ position: Int) -> Bool {
            position > 0 && position < scan.tokens.count && scan.tokens[position].mark & PromptScan.Mark.hyphen != 0
                && scan.tokens[position].gap == .punctuation
        }
        if hyphenBefore(next) { return true }
        return hyphenBefore(firstToken(at: start))
    }

    /// Whether entry `entry` may be reported through `via`: one found only as spelt takes no slip and no sound.
    @inline(__always)
    func takesSlips(_ entry: Int32, via: Via) -> Bool {
        via.isDisjoint(with: [.fuzzy, .shortSlip, .twoSlips, .weakForm, .phonetic])
            || matcher.spelledOnly[Int(entry) >> 6] & (1 << UInt64(entry & 63)) == 0
    }

    /// The reported phrase and via of trie entry `entry`: a Latin reading reports the phrase it reads.
    @inline(__always)
    func reported(_ entry: Int32, via: Via) -> (phrase: Int, via: Via) {
        let read = via
        var via = via.intersection(.reported)
        if !read.isDisjoint(with: [.shortSlip, .twoSlips]) { via.insert(.fuzzy) }
        if Int(entry) < matcher.phraseCount { return (Int(entry), via) }
        let reading = Int(entry) - matcher.phraseCount
        return (Int(matcher.readingOwners[reading]), via.union(matcher.readingVias[reading]))
    }

    mutating func descend(from state: Int32, candidate index: Int32, depth: Int, start: Int32, via: Via) {
        descend(from: state, candidate: index, depth: depth, start: start, via: via, slips: 0, letters: 0, anchored: false)
    }

    /// A phrase this long needs no distinctive word beside a slip in a short word ("Sarha Wright").
    static let minimumUnanchoredLetters = 11

    /// `anchored`: a word of the path so far was found as written and is no ordinary word, which a slip in a short
    /// word needs beside it.
    mutating func descend(
        from state: Int32,
        candidate index: Int32,
        depth: Int,
        start: Int32,
        via: Via,
        slips: Int,
        letters: Int,
        anchored: Bool
    ) {
        let candidate = candidates[Int(index)]
        if state >= 0 {
            // Steps past the first word cost work of their own: a prompt cannot make the walk explode.
            guard walkBudget > 0 else {
                walkBudget = -1
                return
            }
            walkBudget -= 1
        }
        if candidate.wordCount == 0 {
            // A skip (``addSyntaxSkips()``): only inside a phrase, and not twice in a row (only words follow it here).
            guard state >= 0, Int(candidate.next) < heads.count, matcher.hasChildren[Int(state)] else { return }
            var following = heads[Int(candidate.next)]
            while following >= 0 {
                if candidates[Int(following)].wordCount > 0 {
                    descend(
                        from: state,
                        candidate: following,
                        depth: depth,
                        start: start,
                        via: via.union(.syntax),
                        slips: slips,
                        letters: letters,
                        anchored: anchored
                    )
                }
                following = candidates[Int(following)].nextInList
            }
            return
        }
        var current = state
        var letters = letters
        for offset in 0..<Int(candidate.wordCount) {
            let word = candidateWords[Int(candidate.wordsStart) + offset]
            guard let next = matcher.step(current, word) else { return }
            letters += matcher.words.length(word)
            current = next
        }
        let slipped = !candidate.via.isDisjoint(with: [.fuzzy, .shortSlip, .weakForm, .twoSlips])
        let slips = slips + (candidate.via.contains(.twoSlips) ? 2 : slipped ? 1 : 0)
        let anchored = anchored || !slipped && candidate.wordCount == 1 && tokenFlags[Int(candidate.first)] & 1 == 0
        var via = via.union(candidate.via)
        if state >= 0 {
            // A phrase is not read across the end of a fragment ("a cat, black background" holds no "Cat Black"),
            // unless it holds such punctuation itself ("George Barret, Jr."): checked where it is reported.
            if scan.tokens[Int(candidate.first)].gap == .boundary { via.insert(.crossedBoundary) }
            via.formUnion(gapVia(candidate.first))
        }
        let depth = depth + Int(candidate.wordCount)
        var entry = matcher.terminals[Int(current)]
        if entry >= 0 && Self.slipsAllowed(via: via, slips: slips, words: depth, letters: letters)
            && (anchored || letters >= Self.minimumUnanchoredLetters || via.isDisjoint(with: [.shortSlip, .weakForm]))
            && (!via.contains(.rendered) || depth >= 2 && letters >= SemiticSpelling.minimumLetters && via.contains(.renderedDistinct))
        {
            while entry >= 0 {
                if (!via.contains(.crossedBoundary) || matcher.crossesBoundary[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0
                    || readsAcrossBoundary(entry, start: start, next: Int(candidate.next)))
                    && takesInitials(entry, via: via) && takesSlips(entry, via: via)
                    && !cutsHyphenatedName(entry, start: start, next: Int(candidate.next), via: via)
                {
                    let (phrase, reportedVia) = reported(entry, via: via)
                    results.append(PhraseMatch(phrase: phrase, start: Int(start), end: Int(candidate.scalarEnd), via: reportedVia))
                }
                entry = matcher.nextDuplicate[Int(entry)]
            }
        }
        guard depth < matcher.maxDepth, matcher.hasChildren[Int(current)], Int(candidate.next) < heads.count else { return }
        var following = heads[Int(candidate.next)]
        while following >= 0 {
            descend(from: current, candidate: following, depth: depth, start: start, via: via, slips: slips, letters: letters, anchored: anchored)
            following = candidates[Int(following)].nextInList
        }
    }
}
