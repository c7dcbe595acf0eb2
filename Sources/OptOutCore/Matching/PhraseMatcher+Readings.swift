extension PhraseMatcher {
    /// The readings of a phrase the matcher also finds it in, besides its words (`folded`): its Latin reading from
    /// another script, the romaji and kana of a Japanese name, the katakana, Arabic and Hebrew renderings of a Latin
    /// name, and its initials. `boundedKana`: a katakana rendering, found only as a katakana word of its own.
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
        for form in ordinaryWords.japaneseNames.kanaRenderings(of: folded) {
            let formWords = Folding.words(of: form)
            // One found only as a katakana word of its own (``Search/addInsideCandidates(_:_:_:)``).
            let bounded = formWords.first?.unicodeScalars.first.map { (0x30A1...0x30FA).contains($0.value) } ?? false
            result.append((formWords, .transliteration, bounded))
        }
        // A name in Latin letters in Arabic and Hebrew letters ("غريغ روتكوفسكي", "גרג רוטקובסקי").
        for rendering in SemiticSpelling.renderings(of: folded, isEveryday: ordinaryWords.isEveryday) {
            result.append((rendering, .transliteration, false))
        }
        for initials in Self.initialReadings(folded, ordinaryWords: ordinaryWords) {
            result.append((initials, .initials, false))
        }
        return result
    }
}
