/// One phrase found in a prompt.
public struct PhraseMatch: Sendable, Hashable {
    /// The phrase's index in the list the matcher was built from.
    public let phrase: Int
    /// Offsets in Unicode scalars of the prompt as submitted, end exclusive, covering the disguised text.
    public let start: Int
    public let end: Int
    /// What had to be undone to see the phrase.
    public let via: Via
}

/// What a search of one prompt found, and whether it read the prompt through every view.
public struct MatchResult: Sendable {
    public let matches: [PhraseMatch]
    /// False when the prompt used up its work budget before every view was read (a prompt built to make the
    /// matcher work hard): the caller must not treat the prompt as clean, and the server refuses it.
    public let complete: Bool
    /// Units of work spent (look-ups and probes), for the benchmark.
    public let work: Int
}

/// The readings of a prompt's words beyond folding (case, marks, lookalikes, invisible characters), which always apply.
public struct Views: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let leet = Views(rawValue: 1 << 0)
    public static let fuzzy = Views(rawValue: 1 << 1)
    public static let runTogether = Views(rawValue: 1 << 2)
    public static let spacedOut = Views(rawValue: 1 << 3)
    /// Plural and derived forms, and handles.
    public static let forms = Views(rawValue: 1 << 4)
    /// Spellings that sound alike ("Rutkovsky").
    public static let phonetic = Views(rawValue: 1 << 5)
    /// Greek and Cyrillic letters read in Latin ones ("Грег Рутковски"); phrases in other scripts always have their
    /// Latin reading.
    public static let transliteration = Views(rawValue: 1 << 6)
    public static let all: Views = [.leet, .fuzzy, .runTogether, .spacedOut, .forms, .phonetic, .transliteration]
    /// Whole folded words only: the plain multi-pattern search.
    public static let exactWords: Views = []
}

/// Ordinary words: the matcher never reads one as a misspelt or run-together name. With the phrases ordinary prompts
/// use, it also tells which readings of a phrase are ordinary text: those the matcher does not use.
public struct OrdinaryWords: Sendable {
    /// Folded, as UTF-8.
    let words: [[UInt8]]
    let filter: BloomFilter
    /// The words and the everyday words of other languages (``readLanguages``): the ones the matcher never reads as
    /// misspelt or run-together names. Only `filter`'s words decide whether a phrase reads as ordinary text.
    let matcherFilter: BloomFilter
    /// Word sequences ordinary prompts use, as folded keys (words joined by one space).
    let phrases: Set<String>
    /// Romaji readings of Japanese names in kanji.
    public let japaneseNames: JapaneseNames
    /// The frequent words of every language (common surnames among them: "johnson", "garcia", "schmidt"): a surname
    /// that is one takes no initials reading.
    let frequentFilter: BloomFilter

    /// Whether `word` (folded) is a frequent word of some language, or an ordinary English one.
    func isFrequent(_ word: String) -> Bool {
        contains(word) || frequentFilter.mayContain(Array(word.utf8).withUnsafeBufferPointer { hashBytes($0) })
    }

    /// - Parameters:
    ///   - words: single words in any case; multi-word entries are ignored.
    ///   - phrases: word sequences ordinary prompts use ("sun ray", "highly detailed", "a man").
    ///   - otherLanguages: everyday words of other languages, which the matcher reads as ordinary words too.
    ///   - japaneseNames: readings of Japanese names in kanji: a phrase in kanji is also found in their romaji.
    public init(
        _ words: some Sequence<String>,
        phrases: some Sequence<String> = [String](),
        otherLanguages: [String] = [],
        japaneseNames: JapaneseNames = .none,
        frequentWords: [String] = []
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
            let parts = Folding.words(of: word)
            if parts.count == 1, seen.insert(parts[0]).inserted { folded.append(Array(parts[0].utf8)) }
        }
        var others: [[UInt8]] = []
        for word in otherLanguages {
            let parts = Folding.words(of: word)
            if parts.count == 1, seen.insert(parts[0]).inserted { others.append(Array(parts[0].utf8)) }
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
        self.phrases = Set(phrases.lazy.map { Folding.words(of: $0).joined(separator: " ") }.filter { $0.contains(" ") })
    }

    /// English function words that no name holds (the particles of names left out).
    static let englishGrammar = CollisionGuard.functionWords.subtracting([
        "de", "la", "le", "les", "el", "der", "die", "das", "du", "des", "von", "van", "di", "da", "et", "und", "y", "e", "o",
    ])

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

/// Finds registered phrases in prompts, whole words only, through disguises: case, accents, lookalike letters,
/// invisible characters, spaced-out letters, separators, run-together words, leetspeak and one-letter misspellings.
///
/// Built once from a list of phrases and immutable after: the server builds a new one aside and swaps it in.
/// Phrases are folded into words (``Folding``); the words get dense ids in a ``WordTable``; multi-word phrases are
/// paths in a trie whose first level is the word itself and whose deeper edges live in a ``TransitionTable``.
/// A prompt is folded and split into words the same way, each word is looked up (exactly, in leet forms, as a
/// misspelling, or split into run-together words), and the trie is walked from every word.
public final class PhraseMatcher: Sendable {
    /// The phrases' words; their ids are also the one-word states of the trie.
    let words: WordTable
    let vocabularyCount: Int
    /// Ordinary words, as a filter at sixteen bits a word: about 0.3 % of other words pass for ordinary, and lose
    /// only the fuzzy and run-together views.
    let ordinaryFilter: BloomFilter
    /// The phrase words' hashes, so the run-together view rejects most candidate pieces without a probe.
    let vocabularyFilter: BloomFilter
    /// Leet skeletons (`l` read as `i`) of the words that hold an `l`; `leetFirst` gives the first word with each
    /// skeleton and `leetNext` the next word with the same one.
    let leetWords: WordTable
    let leetFilter: BloomFilter
    let leetFirst: [Int32]
    let leetNext: [Int32]
    /// Every one-scalar deletion of each word of four or more letters, by hash (symmetric-delete index): ASCII words
    /// as they are, words of one alphabet of another script (Greek, Cyrillic, Hebrew, Arabic, Devanagari ...) in their
    /// narrow form (``narrowForm(_:into:)``), which is also indexed whole.
    let deletes: HashMultiMap
    /// The same for ASCII words of four or five letters, each also indexed whole.
    let shortDeletes: HashMultiMap
    /// Phrase words by the hash of their phonetic skeleton (``Phonetic``): ASCII words of four or more letters.
    let skeletons: HashMultiMap
    /// Per entry past the phrases (the Latin readings of phrases in other scripts): the phrase it reads.
    let readingOwners: [Int32]
    /// Per reading: what it reads (``Via/transliteration`` or ``Via/initials``).
    let readingVias: [Via]
    /// One-letter words that only initials readings hold: read in a prompt only as an initial (a capital, or a letter
    /// before a full stop), so that "a mucha poster" is not "A. Mucha".
    let initialOnlyWords: Set<Int32>
    let transitions: TransitionTable
    /// Per state: the first phrase ending there, or -1. States below `words.count` are one-word paths.
    let terminals: [Int32]
    let hasChildren: [Bool]
    /// Per phrase: the next phrase with the same words, or -1.
    let nextDuplicate: [Int32]
    /// Per phrase, a bit: whether a two- or three-word phrase is also found surname first.
    let orderable: [UInt64]
    /// Per entry, a bit: whether the phrase holds punctuation that ends a fragment ("George Barret, Jr."), so that it
    /// is read across such punctuation in a prompt.
    let crossesBoundary: [UInt64]
    let maxDepth: Int
    /// Every entry's words (phrases, then readings): `entryWords[entryStarts[e]..<entryStarts[e + 1]]`.
    let entryWords: [Int32]
    let entryStarts: [Int32]
    /// Per word, the entries of two words or more that hold it: `anchorEntries[anchorStarts[w]..<anchorStarts[w + 1]]`.
    /// A word that sits next to one of them in a prompt may be that entry's word with two slips.
    let anchorStarts: [Int32]
    let anchorEntries: [Int32]
    public let phraseCount: Int
    /// Every prefix of every phrase word, read through leet and the `l`/`i` skeleton: the spaced-out and
    /// run-together views stop extending a piece as soon as no phrase word starts that way.
    let prefixFilter: BloomFilter
    /// The longest phrase word, in bytes: no piece of a run-together word is longer.
    let maxWordBytes: Int
    /// Pairs of words that follow each other in some phrase or reading (a filter): the run-together view reads only
    /// such pairs, so a long word is not split every way its letters allow.
    let pairFilter: BloomFilter

    @inline(__always)
    static func pairHash(_ first: Int32, _ second: Int32) -> UInt64 {
        var value = UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second))
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// Per word, a bit: whether some phrase or reading has a word after it.
    let leadsOn: [UInt64]

    /// Whether some phrase or reading has a word after `word`: a run-together word goes on past it only then.
    @inline(__always)
    func leadsOn(_ word: Int32) -> Bool { leadsOn[Int(word) >> 6] & (1 << UInt64(word & 63)) != 0 }

    /// The words that follow `word` in the phrases and readings that hold it, or nil when more than 64 hold it.
    func followers(of word: Int32) -> [Int32]? {
        let from = Int(anchorStarts[Int(word)])
        let to = Int(anchorStarts[Int(word) + 1])
        guard to - from <= 64 else { return nil }
        var result: [Int32] = []
        for entry in anchorEntries[from..<to] where Int(entry) < phraseCount || readingVias[Int(entry) - phraseCount] != .initials {
            let start = Int(entryStarts[Int(entry)])
            let end = Int(entryStarts[Int(entry) + 1])
            for position in start..<(end - 1) where entryWords[position] == word {
                let next = entryWords[position + 1]
                if !result.contains(next) { result.append(next) }
            }
        }
        return result
    }

    /// Whether `second` follows `first` in some phrase or reading (about 1 % of other pairs pass too).
    @inline(__always)
    func follows(_ first: Int32, _ second: Int32) -> Bool {
        pairFilter.mayContain(Self.pairHash(first, second))
    }

    static let minimumFuzzyLength = 6
    /// Words of four or five letters may have one slip too, when the rest of the phrase is exact.
    static let minimumShortSlipLength = 4
    /// Two slips are read in a phrase of at least this many letters.
    static let minimumTwoSlipLetters = 12

    /// The work a prompt may cost: a fixed allowance plus so much per byte of the prompt (units are look-ups and
    /// probes of the optional views: spaced-out, run-together, misspelling; about 20 ns each). Sized on ordinary text
    /// of every script read (`optout-bench --budget-corpora`, scripts/make-budget-corpora.py) with 20,000 names of 24
    /// locales registered beside up to a million others: the costliest ordinary texts (Greek prose, a Discord
    /// prompt of rare words, prompts of a hundred @mentions) spend at most 59 % of it. A prompt that exhausts
    /// it is answered as incomplete, and the server refuses it.
    public static let workAllowance = 3000
    /// Per four bytes of the prompt.
    public static let workPerFourBytes = 24

    /// Builds the matcher.
    /// - Parameters:
    ///   - phrases: the phrases, in the order their indices will be reported.
    ///   - ordinaryWords: words never read as misspellings or run-together names.
    public convenience init(phrases: some Sequence<String>, ordinaryWords: OrdinaryWords) {
        self.init(phrases: phrases, ordinaryWords: ordinaryWords, wordOrder: nil)
    }

    /// - Parameter wordOrder: per phrase, whether a two- or three-word phrase is also found surname first
    ///   ("Rutkowski Greg", "Rutkowski, Greg", "Kowalska Anna Maria"); nil for every phrase. Names take it, titles
    ///   of works do not ("Sky Blue" is not "Blue Sky").
    public init(phrases: some Sequence<String>, ordinaryWords: OrdinaryWords, wordOrder: [Bool]?) {
        var words = WordTable(capacity: 1024)
        var sequence: [Int32] = []
        var sequenceStarts: [Int32] = [0]
        var count = 0
        var readings: [(owner: Int32, words: [String], via: Via)] = []
        var ordinaryOrder: [Bool] = []
        var withBoundary: [Bool] = []
        let memo = ReadingMemo()
        for phrase in phrases {
            let folded = Folding.words(of: phrase)
            withBoundary.append(phrase.unicodeScalars.contains { PromptScan.endsFragment($0.value) })
            ordinaryOrder.append(!ordinaryWords.readsSurnameFirst(folded))
            for word in folded {
                sequence.append(words.insert(Array(word.utf8)))
            }
            sequenceStarts.append(Int32(sequence.count))
            // A phrase in another script is also found in its Latin reading, unless that reading is one ordinary
            // word or too short to tell apart.
            for reading in Transliteration.phraseReadings(phrase, memo: memo) {
                let readingWords = Folding.words(of: reading)
                let letters = readingWords.reduce(0) { $0 + $1.utf8.count }
                // A reading that is ordinary text ("阿满" read "a man") is not used: the name is still found as written.
                if readingWords != folded, letters >= 4, !readingWords.isEmpty, !ordinaryWords.isOrdinary(readingWords) {
                    readings.append((Int32(count), readingWords, .transliteration))
                }
            }
            // A Japanese name in kanji, in the romaji of its likely readings ("新海誠": "Shinkai Makoto", "Makoto Shinkai").
            // Likely, not certain: a reading with an ordinary English word in it ("shin", "mai") or under eight letters is
            // left out, so that the readings stay names.
            for words in ordinaryWords.japaneseNames.readings(of: phrase)
            where !words.contains(where: ordinaryWords.contains) && words.joined().count >= 8 && words != folded {
                readings.append((Int32(count), words, .transliteration))
            }
            // The same name in kana, or half in kana ("しんかいまこと", "新海まこと"), found inside runs of Japanese text.
            for form in ordinaryWords.japaneseNames.kanaForms(of: phrase) {
                readings.append((Int32(count), Folding.words(of: form), .transliteration))
            }
            for initials in Self.initialReadings(folded, ordinaryWords: ordinaryWords) {
                readings.append((Int32(count), initials, .initials))
            }
            count += 1
        }
        for reading in readings {
            for word in reading.words { sequence.append(words.insert(Array(word.utf8))) }
            sequenceStarts.append(Int32(sequence.count))
        }
        let phraseCount = count
        count += readings.count
        ordinaryOrder += readings.map { !ordinaryWords.readsSurnameFirst($0.words) }
        let wordCount = words.count
        words.shrink()
        var transitions = TransitionTable()
        var terminals = [Int32](repeating: -1, count: wordCount)
        var hasChildren = [Bool](repeating: false, count: wordCount)
        var nextDuplicate = [Int32](repeating: -1, count: count)
        var lastDuplicate = [Int32: Int32]()
        var maxDepth = 1
        for phrase in 0..<count {
            let start = Int(sequenceStarts[phrase])
            let end = Int(sequenceStarts[phrase + 1])
            guard end > start else { continue }
            maxDepth = max(maxDepth, end - start)
            var state = sequence[start]
            for position in (start + 1)..<end {
                hasChildren[Int(state)] = true
                state = transitions.child(state, sequence[position]) {
                    terminals.append(-1)
                    hasChildren.append(false)
                    return Int32(terminals.count - 1)
                }
            }
            if terminals[Int(state)] < 0 {
                terminals[Int(state)] = Int32(phrase)
            } else {
                let previous = lastDuplicate[state] ?? terminals[Int(state)]
                nextDuplicate[Int(previous)] = Int32(phrase)
                lastDuplicate[state] = Int32(phrase)
            }
        }
        // Surname first is read at walk time (no second path in the trie): one bit a phrase says whether it may be.
        var orderable = [UInt64](repeating: 0, count: (count + 63) / 64)
        for entry in 0..<count {
            let phrase = entry < phraseCount ? entry : Int(readings[entry - phraseCount].owner)
            guard wordOrder.map({ phrase < $0.count && $0[phrase] }) ?? true, !ordinaryOrder[entry] else { continue }
            orderable[entry >> 6] |= 1 << UInt64(entry & 63)
        }
        var crossesBoundary = [UInt64](repeating: 0, count: (count + 63) / 64)
        for entry in 0..<count where withBoundary[entry < phraseCount ? entry : Int(readings[entry - phraseCount].owner)] {
            crossesBoundary[entry >> 6] |= 1 << UInt64(entry & 63)
        }

        var leetWords = WordTable(capacity: 64)
        var leetFirst: [Int32] = []
        var leetNext = [Int32](repeating: -1, count: wordCount)
        var leetLast: [Int32] = []
        var deletePairs: [(UInt64, Int32)] = []
        var shortDeletePairs: [(UInt64, Int32)] = []
        var skeletonPairs: [(UInt64, Int32)] = []
        var skeletonScratch: [UInt8] = []
        var narrowScratch: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 256)
        for id in 0..<wordCount {
            var word = Array(words.word(Int32(id)))
            if word.contains(UInt8(ascii: "l")) {
                let skeleton = word.map { $0 == UInt8(ascii: "l") ? UInt8(ascii: "i") : $0 }
                let entry = Int(leetWords.insert(skeleton))
                if entry == leetFirst.count {
                    leetFirst.append(Int32(id))
                    leetLast.append(Int32(id))
                } else {
                    leetNext[Int(leetLast[entry])] = Int32(id)
                    leetLast[entry] = Int32(id)
                }
            }
            if word.allSatisfy({ $0 < 0x80 }) {
                guard word.count >= 3, word.count <= 64 else { continue }
                word.withUnsafeBufferPointer { Phonetic.skeleton($0, into: &skeletonScratch) }
                skeletonPairs.append((skeletonScratch.withUnsafeBufferPointer { hashBytes($0) }, Int32(id)))
                guard word.count >= Self.minimumShortSlipLength else { continue }
                if word.count < Self.minimumFuzzyLength {
                    // Words of four or five letters: their own index, read only beside a word found as written.
                    shortDeletePairs.append((word.withUnsafeBufferPointer { hashBytes($0) }, Int32(id)))
                    for skip in 0..<word.count where skip == 0 || word[skip] != word[skip - 1] {
                        var shorter = word
                        shorter.remove(at: skip)
                        shortDeletePairs.append((shorter.withUnsafeBufferPointer { hashBytes($0) }, Int32(id)))
                    }
                    continue
                }
            } else {
                guard word.withUnsafeBufferPointer({ Self.narrowForm($0, into: &narrowScratch) }), narrowScratch.count > Self.minimumFuzzyLength,
                    narrowScratch.count <= 64
                else { continue }
                word = narrowScratch
                deletePairs.append((word.withUnsafeBufferPointer { hashBytes($0) }, Int32(id)))
            }
            for skip in 0..<word.count {
                if skip > 0 && word[skip] == word[skip - 1] { continue }
                var length = 0
                for (index, byte) in word.enumerated() where index != skip {
                    scratch[length] = byte
                    length += 1
                }
                let hash = scratch.withUnsafeBufferPointer { hashBytes(UnsafeBufferPointer(rebasing: $0[0..<length])) }
                deletePairs.append((hash, Int32(id)))
            }
        }
        self.words = words
        self.vocabularyCount = wordCount
        self.ordinaryFilter = ordinaryWords.matcherFilter
        self.vocabularyFilter = BloomFilter(
            hashes: (0..<wordCount).lazy.map { id in words.word(Int32(id)).withUnsafeBufferPointer { hashBytes($0) } },
            count: wordCount
        )
        self.leetFilter = BloomFilter(
            hashes: (0..<leetWords.count).lazy.map { id in leetWords.word(Int32(id)).withUnsafeBufferPointer { hashBytes($0) } },
            count: leetWords.count
        )
        self.leetWords = leetWords
        self.leetFirst = leetFirst
        self.leetNext = leetNext
        self.deletes = HashMultiMap(deletePairs)
        self.shortDeletes = HashMultiMap(shortDeletePairs)
        self.skeletons = HashMultiMap(skeletonPairs)
        self.readingOwners = readings.map(\.owner)
        self.readingVias = readings.map(\.via)
        var initialOnly = Set<Int32>()
        for reading in readings where reading.via == .initials {
            if let id = words.find(Array(reading.words[0].utf8)) { initialOnly.insert(id) }
        }
        for entry in 0..<phraseCount {
            for position in Int(sequenceStarts[entry])..<Int(sequenceStarts[entry + 1]) { initialOnly.remove(sequence[position]) }
        }
        for reading in readings where reading.via != .initials {
            for word in reading.words { if let id = words.find(Array(word.utf8)) { initialOnly.remove(id) } }
        }
        self.initialOnlyWords = initialOnly
        self.transitions = transitions
        self.terminals = terminals
        self.hasChildren = hasChildren
        self.nextDuplicate = nextDuplicate
        self.orderable = orderable
        self.crossesBoundary = crossesBoundary
        self.maxDepth = maxDepth
        var anchorCounts = [Int32](repeating: 0, count: wordCount + 1)
        for entry in 0..<count where sequenceStarts[entry + 1] - sequenceStarts[entry] >= 2 {
            for position in Int(sequenceStarts[entry])..<Int(sequenceStarts[entry + 1]) { anchorCounts[Int(sequence[position]) + 1] += 1 }
        }
        for index in 0..<wordCount { anchorCounts[index + 1] += anchorCounts[index] }
        var anchorEntries = [Int32](repeating: 0, count: Int(anchorCounts[wordCount]))
        var fill = anchorCounts
        for entry in 0..<count where sequenceStarts[entry + 1] - sequenceStarts[entry] >= 2 {
            for position in Int(sequenceStarts[entry])..<Int(sequenceStarts[entry + 1]) {
                let word = Int(sequence[position])
                anchorEntries[Int(fill[word])] = Int32(entry)
                fill[word] += 1
            }
        }
        self.anchorStarts = anchorCounts
        self.anchorEntries = anchorEntries
        self.entryWords = sequence
        self.entryStarts = sequenceStarts
        self.phraseCount = phraseCount
        var prefixCount = 0
        var longest = 1
        for id in 0..<wordCount {
            let length = words.word(Int32(id)).count
            prefixCount += length
            longest = max(longest, length)
        }
        var prefixFilter = BloomFilter(count: max(prefixCount, 1), bitsPerEntry: 8)
        for id in 0..<wordCount {
            var raw: UInt64 = 0
            for (index, byte) in words.word(Int32(id)).enumerated() {
                raw = raw &* hashMultiplier &+ UInt64(Search.skeletonByte(byte)) &+ 1
                prefixFilter.insert(finishHash(raw, length: index + 1))
            }
        }
        self.prefixFilter = prefixFilter
        self.maxWordBytes = longest
        // Initials readings are read only as initials, never run together: they give no pairs.
        let isInitials = readings.map { $0.via == .initials }
        var pairs: [UInt64] = []
        var leads = [UInt64](repeating: 0, count: (wordCount + 63) / 64)
        for entry in 0..<count where entry < phraseCount || !isInitials[entry - phraseCount] {
            let from = Int(sequenceStarts[entry])
            let to = Int(sequenceStarts[entry + 1])
            guard to - from >= 2 else { continue }
            for position in from..<(to - 1) {
                pairs.append(Self.pairHash(sequence[position], sequence[position + 1]))
                leads[Int(sequence[position]) >> 6] |= 1 << UInt64(sequence[position] & 63)
            }
        }
        self.pairFilter = BloomFilter(hashes: pairs, count: max(pairs.count, 1), bitsPerEntry: 10)
        self.leadsOn = leads
    }

    /// A name's initials readings: its given name as an initial before a distinctive surname ("g rutkowski" for Greg
    /// Rutkowski; "a mucha" and "a m mucha" for Alphonse Maria Mucha). Distinctive: five letters or more, Latin, no
    /// ordinary word and no frequent word of any language, common surnames included (so "J. Smith", "J. Johnson" or
    /// "M. Garcia" name no one).
    static func initialReadings(_ words: [String], ordinaryWords: OrdinaryWords) -> [[String]] {
        guard words.count >= 2, words.count <= 4, let surname = words.last, surname.utf8.count >= 5,
            words.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } }),
            words.dropLast().allSatisfy({ $0.utf8.count >= 2 && !CollisionGuard.functionWords.contains($0) }),
            !ordinaryWords.isFrequent(surname)
        else { return [] }
        let initials = words.dropLast().map { String($0.prefix(1)) }
        var readings = [[initials[0], surname]]
        if initials.count > 1 { readings.append(initials + [surname]) }
        return readings
    }

    /// Bytes held by the matcher's tables, the ordinary words included.
    public var memoryBytes: Int {
        words.memoryBytes + ordinaryFilter.memoryBytes + vocabularyFilter.memoryBytes + leetWords.memoryBytes + leetFirst.capacity * 4 + leetNext
            .capacity * 4 + deletes.memoryBytes
            + transitions.memoryBytes
            + terminals.capacity * 4 + hasChildren.capacity + nextDuplicate.capacity * 4 + prefixFilter.memoryBytes
            + orderable.capacity * 8 + skeletons.memoryBytes + shortDeletes.memoryBytes + readingOwners.capacity * 4 + entryWords.capacity * 4
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

    // MARK: Looking words up

    /// The phrase word `bytes` is, if any, and whether it is an ordinary word; most words are answered by the
    /// cache-resident filters without a probe of the word table.
    @inline(__always)
    func lookUp(_ bytes: UnsafeBufferPointer<UInt8>) -> (word: Int32?, ordinary: Bool) {
        let hash = hashBytes(bytes)
        let word = vocabularyFilter.mayContain(hash) ? words.find(bytes, hash: hash) : nil
        return (word, ordinaryFilter.mayContain(hash))
    }

    /// The leet skeleton entry of `bytes`, if any; the filter answers most look-ups without a probe.
    @inline(__always)
    func leetWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = hashBytes(bytes)
        guard leetFilter.mayContain(hash) else { return nil }
        return leetWords.find(bytes, hash: hash)
    }

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
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: length + 1) { suffix in
            // suffix[i] = sum over j >= i of (query[j] + 1) * M^(length-1-j)
            suffix[length] = 0
            var index = length - 1
            while index >= 0 {
                suffix[index] = (UInt64(query[index]) &+ 1) &* hashPowers[length - 1 - index] &+ suffix[index + 1]
                index -= 1
            }
            var prefix: UInt64 = 0
            for skip in 0..<length {
                if skip == 0 || query[skip] != query[skip - 1] {
                    let raw = prefix &* hashPowers[length - 1 - skip] &+ suffix[skip + 1]
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

/// A prompt folded and split into words, with each word's place in the original text.
struct PromptScan {
    struct Token {
        var byteStart: Int32
        var byteEnd: Int32
        var scalarStart: Int32
        var scalarEnd: Int32
        var scalarCount: Int32
        var via: Via
        /// What stood between this word and the one before: nothing, one space, other white space, punctuation.
        var gap: Gap
        var hasLeetDigit: Bool
        var hasLetter: Bool
        var isASCII: Bool
        /// A run of a script written without spaces (``Folding/isUnspaced(_:)``): phrases are found inside it.
        var unspaced: Bool = false
        /// For an unspaced run: where its bytes' scalar offsets start in ``PromptScan/origins``.
        var originStart: Int32 = 0
        /// Whether a letter was written lower case (`AND` and `BREAK` are the generators' keywords, "and" is a word).
        var hasLower: Bool = false
        /// The punctuation of the gap before the word that generators' syntax uses (``Mark``).
        var mark: UInt8 = 0
    }

    /// Punctuation in a gap, as bits: what the syntax and insertion readings look for.
    enum Mark {
        static let open: UInt8 = 1
        static let close: UInt8 = 2
        static let colon: UInt8 = 4
        static let doubleColon: UInt8 = 8
        static let quote: UInt8 = 16
        static let period: UInt8 = 32
        static let hyphen: UInt8 = 64

        @inline(__always)
        static func of(_ value: UInt32) -> UInt8 {
            switch value {
            case 0x28, 0x5B, 0x7B, 0xFF08, 0xFF3B, 0xFF5B: open
            case 0x29, 0x5D, 0x7D, 0xFF09, 0xFF3D, 0xFF5D: close
            case 0x3A, 0xFF1A: colon
            case 0x22, 0x201C, 0x201D, 0x201E, 0x00AB, 0x00BB, 0x300C, 0x300D, 0x300E, 0x300F, 0xFF02: quote
            case 0x2E: period
            case 0x2D, 0x2010, 0x2011, 0x2012, 0x2013: hyphen
            default: 0
            }
        }
    }

    enum Gap: UInt8 {
        case none
        case space
        case whitespace
        case punctuation
        /// Punctuation that ends a fragment of a prompt (`,` `;` `:` `!` `?` `|` and their CJK forms): a phrase is
        /// not read across it, except a name written surname first ("Rutkowski, Greg").
        case boundary

        var isPunctuation: Bool { self == .punctuation || self == .boundary }
    }

    var bytes: [UInt8] = []
    var tokens: [Token] = []
    /// Whether the prompt holds `@` or `$`, which a second scan reads as letters.
    var sawLeetSymbol = false
    /// Whether the prompt holds Greek or Cyrillic letters, which the transliterated reading reads again.
    var sawOtherScript = false
    /// Per byte of an unspaced run, the offset of the scalar it came from.
    var origins: [Int32] = []

    private var open = false
    private var current = Token(
        byteStart: 0,
        byteEnd: 0,
        scalarStart: 0,
        scalarEnd: 0,
        scalarCount: 0,
        via: [],
        gap: .none,
        hasLeetDigit: false,
        hasLetter: false,
        isASCII: true
    )
    private var pendingVia = Via()
    /// A symbol followed the open word: it joins the word if a letter comes next, or acts as a space.
    private var symbolPending = false
    /// An apostrophe followed the open word: dropped if a letter comes next ("Krasil'nikova", "O'Brien"), or
    /// punctuation.
    private var apostrophePending = false
    private var gapSpaces = 0
    private var gapOther = false
    private var gapBoundary = false
    private var gapMark: UInt8 = 0
    private var gapOddSpace = false
    private var seenToken = false
    /// White space seen after an open unspaced run: it joins the run if another character of such a script
    /// follows, and parts words otherwise.
    private var unspacedSpaces = 0
    private var unspacedOddSpace = false
    private var index: Int32 = 0
    private let leetSymbols: Bool

    /// - Parameter leetSymbols: read `@` and `$` as letters (`a`, `s`) rather than punctuation.
    init(prompt: String, leetSymbols: Bool) {
        self.leetSymbols = leetSymbols
        bytes.reserveCapacity(prompt.utf8.count)
        tokens.reserveCapacity(prompt.utf8.count / 4)
        var prompt = prompt
        prompt.withUTF8 { scan($0) }
        close()
    }

    private func gap() -> Gap {
        if !seenToken { return .none }
        if gapBoundary { return .boundary }
        if gapOther { return .punctuation }
        if gapSpaces == 1 && !gapOddSpace { return .space }
        return gapSpaces == 0 ? .none : .whitespace
    }

    @inline(__always)
    private mutating func append(_ value: UInt32, via: Via) {
        let unspaced = value >= 0x0E00 && Folding.isUnspaced(value)
        if open && unspaced != current.unspaced {
            // A change between a script written without spaces and another parts words ("Yamazaki風").
            close()
        } else if open && unspacedSpaces > 0 {
            // White space between two characters of a script written without spaces: they join.
            unspacedSpaces = 0
            unspacedOddSpace = false
            current.via.insert(.spacing)
        }
        apostrophePending = false
        if symbolPending {
            // A symbol between two letters of a word: dropped, and said.
            symbolPending = false
            current.via.insert(.symbol)
        }
        if !open {
            open = true
            current = Token(
                byteStart: Int32(bytes.count),
                byteEnd: 0,
                scalarStart: index,
                scalarEnd: index + 1,
                scalarCount: 0,
                via: pendingVia,
                gap: gap(),
                hasLeetDigit: false,
                hasLetter: false,
                isASCII: true,
                unspaced: unspaced,
                originStart: Int32(origins.count),
                mark: gapMark
            )
            pendingVia = []
        }
        current.via.formUnion(via)
        current.scalarEnd = index + 1
        current.scalarCount += 1
        if value < 0x80 {
            bytes.append(UInt8(value))
            switch UInt8(value) {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "7"),
                UInt8(ascii: "@"), UInt8(ascii: "$"):
                current.hasLeetDigit = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                current.hasLetter = true
                if !via.contains(.caseFolded) { current.hasLower = true }
            default:
                break
            }
        } else {
            current.isASCII = false
            current.hasLetter = true
            current.hasLower = true
            if unspaced {
                let count = value < 0x800 ? 2 : value < 0x10000 ? 3 : 4
                for _ in 0..<count { origins.append(index) }
            }
            if value < 0x800 {
                bytes.append(UInt8(0xC0 | (value >> 6)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            } else if value < 0x10000 {
                bytes.append(UInt8(0xE0 | (value >> 12)))
                bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            } else {
                bytes.append(UInt8(0xF0 | (value >> 18)))
                bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
                bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            }
        }
    }

    private mutating func close() {
        guard open else { return }
        open = false
        current.byteEnd = Int32(bytes.count)
        tokens.append(current)
        seenToken = true
        gapSpaces = unspacedSpaces
        gapOther = apostrophePending
        gapBoundary = false
        gapMark = 0
        apostrophePending = false
        gapOddSpace = unspacedOddSpace
        unspacedSpaces = 0
        unspacedOddSpace = false
        if symbolPending {
            // A symbol that ended a word stands between words: a space.
            symbolPending = false
            gapSpaces = 1
            gapOddSpace = true
        }
    }

    /// Punctuation that ends a fragment of a prompt: `,` `;` `:` `!` `?` `|`, and the CJK comma, enumeration comma,
    /// full stop and their fullwidth forms.
    @inline(__always)
    static func endsFragment(_ value: UInt32) -> Bool {
        switch value {
        case 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x7C, 0x3001, 0x3002, 0xFF0C, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F: true
        default: false
        }
    }

    /// Whether the bytes at `offset` are an `s` that ends a word: after an apostrophe, a possessive ("Mucha's").
    @inline(__always)
    static func isPossessiveEnding(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset < utf8.count, utf8[offset] | 0x20 == UInt8(ascii: "s") else { return false }
        guard offset + 1 < utf8.count else { return true }
        let next = utf8[offset + 1] | 0x20
        return next < 0x80 && !(next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z"))
    }

    private mutating func apostrophe(possessive: Bool) {
        if open && !symbolPending && !possessive {
            apostrophePending = true
        } else {
            close()
            gapOther = true
        }
    }

    /// White space: it ends the open word, unless that word is a run of a script written without spaces, which the
    /// next character may continue.
    @inline(__always)
    private mutating func space(odd: Bool) {
        if open && current.unspaced && !symbolPending {
            unspacedSpaces += 1
            unspacedOddSpace = unspacedOddSpace || odd
            return
        }
        close()
        gapSpaces += 1
        if odd { gapOddSpace = true }
    }

    private mutating func scan(_ utf8: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        let count = utf8.count
        while offset < count {
            let lead = utf8[offset]
            if lead < 0x80 {
                offset += 1
                let value = UInt32(lead)
                if value >= 0x61 && value <= 0x7A || value >= 0x30 && value <= 0x39 {
                    append(value, via: [])
                } else if value >= 0x41 && value <= 0x5A {
                    append(value + 0x20, via: .caseFolded)
                } else if value == 0x40 || value == 0x24 {
                    sawLeetSymbol = true
                    if leetSymbols {
                        append(value, via: [])
                    } else {
                        close()
                        gapOther = true
                    }
                } else if value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D {
                    space(odd: value != 0x20)
                } else if value == 0x27 {
                    apostrophe(possessive: Self.isPossessiveEnding(utf8, at: offset))
                } else {
                    close()
                    gapOther = true
                    gapMark |= Mark.of(value)
                    if value == 0x3A && (offset < count && utf8[offset] == 0x3A || offset >= 2 && utf8[offset - 2] == 0x3A) {
                        // "::" is Midjourney's weight, not the end of a fragment.
                        gapMark |= Mark.doubleColon
                    } else if Self.endsFragment(value) {
                        gapBoundary = true
                    }
                }
            } else {
                // Swift strings hold valid UTF-8: decode one scalar.
                var value: UInt32
                if lead < 0xE0 {
                    value = UInt32(lead & 0x1F) << 6 | UInt32(utf8[offset + 1] & 0x3F)
                    offset += 2
                } else if lead < 0xF0 {
                    value = UInt32(lead & 0x0F) << 12 | UInt32(utf8[offset + 1] & 0x3F) << 6 | UInt32(utf8[offset + 2] & 0x3F)
                    offset += 3
                } else {
                    value =
                        UInt32(lead & 0x07) << 18 | UInt32(utf8[offset + 1] & 0x3F) << 12 | UInt32(utf8[offset + 2] & 0x3F) << 6
                        | UInt32(utf8[offset + 3] & 0x3F)
                    offset += 4
                }
                if Transliteration.isTableScript(value) { sawOtherScript = true }
                if Folding.isApostrophe(value) {
                    apostrophe(possessive: Self.isPossessiveEnding(utf8, at: offset))
                    index += 1
                    continue
                }
                let kind = Folding.kind(of: value)
                switch kind {
                case .identity:
                    append(value, via: [])
                    index += 1
                    continue
                case .mapped:
                    let (targets, via) = Folding.mapped(value)
                    for target in targets { append(target, via: via) }
                    index += 1
                    continue
                case .droppedMark, .droppedInvisible:
                    let via: Via = kind == .droppedMark ? .marks : .invisible
                    if open { current.via.formUnion(via) } else { pendingVia.formUnion(via) }
                    index += 1
                    continue
                case .space:
                    space(odd: true)
                    index += 1
                    continue
                case .punctuation:
                    close()
                    gapOther = true
                    gapMark |= Mark.of(value)
                    if Self.endsFragment(value) { gapBoundary = true }
                    index += 1
                    continue
                case .symbol:
                    if open {
                        symbolPending = true
                    } else {
                        gapSpaces += 1
                        gapOddSpace = true
                    }
                    index += 1
                    continue
                case .slow:
                    break
                }
                switch Folding.fold(Unicode.Scalar(value) ?? "\u{FFFD}") {
                case .word(let targets, let via):
                    for target in targets { append(target, via: via) }
                case .dropped(let via):
                    if open { current.via.formUnion(via) } else { pendingVia.formUnion(via) }
                case .separator(let isSpace):
                    if isSpace {
                        space(odd: true)
                    } else {
                        close()
                        gapOther = true
                        gapMark |= Mark.of(value)
                    }
                }
            }
            index += 1
        }
    }
}

/// One search of one prompt: candidate words for each token, then walks of the trie.
struct Search {
    struct Candidate {
        var wordsStart: Int32
        var wordCount: Int32
        var first: Int32
        var next: Int32
        var via: Via
        var scalarStart: Int32
        var scalarEnd: Int32
        var nextInList: Int32
    }

    let matcher: PhraseMatcher
    let scan: PromptScan
    let views: Views
    var candidates: [Candidate] = []
    var candidateWords: [Int32] = []
    var heads: [Int32]
    var fuzzyScratch: [Int32] = []
    var narrowScratch: [UInt8] = []
    var phoneticHits: [Int32] = []
    /// For a reading of another prompt (``PhraseMatcher/search(_:views:budget:ordinarySpans:)``).
    var ordinarySpans: (spans: [(Int32, Int32)], starts: [Int32])?

    /// The scalar spans of the prompt's words that are ordinary words.
    func ordinaryTokenSpans() -> [(Int32, Int32)] {
        scan.tokens.indices.compactMap { tokenFlags[$0] & 1 != 0 ? (scan.tokens[$0].scalarStart, scan.tokens[$0].scalarEnd) : nil }
    }

    /// Words read from ordinary words of the prompt this search reads: the costly views read them last, with at most
    /// half of the budget then left, and never make the prompt incomplete.
    var deferred: [Int32] = []

    mutating func addDeferredCandidates() {
        guard !deferred.isEmpty, budget > 0 else { return }
        let floor = budget / 2
        let tokens = scan.tokens
        scan.bytes.withUnsafeBufferPointer { bytes in
            for position in deferred {
                guard budget > floor else { break }
                let token = tokens[Int(position)]
                addWordCandidates(
                    UnsafeBufferPointer(rebasing: bytes[Int(token.byteStart)..<Int(token.byteEnd)]),
                    first: Int(position),
                    next: Int(position) + 1,
                    via: token.via,
                    start: token.scalarStart,
                    end: token.scalarEnd,
                    isASCII: token.isASCII,
                    hasLeet: token.hasLeetDigit && (token.hasLetter || token.scalarCount == 1),
                    token: Int(position),
                    costlyOnly: true
                )
            }
        }
        budget = max(budget, 1)
    }

    /// Whether the token was read from an ordinary word of the prompt this search reads.
    func readFromOrdinary(_ token: PromptScan.Token) -> Bool {
        guard let ordinarySpans, Int(token.scalarStart) < ordinarySpans.starts.count else { return false }
        let origin = ordinarySpans.starts[Int(token.scalarStart)]
        var low = 0
        var high = ordinarySpans.spans.count
        while low < high {
            let middle = (low + high) / 2
            if ordinarySpans.spans[middle].1 <= origin { low = middle + 1 } else { high = middle }
        }
        return low < ordinarySpans.spans.count && ordinarySpans.spans[low].0 <= origin
    }

    /// Words of the prompt read through the costly views, by hash: the token that holds the word and the candidates
    /// the views made of it.
    var readBefore: [UInt64: (token: Int32, start: Int32, end: Int32)] = [:]
    /// Per token: whether it is an ordinary word (bit 0) and whether it was found as a phrase word as written or in
    /// leet (bit 1).
    var tokenFlags: [UInt8]
    var results: [PhraseMatch] = []
    /// Work left for the optional views; below zero when they were cut short.
    var budget: Int
    /// Steps of the trie walk left.
    var walkBudget: Int

    init(matcher: PhraseMatcher, scan: PromptScan, views: Views, budget: Int) {
        self.matcher = matcher
        self.scan = scan
        self.views = views
        self.budget = budget
        self.walkBudget = budget
        heads = [Int32](repeating: -1, count: scan.tokens.count)
        tokenFlags = [UInt8](repeating: 0, count: scan.tokens.count)
        candidates.reserveCapacity(scan.tokens.count + 8)
    }

    mutating func add(words: some Collection<Int32>, first: Int, next: Int, via: Via, start: Int32, end: Int32) {
        let candidate = Candidate(
            wordsStart: Int32(candidateWords.count),
            wordCount: Int32(words.count),
            first: Int32(first),
            next: Int32(next),
            via: via,
            scalarStart: start,
            scalarEnd: end,
            nextInList: heads[first]
        )
        candidateWords.append(contentsOf: words)
        heads[first] = Int32(candidates.count)
        candidates.append(candidate)
    }

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
                if matcher.ordinaryFilter.mayContain(hashBytes(word)) { continue }
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
        @inline(__always) func width(_ lead: UInt8) -> Int { lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4 }
        var from = start
        while from < end {
            guard budget > 0 else {
                budget = -1
                return
            }
            var raw: UInt64 = 0
            var to = from
            while to < end {
                let next = to + width(bytes[to])
                while to < next {
                    raw = raw &* hashMultiplier &+ UInt64(Self.skeletonByte(bytes[to])) &+ 1
                    to += 1
                }
                budget -= 1
                let length = to - from
                guard length <= matcher.maxWordBytes, matcher.prefixFilter.mayContain(finishHash(raw, length: length)) else { break }
                if from == start && to == end { break }  // the whole run was looked up as a word
                if let id = matcher.phraseWord(UnsafeBufferPointer(rebasing: bytes[from..<to])) {
                    let origin = Int(token.originStart) - start
                    add(
                        words: CollectionOfOne(id),
                        first: position,
                        next: position + 1,
                        via: token.via.union(.script),
                        start: scan.origins[origin + from],
                        end: scan.origins[origin + to - 1] + 1
                    )
                }
            }
            from += width(bytes[from])
        }
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

    /// Adds what `word` can stand for: itself, its leet readings, and (when it is no ordinary word) the words it
    /// misspells and the words run together in it.
    mutating func addWordCandidates(
        _ word: UnsafeBufferPointer<UInt8>,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32,
        isASCII: Bool,
        hasLeet: Bool,
        expensive: Bool = true,
        token: Int? = nil,
        costlyOnly: Bool = false
    ) {
        var found = false
        // A prompt's word read through the costly views once: a word they found nothing in before is not read again
        // (long prompts repeat their words).
        var watchedFrom = -1
        var watchedHash: UInt64 = 0
        let (exact, ordinary) = matcher.lookUp(word)
        if ordinary && next == first + 1 { tokenFlags[first] |= 1 }
        if !costlyOnly, let id = exact, word.count > 1 || !matcher.initialOnlyWords.contains(id) || isInitial(first, next: next) {
            let plain = word.count == 1 && !isInitial(first, next: next)
            add(words: CollectionOfOne(id), first: first, next: next, via: plain ? via.union(.notInitial) : via, start: start, end: end)
            found = true
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(word.count, 1) * 2) { scratch in
            let soft = UnsafeMutableBufferPointer(rebasing: scratch[0..<word.count])
            let skeleton = UnsafeMutableBufferPointer(rebasing: scratch[word.count..<(word.count * 2)])
            var form = word
            var formVia = via
            var formOrdinary = ordinary
            if hasLeet && views.contains(.leet) {
                for index in 0..<word.count {
                    soft[index] = Self.softLeet(word[index])
                    skeleton[index] = soft[index] == UInt8(ascii: "l") ? UInt8(ascii: "i") : soft[index]
                }
                let softWord = UnsafeBufferPointer(soft)
                formVia.insert(.leet)
                let (softID, softOrdinary) = matcher.lookUp(softWord)
                formOrdinary = softOrdinary
                if let id = softID {
                    if !costlyOnly { add(words: CollectionOfOne(id), first: first, next: next, via: formVia, start: start, end: end) }
                    found = true
                }
                if let entry = matcher.leetWord(UnsafeBufferPointer(skeleton)) {
                    var id = matcher.leetFirst[Int(entry)]
                    while id >= 0 {
                        if !costlyOnly { add(words: CollectionOfOne(id), first: first, next: next, via: formVia, start: start, end: end) }
                        id = matcher.leetNext[Int(id)]
                    }
                    found = true
                }
                form = softWord
            }
            // Spellings that sound alike are read even when the word is itself a phrase word ("Erika" of one artist
            // may be "Erica" of another): the walk keeps an exact phrase over a phonetic one on the same words.
            if found && next == first + 1 { tokenFlags[first] |= 2 }
            guard expensive, !formOrdinary, !ordinary else { return }
            if let token, scan.tokens.count >= 48 {
                let hash = hashBytes(word) &+ (hasLeet ? 1 : 0)
                if let earlier = readBefore[hash] {
                    let other = scan.tokens[Int(earlier.token)]
                    if scan.bytes[Int(other.byteStart)..<Int(other.byteEnd)].elementsEqual(word)
                        && other.hasLeetDigit == scan.tokens[token].hasLeetDigit
                    {
                        // The same word read before: its candidates again, at this place.
                        budget -= 1 + Int(earlier.end - earlier.start)
                        for index in Int(earlier.start)..<Int(earlier.end) {
                            let candidate = candidates[index]
                            let words = candidateWords[Int(candidate.wordsStart)..<Int(candidate.wordsStart + candidate.wordCount)]
                            add(
                                words: Array(words),
                                first: first,
                                next: next,
                                via: candidate.via.subtracting(other.via).union(via),
                                start: start,
                                end: end
                            )
                        }
                        return
                    }
                }
                watchedFrom = candidates.count
                watchedHash = hash
            }
            if isASCII && views.contains(.phonetic) && form.count <= 64 && form.count >= 4 {
                // Spellings that sound alike: the word's phonetic skeleton is a phrase word's (one probe, behind a
                // filter).
                budget -= 2 + form.count / 8
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * form.count + 2 * matcher.maxWordBytes + 2) { buffer in
                    let query = UnsafeMutableBufferPointer(rebasing: buffer[0..<(2 * form.count + 1)])
                    let length = Phonetic.skeleton(form, into: query)
                    let skeleton = UnsafeBufferPointer(rebasing: query[0..<length])
                    let other = UnsafeMutableBufferPointer(rebasing: buffer[(2 * form.count + 1)...])
                    matcher.skeletons.forEach(hash: hashBytes(skeleton)) { id in
                        guard id != exact, !phoneticHits.contains(id) else { return }
                        let same = matcher.words.word(id).withUnsafeBufferPointer { word -> Bool in
                            guard 2 * word.count + 1 <= other.count else { return false }
                            let count = Phonetic.skeleton(word, into: other)
                            return count == length && UnsafeBufferPointer(rebasing: other[0..<count]).elementsEqual(skeleton)
                        }
                        if same { phoneticHits.append(id) }
                    }
                }
                for id in phoneticHits {
                    add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(.phonetic), start: start, end: end)
                }
                phoneticHits.removeAll(keepingCapacity: true)
            }
            guard !found, form.count >= 4 else { return }
            guard budget > 0 else {
                budget = -1
                return
            }
            if isASCII && views.contains(.fuzzy) && form.count <= 64 {
                budget -= form.count + 1
                matcher.fuzzyWords(form, into: &fuzzyScratch)
                for id in fuzzyScratch {
                    add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(slip(id)), start: start, end: end)
                }
            } else if !isASCII && views.contains(.fuzzy) && form.count <= 128 {
                // A slip in a word of another alphabet ("Веесловъ"), read letter by letter in its narrow form.
                if PhraseMatcher.narrowForm(form, into: &narrowScratch) {
                    budget -= narrowScratch.count + 1
                    narrowScratch.withUnsafeBufferPointer { matcher.fuzzyWords($0, narrow: true, into: &fuzzyScratch) }
                    for id in fuzzyScratch {
                        add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(.fuzzy), start: start, end: end)
                    }
                }
            }
            let leetSkeleton: UnsafeBufferPointer<UInt8>? = hasLeet ? UnsafeBufferPointer(skeleton) : nil
            runTogether(form, skeleton: leetSkeleton, first: first, next: next, via: formVia.union(.concatenation), start: start, end: end)
            guard views.contains(.forms), isASCII else { return }
            // Plural and derived forms ("Rutkowskis", "Rutkowskiesque"): a phrase word with a suffix people add.
            // A plural needs a stem of six letters or more ("muchas" is Spanish, not more than one Mucha).
            // A plural of a shorter stem ("the Kiss Péters") counts only when the rest of the phrase is exact.
            for suffix in Self.formSuffixes where form.count >= suffix.count + 4 && form.suffix(suffix.count).elementsEqual(suffix) {
                budget -= 1
                let stem = UnsafeBufferPointer(rebasing: form[0..<(form.count - suffix.count)])
                if let id = matcher.phraseWord(stem) {
                    let weak = suffix.count <= 2 && stem.count < 6
                    add(
                        words: CollectionOfOne(id),
                        first: first,
                        next: next,
                        via: formVia.union(weak ? [.form, .weakForm] : .form),
                        start: start,
                        end: end
                    )
                }
            }
            // Handles ("@gregrutkowskiofficial", "thegregrutkowski"): a run-together name with a prefix or suffix
            // accounts add.
            for affix in Self.handleSuffixes where form.count >= affix.count + 6 && form.suffix(affix.count).elementsEqual(affix) {
                let stem = UnsafeBufferPointer(rebasing: form[0..<(form.count - affix.count)])
                handle(stem, first: first, next: next, via: formVia, start: start, end: end)
            }
            for affix in Self.handlePrefixes where form.count >= affix.count + 6 && form.prefix(affix.count).elementsEqual(affix) {
                let stem = UnsafeBufferPointer(rebasing: form[affix.count...])
                handle(stem, first: first, next: next, via: formVia, start: start, end: end)
            }
            // Prompt words glued to a name ("gregrutkowskistyle", "artbygregrutkowski", "loishart").
            glued(form, prefixes: 0, suffixed: false, first: first, next: next, via: formVia, start: start, end: end)
        }
        if watchedFrom >= 0 && budget > 0 && candidates.count - watchedFrom <= 64, let token {
            readBefore[watchedHash] = (Int32(token), Int32(watchedFrom), Int32(candidates.count))
        }
    }

    /// Words prompts glue before a name ("artby", "inthestyleof") and after it ("style", "art"): stripped one at a
    /// time, at most four before and one after, and what is left read as a phrase word (five letters or more) or
    /// phrase words run together.
    static let gluePrefixes: [[UInt8]] = [
        "art", "by", "in", "the", "style", "of", "inspired", "painted", "drawn", "illustrated", "photo", "photographed", "made", "like",
        "artwork", "work", "works", "trending", "drawing", "painting", "portrait",
    ].map { Array($0.utf8) }
    static let glueSuffixes: [[UInt8]] = [
        "style", "styled", "styles", "art", "arts", "artstyle", "artwork", "artworks", "inspired", "painting", "paintings", "drawing",
        "drawings", "illustration", "portrait", "aesthetic", "fanart", "vibes", "vibe", "type", "core", "render", "lighting", "colors",
    ].map { Array($0.utf8) }

    private mutating func glued(
        _ word: UnsafeBufferPointer<UInt8>,
        prefixes: Int,
        suffixed: Bool,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        guard budget > 0 else { return }
        if prefixes > 0 || suffixed {
            budget -= 1
            if word.count >= 5, let id = matcher.phraseWord(word) {
                add(words: CollectionOfOne(id), first: first, next: next, via: via.union([.concatenation, .handle]), start: start, end: end)
            }
            if word.count >= 8 {
                runTogether(word, skeleton: nil, first: first, next: next, via: via.union([.concatenation, .handle]), start: start, end: end)
            }
        }
        if prefixes < 4 {
            for affix in Self.gluePrefixes where word.count >= affix.count + 5 && word.prefix(affix.count).elementsEqual(affix) {
                glued(
                    UnsafeBufferPointer(rebasing: word[affix.count...]),
                    prefixes: prefixes + 1,
                    suffixed: suffixed,
                    first: first,
                    next: next,
                    via: via,
                    start: start,
                    end: end
                )
            }
        }
        if !suffixed && prefixes == 0 {
            for affix in Self.glueSuffixes where word.count >= affix.count + 5 && word.suffix(affix.count).elementsEqual(affix) {
                glued(
                    UnsafeBufferPointer(rebasing: word[0..<(word.count - affix.count)]),
                    prefixes: 0,
                    suffixed: true,
                    first: first,
                    next: next,
                    via: via,
                    start: start,
                    end: end
                )
            }
        }
    }

    /// Whether the one-letter word at `first` is written as an initial: a capital, or followed by a full stop.
    func isInitial(_ first: Int, next: Int) -> Bool {
        guard next == first + 1 else { return false }
        if !scan.tokens[first].hasLower { return true }
        return next < scan.tokens.count && scan.tokens[next].mark & PromptScan.Mark.period != 0
    }

    /// The stem of a handle: one phrase word, or phrase words run together.
    private mutating func handle(_ stem: UnsafeBufferPointer<UInt8>, first: Int, next: Int, via: Via, start: Int32, end: Int32) {
        guard budget > 0 else { return }
        budget -= 1
        if let id = matcher.phraseWord(stem) {
            add(words: CollectionOfOne(id), first: first, next: next, via: via.union(.handle), start: start, end: end)
        }
        runTogether(stem, skeleton: nil, first: first, next: next, via: via.union([.handle, .concatenation]), start: start, end: end)
    }

    /// Reads `word` as phrase words run together, within the view's own budget and the prompt's.
    private mutating func runTogether(
        _ word: UnsafeBufferPointer<UInt8>,
        skeleton: UnsafeBufferPointer<UInt8>?,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        // No run of at most eight phrase words is longer than eight of the longest.
        guard views.contains(.runTogether), word.count <= 8 * matcher.maxWordBytes, budget > 0 else { return }
        var path: [Int32] = []
        var budget = 400
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: DeadEnds.capacity) { storage in
            var deadEnds = DeadEnds(storage: storage)
            splitRunTogether(
                word,
                skeleton: skeleton,
                from: 0,
                path: &path,
                budget: &budget,
                deadEnds: &deadEnds,
                isASCII: true,
                first: first,
                next: next,
                via: via,
                start: start,
                end: end
            )
        }
    }

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
    private mutating func finishOrSplit(
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
    private mutating func surnameFirst(candidate index: Int32) {
        let surname = candidates[Int(index)]
        guard surname.wordCount == 1, Int(surname.next) < heads.count, matcher.maxDepth >= 2 else { return }
        let surnameWord = candidateWords[Int(surname.wordsStart)]
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

    /// Whether the token at `position` starts a fragment of the prompt: it is the first, follows punctuation, or
    /// follows a function word ("by", "of", "and").
    private func startsFragment(_ position: Int) -> Bool {
        guard position > 0 else { return true }
        if scan.tokens[position].gap.isPunctuation { return true }
        let previous = scan.tokens[position - 1]
        return Self.functionWords.contains(Array(scan.bytes[Int(previous.byteStart)..<Int(previous.byteEnd)]))
    }

    static let functionWords = Set(CollisionGuard.functionWords.map { Array($0.utf8) })

    /// What the gap before the token at `position` says of how words were joined.
    private func gapVia(_ position: Int32) -> Via {
        switch scan.tokens[Int(position)].gap {
        case .none, .space: []
        case .whitespace: .spacing
        case .punctuation, .boundary: .separator
        }
    }

    /// Reports the orderable phrases that end at `state`, read surname first.
    private mutating func report(state: Int32, start: Int32, end: Int32, next: Int, via: Via) {
        // "Harris, John" is a name surname first only when it ends there: in "the isle of harris, john cena" the
        // comma joins two fragments, and the next word shows "john" starts another name.
        if via.contains(.separator), next < scan.tokens.count, !scan.tokens[next].gap.isPunctuation { return }
        // Surname first is itself a reading: a short-word slip does not join it, and one slip at most.
        if !via.isDisjoint(with: [.shortSlip, .weakForm, .twoSlips]) { return }
        var entry = matcher.terminals[Int(state)]
        while entry >= 0 {
            if matcher.orderable[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0 && takesInitials(entry, via: via) {
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

    private mutating func descend(from state: Int32, candidate index: Int32, depth: Int, start: Int32, via: Via) {
        descend(from: state, candidate: index, depth: depth, start: start, via: via, slips: 0, letters: 0, anchored: false)
    }

    /// A phrase this long needs no distinctive word beside a slip in a short word ("Sarha Wright").
    static let minimumUnanchoredLetters = 11

    /// `anchored`: a word of the path so far was found as written and is no ordinary word, which a slip in a short
    /// word needs beside it.
    private mutating func descend(
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
        {
            while entry >= 0 {
                if (!via.contains(.crossedBoundary) || matcher.crossesBoundary[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0)
                    && takesInitials(entry, via: via)
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
