extension PhraseMatcher {
    // MARK: Looking words up

    /// The phrase word `bytes` is, if any, and whether it is an ordinary word; most words are answered by the
    /// cache-resident filters without a probe of the word table.
    @inline(__always)
    func lookUp(_ bytes: UnsafeBufferPointer<UInt8>) -> (word: Int32?, ordinary: Bool) {
        lookUp(bytes, hash: hashBytes(bytes))
    }

    /// ``lookUp(_:)`` of `bytes`, whose ``hashBytes(_:)`` is `hash`.
    @inline(__always)
    func lookUp(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (word: Int32?, ordinary: Bool) {
        let word = vocabularyFilter.mayContain(hash) ? words.find(bytes, hash: hash) : nil
        return (word, isOrdinary(hash: hash))
    }

    /// Whether the word whose ``hashBytes(_:)`` is `hash` is an ordinary word: the filter answers most words, and the
    /// exact set the ones it holds. The filter alone was the answer once, and about one slip in 700 of a registered
    /// surname was a word it falsely held, read as ordinary and so never as a slip ("aaron doeglas").
    @inline(__always)
    func isOrdinary(hash: UInt64) -> Bool {
        ordinaryFilter.mayContain(hash) && ordinaryHashes.contains(hash)
    }

    /// The leet skeleton entry of `bytes`, if any; the filter answers most look-ups without a probe.
    @inline(__always)
    func leetWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = hashBytes(bytes)
        guard leetFilter.mayContain(hash) else { return nil }
        return leetWords.find(bytes, hash: hash)
    }

    /// Whether `word` is only a katakana rendering of a Latin name, found as a katakana word of its own.
    @inline(__always)
    func isBoundedKana(_ word: Int32) -> Bool { !boundedKana.isEmpty && boundedKana.contains(word) }

    @inline(__always)
    func phraseWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = hashBytes(bytes)
        guard vocabularyFilter.mayContain(hash) else { return nil }
        return words.find(bytes, hash: hash)
    }

    /// Words of six or more letters one substitution, deletion, insertion or adjacent transposition from `query` (the
    /// symmetric-delete method: `query` itself, and each of its one-byte deletions, looked up among the words'
    /// one-byte deletions, and each deletion among the words themselves; every hit verified).
    func fuzzyWords(_ query: UnsafeBufferPointer<UInt8>, narrow: Bool = false, into results: inout [Int32]) {
        let length = query.count
        results.removeAll(keepingCapacity: true)
        guard length >= Self.minimumFuzzyLength - (narrow ? 0 : 1), length <= 64 else { return }
        func consider(_ id: Int32) {
            guard !results.contains(id) else { return }
            if narrow ? isNarrowOneEditApart(id, query) : isOneEditApart(id, query) { results.append(id) }
        }
        deletes.forEach(hash: hashBytes(query)) { consider($0) }
        // The powers once: a global's every read asks whether it is initialized (`swift_once`).
        let powers = hashPowers
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: length + 1) { suffix in
            // suffix[i] = sum over j >= i of (query[j] + 1) * M^(length-1-j)
            suffix[length] = 0
            var index = length - 1
            while index >= 0 {
                suffix[index] = (UInt64(query[index]) &+ 1) &* powers[length - 1 - index] &+ suffix[index + 1]
                index -= 1
            }
            var prefix: UInt64 = 0
            for skip in 0..<length {
                if skip == 0 || query[skip] != query[skip - 1] {
                    let raw = prefix &* powers[length - 1 - skip] &+ suffix[skip + 1]
                    let hash = finishHash(raw, length: length - 1)
                    deletes.forEach(hash: hash) { consider($0) }
                    // An inserted letter ("Rutkowsski"): the query without it is a phrase word itself (a narrow form
                    // is found whole among the deletions).
                    if !narrow, length - 1 >= Self.minimumFuzzyLength, vocabularyFilter.mayContain(hash) {
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length - 1) { shorter in
                            var count = 0
                            for index in 0..<length where index != skip {
                                shorter[count] = query[index]
                                count += 1
                            }
                            if let id = words.find(UnsafeBufferPointer(shorter), hash: hash) { consider(id) }
                        }
                    }
                }
                prefix = prefix &* hashMultiplier &+ UInt64(query[skip]) &+ 1
            }
        }
    }

    /// Whether phrase word `id`, in its narrow form, is one edit from the narrow `query`.
    func isNarrowOneEditApart(_ id: Int32, _ query: UnsafeBufferPointer<UInt8>) -> Bool {
        guard words.length(id) <= 256 else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: words.length(id) + 1) { buffer in
            guard let count = words.word(id).withUnsafeBufferPointer({ Self.narrowForm($0, into: buffer) }), count > Self.minimumFuzzyLength else {
                return false
            }
            return Self.isOneEditApart(UnsafeBufferPointer(rebasing: buffer[0..<count]), query)
        }
    }

    /// Words of four or five letters one slip from `query` (three to six letters), by their own index.
    func shortSlipWords(_ query: UnsafeBufferPointer<UInt8>, into results: inout [Int32]) {
        results.removeAll(keepingCapacity: true)
        guard query.count >= Self.minimumShortSlipLength - 1, query.count <= Self.minimumFuzzyLength else { return }
        func consider(_ id: Int32) {
            if !results.contains(id), isOneEditApart(id, query) { results.append(id) }
        }
        shortDeletes.forEach(hash: hashBytes(query)) { consider($0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: query.count) { shorter in
            for skip in 0..<query.count where skip == 0 || query[skip] != query[skip - 1] {
                var count = 0
                for index in 0..<query.count where index != skip {
                    shorter[count] = query[index]
                    count += 1
                }
                shortDeletes.forEach(hash: hashBytes(UnsafeBufferPointer(rebasing: shorter[0..<count]))) { consider($0) }
            }
        }
    }

    /// Restricted Damerau-Levenshtein distance of at most one, for an ASCII word of four or more bytes.
    func isOneEditApart(_ id: Int32, _ query: UnsafeBufferPointer<UInt8>) -> Bool {
        let word = words.word(id)
        guard word.count >= Self.minimumShortSlipLength else { return false }
        return word.withUnsafeBufferPointer { Self.isOneEditApart($0, query) }
    }

    /// Restricted Damerau-Levenshtein distance of exactly one between two byte strings.
    static func isOneEditApart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.count == b.count {
            var first = -1
            var second = -1
            for index in 0..<a.count where a[index] != b[index] {
                if first < 0 {
                    first = index
                } else if second < 0 {
                    second = index
                } else {
                    return false
                }
            }
            if first < 0 { return false }
            if second < 0 { return true }
            return second == first + 1 && a[first] == b[second] && a[second] == b[first]
        }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var index = 0
        while index < short.count && long[index] == short[index] { index += 1 }
        while index < short.count && long[index + 1] == short[index] { index += 1 }
        return index == short.count
    }

    /// The restricted Damerau-Levenshtein distance between `a` and `b`, or `limit + 1` when it is larger.
    static func editDistance(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, limit: Int) -> Int {
        let (n, m) = (a.count, b.count)
        guard abs(n - m) <= limit, n <= 64, m <= 64 else { return limit + 1 }
        guard n > 0, m > 0 else { return max(n, m) }
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            var rowMinimum = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return min(previous[m], limit + 1)
    }

    /// A word written in one small alphabet (Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Bengali,
    /// Georgian), ASCII letters mixed in (folding maps lookalikes to them), as one byte a letter: a tag for the
    /// alphabet, then ASCII bytes as they are and the alphabet's letters as 0x80 plus their offset. The misspelling
    /// index reads such words by letter, as it reads ASCII words by byte. False for any other word.
    static func narrowForm(_ word: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count + 1) { buffer in
            guard let count = narrowForm(word, into: buffer) else { return false }
            out.append(contentsOf: buffer[0..<count])
            return true
        }
    }

    /// The narrow form written into `out` (room for the word's bytes and one), without allocating; nil for a word
    /// that has none.
    static func narrowForm(_ word: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var count = 1
        out[0] = 0
        var tag: UInt8 = 0
        var index = 0
        while index < word.count {
            let lead = word[index]
            if lead < 0x80 {
                out[count] = lead
                count += 1
                index += 1
                continue
            }
            guard lead < 0xF0, index + (lead < 0xE0 ? 1 : 2) < word.count else { return nil }
            let value: UInt32
            if lead < 0xE0 {
                value = UInt32(lead & 0x1F) << 6 | UInt32(word[index + 1] & 0x3F)
                index += 2
            } else {
                value = UInt32(lead & 0x0F) << 12 | UInt32(word[index + 1] & 0x3F) << 6 | UInt32(word[index + 2] & 0x3F)
                index += 3
            }
            let block: UInt8
            let base: UInt32
            switch value {
            case 0x0380..<0x0400: (block, base) = (1, 0x0380)
            case 0x0400..<0x0480: (block, base) = (2, 0x0400)
            case 0x0530..<0x0590: (block, base) = (3, 0x0530)
            case 0x0590..<0x0600: (block, base) = (4, 0x0580)
            case 0x0600..<0x0680: (block, base) = (5, 0x0600)
            case 0x0900..<0x0980: (block, base) = (6, 0x0900)
            case 0x0980..<0x0A00: (block, base) = (7, 0x0980)
            case 0x10A0..<0x1100: (block, base) = (8, 0x10A0)
            default: return nil
            }
            if tag == 0 {
                tag = block
                out[0] = tag
            } else if tag != block {
                return nil
            }
            out[count] = 0x80 | UInt8(value - base)
            count += 1
        }
        return tag != 0 ? count : nil
    }

    @inline(__always)
    func step(_ state: Int32, _ word: Int32) -> Int32? {
        if state < 0 { return word }
        guard hasChildren[Int(state)] else { return nil }
        return transitions.child(state, word)
    }
}
