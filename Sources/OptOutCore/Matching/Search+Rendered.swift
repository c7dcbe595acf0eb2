/// Names in other scripts read word by word: Arabic and Hebrew renderings of Latin words, and the katakana words a
/// name rendered in katakana may take after it.
extension Search {
    /// The Latin phrase word a word in Arabic or Hebrew letters renders (``PhraseMatcher/renderedForms``): as
    /// written, or one slip from a long rendering.
    mutating func addRenderedCandidates(_ word: UnsafeBufferPointer<UInt8>, position: Int, token: PromptScan.Token) {
        guard matcher.renderedOwners.count > 0, word.count <= 128 else { return }
        budget -= 1
        let base = token.via.union([.transliteration, .rendered])
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count * 2 + 2) { scratch in
            let narrow = UnsafeMutableBufferPointer(rebasing: scratch[0..<(word.count + 1)])
            guard let count = PhraseMatcher.narrowForm(word, into: narrow) else { return }
            let query = UnsafeBufferPointer(rebasing: narrow[0..<count])
            func via(_ form: Int32) -> Via {
                matcher.renderedEveryday[Int(form) >> 6] & (1 << UInt64(form & 63)) != 0 ? base : base.union(.renderedDistinct)
            }
            if let form = matcher.renderedForms.find(query) {
                add(
                    words: CollectionOfOne(matcher.renderedOwners[Int(form)]),
                    first: position,
                    next: position + 1,
                    via: via(form),
                    start: token.scalarStart,
                    end: token.scalarEnd
                )
            }
            guard views.contains(.fuzzy), count > PhraseMatcher.minimumFuzzyLength else { return }
            let shorter = UnsafeMutableBufferPointer(rebasing: scratch[(word.count + 1)..<(word.count * 2 + 2)])
            var found: [Int32] = []
            func consider(_ form: Int32) {
                guard !found.contains(form) else { return }
                found.append(form)
                let bytes = matcher.renderedForms.word(form)
                let near = bytes.withUnsafeBufferPointer { PhraseMatcher.isOneEditApart($0, query) }
                guard near else { return }
                add(
                    words: CollectionOfOne(matcher.renderedOwners[Int(form)]),
                    first: position,
                    next: position + 1,
                    via: via(form).union(.fuzzy),
                    start: token.scalarStart,
                    end: token.scalarEnd
                )
            }
            budget -= count
            matcher.renderedDeletes.forEach(hash: hashBytes(query), consider)
            for skip in 1..<count where query[skip] != query[skip - 1] {
                var length = 0
                for index in 0..<count where index != skip {
                    shorter[length] = query[index]
                    length += 1
                }
                matcher.renderedDeletes.forEach(hash: hashBytes(UnsafeBufferPointer(rebasing: shorter[0..<length])), consider)
            }
        }
    }

    /// Katakana words written after a name ("ミュシャタッチ", "ルトコフスキスタイル"), folded: タッチ, スタイル, テイスト, ライク,
    /// イラスト, アート, ファン.
    static let kanaSuffixes: [[UInt8]] = ["タチ", "スタイル", "テイスト", "ライク", "イラスト", "アト", "フアン"].map { Array($0.utf8) }

    /// Whether the folded bytes at `offset` (before `end`) start with one of ``kanaSuffixes``.
    @inline(__always)
    static func kanaSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ end: Int) -> Bool {
        guard isKatakana(bytes, offset, end) else { return false }
        for suffix in kanaSuffixes where offset + suffix.count <= end {
            var index = 0
            while index < suffix.count && bytes[offset + index] == suffix[index] { index += 1 }
            if index == suffix.count { return true }
        }
        return false
    }

    /// Whether the UTF-8 scalar at `offset` (before `end`) is a folded katakana letter, U+30A1 to U+30FA (E3 82 A1
    /// to E3 83 BA): the letters a katakana rendering is made of.
    @inline(__always)
    static func isKatakana(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ end: Int) -> Bool {
        guard offset + 2 < end, bytes[offset] == 0xE3 else { return false }
        let second = bytes[offset + 1]
        let third = bytes[offset + 2]
        return (second == 0x82 && third >= 0xA1) || (second == 0x83 && third <= 0xBA)
    }

    /// Names rendered in katakana inside a run (``PhraseMatcher/boundedKana``): each is a katakana word of its own,
    /// not a piece of a longer one ("ファンサイト" holds アンサイト), though a word such as タッチ or スタイル may follow it. So
    /// only spans from a kana break to a kana break (or to such a word) are looked up, and these words need no place in
    /// the prefix filter. A rendering is katakana throughout (``PhraseMatcher/boundedKana``), so a span starts at a
    /// katakana letter and ends at the first letter that is not one: Han and hiragana text costs a byte test a
    /// character.
    mutating func addBoundedKanaCandidates(_ position: Int, _ token: PromptScan.Token, _ bytes: UnsafeBufferPointer<UInt8>) {
        let start = Int(token.byteStart)
        let end = Int(token.byteEnd)
        let origin = Int(token.originStart) - start
        var from = start
        while from < end {
            defer { from += Self.utf8Width(bytes[from]) }
            guard scan.kanaBreaks[origin + from], Self.isKatakana(bytes, from, end) else { continue }
            var to = from + 3
            while to - from <= matcher.maxBoundedKanaBytes {
                guard budget > 0 else {
                    budget = -1
                    return
                }
                budget -= 1
                let more = to < end && Self.isKatakana(bytes, to, end)
                if !(from == start && to == end) && (!more || scan.kanaBreaks[origin + to] || Self.kanaSuffix(bytes, to, end)),
                    let id = matcher.phraseWord(UnsafeBufferPointer(rebasing: bytes[from..<to])), matcher.isBoundedKana(id)
                {
                    addRunSpan(id, position, token, from: from, to: to)
                }
                guard more else { break }
                to += 3
            }
        }
    }
}
