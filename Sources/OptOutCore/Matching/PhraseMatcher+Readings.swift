extension PhraseMatcher {
    /// The readings of a phrase the matcher also finds it in, besides its words (`folded`): its Latin reading from
    /// another script, the romaji and kana of a Japanese name, the katakana renderings of a Latin name, and its
    /// initials (Arabic and Hebrew renderings are read word by word: ``PhraseMatcher/renderedWords``). `boundedKana`: a katakana rendering, found only as a katakana word of its own.
    static func readings(
        of phrase: String,
        folded: [String],
        ordinaryWords: OrdinaryWords,
        memo: ReadingMemo
    ) -> [(words: [String], via: Via, boundedKana: Bool)] {
        var result: [(words: [String], via: Via, boundedKana: Bool)] = []
        // A phrase in another script is also found in its Latin reading, unless that reading is one ordinary
        // word or too short to tell apart.
        for reading in Transliteration.phraseReadings(phrase, memo: memo) {
            let readingWords = Folding.words(of: reading)
            let letters = readingWords.reduce(0) { $0 + $1.utf8.count }
            // A reading that is ordinary text ("阿满" read "a man") is not used: the name is still found as written.
            if readingWords != folded, letters >= 4, !readingWords.isEmpty, !ordinaryWords.isOrdinary(readingWords) {
                result.append((readingWords, .transliteration, false))
            }
        }
        // A Japanese name in kanji, in the romaji of its likely readings ("新海誠": "Shinkai Makoto", "Makoto Shinkai").
        // Likely, not certain: a reading with an ordinary English word in it ("shin", "mai") or under eight letters is
        // left out, so that the readings stay names.
        for words in ordinaryWords.japaneseNames.readings(of: phrase)
        where !words.contains(where: ordinaryWords.contains) && words.joined().count >= 8 && words != folded {
            result.append((words, .transliteration, false))
        }
        // The same name in kana, or half in kana ("しんかいまこと", "新海まこと"), found inside runs of Japanese text.
        for form in ordinaryWords.japaneseNames.kanaForms(of: phrase) {
            result.append((Folding.words(of: form), .transliteration, false))
        }
        // A name in Latin letters in katakana ("グレッグ・ルトコフスキ"), or a Japanese one in kana ("しんかいまこと").
        for form in ordinaryWords.japaneseNames.kanaRenderings(of: folded, memo: memo) {
            // One found only as a katakana word of its own (``Search/addInsideCandidates(_:_:_:)``).
            let bounded = form.unicodeScalars.first.map { (0x30A1...0x30FA).contains($0.value) } ?? false
            result.append(([form], .transliteration, bounded))
        }
        for initials in Self.initialReadings(folded, ordinaryWords: ordinaryWords) {
            result.append((initials, .initials, false))
        }
        return result
    }
}

extension PhraseMatcher {
    /// The tables of ``renderedForms``: every word of the phrases (`phraseWords`, ids into `words`) in Arabic and
    /// Hebrew letters, narrow, with the word it renders, and the one-letter deletions of the long ones.
    static func renderedWordTables(
        words: WordTable,
        phraseWords: ArraySlice<Int32>,
        ordinaryWords: OrdinaryWords
    ) -> (forms: WordTable, owners: [Int32], everyday: [UInt64], deletes: HashMultiMap) {
        var rendered = Set<Int32>()
        var forms = WordTable(capacity: 64)
        var owners: [Int32] = []
        var everyday: [UInt64] = []
        var formDeletes: [(UInt64, Int32)] = []
        var narrow: [UInt8] = []
        for id in phraseWords where rendered.insert(id).inserted {
            let word = String(decoding: words.word(id), as: UTF8.self)
            for (form, isEveryday) in SemiticSpelling.wordRenderings(word, isEveryday: ordinaryWords.isEveryday) {
                let bytes = Array(form.utf8)
                guard bytes.withUnsafeBufferPointer({ narrowForm($0, into: &narrow) }), narrow.count <= 64 else { continue }
                let formID = forms.insert(narrow)
                guard formID == owners.count else { continue }
                owners.append(id)
                if owners.count > everyday.count * 64 { everyday.append(0) }
                if isEveryday { everyday[Int(formID) >> 6] |= 1 << UInt64(formID & 63) }
                guard narrow.count > minimumFuzzyLength else { continue }
                formDeletes.append((narrow.withUnsafeBufferPointer { hashBytes($0) }, formID))
                for skip in 1..<narrow.count where narrow[skip] != narrow[skip - 1] {
                    var shorter = narrow
                    shorter.remove(at: skip)
                    formDeletes.append((shorter.withUnsafeBufferPointer { hashBytes($0) }, formID))
                }
            }
        }
        forms.shrink()
        return (forms, owners, everyday, HashMultiMap(formDeletes))
    }
}
