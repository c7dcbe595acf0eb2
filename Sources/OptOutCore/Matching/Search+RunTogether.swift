extension Search {
    /// The run-together view's memo: places in a word (after a given piece) from which no split reached the end, on
    /// the stack; past its capacity the view just forgets (the view's own budget still bounds the work).
    struct DeadEnds {
        static let capacity = 64
        let storage: UnsafeMutableBufferPointer<UInt64>
        var count = 0

        func contains(_ key: UInt64) -> Bool {
            for index in 0..<count where storage[index] == key { return true }
            return false
        }

        mutating func insert(_ key: UInt64) {
            guard count < storage.count else { return }
            storage[count] = key
            count += 1
        }
    }

    /// Endings of plural and derived forms: "Rutkowskis", "Rutkowskiesque", "Rutkowskiish", "Rutkowskilike" (not
    /// "-ian": "lovecraftian horror" is a genre as much as a name).
    static let formSuffixes: [[UInt8]] = ["s", "es", "esque", "ish", "like"].map { Array($0.utf8) }
    /// What accounts add to a name: "gregrutkowskiofficial", "gregrutkowskiart", "realgregrutkowski".
    static let handleSuffixes: [[UInt8]] = [
        "official", "art", "arts", "artist", "artwork", "artworks", "studio", "studios", "illustration", "illustrations", "illustrator",
        "draws", "drawing", "drawings", "paints", "painting", "paintings", "design", "designs", "works", "gallery", "official1", "tv",
        "creates", "makes", "comics", "sketches", "ink", "photo", "photography",
    ].map { Array($0.utf8) }
    static let handlePrefixes: [[UInt8]] = ["the", "real", "iam", "its", "official", "art", "by", "mr", "ms", "dr", "itsme"].map { Array($0.utf8) }

    /// Reads `word[from...]` as known words run together (two or more); the walk of the trie then decides whether
    /// they make a phrase, alone or with the words around them. In leet forms a piece may also be read through its
    /// skeleton; the last piece may be a one-letter misspelling.
    mutating func splitRunTogether(
        _ word: UnsafeBufferPointer<UInt8>,
        skeleton: UnsafeBufferPointer<UInt8>?,
        from: Int,
        path: inout [Int32],
        budget: inout Int,
        deadEnds: inout DeadEnds,
        isASCII: Bool,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        // A place in the word from which no split reached the end after the same word is not tried again by another
        // path (the word-break memo): the work per word is bounded by its length times the longest phrase word.
        let memo = UInt64(from) << 32 | UInt64(UInt32(bitPattern: path.last ?? -1))
        if path.count >= 8 || deadEnds.contains(memo) { return }
        // Nothing follows the last piece in any phrase: no split goes on from here.
        if let last = path.last, !matcher.leadsOn(last) { return }
        let candidatesBefore = candidates.count
        defer { if candidates.count == candidatesBefore { deadEnds.insert(memo) } }
        // After a piece that few phrases hold, the next piece is one of the words that follow it there: compared in
        // place (or, ending the word, with one slip), instead of every piece the letters allow.
        if let last = path.last, skeleton == nil, let followers = matcher.followers(of: last) {
            budget -= 1
            self.budget -= 1 + followers.count
            let rest = UnsafeBufferPointer(rebasing: word[from...])
            for id in followers {
                let piece = matcher.words.word(id)
                if piece.count <= rest.count && rest.prefix(piece.count).elementsEqual(piece) {
                    path.append(id)
                    finishOrSplit(
                        word,
                        skeleton: nil,
                        at: from + piece.count,
                        path: &path,
                        budget: &budget,
                        deadEnds: &deadEnds,
                        isASCII: isASCII,
                        first: first,
                        next: next,
                        via: via,
                        start: start,
                        end: end
                    )
                    path.removeLast()
                } else if isASCII, views.contains(.fuzzy), rest.count >= PhraseMatcher.minimumFuzzyLength - 1, abs(piece.count - rest.count) <= 1,
                    piece.withUnsafeBufferPointer({ PhraseMatcher.isOneEditApart($0, rest) })
                {
                    self.budget -= rest.count
                    path.append(id)
                    add(words: path, first: first, next: next, via: via.union(slip(id)), start: start, end: end)
                    path.removeLast()
                }
            }
            return
        }
        // Pieces no phrase word starts with end the search from here: find how far the prefix filter lets a piece
        // reach, with the plain hash of each length on the way.
        let reach = min(word.count - from, matcher.maxWordBytes)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: reach + 1) { plainHashes in
            var longest = 0
            var plainRaw: UInt64 = 0
            var skeletonRaw: UInt64 = 0
            while longest < reach {
                let byte = word[from + longest]
                plainRaw = plainRaw &* hashMultiplier &+ UInt64(byte) &+ 1
                skeletonRaw = skeletonRaw &* hashMultiplier &+ UInt64(Self.skeletonByte(byte)) &+ 1
                self.budget -= 1
                guard matcher.prefixFilter.mayContain(finishHash(skeletonRaw, length: longest + 1)) else { break }
                longest += 1
                plainHashes[longest] = finishHash(plainRaw, length: longest)
            }
            // Longest pieces first: natural splits come quickly, before runs of one-letter initials use up the budget.
            var cut = min(path.isEmpty ? word.count - 1 : word.count, from + longest)
            while cut > from && budget > 0 && self.budget > 0 {
                defer { cut -= 1 }
                if cut < word.count && word[cut] & 0xC0 == 0x80 { continue }  // not a scalar boundary
                budget -= 1
                self.budget -= 1
                var pieces: [Int32] = []
                let hash = plainHashes[cut - from]
                // An initial is no piece of a run-together word: only a name written out is.
                if matcher.vocabularyFilter.mayContain(hash),
                    let id = matcher.words.find(UnsafeBufferPointer(rebasing: word[from..<cut]), hash: hash),
                    cut - from > 1 || !matcher.initialOnlyWords.contains(id)
                {
                    pieces.append(id)
                }
                if let skeleton, let entry = matcher.leetWord(UnsafeBufferPointer(rebasing: skeleton[from..<cut])) {
                    var id = matcher.leetFirst[Int(entry)]
                    while id >= 0 {
                        if !pieces.contains(id) { pieces.append(id) }
                        id = matcher.leetNext[Int(id)]
                    }
                }
                for id in pieces {
                    // Only words that follow each other in some phrase are read run together.
                    if let last = path.last, !matcher.follows(last, id) { continue }
                    // A first piece needs a word after it, in some phrase, and a whole word read run together is not.
                    if path.isEmpty && cut < word.count && !matcher.leadsOn(id) { continue }
                    path.append(id)
                    finishOrSplit(
                        word,
                        skeleton: skeleton,
                        at: cut,
                        path: &path,
                        budget: &budget,
                        deadEnds: &deadEnds,
                        isASCII: isASCII,
                        first: first,
                        next: next,
                        via: via,
                        start: start,
                        end: end
                    )
                    path.removeLast()
                }
            }
        }
        if isASCII, views.contains(.fuzzy), !path.isEmpty, word.count - from >= PhraseMatcher.minimumFuzzyLength - 1,
            word.count - from <= 64, budget > 0, self.budget > 0
        {
            budget -= 10
            self.budget -= word.count - from + 1
            matcher.fuzzyWords(UnsafeBufferPointer(rebasing: word[from...]), into: &fuzzyScratch)
            for id in fuzzyScratch where matcher.follows(path[path.count - 1], id) {
                path.append(id)
                add(words: path, first: first, next: next, via: via.union(slip(id)), start: start, end: end)
                path.removeLast()
            }
        }
    }

    /// After a piece ending at `cut`: the word's end makes `path` a candidate; otherwise the split goes on from there.
    mutating func finishOrSplit(
        _ word: UnsafeBufferPointer<UInt8>,
        skeleton: UnsafeBufferPointer<UInt8>?,
        at cut: Int,
        path: inout [Int32],
        budget: inout Int,
        deadEnds: inout DeadEnds,
        isASCII: Bool,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        if cut == word.count {
            add(words: path, first: first, next: next, via: via, start: start, end: end)
            return
        }
        splitRunTogether(
            word,
            skeleton: skeleton,
            from: cut,
            path: &path,
            budget: &budget,
            deadEnds: &deadEnds,
            isASCII: isASCII,
            first: first,
            next: next,
            via: via,
            start: start,
            end: end
        )
    }

    /// What a misspelling of phrase word `id` is called: a slip in a word of four or five letters counts only when
    /// the rest of the phrase is exact (the walk decides).
    @inline(__always)
    func slip(_ id: Int32) -> Via {
        matcher.words.word(id).count < PhraseMatcher.minimumFuzzyLength ? .shortSlip : .fuzzy
    }

    /// A byte as the prefix filter reads it: leet digits and symbols as letters, and `l` as `i`.
    @inline(__always)
    static func skeletonByte(_ byte: UInt8) -> UInt8 {
        let soft = softLeet(byte)
        return soft == UInt8(ascii: "l") ? UInt8(ascii: "i") : soft
    }

    @inline(__always)
    static func softLeet(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0"): UInt8(ascii: "o")
        case UInt8(ascii: "1"): UInt8(ascii: "i")
        case UInt8(ascii: "3"): UInt8(ascii: "e")
        case UInt8(ascii: "4"), UInt8(ascii: "@"): UInt8(ascii: "a")
        case UInt8(ascii: "5"), UInt8(ascii: "$"): UInt8(ascii: "s")
        case UInt8(ascii: "7"): UInt8(ascii: "t")
        default: byte
        }
    }
}
