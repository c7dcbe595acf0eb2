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
    /// Exact behind ``ordinaryFilter`` (``isOrdinary(hash:)``).
    let ordinaryHashes: HashSet64
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
    /// Words that only katakana renderings of Latin names hold: found inside a run of Japanese text only as a katakana
    /// word of their own (``Search/addInsideCandidates(_:_:_:)``).
    let boundedKana: Set<Int32>
    /// The longest of them, in bytes.
    let maxBoundedKanaBytes: Int
    /// The Arabic and Hebrew renderings of the phrases' Latin words (``SemiticSpelling``) in their narrow form
    /// (``narrowForm(_:into:)``), each with the Latin word it renders (the first, when two render alike): a word of a
    /// prompt in those letters is read as that word, in a phrase of two words or more.
    let renderedForms: WordTable
    let renderedOwners: [Int32]
    /// Per rendering, a bit: whether it is an everyday word of its language.
    let renderedEveryday: [UInt64]
    /// The long renderings (six letters or more) by the hash of the form and of each one-letter deletion of it: a
    /// prompt's word one slip from one is read as its word too.
    let renderedDeletes: HashMultiMap
    let transitions: TransitionTable
    /// Per state: the first phrase ending there, or -1. States below `words.count` are one-word paths.
    let terminals: [Int32]
    let hasChildren: [Bool]
    /// Per phrase: the next phrase with the same words, or -1.
    let nextDuplicate: [Int32]
    /// Per phrase, a bit: whether a two- or three-word phrase is also found surname first.
    let orderable: [UInt64]
    /// Per word, a bit: whether it is the last word of an ``orderable`` entry of two or three words, so that it may be
    /// a surname read first (``Search/surnameFirst(candidate:)``).
    let endsOrderable: [UInt64]
    /// Per entry, a bit: whether it is found only as spelt, never through a slip or a sound (the Latin readings of a
    /// name in Hangul or Han).
    let spelledOnly: [UInt64]
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
    /// Prompt words the costly views read nothing in (``QuietWords``).
    let quietWords = QuietWords()

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
        var isEastAsian: [Bool] = []
        let memo = ReadingMemo()
        var kanaForms: [String] = []
        for phrase in phrases {
            let folded = Folding.words(of: phrase)
            withBoundary.append(phrase.unicodeScalars.contains { PromptScan.endsFragment($0.value) })
            // Korean, Chinese and Japanese names in Hangul or Han: their Latin readings are found only as spelt.
            isEastAsian.append(
                phrase.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) || $0.value >= 0x3400 && Folding.isUnspaced($0.value) }
            )
            let surnameFirst = ordinaryWords.readsSurnameFirst(folded)
            ordinaryOrder.append(!surnameFirst)
            // A name (not a work) that may be read surname first is also read with its particles moved.
            if surnameFirst && wordOrder.map({ count < $0.count && $0[count] }) ?? true {
                for words in Self.particleOrders(of: phrase) { readings.append((Int32(count), words, .order)) }
            }
            for word in folded {
                sequence.append(words.insert(Array(word.utf8)))
            }
            sequenceStarts.append(Int32(sequence.count))
            for reading in Self.readings(of: phrase, folded: folded, ordinaryWords: ordinaryWords, memo: memo) {
                readings.append((Int32(count), reading.words, reading.via))
                if reading.boundedKana { kanaForms.append(reading.words[0]) }
            }
            count += 1
        }
        for reading in readings {
            for word in reading.words { sequence.append(words.insert(Array(word.utf8))) }
            sequenceStarts.append(Int32(sequence.count))
        }
        let phraseCount = count
        count += readings.count
        // A particle reading is itself surname first: it is not read in yet another order.
        ordinaryOrder += readings.map { $0.via == .order || !ordinaryWords.readsSurnameFirst($0.words) }
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
        // The words that end an orderable entry of two or three words: only such a word may be a surname read first.
        var endsOrderable = [UInt64](repeating: 0, count: (wordCount + 63) / 64)
        for entry in 0..<count where orderable[entry >> 6] & (1 << UInt64(entry & 63)) != 0 {
            let length = Int(sequenceStarts[entry + 1] - sequenceStarts[entry])
            guard length == 2 || length == 3 else { continue }
            let last = Int(sequence[Int(sequenceStarts[entry + 1]) - 1])
            endsOrderable[last >> 6] |= 1 << UInt64(last & 63)
        }
        self.endsOrderable = endsOrderable
        // The Latin readings of a Korean, Chinese or Japanese name are found only as they are spelt: romanized given
        // names are short and many, and a slip in one is most often another person's name ("Junseo" is not "Yunseo",
        // "Kumiko" not "Rumiko"); a kanji name's readings are only likely ones already.
        var spelledOnly = [UInt64](repeating: 0, count: (count + 63) / 64)
        for entry in phraseCount..<count
        where readings[entry - phraseCount].via == .transliteration && isEastAsian[Int(readings[entry - phraseCount].owner)]
            && readings[entry - phraseCount].words.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } })
        {
            spelledOnly[entry >> 6] |= 1 << UInt64(entry & 63)
        }
        self.spelledOnly = spelledOnly
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
        self.ordinaryHashes = ordinaryWords.matcherHashes
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
        // Katakana throughout, as the search reads them (a form holding another letter is an ordinary word).
        var bounded = Set(
            kanaForms.filter { $0.unicodeScalars.allSatisfy { (0x30A1...0x30FA).contains($0.value) } }.compactMap { words.find(Array($0.utf8)) }
        )
        for position in 0..<Int(sequenceStarts[phraseCount]) { bounded.remove(sequence[position]) }
        self.boundedKana = bounded
        (renderedForms, renderedOwners, renderedEveryday, renderedDeletes) = Self.renderedWordTables(
            words: words,
            phraseWords: sequence[0..<Int(sequenceStarts[phraseCount])],
            ordinaryWords: ordinaryWords
        )
        self.transitions = transitions
        self.terminals = terminals
        self.hasChildren = hasChildren
        self.nextDuplicate = nextDuplicate
        self.orderable = orderable
        self.crossesBoundary = crossesBoundary
        self.maxDepth = maxDepth
        // A name's particle readings hold its words again, in another order: left out, so that a particle ("van")
        // is not held by twice the entries it is (past the limit of an anchor) and a word's neighbours are its name's.
        func anchors(_ entry: Int) -> Bool {
            sequenceStarts[entry + 1] - sequenceStarts[entry] >= 2 && (entry < phraseCount || readings[entry - phraseCount].via != .order)
        }
        var anchorCounts = [Int32](repeating: 0, count: wordCount + 1)
        for entry in 0..<count where anchors(entry) {
            for position in Int(sequenceStarts[entry])..<Int(sequenceStarts[entry + 1]) { anchorCounts[Int(sequence[position]) + 1] += 1 }
        }
        for index in 0..<wordCount { anchorCounts[index + 1] += anchorCounts[index] }
        var anchorEntries = [Int32](repeating: 0, count: Int(anchorCounts[wordCount]))
        var fill = anchorCounts
        for entry in 0..<count where anchors(entry) {
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
        var longestBounded = 0
        for id in 0..<wordCount {
            let length = words.word(Int32(id)).count
            if bounded.contains(Int32(id)) {
                longestBounded = max(longestBounded, length)
                continue
            }
            prefixCount += length
            longest = max(longest, length)
        }
        self.maxBoundedKanaBytes = longestBounded
        // Katakana renderings are looked up from kana break to kana break (``Search/addBoundedKanaCandidates(_:_:_:)``):
        // no prefix of theirs is needed.
        var prefixFilter = BloomFilter(count: max(prefixCount, 1), bitsPerEntry: 8)
        for id in 0..<wordCount where !bounded.contains(Int32(id)) {
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
        fillQuietWords(from: ordinaryWords.promptWords)
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

    /// A name's readings with its particles moved as catalogues and prompt writers move them, surname first: the
    /// particles with the surname, then the given names ("van Gogh Vincent", "de la Vega Ana"); and for a name of
    /// four words or more the surname, the given names, then the particles ("Leyen Ursula von der"; a name of three
    /// words is read that way by ``Search/surnameFirst(candidate:)``). A hyphenated surname moves as one.
    static func particleOrders(of phrase: String) -> [[String]] {
        // Word by word as written, so that a hyphenated surname stays one ("de Toulouse-Lautrec").
        let written = phrase.split(whereSeparator: \.isWhitespace).map { Folding.words(of: String($0)) }
        guard written.count >= 3, written.allSatisfy({ !$0.isEmpty }) else { return [] }
        var first = written.count - 1
        while first > 1 && written[first - 1].count == 1 && NameParticles.words.contains(written[first - 1][0]) { first -= 1 }
        let given = written[..<first].flatMap { $0 }
        // A surname alone with its particles ("van der Heyden") has no given name to move.
        guard first < written.count - 1, given.contains(where: { !NameParticles.words.contains($0) }) else { return [] }
        let particles = written[first..<(written.count - 1)].flatMap { $0 }
        let surname = written[written.count - 1]
        var readings = [particles + surname + given]
        if given.count + particles.count + surname.count > 3 { readings.append(surname + given + particles) }
        return readings
    }
}
