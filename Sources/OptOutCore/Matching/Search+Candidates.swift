extension Search {
    mutating func addTokenCandidates() {
        let tokens = scan.tokens
        scan.bytes.withUnsafeBufferPointer { bytes in
            for (position, token) in tokens.enumerated() {
                let word = UnsafeBufferPointer(rebasing: bytes[Int(token.byteStart)..<Int(token.byteEnd)])
                let fromOrdinary = ordinarySpans != nil && !token.unspaced && readFromOrdinary(token)
                if fromOrdinary { deferred.append(Int32(position)) }
                addWordCandidates(
                    word,
                    first: position,
                    next: position + 1,
                    via: token.via,
                    start: token.scalarStart,
                    end: token.scalarEnd,
                    isASCII: token.isASCII,
                    hasLeet: token.hasLeetDigit && (token.hasLetter || token.scalarCount == 1),
                    expensive: !token.unspaced && !fromOrdinary,
                    token: position
                )
                if token.unspaced && token.scalarCount > 1 { addInsideCandidates(position, token, bytes) }
                // A word in Arabic or Hebrew letters: the Latin phrase words it renders ("غريغ" is "greg").
                if !token.isASCII && !token.unspaced && word.count >= 4 && word[0] >= 0xD6 && word[0] <= 0xDB && views.contains(.transliteration) {
                    addRenderedCandidates(word, position: position, token: token)
                }
            }
        }
    }

    /// Words the walk may step over inside a phrase, as candidates of no words: what a generator's parser drops
    /// (weights after `:` or `::`, the keywords `AND` and `BREAK`), a middle initial ("Greg M. Rutkowski") and a
    /// short aside in brackets or quotes ("Greg (artist) Rutkowski", `Greg "the master" Rutkowski`). A skip never
    /// starts or ends a phrase: the walk uses it only between two words.
    mutating func addSyntaxSkips() {
        let tokens = scan.tokens
        guard tokens.count >= 3 else { return }
        typealias Mark = PromptScan.Mark
        let bytes = scan.bytes
        func isDigits(_ token: PromptScan.Token) -> Bool {
            token.isASCII && bytes[Int(token.byteStart)..<Int(token.byteEnd)].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        func skip(_ first: Int, _ last: Int) {
            add(words: EmptyCollection(), first: first, next: last + 1, via: .syntax, start: tokens[first].scalarStart, end: tokens[last].scalarEnd)
        }
        var position = 1
        while position < tokens.count - 1 {
            let token = tokens[position]
            defer { position += 1 }
            // A weight: digits after `:` or `::`, with a decimal point between them ("1.2").
            if token.mark & (Mark.colon | Mark.doubleColon) != 0 && isDigits(token) {
                var last = position
                while last + 1 < tokens.count - 1 && tokens[last + 1].mark == Mark.period && tokens[last + 1].gap != .space
                    && isDigits(tokens[last + 1])
                {
                    last += 1
                }
                skip(position, last)
                continue
            }
            let length = token.byteEnd - token.byteStart
            // The generators' keywords, written in capitals.
            if token.isASCII && !token.hasLower && (length == 3 || length == 5) {
                let word = bytes[Int(token.byteStart)..<Int(token.byteEnd)]
                if word.elementsEqual("and".utf8) || word.elementsEqual("break".utf8) {
                    skip(position, position)
                    continue
                }
            }
            // A middle initial: one capital letter between two words.
            if length == 1 && token.isASCII && token.hasLetter && !token.hasLower && tokens[position - 1].hasLetter && tokens[position + 1].hasLetter
                && token.gap != .boundary && tokens[position + 1].gap != .boundary
            {
                skip(position, position)
                continue
            }
            // An aside of one to three words in brackets or quotes, with words on both sides.
            guard token.mark & (Mark.open | Mark.quote) != 0 else { continue }
            for opening in 0..<2 {
                let opens = opening == 0 ? Mark.open : Mark.quote
                guard token.mark & opens != 0 else { continue }
                let closing = opening == 0 ? Mark.close : Mark.quote
                var last = position
                while last - position < 3 && last + 1 < tokens.count {
                    let next = tokens[last + 1]
                    if next.mark & closing != 0 {
                        if next.gap != .boundary { skip(position, last) }
                        break
                    }
                    guard next.mark == 0 else { break }
                    last += 1
                }
            }
        }
    }

    /// One phrase word written in pieces: two short words ("Min-jae", "Xiu Ying" for `minjae`, `xiuying`), three or
    /// four pieces of at most six letters ("Greg Rut kow ski"), or a word split at a hyphen, a line break after it
    /// included ("Rutkow-\nski"). From each word, pieces are joined while some phrase word starts that way (the prefix
    /// filter); pieces that are all ordinary words are not joined ("sun set").
    mutating func addJoinedCandidates() {
        let tokens = scan.tokens
        guard tokens.count >= 2 else { return }
        typealias Mark = PromptScan.Mark
        scan.bytes.withUnsafeBufferPointer { bytes in
            for position in 0..<(tokens.count - 1) {
                let left = tokens[position]
                let leftLength = Int(left.byteEnd - left.byteStart)
                // A piece has at most six letters, unless a hyphen follows it.
                let second = tokens[position + 1]
                guard left.isASCII, second.isASCII, second.byteStart == left.byteEnd, second.gap != .boundary,
                    second.gap != .whitespace || second.mark == Mark.hyphen,
                    leftLength <= 6 || second.mark == Mark.hyphen, leftLength <= matcher.maxWordBytes
                else { continue }
                var raw: UInt64 = 0
                for index in Int(left.byteStart)..<Int(left.byteEnd) {
                    raw = raw &* hashMultiplier &+ UInt64(Self.skeletonByte(bytes[index])) &+ 1
                }
                // No phrase word starts with the first piece: nothing to join.
                budget -= 1
                guard matcher.prefixFilter.mayContain(finishHash(raw, length: leftLength)) else { continue }
                var allOrdinary = tokenFlags[position] & 1 != 0
                var longest = leftLength
                var via = left.via
                var hyphenated = false
                var last = position
                while last + 1 < tokens.count && last - position < 3 {
                    let right = tokens[last + 1]
                    let rightLength = Int(right.byteEnd - right.byteStart)
                    guard right.isASCII, right.byteStart == tokens[last].byteEnd, right.gap != .boundary else { break }
                    if last == position {
                        // The second piece: after a hyphen (a line break may follow it), or after a space or nothing.
                        hyphenated = right.mark == Mark.hyphen && right.gap != .none
                        guard hyphenated || right.gap == .space || right.gap == .none || right.gap == .punctuation else { break }
                    } else {
                        // A third or fourth: after a space or nothing.
                        guard !hyphenated, right.gap == .space || right.gap == .none else { break }
                    }
                    for index in Int(right.byteStart)..<Int(right.byteEnd) {
                        raw = raw &* hashMultiplier &+ UInt64(Self.skeletonByte(bytes[index])) &+ 1
                    }
                    let length = Int(right.byteEnd - left.byteStart)
                    budget -= 1
                    guard length <= matcher.maxWordBytes, matcher.prefixFilter.mayContain(finishHash(raw, length: length)) else { break }
                    allOrdinary = allOrdinary && tokenFlags[last + 1] & 1 != 0
                    longest = max(longest, rightLength)
                    via.formUnion(right.via)
                    via.insert(right.gap == .space || right.gap == .none ? .spacing : .separator)
                    last += 1
                    let pieces = last - position + 1
                    guard !allOrdinary else { continue }
                    let fits = pieces == 2 ? hyphenated || (longest <= 5 && length >= 4) : longest <= 6
                    guard fits else { if pieces == 2 && longest > 6 && !hyphenated { break } else { continue } }
                    let joined = UnsafeBufferPointer(rebasing: bytes[Int(left.byteStart)..<Int(right.byteEnd)])
                    if let id = matcher.phraseWord(joined) {
                        add(words: CollectionOfOne(id), first: position, next: last + 1, via: via, start: left.scalarStart, end: right.scalarEnd)
                    }
                }
            }
        }
    }

    /// Two slips in one word of a long phrase ("Henrkgi Juhlin"): a word the other views found nothing for, next to
    /// a word found as written, is compared with the word that stands beside that one in each phrase holding it
    /// (a bounded edit distance of two). The walk keeps it only in a phrase of twelve letters or more whose other
    /// words are exact. Words that many phrases hold are not anchors: the work stays bounded.
    mutating func addNeighbourSlipCandidates() {
        let tokens = scan.tokens
        guard tokens.count >= 2, matcher.maxDepth >= 2 else { return }
        var seen: [Int32] = []
        scan.bytes.withUnsafeBufferPointer { bytes in
            for (position, token) in tokens.enumerated() where tokenFlags[position] & 2 == 0 && token.isASCII && token.byteEnd - token.byteStart >= 3
            {
                // Only beside a word found as written.
                let before = position > 0 && heads[position - 1] >= 0
                let after = position + 1 < tokens.count && heads[position + 1] >= 0
                guard before || after else { continue }
                let word = UnsafeBufferPointer(rebasing: bytes[Int(token.byteStart)..<Int(token.byteEnd)])
                guard budget > 0 else {
                    budget = -1
                    return
                }
                if matcher.isOrdinary(hash: hashBytes(word)) { continue }
                // A slip in a word of four or five letters, beside a word found as written that is no ordinary word
                // ("Grge Rutkowski"; not "marx, black" for Mary Black).
                // (the walk keeps it only when another word of the phrase is no ordinary word).
                budget -= word.count + 1
                matcher.shortSlipWords(word, into: &fuzzyScratch)
                for id in fuzzyScratch {
                    add(
                        words: CollectionOfOne(id),
                        first: position,
                        next: position + 1,
                        via: token.via.union(.shortSlip),
                        start: token.scalarStart,
                        end: token.scalarEnd
                    )
                }
                guard word.count >= 5 else { continue }
                seen.removeAll(keepingCapacity: true)
                for side in 0..<2 {
                    let (neighbour, offset) = side == 0 ? (position - 1, 1) : (position + 1, -1)
                    guard neighbour >= 0 && neighbour < tokens.count else { continue }
                    var index = heads[neighbour]
                    while index >= 0 {
                        let candidate = candidates[Int(index)]
                        index = candidate.nextInList
                        guard candidate.wordCount == 1, candidate.via.isDisjoint(with: [.fuzzy, .shortSlip, .twoSlips, .weakForm]) else { continue }
                        let anchor = Int(candidateWords[Int(candidate.wordsStart)])
                        let from = Int(matcher.anchorStarts[anchor])
                        let to = Int(matcher.anchorStarts[anchor + 1])
                        guard to - from <= 64 else { continue }
                        budget -= to - from
                        for entry in matcher.anchorEntries[from..<to] {
                            let start = Int(matcher.entryStarts[Int(entry)])
                            let end = Int(matcher.entryStarts[Int(entry) + 1])
                            for place in start..<end where Int(matcher.entryWords[place]) == anchor {
                                let target = place + offset
                                guard target >= start && target < end else { continue }
                                let id = matcher.entryWords[target]
                                guard !seen.contains(id), matcher.words.length(id) >= 5 else { continue }
                                seen.append(id)
                                let distance = matcher.words.word(id).withUnsafeBufferPointer { PhraseMatcher.editDistance($0, word, limit: 2) }
                                guard distance == 2 else { continue }
                                add(
                                    words: CollectionOfOne(id),
                                    first: position,
                                    next: position + 1,
                                    via: token.via.union(.twoSlips),
                                    start: token.scalarStart,
                                    end: token.scalarEnd
                                )
                            }
                        }
                    }
                }
            }
        }
    }

    /// Phrases of a script written without spaces found inside a run of it ("新海誠" in "新海誠風の夕焼け"): from each
    /// character, characters are joined while some phrase word starts that way (the prefix filter), and each piece
    /// that is a phrase word becomes a candidate spanning its characters.
    mutating func addInsideCandidates(_ position: Int, _ token: PromptScan.Token, _ bytes: UnsafeBufferPointer<UInt8>) {
        let start = Int(token.byteStart)
        let end = Int(token.byteEnd)
        var from = start
        while from < end {
            guard budget > 0 else {
                budget = -1
                return
            }
            var raw: UInt64 = 0
            var to = from
            while to < end {
                let next = to + Self.utf8Width(bytes[to])
                while to < next {
                    raw = raw &* hashMultiplier &+ UInt64(Self.skeletonByte(bytes[to])) &+ 1
                    to += 1
                }
                budget -= 1
                let length = to - from
                guard length <= matcher.maxWordBytes, matcher.prefixFilter.mayContain(finishHash(raw, length: length)) else { break }
                if from == start && to == end { break }  // the whole run was looked up as a word
                if let id = matcher.phraseWord(UnsafeBufferPointer(rebasing: bytes[from..<to])), !matcher.isBoundedKana(id) {
                    addRunSpan(id, position, token, from: from, to: to)
                }
            }
            from += Self.utf8Width(bytes[from])
        }
        if !matcher.boundedKana.isEmpty { addBoundedKanaCandidates(position, token, bytes) }
    }

    /// The bytes a UTF-8 sequence takes, by its lead byte.
    @inline(__always)
    static func utf8Width(_ lead: UInt8) -> Int { lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4 }

    /// Phrase word `id`, found at bytes `from..<to` of the unspaced run `token`: a candidate spanning those scalars.
    mutating func addRunSpan(_ id: Int32, _ position: Int, _ token: PromptScan.Token, from: Int, to: Int) {
        let origin = Int(token.originStart) - Int(token.byteStart)
        add(
            words: CollectionOfOne(id),
            first: position,
            next: position + 1,
            via: token.via.union(.script),
            start: scan.origins[origin + from],
            end: scan.origins[origin + to - 1] + 1
        )
    }

    /// "m u c h a", "m.u.c.h.a": runs of one-letter words read as words. From each letter of a run, letters are
    /// joined while some phrase word starts that way (the prefix filter), so the work is linear in the run; each
    /// piece of two or more letters that is a phrase word (as written, or in leet) becomes a candidate spanning its
    /// letters, and the trie walk joins pieces into phrases ("g r e g r u t k o w s k i").
    mutating func addSpacedOutCandidates() {
        let tokens = scan.tokens
        var runStart = 0
        while runStart < tokens.count {
            guard tokens[runStart].scalarCount == 1 else {
                runStart += 1
                continue
            }
            var runEnd = runStart
            while runEnd + 1 < tokens.count && tokens[runEnd + 1].scalarCount == 1 { runEnd += 1 }
            if runEnd > runStart {
                let capacity = matcher.maxWordBytes + 8
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { piece in
                    for from in runStart..<runEnd {
                        guard budget > 0 else {
                            budget = -1
                            return
                        }
                        var length = 0
                        var raw: UInt64 = 0
                        var via = Via.spacing
                        var isASCII = true
                        var hasLeet = false
                        var hasLetter = false
                        extending: for to in from...runEnd {
                            let token = tokens[to]
                            for index in Int(token.byteStart)..<Int(token.byteEnd) {
                                guard length < capacity else { break extending }
                                let byte = scan.bytes[index]
                                piece[length] = byte
                                length += 1
                                raw = raw &* hashMultiplier &+ UInt64(Self.skeletonByte(byte)) &+ 1
                            }
                            via.formUnion(token.via)
                            isASCII = isASCII && token.isASCII
                            hasLeet = hasLeet || token.hasLeetDigit
                            hasLetter = hasLetter || token.hasLetter
                            guard to > from else { continue }
                            budget -= 2
                            guard length <= matcher.maxWordBytes, matcher.prefixFilter.mayContain(finishHash(raw, length: length)) else {
                                break
                            }
                            addWordCandidates(
                                UnsafeBufferPointer(rebasing: piece[0..<length]),
                                first: from,
                                next: to + 1,
                                via: via,
                                start: tokens[from].scalarStart,
                                end: tokens[to].scalarEnd,
                                isASCII: isASCII,
                                hasLeet: hasLeet && hasLetter,
                                expensive: false
                            )
                        }
                    }
                }
            }
            runStart = runEnd + 1
        }
    }

    /// "gr@y", "$alvador": words read with `@` and `$` as letters, spanning the ordinary words they cover.
    mutating func addLeetSymbolCandidates(from leetScan: PromptScan) {
        let tokens = scan.tokens
        leetScan.bytes.withUnsafeBufferPointer { bytes in
            for token in leetScan.tokens where token.hasLetter {
                let word = UnsafeBufferPointer(rebasing: bytes[Int(token.byteStart)..<Int(token.byteEnd)])
                guard word.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "$") }) else { continue }
                // Tokens are in prompt order: find the ones this word covers by binary search, not by a scan.
                let first = Self.partition(tokens) { $0.scalarEnd > token.scalarStart }
                let last = Self.partition(tokens) { $0.scalarStart >= token.scalarEnd } - 1
                guard first < tokens.count, last >= first else { continue }
                guard budget > 0 else {
                    budget = -1
                    return
                }
                budget -= 2
                addWordCandidates(
                    word,
                    first: first,
                    next: last + 1,
                    via: token.via.union(.leet),
                    start: token.scalarStart,
                    end: token.scalarEnd,
                    isASCII: token.isASCII,
                    hasLeet: true
                )
            }
        }
    }

    /// The index of the first token for which `isAfter` holds (it holds for every token after it), or the count.
    static func partition(_ tokens: [PromptScan.Token], _ isAfter: (PromptScan.Token) -> Bool) -> Int {
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(tokens[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
