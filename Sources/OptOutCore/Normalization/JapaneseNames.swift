/// Romaji readings of a Japanese name written in kanji ("新海誠" → "Shinkai Makoto", "Makoto Shinkai"), from a name
/// dictionary (the server's `kanji-name-readings.txt`, made from JMnedict): the kanji are split into a family name
/// and a given name the dictionary knows, and each part keeps its most used readings. Kanji do not say how a name is
/// read, so these are the likely readings, not the certain one.
///
/// It also holds katakana renderings of names written in Latin letters (the server's `katakana-names.txt`, made from
/// JMnedict too): "Greg Rutkowski" is also found written グレッグ・ルトコフスキ.
public struct JapaneseNames: Sendable {
    let family: [String: [String]]
    let given: [String: [String]]
    /// A word of a name in Latin letters (folded) and its katakana renderings, the most frequent first.
    let foreign: [String: [String]]
    /// Romaji that writes a long vowel once ("ryohei") and the hiragana of the names it reads (りょうへい).
    let longVowels: [String: [String]]
    /// Ordinary Japanese words in kana, folded (アイスクリーム as アイスクリム): a name whose kana rendering is one is not
    /// read in kana.
    let ordinaryKana: Set<String>
    /// JMdict's common katakana words alone (no names among them, as wordfreq's words have): two of them run together
    /// are ordinary text too (アニメイラスト).
    let commonKana: Set<String>

    /// Readings kept for each part: family names, given names.
    static let familyReadings = 2
    static let givenReadings = 3

    /// - Parameter lines: `S` (family name) or `G` (given name), the kanji, the hiragana readings comma-separated; or
    ///   `F`, a word in Latin letters, its katakana renderings comma-separated; or `R`, romaji, the hiragana of the
    ///   names it reads with a long vowel; or `O`, an ordinary word in katakana; tab-separated; `#` comments.
    /// - Parameter ordinaryWords: more ordinary Japanese words (any script; those in kana are kept).
    public init(lines: some Sequence<Substring>, ordinaryWords: some Sequence<String> = [String]()) {
        var family: [String: [String]] = [:]
        var given: [String: [String]] = [:]
        var foreign: [String: [String]] = [:]
        var longVowels: [String: [String]] = [:]
        var ordinaryKana = Set<String>()
        var commonKana = Set<String>()
        @discardableResult func addOrdinary(_ word: some StringProtocol) -> String? {
            guard word.unicodeScalars.allSatisfy({ (0x3041...0x30FC).contains($0.value) }) else { return nil }
            let folded = Folding.words(of: String(word)).joined()
            ordinaryKana.insert(folded)
            return folded
        }
        for word in ordinaryWords { addOrdinary(word) }
        for line in lines where !line.hasPrefix("#") {
            // Split on the UTF-8 bytes: splitting by Character reads grapheme clusters, slow on 300,000 lines of kana.
            let fields = line.utf8.split(separator: UInt8(ascii: "\t")).map { Substring($0) }
            guard fields.count == 3 else { continue }
            let readings = fields[2].utf8.split(separator: UInt8(ascii: ",")).map { String(Substring($0)) }
            switch fields[0] {
            case "S": family[String(fields[1]), default: []] += readings
            case "F": foreign[String(fields[1]), default: []] += readings
            case "R": longVowels[String(fields[1]), default: []] += readings
            case "O":
                if let folded = addOrdinary(fields[1]) { commonKana.insert(folded) }
            default: given[String(fields[1]), default: []] += readings
            }
        }
        self.family = family
        self.given = given
        self.foreign = foreign
        self.longVowels = longVowels
        self.ordinaryKana = ordinaryKana
        self.commonKana = commonKana
    }

    public static let none = JapaneseNames(lines: [Substring]())

    public var isEmpty: Bool { family.isEmpty && given.isEmpty && foreign.isEmpty && longVowels.isEmpty }

    /// The readings of `text` when it is a name in kanji the dictionary can split: each as words, family name first,
    /// then given name first; at most twelve.
    public func readings(of text: String) -> [[String]] {
        var result: [[String]] = []
        for split in splits(of: text) {
            for familyReading in split.familyKana.prefix(Self.familyReadings) {
                for givenReading in split.givenKana.prefix(Self.givenReadings) {
                    let (familyName, givenName) = (Self.romaji(familyReading), Self.romaji(givenReading))
                    guard !familyName.isEmpty, !givenName.isEmpty else { continue }
                    for words in [[familyName, givenName], [givenName, familyName]] where !result.contains(words) {
                        result.append(words)
                    }
                }
            }
            if result.count >= 12 { break }
        }
        return Array(result.prefix(12))
    }

    /// The ways `text` (a name in kanji, two to six characters) splits into a family name and a given name the
    /// dictionary knows, with their readings.
    func splits(of text: String) -> [(familyPart: String, givenPart: String, familyKana: [String], givenKana: [String])] {
        let scalars = Array(text.unicodeScalars.filter { !($0.properties.isWhitespace || $0.value == 0x30FB) })
        guard scalars.count >= 2, scalars.count <= 6, scalars.allSatisfy({ Self.isKanji($0.value) }) else { return [] }
        return (1..<scalars.count).compactMap { cut in
            let familyPart = String(String.UnicodeScalarView(scalars[..<cut]))
            let givenPart = String(String.UnicodeScalarView(scalars[cut...]))
            guard let familyKana = family[familyPart], let givenKana = given[givenPart] else { return nil }
            return (familyPart, givenPart, familyKana, givenKana)
        }
    }

    /// The name in kana, and half in kana ("しんかいまこと", "シンカイマコト", "新海まこと", "しんかい誠"): a form all in kana has
    /// six characters at least, a form half in kanji four, so that a short reading is not found inside ordinary text.
    public func kanaForms(of text: String) -> [String] {
        var forms: [String] = []
        for split in splits(of: text) {
            for familyReading in split.familyKana.prefix(Self.familyReadings) {
                for givenReading in split.givenKana.prefix(Self.givenReadings) {
                    let whole = familyReading + givenReading
                    let katakana = String(String.UnicodeScalarView(whole.unicodeScalars.compactMap { Unicode.Scalar($0.value + 0x60) }))
                    // All in kana: six characters at least; half in kanji says more: four.
                    let candidates = [(whole, 6), (katakana, 6), (split.familyPart + givenReading, 4), (familyReading + split.givenPart, 4)]
                    for (form, minimum) in candidates where form.unicodeScalars.count >= minimum && !forms.contains(form) {
                        forms.append(form)
                    }
                }
            }
            if forms.count >= 24 { break }
        }
        return Array(forms.prefix(24))
    }

    static func isKanji(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || value == 0x3005 || (0x3400...0x4DBF).contains(value)
    }

    /// Hiragana (or katakana) in Hepburn romaji as names are written in Latin letters: long vowels as one vowel
    /// ("さとう" → "sato", "おおの" → "ono"), `n` for ん, a doubled consonant for っ.
    public static func romaji(_ kana: String) -> String {
        var syllables: [String] = []
        var doubleNext = false
        for scalar in kana.unicodeScalars {
            var value = scalar.value
            if value >= 0x30A1 && value <= 0x30F6 { value -= 0x60 }  // katakana as hiragana
            switch value {
            case 0x3063:  // っ
                doubleNext = true
                continue
            case 0x3083, 0x3085, 0x3087:  // ゃ ゅ ょ
                let vowel = value == 0x3083 ? "a" : value == 0x3085 ? "u" : "o"
                if var last = syllables.popLast(), last.hasSuffix("i") {
                    last.removeLast()
                    if !(last.hasSuffix("sh") || last.hasSuffix("ch") || last == "j") { last += "y" }
                    syllables.append(last + vowel)
                } else {
                    syllables.append("y" + vowel)
                }
                continue
            case 0x30FC:  // ー
                continue
            default:
                break
            }
            guard let syllable = Self.hiragana[value] else { return "" }
            if doubleNext, let first = syllable.first, !"aeiou".contains(first) {
                syllables.append((syllable.hasPrefix("ch") ? "t" : String(first)) + syllable)
            } else {
                syllables.append(syllable)
            }
            doubleNext = false
        }
        var text = syllables.joined()
        // Long vowels written once, as names are in Latin letters.
        for (long, short) in [("ou", "o"), ("oo", "o"), ("uu", "u")] {
            text = text.replacingOccurrencesOf(long, with: short)
        }
        return text
    }

    static let hiragana: [UInt32: String] = {
        let rows: [(UInt32, [String])] = [
            (0x3042, ["a"]), (0x3044, ["i"]), (0x3046, ["u"]), (0x3048, ["e"]), (0x304A, ["o"]),
            (0x304B, ["ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go"]),
            (0x3055, ["sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo"]),
            (0x305F, ["ta", "da", "chi", "ji"]), (0x3064, ["tsu", "zu", "te", "de", "to", "do"]),
            (0x306A, ["na", "ni", "nu", "ne", "no"]),
            (0x306F, ["ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po"]),
            (0x307E, ["ma", "mi", "mu", "me", "mo"]), (0x3084, ["ya"]), (0x3086, ["yu"]), (0x3088, ["yo"]),
            (0x3089, ["ra", "ri", "ru", "re", "ro"]), (0x308F, ["wa", "i", "e", "o", "n"]), (0x3094, ["vu"]),
            (0x3041, ["a"]), (0x3043, ["i"]), (0x3045, ["u"]), (0x3047, ["e"]), (0x3049, ["o"]),
        ]
        var table: [UInt32: String] = [:]
        for (start, syllables) in rows {
            for (offset, syllable) in syllables.enumerated() { table[start + UInt32(offset)] = syllable }
        }
        return table
    }()
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingOccurrencesOf(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
