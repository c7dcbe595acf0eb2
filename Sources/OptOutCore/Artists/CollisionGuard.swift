/// Decides whether a new phrase may block at once, or must wait for a moderator.
///
/// A phrase that ordinary prompts use would refuse innocent prompts platform-wide, so it is held as
/// ``PhraseStatus/pendingReview`` until a moderator approves it, whatever its length, when it:
/// - has fewer than ``minimumLetters`` letters;
/// - is one ordinary dictionary word ("rose", "constant");
/// - is made of function words only ("of the", "in the", "with a");
/// - is a word sequence that ordinary prompts use as a phrase ("highly detailed", "trending on artstation"): one
///   found in the background corpus of common phrases (`common-phrases.txt`: sequences of 2 to 5 words that at
///   least 3 of about 100,000 real prompt fragments hold, made by `scripts/generate-common-phrases.py`).
///
/// Names and titles made of ordinary words that prompts do not use together ("The Glass Orchard", "Rose Constant")
/// block at once.
public struct CollisionGuard: Sendable {
    public static let minimumLetters = 4
    /// The same for a phrase written in a script without spaces (Han, kana, Hangul, Thai ...): characters.
    public static let minimumUnspacedCharacters = 2
    /// Raised whenever the rule holds more phrases than before, or folding changes keys: a start that finds phrases checked under an older
    /// revision moves the active ones now under the rule back to review, once.
    public static let revision = 5
    /// How many of a profile's phrases may block without a moderator's review: each passed the guard alone, but
    /// many rare phrases together could still refuse a share of ordinary prompts. Past this, new ones wait.
    public static let maxUnreviewedPhrases = 50

    /// English function words: articles, prepositions, conjunctions, pronouns, auxiliaries and a few determiners.
    public static let functionWords: Set<String> = [
        "a", "an", "the", "of", "in", "on", "at", "by", "for", "with", "without", "from", "to", "into", "onto", "over", "under",
        "above", "below", "between", "behind", "beside", "near", "through", "across", "around", "about", "after", "before",
        "during", "against", "along", "among", "upon", "within", "off", "out", "up", "down", "and", "or", "nor", "but", "so",
        "yet", "as", "if", "than", "then", "that", "this", "these", "those", "there", "here", "it", "its", "is", "are", "was",
        "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "will", "would", "can", "could",
        "shall", "should", "may", "might", "must", "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she",
        "her", "they", "them", "their", "who", "whom", "whose", "which", "what", "when", "where", "why", "how", "all", "any",
        "some", "no", "not", "every", "each", "both", "either", "neither", "one", "very", "much", "many", "more", "most",
        "such", "own", "same", "other", "via", "per", "like", "unlike", "de", "la", "le", "les", "el", "der", "die", "das",
        "du", "des", "von", "van", "di", "da", "et", "und", "y", "e", "o",
    ]

    private let dictionary: Set<String>
    private let commonPhrases: Set<String>
    /// Words of ordinary prompts that are no ordinary English word ("artstation", "hyperrealism", "1girl"), which the
    /// matcher may read as a misspelt or sound-alike name (it never reads an ordinary English word so): a phrase one
    /// slip or one sound away from such a word, in a word or phrase ordinary prompts use, would be read there.
    private let promptVocabulary: [String]
    /// Every one-letter deletion of each word of `promptVocabulary` (and the word itself), by value: the candidates
    /// one slip away from a phrase word (symmetric-delete index).
    private let slipIndex: [String: [Int32]]
    private let soundIndex: [String: [Int32]]
    /// The common phrases as they sound (each word of four letters or more by its phonetic skeleton): a phrase that
    /// sounds like one ("хйпердетаилед артстатион" read aloud) is read there by the phonetic and two-slip views.
    private let soundPhrases: Set<String>
    /// The words the matcher never reads as a name written apart (two short ordinary words stay two words).
    private let matcherWords: OrdinaryWords
    /// The prompt gate's own matcher, built from the common phrases and prompt words: a phrase it reads whole, through
    /// any of its views (two slips, sounds, another script's letters, words run together ...), as one of them is
    /// ordinary text in disguise ("анаморпхик ленс" is "anamorphic lens").
    private let ordinaryMatcher: PhraseMatcher?
    private let ordinaryTexts: [String]
    /// Per word, the common phrases that hold it (indices into `ordinaryTexts`): the ones a long phrase sharing a
    /// word with them may be read in with two slips, which the gate reads only beside a word few phrases hold.
    private let phrasesByWord: [String: [Int32]]
    /// The words of ordinary prompts that a good share of them hold ("stunning", "apocalyptic"), by every deletion of
    /// one or two letters: prompts misspell them ("stuning", "apocaliptic"), and the matcher reads such a misspelling
    /// as a one-word phrase one more slip away ("stnuning"). A one-word phrase within two slips of one is held.
    private let frequentWords: [String]
    private let frequentIndex: [String: [Int32]]

    /// - Parameters:
    ///   - dictionary: ordinary words of any language, in any case; compared by ``PhraseKey``.
    ///   - commonPhrases: word sequences ordinary prompts use as phrases; compared by ``PhraseKey``.
    ///   - promptVocabulary: words of ordinary prompts that are no ordinary English word; a phrase one slip or one
    ///     sound from one of them (its words, or its words run together), in a common word or phrase, is held.
    ///   - matcherWords: the matcher's ordinary words: a one-word phrase is found in two short words written apart
    ///     ("kanyewest" in "kanye west") unless both are ordinary, and such a pair that ordinary prompts use is held.
    ///   - readAsPrompts: also read each phrase as a prompt with the gate's matcher built from the common phrases and
    ///     prompt words, and hold one it reads whole as one of them (the server's guard does; building that matcher
    ///     takes a moment).
    public init(
        dictionary: some Sequence<String>,
        commonPhrases: some Sequence<String> = [String](),
        promptVocabulary: some Sequence<String> = [String](),
        matcherWords: OrdinaryWords = .none,
        readAsPrompts: Bool = false,
        frequentWords: some Sequence<String> = [String]()
    ) {
        var frequent: [String] = []
        var frequentIndex: [String: [Int32]] = [:]
        for word in frequentWords {
            let key = PhraseKey.make(word)
            guard !key.contains(" "), key.unicodeScalars.count >= PhraseMatcher.minimumFuzzyLength, key.unicodeScalars.count <= 32 else { continue }
            let id = Int32(frequent.count)
            frequent.append(key)
            var variants: Set<String> = [key]
            for once in Self.deletions(of: key) {
                variants.insert(once)
                variants.formUnion(Self.deletions(of: once))
            }
            for variant in variants { frequentIndex[variant, default: []].append(id) }
        }
        self.frequentWords = frequent
        self.frequentIndex = frequentIndex
        self.matcherWords = matcherWords
        self.dictionary = Set(dictionary.lazy.map(PhraseKey.make).filter { !$0.isEmpty })
        self.commonPhrases = Set(commonPhrases.lazy.map(PhraseKey.make).filter { $0.contains(" ") })
        var vocabulary: [String] = []
        var slips: [String: [Int32]] = [:]
        var sounds: [String: [Int32]] = [:]
        var seen = Set<String>()
        for word in promptVocabulary {
            let key = PhraseKey.make(word)
            guard !key.contains(" "), key.unicodeScalars.count >= 4, key.unicodeScalars.count <= 32, seen.insert(key).inserted else { continue }
            let id = Int32(vocabulary.count)
            vocabulary.append(key)
            for variant in Self.deletions(of: key) + [key] { slips[variant, default: []].append(id) }
            if let sound = Self.sound(of: key) { sounds[sound, default: []].append(id) }
        }
        self.promptVocabulary = vocabulary
        slipIndex = slips
        soundIndex = sounds
        soundPhrases = Set(self.commonPhrases.lazy.map(Self.soundKey))
        if readAsPrompts {
            let texts = Array(self.commonPhrases) + vocabulary
            ordinaryTexts = texts
            ordinaryMatcher = PhraseMatcher(phrases: texts, ordinaryWords: matcherWords, wordOrder: [Bool](repeating: false, count: texts.count))
            var byWord: [String: [Int32]] = [:]
            for (index, text) in texts.enumerated() where text.contains(" ") {
                for word in Set(text.split(separator: " ")) { byWord[String(word), default: []].append(Int32(index)) }
            }
            phrasesByWord = byWord.filter { $0.value.count <= Self.maxProbes }
        } else {
            ordinaryTexts = []
            ordinaryMatcher = nil
            phrasesByWord = [:]
        }
    }

    /// The most common phrases a word may hold for ``readWithTwoSlips(_:readings:)`` to try them: words many phrases
    /// hold ("of", "lens" in hundreds) are not where a slip hides, as the gate's anchors are not.
    static let maxProbes = 400

    /// A long phrase the gate would find in a common phrase with two slips ("анаморпхик ленс", read "anamorpkhik
    /// lens", in "anamorphic lens"): the phrase's own matcher, as the gate builds it, searches the common phrases
    /// that share a word with it.
    private func readWithTwoSlips(_ text: String, readings: [String]) -> String? {
        guard !phrasesByWord.isEmpty else { return nil }
        var probes = Set<Int32>()
        for reading in readings {
            let words = reading.split(separator: " ")
            guard words.count >= 2, reading.unicodeScalars.count >= PhraseMatcher.minimumTwoSlipLetters else { continue }
            for word in words { probes.formUnion(phrasesByWord[String(word)] ?? []) }
        }
        guard !probes.isEmpty else { return nil }
        let own = PhraseMatcher(phrases: [text], ordinaryWords: matcherWords, wordOrder: [false])
        for probe in probes.sorted() {
            let ordinary = ordinaryTexts[Int(probe)]
            let length = ordinary.unicodeScalars.count
            if own.search(ordinary).matches.contains(where: { $0.start == 0 && $0.end == length }) { return ordinary }
        }
        return nil
    }

    /// The ordinary text that the gate's matcher reads the whole of `key` as, if any.
    private func readWhole(_ key: String) -> String? {
        guard let ordinaryMatcher, !key.isEmpty else { return nil }
        let length = key.unicodeScalars.count
        return ordinaryMatcher.search(key).matches.first { $0.start == 0 && $0.end == length }.map { ordinaryTexts[$0.phrase] }
    }

    /// A folded key with each word of four letters or more replaced by how it sounds.
    static func soundKey(_ key: String) -> String {
        key.split(separator: " ").map { word in sound(of: String(word)) ?? String(word) }.joined(separator: " ")
    }

    /// Why `text` must be reviewed before it blocks, or nil when it may block at once.
    ///
    /// Every reading the matcher gives the phrase is judged, not only its letters: its Latin readings (Cyrillic and
    /// Greek letters, pinyin of Han: "портраит оф" is "portrait of", "阿满" is "a man"), its digits read as letters,
    /// its words run together ("Art Station" is found in "artstation"), a plural or singular last word, and the
    /// ordinary words of prompts one slip or one sound from its words ("Artstatoin", "Greg Rutkovski").
    public func reviewReason(for text: String) -> String? {
        let key = PhraseKey.make(text)
        let letters = key.unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
        if !key.isEmpty && key.unicodeScalars.allSatisfy({ Folding.isUnspaced($0.value) }) {
            // Han, kana and Hangul characters carry a syllable each, and such a phrase is found inside runs of its
            // script: a name of one or two characters occurs inside ordinary text of that script.
            if letters < Self.minimumUnspacedCharacters {
                return "has fewer than \(Self.minimumUnspacedCharacters) characters"
            }
        } else if letters < Self.minimumLetters {
            return "has fewer than \(Self.minimumLetters) letters"
        }
        var readings = [key]
        for reading in Transliteration.phraseReadings(text).map(PhraseKey.make) + [Self.leetReading(key)] where !readings.contains(reading) {
            readings.append(reading)
        }
        for reading in readings {
            if let reason = ordinaryReason(reading) {
                return reading == key ? reason : "read as \"\(reading)\", \(reason)"
            }
        }
        // As written (a reading from another script is not English: Korean "안" reads "an").
        let words = key.split(separator: " ")
        if words.count >= 2, Self.endingWords.contains(String(words[words.count - 1])) || Self.startingWords.contains(String(words[0])) {
            return "starts or ends with a word no name starts or ends with (a piece of a sentence)"
        }
        for reading in readings {
            if let ordinary = readWhole(reading) { return "reads as \"\(ordinary)\", which ordinary prompts use" }
            if let frequent = withinTwoSlips(reading) {
                return "is two slips from \"\(frequent)\", which ordinary prompts misspell that way"
            }
        }
        if let ordinary = readWithTwoSlips(text, readings: readings) {
            return "is read in \"\(ordinary)\", which ordinary prompts use"
        }
        for reading in readings where reading.contains(" ") && soundPhrases.contains(Self.soundKey(reading)) {
            return "sounds like \"\(reading)\", a phrase ordinary prompts use"
        }
        for reading in readings {
            let words = reading.split(separator: " ").map(String.init)
            if words.count > 1, dictionary.contains(words.joined()) {
                return "written together (\"\(words.joined())\") is a word ordinary prompts use"
            }
            if let last = words.last, last.count >= 4 {
                let forms = last.hasSuffix("s") ? [String(last.dropLast())] : [last + "s"]
                for form in forms {
                    let variant = (words.dropLast() + [form]).joined(separator: " ")
                    if ordinaryReason(variant) != nil { return "is a form of \"\(variant)\", which ordinary prompts use" }
                }
            }
            // A word the matcher also finds written apart as two short words, not both ordinary ("kanyewest" in
            // "kanye west", "funkopop" in "funko pop").
            for (position, word) in words.enumerated() where word.utf8.count >= 4 && word.utf8.count <= 10 && word.allSatisfy(\.isASCII) {
                let scalars = Array(word.unicodeScalars)
                for cut in max(1, scalars.count - 5)...min(5, scalars.count - 1) {
                    let left = String(String.UnicodeScalarView(scalars[..<cut]))
                    let right = String(String.UnicodeScalarView(scalars[cut...]))
                    guard !(matcherWords.contains(left) && matcherWords.contains(right)) else { continue }
                    var changed = words
                    changed[position] = left + " " + right
                    let variant = changed.joined(separator: " ")
                    if ordinaryReason(variant) != nil { return "written apart (\"\(variant)\") is what ordinary prompts use" }
                }
            }
            // Run together, with a slip: the run-together view reads a prompt's "hyperrealism" as "hyper relaism".
            // The view reads misspellings only in pieces of six letters or more, so the slip must fall in such a word.
            if words.count > 1, words.contains(where: { $0.unicodeScalars.count >= 6 }) {
                let joined = words.joined()
                for neighbour in neighbours(of: joined) where ordinaryReason(neighbour) != nil {
                    let slip = zip(joined.unicodeScalars, neighbour.unicodeScalars).prefix { $0 == $1 }.count
                    var end = 0
                    guard
                        let word = words.first(where: {
                            end += $0.unicodeScalars.count
                            return slip < end
                        }) ?? words.last,
                        word.unicodeScalars.count >= 6
                    else { continue }
                    return "is one slip from \"\(neighbour)\" written together, which ordinary prompts use"
                }
            }
            for (position, word) in words.enumerated() where word.unicodeScalars.count >= 4 {
                for neighbour in neighbours(of: word) {
                    var changed = words
                    changed[position] = neighbour
                    let variant = changed.joined(separator: " ")
                    if ordinaryReason(variant) != nil { return "is one slip from \"\(variant)\", which ordinary prompts use" }
                }
            }
        }
        return nil
    }

    /// English words that end no name or title ("white of", "photorealistic a") and prepositions and conjunctions
    /// that start none ("of photo", "with forest"): such a phrase is a piece of a sentence, which prompts are made of.
    static let endingWords: Set<String> = [
        "a", "the", "of", "with", "and", "from", "to", "for", "by", "at", "this", "that", "its", "my", "your", "their", "our", "very",
    ]
    static let startingWords: Set<String> = ["of", "with", "from", "to", "for", "by", "at", "and", "into", "onto", "than"]

    /// Why a folded phrase key is ordinary text, or nil.
    private func ordinaryReason(_ key: String) -> String? {
        let words = key.split(separator: " ")
        if words.isEmpty { return nil }
        if words.count == 1 && dictionary.contains(key) {
            return "is a common dictionary word"
        }
        if words.allSatisfy({ Self.functionWords.contains(String($0)) }) {
            return "is made of function words only"
        }
        if commonPhrases.contains(key) {
            return "is a phrase ordinary prompts use"
        }
        return nil
    }

    /// A frequent prompt word two slips or fewer from the one-word `key` (of six letters or more), if any.
    private func withinTwoSlips(_ key: String) -> String? {
        guard !frequentIndex.isEmpty, !key.contains(" "), key.unicodeScalars.count >= PhraseMatcher.minimumFuzzyLength,
            key.unicodeScalars.count <= 32
        else { return nil }
        var candidates = Set<Int32>()
        candidates.formUnion(frequentIndex[key] ?? [])
        for once in Self.deletions(of: key) {
            candidates.formUnion(frequentIndex[once] ?? [])
            for twice in Self.deletions(of: once) { candidates.formUnion(frequentIndex[twice] ?? []) }
        }
        let bytes = Array(key.utf8)
        for id in candidates.sorted() {
            let word = frequentWords[Int(id)]
            let distance = Array(word.utf8).withUnsafeBufferPointer { a in
                bytes.withUnsafeBufferPointer { PhraseMatcher.editDistance(a, $0, limit: 2) }
            }
            if distance <= 2 && word != key { return word }
        }
        return nil
    }

    /// The prompt words one slip (a letter changed, added, dropped or two swapped) or one sound from `word`.
    private func neighbours(of word: String) -> [String] {
        var ids = Set<Int32>()
        for variant in Self.deletions(of: word) + [word] { ids.formUnion(slipIndex[variant] ?? []) }
        if let sound = Self.sound(of: word) { ids.formUnion(soundIndex[sound] ?? []) }
        return ids.map { promptVocabulary[Int($0)] }.filter { $0 != word && (Self.isOneSlip($0, word) || Self.sound(of: $0) == Self.sound(of: word)) }
    }

    static func deletions(of word: String) -> [String] {
        let scalars = Array(word.unicodeScalars)
        return scalars.indices.map { skip in
            var view = String.UnicodeScalarView()
            for (index, scalar) in scalars.enumerated() where index != skip { view.append(scalar) }
            return String(view)
        }
    }

    /// Whether `a` and `b` differ by one substitution, insertion, deletion or swap of neighbours.
    static func isOneSlip(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.count == y.count {
            let differences = x.indices.filter { x[$0] != y[$0] }
            if differences.count == 1 { return true }
            return differences.count == 2 && differences[1] == differences[0] + 1 && x[differences[0]] == y[differences[1]]
                && x[differences[1]] == y[differences[0]]
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        guard long.count == short.count + 1 else { return false }
        var index = 0
        while index < short.count && long[index] == short[index] { index += 1 }
        return long[(index + 1)...].elementsEqual(short[index...])
    }

    /// The phonetic skeleton the matcher's phonetic view compares (ASCII words of four letters or more).
    static func sound(of word: String) -> String? {
        let bytes = Array(word.utf8)
        guard bytes.count >= 4, bytes.count <= 64, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { Phonetic.skeleton($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Digits read as the letters they stand for, as the leet view reads a prompt ("h1ghly" is "highly").
    static func leetReading(_ key: String) -> String {
        String(
            String.UnicodeScalarView(
                key.unicodeScalars.map { scalar in
                    switch scalar {
                    case "0": "o"
                    case "1": "i"
                    case "3": "e"
                    case "4": "a"
                    case "5": "s"
                    case "7": "t"
                    case "8": "b"
                    default: scalar
                    }
                }
            )
        )
    }

    /// The status a new phrase starts with.
    public func initialStatus(for text: String) -> PhraseStatus {
        reviewReason(for: text) == nil ? .active : .pendingReview
    }

    /// The number of distinct words the guard knows.
    public var dictionarySize: Int { dictionary.count }

    /// The number of common phrases the guard knows.
    public var commonPhraseCount: Int { commonPhrases.count }
}
