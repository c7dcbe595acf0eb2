import Foundation

/// Latin readings of text in other scripts, so that a name is found when a prompt writes it in other letters than
/// the registry does.
///
/// - A phrase in another script gets a Latin reading when the matcher is built (``phraseReading(_:)``): ICU's
///   Any-Latin and Latin-ASCII through Foundation's `applyingTransform`, with the Cyrillic and Greek tables below
///   instead of ICU's scholarly ones (people write "Zhukov", not "Žukov"), a Hindi word's final inherent vowel
///   dropped ("सुमन" is "Suman"), and a Korean name's family syllable set apart ("김지혜" is "Gim Jihye"). "Никифорова"
///   is then found as "Nikiforova", "남궁은정" as "Namgung Eunjeong".
/// - A prompt's Cyrillic and Greek letters get a Latin reading when it is searched (``promptReading(_:)``, tables
///   only, no ICU, linear in the prompt): "Грег Рутковски" is read "greg rutkovski", and the phonetic view closes the
///   last gap (v for w). Greek letters read as a Greek writes a foreign name: μπ, ντ, γκ are b, d, g.
///
/// Han text reads as Mandarin pinyin, which is not how Japanese names are read: a Japanese artist's romanized name is
/// an alias to register.
public enum Transliteration {
    /// Whether `value` is a letter of a script other than Latin (Greek and after, Latin extensions and fullwidth
    /// Latin aside).
    @inline(__always)
    public static func isOtherScript(_ value: UInt32) -> Bool {
        value >= 0x0370 && !(0x1D00...0x1EFF).contains(value) && !(0x2C60...0x2C7F).contains(value)
            && !(0xA720...0xA7FF).contains(value) && !(0xFB00...0xFB06).contains(value) && !(0xFF21...0xFF5A).contains(value)
            && !(0x2000...0x2BFF).contains(value) && !(0x1F000...0x1FBFF).contains(value)
    }

    /// The Latin readings of a phrase written (at least partly) in another script: none when it has no letters of
    /// another script, two for a Korean name whose family name has a customary spelling ("이민재" is "I Min Jae"
    /// and "Lee Min Jae").
    public static func phraseReadings(_ text: String, memo: ReadingMemo? = nil) -> [String] {
        guard text.unicodeScalars.contains(where: { isOtherScript($0.value) && $0.properties.isAlphabetic }) else { return [] }
        var readings: [String] = []
        // The scholarly style differs from the tables only for Greek.
        let greek = text.unicodeScalars.contains { (0x0370...0x03FF).contains($0.value) || (0x1F00...0x1FFF).contains($0.value) }
        for reading in readingsInStyle(text, scholarly: false, memo: memo) + (greek ? readingsInStyle(text, scholarly: true, memo: memo) : [])
        where !readings.contains(where: { $0.lowercased() == reading.lowercased() }) {
            readings.append(reading)
        }
        return readings
    }

    /// Readings in one style: the tables for Greek and Cyrillic ("Nefeli"), or ICU's scholarly one for every
    /// script ("Nephele"); a Korean name also family name last.
    private static func readingsInStyle(_ text: String, scholarly: Bool, memo: ReadingMemo?) -> [String] {
        var out = ""
        var customary: String?
        var familyLast: [String] = []
        for word in text.split(whereSeparator: { $0.isWhitespace }) {
            if !out.isEmpty { out += " " }
            let scalars = Array(String(word).unicodeScalars)
            if out.isEmpty, scalars.count >= 2, scalars.allSatisfy({ (0xAC00...0xD7A3).contains($0.value) }) {
                // A Korean name: the family name (one syllable, or two for the compound ones), also in its customary
                // spelling, then the given name as one word ("Min-jae" and "Min Jae" are read joined by the matcher).
                let familyLength = scalars.count >= 3 && compoundKoreanFamilies.contains(String(String.UnicodeScalarView(scalars[0..<2]))) ? 2 : 1
                let family = String(String.UnicodeScalarView(scalars[0..<familyLength]))
                let syllables = scalars[familyLength...].map { icu(String($0), memo: memo) }
                let given = syllables.joined()
                out += icu(family, memo: memo) + (given.isEmpty ? "" : " " + given)
                if let spelled = koreanFamilies[family] { customary = spelled + (given.isEmpty ? "" : " " + given) }
                if !given.isEmpty {
                    familyLast = [given + " " + icu(family, memo: memo)] + (koreanFamilies[family].map { [given + " " + $0] } ?? [])
                    // The given name as people write it: as ICU reads it, the Revised Romanization proper ("Seok"),
                    // the customary spelling ("Jung", "Hyun", "Soo"), and that with k for an initial g ("Kyung").
                    // The family name in its customary spelling and the Revised Romanization's ("Park", "Bak").
                    var forms = [given]
                    for (customary, initialK) in [(false, false), (true, false), (true, true)] {
                        let form = syllables.map { Self.koreanSpelling($0, customary: customary, initialK: initialK) }.joined()
                        if !forms.contains(form) { forms.append(form) }
                    }
                    let proper = Self.koreanSpelling(icu(family, memo: memo), customary: false, initialK: false)
                    for familyName in (koreanFamilies[family].map { [$0] } ?? []) + [proper] {
                        for form in forms { familyLast += [familyName + " " + form, form + " " + familyName] }
                    }
                    // McCune-Reischauer, its marks left out ("Chong Songho", "Pak Subin").
                    let mrFamily = Self.mccuneReischauer(scalars[0..<familyLength].map { icu(String($0), memo: memo) })
                    let mrGiven = Self.mccuneReischauer(syllables)
                    familyLast += [mrFamily + " " + mrGiven, mrGiven + " " + mrFamily]
                }
                continue
            }
            if !scholarly, out.isEmpty, (2...4).contains(scalars.count), scalars.allSatisfy({ isHan($0.value) }) {
                // A Chinese name also in Wade-Giles without its marks ("齐白石" is "Chi Paishih"; "Ch'i Pai-shih" is
                // read joined by the matcher).
                let syllables = scalars.map { wadeGiles(icu(String($0), memo: memo)) }
                familyLast.append(syllables[0] + " " + syllables.dropFirst().joined())
            }
            out += scholarly ? icu(String(word), memo: memo) : readWord(String(word), memo: memo)
        }
        return [out] + (customary.map { [$0] } ?? []) + familyLast
    }

    /// A Korean syllable as ICU reads it ("jeong", "seog", "su") written the Revised Romanization's way, with a final
    /// k, t or p ("seok"), or also in the customary way given names are written in Latin letters: eo as u before a
    /// final ("Jung", "Hyun", "Suk"), yeong as young, an open or n-final u as oo ("Soo", "Joon", "Woo", "Yoon"), hui as hee,
    /// si as shi ("Shin"); with `initialK`, an initial g as k ("Kyung", "Kwang", "Ki").
    static func koreanSpelling(_ syllable: String, customary: Bool, initialK: Bool) -> String {
        let letters = Array(syllable)
        let vowels: Set<Character> = ["a", "e", "i", "o", "u", "w", "y"]
        var initialEnd = 0
        while initialEnd < letters.count && !vowels.contains(letters[initialEnd]) { initialEnd += 1 }
        var vowelEnd = initialEnd
        while vowelEnd < letters.count && vowels.contains(letters[vowelEnd]) { vowelEnd += 1 }
        var initial = String(letters[..<initialEnd])
        var vowel = String(letters[initialEnd..<vowelEnd])
        var final = String(letters[vowelEnd...])
        switch final {
        case "g", "gg": final = "k"
        case "d": final = "t"
        case "b": final = "p"
        default: break
        }
        if customary {
            if vowel == "eo" && !final.isEmpty {
                vowel = "u"
            } else if vowel == "yeo" && !final.isEmpty {
                if initial.isEmpty && final == "ng" { vowel = "you" } else if !initial.isEmpty { vowel = "yu" }
            } else if vowel == "u" && (final.isEmpty || final == "n" || final == "k") {
                vowel = initial.isEmpty ? "woo" : "oo"
            } else if vowel == "yu" && initial.isEmpty && (final.isEmpty || final == "n") {
                vowel = "yoo"
            } else if vowel == "ui" && initial == "h" {
                vowel = "ee"
            } else if vowel == "i" && initial == "s" {
                initial = "sh"
            }
            if initialK && initial == "g" { initial = "k" }
        }
        return initial + vowel + final
    }

    @inline(__always)
    static func isHan(_ value: UInt32) -> Bool {
        (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x20000...0x3FFFF).contains(value)
    }

    /// A pinyin syllable (marks left out) in Wade-Giles as writers type it, without apostrophes and umlauts: b d g as
    /// p t k, j q zh as ch, x as hs, r as j, z c as ts, zi ci si as tzu, tzu, ssu, zhi chi shi ri as chih, chih, shih,
    /// jih; ong as ung, ian as ien, ie as ieh, ge ke he as ko, ho, yi as i, ye as yeh, you as yu ("齐白石" is
    /// "Chi Paishih", "徐悲鸿" "Hsu Peihung").
    static func wadeGiles(_ syllable: String) -> String {
        switch syllable {
        case "zi", "ci": return "tzu"
        case "si": return "ssu"
        case "zhi", "chi": return "chih"
        case "shi": return "shih"
        case "ri": return "jih"
        case "er": return "erh"
        case "yi": return "i"
        case "ye": return "yeh"
        case "you": return "yu"
        case "yan": return "yen"
        case "yong": return "yung"
        case "ge", "ke": return "ko"
        case "he": return "ho"
        default: break
        }
        var initial = ""
        var rest = Substring(syllable)
        for (pinyin, written) in [
            ("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("d", "t"), ("g", "k"), ("j", "ch"), ("q", "ch"), ("x", "hs"), ("r", "j"),
            ("z", "ts"), ("c", "ts"),
        ] where rest.hasPrefix(pinyin) {
            initial = written
            rest = rest.dropFirst(pinyin.count)
            break
        }
        var final = String(rest)
        if final.hasSuffix("ong") {
            final = String(final.dropLast(3)) + "ung"
        } else if final.hasSuffix("ian") {
            final = String(final.dropLast(3)) + "ien"
        } else if final == "ie" {
            final = "ieh"
        } else if final == "uo" && !["k", "h", "sh"].contains(initial) && !syllable.hasPrefix("g") && !syllable.hasPrefix("k") {
            final = "o"
        } else if final == "ui" && (syllable.hasPrefix("g") || syllable.hasPrefix("k")) {
            final = "uei"
        }
        return initial + final
    }

    /// Korean syllables as ICU reads them, written as one word in McCune-Reischauer without its marks: ŏ and ŭ as o
    /// and u, and g, d, b, j as k, t, p, ch at the start of the word and after k, t or p ("정성호" is "Chong Songho",
    /// "수빈" "Subin").
    static func mccuneReischauer(_ syllables: [String]) -> String {
        var out = ""
        var voiced = false
        for syllable in syllables {
            var spelled = koreanSpelling(syllable, customary: false, initialK: false)
            spelled = spelled.replacingOccurrences(of: "eo", with: "o").replacingOccurrences(of: "eu", with: "u")
            if !voiced, let first = spelled.first {
                switch first {
                case "g": spelled = "k" + spelled.dropFirst()
                case "d": spelled = "t" + spelled.dropFirst()
                case "b": spelled = "p" + spelled.dropFirst()
                case "j": spelled = "ch" + spelled.dropFirst()
                default: break
                }
            }
            out += spelled
            voiced = !(spelled.hasSuffix("k") || spelled.hasSuffix("t") || spelled.hasSuffix("p"))
        }
        return out
    }

    /// Korean family names as they are customarily written in Latin letters (not the Revised Romanization).
    static let koreanFamilies: [String: String] = [
        "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang", "조": "Cho", "윤": "Yoon", "장": "Jang",
        "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song",
        "류": "Ryu", "유": "Yoo", "전": "Jeon", "홍": "Hong", "고": "Ko", "문": "Moon", "양": "Yang", "손": "Son", "배": "Bae",
        "백": "Baek", "허": "Heo", "남": "Nam", "심": "Shim", "노": "Noh", "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha",
        "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min", "진": "Jin", "나": "Na", "지": "Ji", "엄": "Um", "변": "Byun",
        "채": "Chae", "원": "Won", "천": "Chun", "방": "Bang", "공": "Kong", "현": "Hyun", "함": "Ham", "여": "Yeo", "추": "Choo",
        "도": "Do", "석": "Seok", "선": "Sun", "설": "Seol", "마": "Ma", "길": "Gil", "연": "Yeon", "표": "Pyo", "명": "Myung",
        "기": "Ki", "반": "Ban", "왕": "Wang", "금": "Keum", "옥": "Ok", "육": "Yook", "인": "In", "맹": "Maeng", "제": "Je",
        "모": "Mo", "탁": "Tak", "국": "Kook", "은": "Eun", "용": "Yong", "예": "Ye", "경": "Kyung", "봉": "Bong", "염": "Yeom",
        "남궁": "Namgoong", "황보": "Hwangbo", "선우": "Sunwoo", "제갈": "Jegal", "독고": "Dokgo", "사공": "Sagong",
    ]
    static let compoundKoreanFamilies: Set<String> = ["남궁", "황보", "선우", "제갈", "독고", "사공", "서문", "동방"]

    private static func readWord(_ word: String, memo: ReadingMemo?) -> String {
        let scalars = Array(word.unicodeScalars)
        guard let first = scalars.first(where: { $0.properties.isAlphabetic }) else { return word }
        switch first.value {
        case 0x0370...0x03FF, 0x1F00...0x1FFF, 0x0400...0x052F:
            var reading = ""
            appendTableReading(of: scalars[...], foreign: false, to: &reading)
            return reading
        case 0xAC00...0xD7A3:
            return scalars.map { icu(String($0), memo: memo) }.joined()
        case 0x0900...0x097F:
            // ISO 15919 writes every inherent vowel; Hindi drops the last one ("sumana" is "suman").
            var latin = word.applyingTransform(.toLatin, reverse: false) ?? word
            latin = latin.replacingOccurrences(of: "ś", with: "sh").replacingOccurrences(of: "ṣ", with: "sh")
            if latin.count > 3, latin.hasSuffix("a"), let before = latin.dropLast().last, !"aeiouāēīōū".contains(before) {
                latin.removeLast()
            }
            return latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF:
            // Han: pinyin a character, each read once a process; a Chinese name is a family name of one character
            // and a given name of one word ("王秀英" is "Wang Xiuying").
            let syllables = scalars.map { icu(String($0), memo: memo) }
            return syllables.count >= 2 ? syllables[0] + " " + syllables.dropFirst().joined() : syllables.joined()
        default:
            return icu(word, memo: memo)
        }
    }

    /// ICU's Any-Latin then Latin-ASCII, remembered in `memo` when the caller keeps one: a registry of a million
    /// phrases repeats its characters and words, and ICU takes microseconds a call.
    private static func icu(_ text: String, memo: ReadingMemo?) -> String {
        if let known = memo?.value(for: text) { return known }
        let latin = text.applyingTransform(.toLatin, reverse: false) ?? text
        let reading = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        memo?.store(reading, for: text)
        return reading
    }

    @inline(__always)
    static func isTableScript(_ value: UInt32) -> Bool {
        (0x0370...0x052F).contains(value) || (0x1F00...0x1FFF).contains(value)
    }

    private static func appendTableReading(of scalars: ArraySlice<Unicode.Scalar>, foreign: Bool, to out: inout String) {
        let array = Array(scalars)
        var index = 0
        while index < array.count {
            if isTableScript(array[index].value) {
                index += readOne(array, at: index, foreign: foreign, into: &out)
            } else {
                out.unicodeScalars.append(array[index])
                index += 1
            }
        }
    }

    /// Reads the letter at `index` (two for a Greek digraph) into `out`; returns how many scalars it took. Marks
    /// are dropped and case kept only as lower case.
    private static func readOne(_ scalars: [Unicode.Scalar], at index: Int, foreign: Bool, into out: inout String) -> Int {
        let (reading, consumed) = readLetter(scalars, at: index, foreign: foreign)
        switch reading {
        case .latin(let bytes): out += String(decoding: bytes, as: UTF8.self)
        case .copy: out.unicodeScalars.append(scalars[index])
        case .drop: break
        }
        return consumed
    }

    /// Lower case, accents removed (ά is α; ё, ї and й kept apart), from a table of the Greek and Cyrillic blocks.
    @inline(__always)
    static func base(_ scalar: Unicode.Scalar) -> UInt32 { base(value: scalar.value) }

    /// ``base(_:)`` of a scalar's value (any other value is itself).
    @inline(__always)
    static func base(value: UInt32) -> UInt32 {
        if value >= 0x0370 && value < 0x0530 { return UInt32(baseTable[Int(value - 0x0370)]) }
        if value >= 0x1F00 && value < 0x2000 { return UInt32(baseTable[Int(value - 0x1F00 + 0x01C0)]) }
        return value
    }

    private static let baseTable: [UInt16] = {
        var table: [UInt16] = []
        for value in Array(0x0370..<0x0530) + Array(0x1F00..<0x2000) {
            guard let scalar = Unicode.Scalar(UInt32(value)) else {
                table.append(UInt16(value))
                continue
            }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            if lower.value == 0x0451 || lower.value == 0x0457 || lower.value == 0x0439 || lower.value > 0xFFFF {
                table.append(UInt16(truncatingIfNeeded: lower.value))
                continue
            }
            let decomposed = String(lower).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? lower
            table.append(UInt16(truncatingIfNeeded: decomposed.value))
        }
        return table
    }()

    /// Russian, Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian letters, as names are usually written in
    /// English (BGN/PCGN, simplified).
    static let cyrillic: [UInt32: String] = {
        let pairs: [(Character, String)] = [
            ("а", "a"), ("б", "b"), ("в", "v"), ("г", "g"), ("д", "d"), ("е", "e"), ("ё", "yo"), ("ж", "zh"), ("з", "z"),
            ("и", "i"), ("й", "y"), ("к", "k"), ("л", "l"), ("м", "m"), ("н", "n"), ("о", "o"), ("п", "p"), ("р", "r"),
            ("с", "s"), ("т", "t"), ("у", "u"), ("ф", "f"), ("х", "kh"), ("ц", "ts"), ("ч", "ch"), ("ш", "sh"),
            ("щ", "shch"), ("ъ", ""), ("ы", "y"), ("ь", ""), ("э", "e"), ("ю", "yu"), ("я", "ya"), ("і", "i"), ("ї", "yi"),
            ("є", "ye"), ("ґ", "g"), ("ў", "u"), ("ђ", "dj"), ("ј", "j"), ("љ", "lj"), ("њ", "nj"), ("ћ", "c"), ("џ", "dz"),
            ("ѓ", "g"), ("ќ", "k"), ("ѕ", "dz"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.unicodeScalars.first!.value, $0.1) })
    }()

    static let greek: [UInt32: String] = {
        let pairs: [(Character, String)] = [
            ("α", "a"), ("β", "v"), ("γ", "g"), ("δ", "d"), ("ε", "e"), ("ζ", "z"), ("η", "i"), ("θ", "th"), ("ι", "i"),
            ("κ", "k"), ("λ", "l"), ("μ", "m"), ("ν", "n"), ("ξ", "x"), ("ο", "o"), ("π", "p"), ("ρ", "r"), ("σ", "s"),
            ("ς", "s"), ("τ", "t"), ("υ", "y"), ("φ", "f"), ("χ", "kh"), ("ψ", "ps"), ("ω", "o"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.unicodeScalars.first!.value, $0.1) })
    }()

    static let greekPairs: [String: String] = [
        "ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "αυ": "av", "ευ": "ev", "μπ": "mp", "ντ": "nt", "γκ": "gk",
        "γγ": "ng", "τζ": "tz", "τσ": "ts",
    ]
    static let greekPairCodes = codes(greekPairs)
    static let greekForeignPairCodes = codes(greekForeignPairs)

    private static func codes(_ pairs: [String: String]) -> [UInt32: String] {
        Dictionary(
            uniqueKeysWithValues: pairs.map { key, value in
                let scalars = Array(key.unicodeScalars)
                return (scalars[0].value << 16 | scalars[1].value, value)
            }
        )
    }

    /// How Greek writes a foreign name's b, d, g and u.
    static let greekForeignPairs: [String: String] = ["μπ": "b", "ντ": "d", "γκ": "g", "ου": "u", "τζ": "j"]
}

/// The phonetic view: a word reduced to how it sounds, so that spellings that sound alike meet ("Rutkovsky",
/// "Rutkowski"). Reads folded ASCII words; both the phrase words and the prompt's words are reduced the same way.
public enum Phonetic {
    /// The skeleton of a folded ASCII word: digraphs to one letter (sh, zh, kh, ch, ph, th, gh, ck, ts, tz, ou), nd as nt,
    /// c and q to k, w to v, y and j to i, x to ks, then doubled letters single.
    public static func skeleton(_ word: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count * 2 + 1) { buffer in
            let count = skeleton(word, into: buffer)
            out.append(contentsOf: buffer[0..<count])
        }
    }

    @inline(__always)
    private static func withH(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "s"), UInt8(ascii: "z"), UInt8(ascii: "g"), UInt8(ascii: "t"): byte
        case UInt8(ascii: "k"): UInt8(ascii: "h")
        case UInt8(ascii: "c"): UInt8(ascii: "k")
        case UInt8(ascii: "p"): UInt8(ascii: "f")
        default: nil
        }
    }

    /// A romaji word in the Hepburn spelling the readings of Japanese names use, written into `out` (room for twice
    /// the word): a long vowel written once, uu as u and oo as o ("yuusuke", "ootomo"), ou before a consonant or at the
    /// end as o ("satou", "kouji"; not "louis") and an h after o or u before a consonant or at the end dropped
    /// ("satoh", "ohtomo"); and Kunrei-shiki's si, ti,
    /// tu, zi, hu and sy, ty, zy before a vowel as shi, chi, tsu, ji, fu, sh, ch, j ("kouzi", "syuuhei"). Nil when
    /// nothing changes.
    public static func hepburn(_ word: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard isRomaji(word) else { return nil }
        var count = 0
        var changed = false
        var index = 0
        @inline(__always) func isVowel(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "a") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "i") || byte == UInt8(ascii: "o")
                || byte == UInt8(ascii: "u")
        }
        @inline(__always) func write(_ text: StaticString) {
            text.withUTF8Buffer {
                for byte in $0 {
                    out[count] = byte
                    count += 1
                }
            }
        }
        while index < word.count {
            let byte = word[index]
            let previous: UInt8 = index > 0 ? word[index - 1] : 0
            let next: UInt8 = index + 1 < word.count ? word[index + 1] : 0
            let after: UInt8 = index + 2 < word.count ? word[index + 2] : 0
            // Kunrei-shiki, where Hepburn writes otherwise (not inside sh, ch, ts: the letter before is no s, c, t).
            let free = previous != UInt8(ascii: "s") && previous != UInt8(ascii: "c") && previous != UInt8(ascii: "t")
            switch (byte, next) {
            case (UInt8(ascii: "s"), UInt8(ascii: "i")) where free:
                write("sh")
                changed = true
            case (UInt8(ascii: "t"), UInt8(ascii: "i")) where free:
                write("ch")
                changed = true
            case (UInt8(ascii: "t"), UInt8(ascii: "u")) where free:
                write("ts")
                changed = true
            case (UInt8(ascii: "z"), UInt8(ascii: "i")),
                (UInt8(ascii: "z"), UInt8(ascii: "y")) where isVowel(after) || next == UInt8(ascii: "i"):
                write("j")
                if next == UInt8(ascii: "y") { index += 1 }
                changed = true
            case (UInt8(ascii: "h"), UInt8(ascii: "u")) where free:
                write("f")
                changed = true
            case (UInt8(ascii: "s"), UInt8(ascii: "y")) where isVowel(after) && free:
                write("sh")
                index += 1
                changed = true
            case (UInt8(ascii: "t"), UInt8(ascii: "y")) where isVowel(after) && free:
                write("ch")
                index += 1
                changed = true
            default:
                if byte == UInt8(ascii: "u") && previous == UInt8(ascii: "o") && !isVowel(next) {
                    changed = true
                } else if (byte == UInt8(ascii: "u") || byte == UInt8(ascii: "o")) && previous == byte {
                    changed = true
                } else if byte == UInt8(ascii: "h") && (previous == UInt8(ascii: "o") || previous == UInt8(ascii: "u")) && !isVowel(next) {
                    changed = true
                } else {
                    out[count] = byte
                    count += 1
                }
            }
            index += 1
        }
        return changed ? count : nil
    }

    /// Whether `word` can be romaji: letters of the romaji alphabet (c only in ch), and two consonants together only as
    /// romaji joins them (n or m before a consonant, a doubled consonant, sh, ch, ts, a consonant and y, an h after o
    /// or u). Most English words fail within a few letters ("photorealistic" at its l), so the spellings of
    /// ``hepburn(_:into:)`` cost them little.
    @inline(__always)
    static func isRomaji(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        var previousConsonant = false
        for byte in word {
            let consonant: Bool
            switch byte {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): consonant = false
            case UInt8(ascii: "l"), UInt8(ascii: "q"), UInt8(ascii: "v"), UInt8(ascii: "x"): return false
            case UInt8(ascii: "a")...UInt8(ascii: "z"): consonant = true
            default: return false
            }
            if previous == UInt8(ascii: "c") && byte != UInt8(ascii: "h") { return false }
            if consonant && previousConsonant {
                let joins =
                    previous == UInt8(ascii: "n") || previous == byte || byte == UInt8(ascii: "y")
                    || previous == UInt8(ascii: "m") && (byte == UInt8(ascii: "b") || byte == UInt8(ascii: "p"))
                    || byte == UInt8(ascii: "h") && (previous == UInt8(ascii: "s") || previous == UInt8(ascii: "c"))
                    || previous == UInt8(ascii: "t") && (byte == UInt8(ascii: "s") || byte == UInt8(ascii: "c"))
                    || previous == UInt8(ascii: "h") && (beforePrevious == UInt8(ascii: "o") || beforePrevious == UInt8(ascii: "u"))
                guard joins else { return false }
            }
            beforePrevious = previous
            previous = byte
            previousConsonant = consonant
        }
        return previous != UInt8(ascii: "c")
    }

    /// The skeleton written into `out` (room for twice the word), without allocating; returns its length.
    @inline(__always)
    public static func skeleton(_ word: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var index = 0
        let length = word.count
        @inline(__always) func push(_ byte: UInt8) {
            if count == 0 || out[count - 1] != byte {
                out[count] = byte
                count += 1
            }
        }
        while index < length {
            let byte = word[index]
            let next: UInt8 = index + 1 < length ? word[index + 1] : 0
            // A consonant and h: sh, zh, gh, th keep the consonant, kh is h, ch is k, ph is f.
            if next == UInt8(ascii: "h"), let sound = withH(byte) {
                push(sound)
                index += 2
                continue
            }
            switch (byte, next) {
            case (UInt8(ascii: "c"), UInt8(ascii: "k")):
                push(UInt8(ascii: "k"))
                index += 2
            case (UInt8(ascii: "t"), UInt8(ascii: "s")), (UInt8(ascii: "t"), UInt8(ascii: "z")), (UInt8(ascii: "d"), UInt8(ascii: "z")):
                push(UInt8(ascii: "z"))
                index += 2
            case (UInt8(ascii: "o"), UInt8(ascii: "u")):
                push(UInt8(ascii: "u"))
                index += 2
            case (UInt8(ascii: "n"), UInt8(ascii: "d")):
                // Greek writes nd and nt alike (ντ).
                push(UInt8(ascii: "n"))
                push(UInt8(ascii: "t"))
                index += 2
            default:
                switch byte {
                case UInt8(ascii: "c"), UInt8(ascii: "q"): push(UInt8(ascii: "k"))
                case UInt8(ascii: "w"): push(UInt8(ascii: "v"))
                case UInt8(ascii: "y"), UInt8(ascii: "j"): push(UInt8(ascii: "i"))
                case UInt8(ascii: "x"):
                    push(UInt8(ascii: "k"))
                    push(UInt8(ascii: "s"))
                default: push(byte)
                }
                index += 1
            }
        }
        return count
    }
}

/// ICU readings already made, kept by a caller that reads many phrases (a matcher's build): there is no
/// process-wide cache, so what a build remembers goes with it.
public final class ReadingMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var readings: [String: String] = [:]
    /// A Latin word's kana: its romaji forms, and all its renderings folded (``JapaneseNames/kanaRenderings(of:memo:)``).
    private var kana: [String: (romaji: [String], folded: [String])] = [:]

    func kana(for word: String) -> (romaji: [String], folded: [String])? {
        lock.lock()
        defer { lock.unlock() }
        return kana[word]
    }

    func storeKana(_ value: (romaji: [String], folded: [String]), for word: String) {
        lock.lock()
        defer { lock.unlock() }
        if kana.count >= 500_000 { kana.removeAll(keepingCapacity: true) }
        kana[word] = value
    }

    public init() {}

    func value(for key: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return readings[key]
    }

    func store(_ value: String, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        if readings.count >= 500_000 { readings.removeAll(keepingCapacity: true) }
        readings[key] = value
    }
}
