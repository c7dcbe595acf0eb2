extension CollisionGuard {
    /// The service's collision guard, from its word lists as read (``WordListText/entries(_:column:)``; see the README's
    /// "Collision guard" for each list's source).
    ///
    /// - Parameters:
    ///   - english: english-words.txt, the dictionary.
    ///   - cjkCommonWords: cjk-common-words.txt.
    ///   - promptWords: prompt-words.txt's lines, word<TAB>count: single words and tags are words, word sequences are
    ///     phrases.
    ///   - booruTags: booru-tags.txt, tags of one word or several.
    ///   - worldWords: world-words.txt's lines, language<TAB>word.
    ///   - commonPhrases: the word sequences ordinary prompts use.
    ///   - matcherWords: the matcher's ordinary words.
    public init(
        english: [String],
        cjkCommonWords: [String],
        promptWords: [String],
        booruTags: [String],
        worldWords: [String],
        commonPhrases: [String],
        matcherWords: OrdinaryWords
    ) {
        let promptFields = promptWords.map { $0.split(separator: "\t") }.filter { $0.count == 2 }
        let singleWords = promptFields.map { String($0[0]) } + booruTags.filter { !$0.contains(" ") }
        // Words of everyday English text ("andrew", "kanye") are prompt vocabulary too: portraits name people. Words in
        // Cyrillic and Greek letters are also read in Latin ones, as a prompt's are ("совет" is "sovet"), and the 5,000
        // commonest of each language's readings are prompt vocabulary ("soivet" is a slip of "sovet"). The ordinary
        // English words of the matcher are not: it never reads one as a misspelt name.
        var words: [String] = []
        var readings: [String] = []
        var vocabulary = singleWords
        var perLanguage: [Substring: Int] = [:]
        for line in worldWords {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { continue }
            let word = String(fields[1])
            words.append(word)
            perLanguage[fields[0], default: 0] += 1
            if fields[0] == "en" { vocabulary.append(word) }
            guard let reading = Transliteration.promptReadings(word).first?.text else { continue }
            readings.append(reading)
            if perLanguage[fields[0]]! <= 5000 { vocabulary.append(reading) }
        }
        let englishKeys = Set(english.map(PhraseKey.make))
        self.init(
            dictionary: english + cjkCommonWords + singleWords + words + readings,
            commonPhrases: commonPhrases,
            promptVocabulary: vocabulary.filter { !englishKeys.contains(PhraseKey.make($0)) },
            matcherWords: matcherWords,
            readAsPrompts: true,
            // The prompt words that at least 300 of the corpus's prompts hold (about 0.1 %).
            frequentWords: promptFields.compactMap { (Int($0[1]) ?? 0) >= 300 ? String($0[0]) : nil }
        )
    }
}
