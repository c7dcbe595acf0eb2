/// Ordinary words: the matcher never reads one as a misspelt or run-together name. With the phrases ordinary prompts
/// use, it also tells which readings of a phrase are ordinary text: those the matcher does not use.
public struct OrdinaryWords: Sendable {
    /// Folded, as UTF-8.
    let words: [[UInt8]]
    let filter: BloomFilter
    /// The words and the everyday words of other languages (``readLanguages``): the ones the matcher never reads as
    /// misspelt or run-together names. Only `filter`'s words decide whether a phrase reads as ordinary text.
    let matcherFilter: BloomFilter
    /// The hashes of the words ``matcherFilter`` holds, exactly: the matcher asks it when the filter says yes.
    let matcherHashes: HashSet64
    /// Word sequences ordinary prompts use, as folded keys (words joined by one space).
    let phrases: Set<String>
    /// Romaji readings of Japanese names in kanji.
    public let japaneseNames: JapaneseNames
    /// The frequent words of every language (common surnames among them: "johnson", "garcia", "schmidt"): a surname
    /// that is one takes no initials reading.
    let frequentFilter: BloomFilter
    /// Words ordinary prompts use that are not ordinary words ("artstation", "bokeh", "steampunk"), folded: the
    /// matcher reads each through its costly views once, when it is built, and keeps those they find nothing in
    /// (``PhraseMatcher/quietWords``).
    let promptWords: [[UInt8]]

    /// Whether `word` (folded) is a frequent word of some language, or an ordinary English one.
    func isFrequent(_ word: String) -> Bool {
        contains(word) || frequentFilter.mayContain(Array(word.utf8).withUnsafeBufferPointer { hashBytes($0) })
    }

    /// - Parameters:
    ///   - words: single words in any case; multi-word entries are ignored.
    ///   - phrases: word sequences ordinary prompts use ("sun ray", "highly detailed", "a man").
    ///   - otherLanguages: everyday words of other languages, which the matcher reads as ordinary words too.
    ///   - japaneseNames: readings of Japanese names in kanji: a phrase in kanji is also found in their romaji.
    ///   - promptWords: single words ordinary prompts use; only the ones of four Latin letters or more that are not
    ///     ordinary words are kept. They change no answer of the matcher, only its speed.
    public init(
        _ words: some Sequence<String>,
        phrases: some Sequence<String> = [String](),
        otherLanguages: [String] = [],
        japaneseNames: JapaneseNames = .none,
        frequentWords: [String] = [],
        promptWords: some Sequence<String> = [String]()
    ) {
        self.japaneseNames = japaneseNames
        // Most of the words are lower-case ASCII already: only the others are folded (a word list of 450,000 is read at
        // every start).
        frequentFilter = BloomFilter(
            hashes: frequentWords.lazy.map { word in
                let isPlain = word.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
                return Array((isPlain ? word : PhraseKey.make(word)).utf8).withUnsafeBufferPointer { hashBytes($0) }
            },
            count: max(frequentWords.count, 1),
            bitsPerEntry: 12
        )
        var seen = Set<String>()
        var folded: [[UInt8]] = []
        for word in words {
            if let one = Self.foldedWord(word), seen.insert(one).inserted { folded.append(Array(one.utf8)) }
        }
        var others: [[UInt8]] = []
        for word in otherLanguages {
            if let one = Self.foldedWord(word), seen.insert(one).inserted { others.append(Array(one.utf8)) }
        }
        self.words = folded
        filter = BloomFilter(hashes: folded.lazy.map { $0.withUnsafeBufferPointer { hashBytes($0) } }, count: folded.count, bitsPerEntry: 16)
        matcherFilter =
            others.isEmpty
            ? filter
            : BloomFilter(
                hashes: (folded + others).lazy.map { $0.withUnsafeBufferPointer { hashBytes($0) } },
                count: folded.count + others.count,
                bitsPerEntry: 16
            )
        matcherHashes = HashSet64((folded + others).lazy.map { $0.withUnsafeBufferPointer { hashBytes($0) } }, count: folded.count + others.count)
        self.phrases = Set(phrases.lazy.map { Folding.words(of: $0).joined(separator: " ") }.filter { $0.contains(" ") })
        var kept = Set<[UInt8]>()
        for word in promptWords {
            guard let one = Self.foldedWord(word) else { continue }
            let bytes = Array(one.utf8)
            guard bytes.count >= 4, bytes.count <= 64, bytes.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { continue }
            if !matcherFilter.mayContain(bytes.withUnsafeBufferPointer { hashBytes($0) }) { kept.insert(bytes) }
        }
        self.promptWords = kept.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// `word` folded, when it folds to one word. Most words of the lists are lower-case ASCII letters already, which
    /// fold to themselves: only the others are folded (the lists hold about 500,000 words, read at every start).
    static func foldedWord(_ word: String) -> String? {
        if !word.isEmpty, word.utf8.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) { return word }
        let parts = Folding.words(of: word)
        return parts.count == 1 ? parts[0] : nil
    }

    /// The single words of ordinary prompts, for `promptWords` (the matcher's quiet words), as the service, the bench
    /// and the tests all pass them: the first field of prompt-words.txt's lines (word<TAB>count), booru-tags.txt's tags,
    /// and the English words of everyday text (world-words.txt's `en` lines), which the dictionary lacks ("greek",
    /// "retro"). Word sequences and tags of several words are among them; the initializer leaves those out.
    public static func promptWordCandidates(promptWords: [String], booruTags: [String], worldWords: [String]) -> [String] {
        promptWords.compactMap { line in WordListText.field(0, of: Substring(line)).map(String.init) } + booruTags
            + WordListText.words(of: "en", in: worldWords)
    }

    /// English function words that no name holds (the particles of names left out).
    static let englishGrammar = CollisionGuard.functionWords.subtracting([
        "de", "la", "le", "les", "el", "der", "die", "das", "du", "des", "von", "van", "di", "da", "et", "und", "y", "e", "o",
    ])

    /// Whether `word` (folded) is an ordinary word of English or an everyday word of ``readLanguages``.
    func isEveryday(_ word: String) -> Bool {
        let hash = Array(word.utf8).withUnsafeBufferPointer { hashBytes($0) }
        return matcherFilter.mayContain(hash) && matcherHashes.contains(hash)
    }

    /// Whether `word` (folded) is an ordinary word (by the filter: about 0.3 % of other words pass too).
    func contains(_ word: String) -> Bool {
        filter.mayContain(Array(word.utf8).withUnsafeBufferPointer { hashBytes($0) })
    }

    /// Whether folded words read as ordinary text: one ordinary word, function words only, or a phrase ordinary
    /// prompts use.
    public func isOrdinary(_ words: [String]) -> Bool {
        if words.isEmpty { return false }
        if words.count == 1 { return contains(words[0]) }
        return words.allSatisfy { CollisionGuard.functionWords.contains($0) } || phrases.contains(words.joined(separator: " "))
    }

    /// Whether a name may also be read surname first (its last word moved to the front, "Rutkowski Greg"): not when
    /// that order can be an ordinary phrase, because the rotated words are one ("Ray Sun" is not read in "sun ray")
    /// or every word of the name is an ordinary word ("Mark Hill" is not read in "hill mark").
    public func readsSurnameFirst(_ words: [String]) -> Bool {
        guard words.count >= 2 else { return false }
        if words.allSatisfy(contains) { return false }
        // A name's particles ("van", "de", "von") are function words too, but English articles, prepositions and
        // pronouns are no part of a name: "Photorealistic A" is not read in "a photorealistic".
        if words.contains(where: { Self.englishGrammar.contains($0) }) { return false }
        return !isOrdinary([words[words.count - 1]] + words.dropLast())
    }

    public static let none = OrdinaryWords([String]())

    /// Languages whose ordinary words (the server's `world-words.txt`, language<TAB>word) join the English ones: their
    /// letters are read in Latin ones, and a word of everyday text in them is no misspelt name ("кошка", "γάτα").
    public static let readLanguages: Set<Substring> = ["ar", "el", "he", "hi", "ru", "uk"]

    /// The words of `readLanguages`, written in their own letters, in lines of language<TAB>word.
    public static func readLanguageWords(_ lines: some Sequence<Substring>) -> [String] {
        lines.compactMap { line in
            let fields = line.split(separator: "\t")
            // Words in the language's own letters only: a Latin word in a Greek list ("emi", "nag") is no Greek word.
            guard fields.count == 2, readLanguages.contains(fields[0]), fields[1].unicodeScalars.allSatisfy({ $0.value >= 0x80 }) else {
                return nil
            }
            return String(fields[1])
        }
    }

    public var count: Int { words.count }
}
