/// Katakana renderings of a name written in Latin letters, the way Japanese text writes a foreign name ("Greg
/// Rutkowski": グレッグ・ルトコフスキ, "Alphonse Mucha": アルフォンス・ミュシャ), and the kana of a Japanese name
/// registered in romaji ("Makoto Shinkai": シンカイマコト, しんかいまこと).
///
/// A word's renderings come from the name dictionary (JMnedict's katakana names with their Latin spelling); a word
/// that is Hepburn romaji is also written in kana, with the long vowels of the names the dictionary reads that way; a
/// word neither knows is written by its spelling (``KatakanaSpelling``). The matcher finds a rendering inside runs of Japanese text; the fold joins the words of a run written
/// apart with `・`, and writes long vowels, small kana and voiced kana alike, so グレグ・ルトコフスキー is the same run.
extension JapaneseNames {
    /// Renderings kept for one name.
    static let renderingLimit = 8
    /// Kana a rendering has at least, once folded: a short one would be found inside ordinary text.
    static let renderingMinimum = (oneWord: 6, severalWords: 5)

    /// The katakana (and, for romaji, hiragana) renderings of a name given as its folded words (`["greg",
    /// "rutkowski"]`), each folded as the gate folds a prompt (one word: the dots between its words, long vowels and
    /// voicing gone); at most ``renderingLimit``. Empty when a word has no rendering or the name is not in Latin
    /// letters.
    public func kanaRenderings(of words: [String], memo: ReadingMemo? = nil) -> [String] {
        guard !words.isEmpty, words.count <= 4,
            words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } })
        else { return [] }
        let forms = words.map { word in
            if let known = memo?.kana(for: word) { return known }
            let forms = wordForms(word)
            memo?.storeKana(forms, for: word)
            return forms
        }
        let romaji = forms.map(\.romaji)
        let folded = forms.map(\.folded)
        guard folded.allSatisfy({ !$0.isEmpty }) else { return [] }
        // A rendering from its words' folded parts. Too short to tell apart, or ordinary Japanese: not read in kana.
        // Ordinary means an ordinary word ("Aisu Kurimu" is アイスクリーム), or two common ones where the name's words
        // meet ("Anime Irasuto" is アニメイラスト).
        let minimum = words.count == 1 ? Self.renderingMinimum.oneWord : Self.renderingMinimum.severalWords
        var renderings: [String] = []
        var seen = Set<String>()
        func add(_ parts: [String]) {
            let form = parts.joined()
            guard renderings.count < Self.renderingLimit, seen.insert(form).inserted, form.unicodeScalars.count >= minimum,
                !ordinaryKana.contains(form)
            else { return }
            if parts.count == 1 {
                if isCompound(form) { return }
            } else {
                for cut in 1..<parts.count
                where commonKana.contains(parts[..<cut].joined()) && commonKana.contains(parts[cut...].joined()) {
                    return
                }
            }
            renderings.append(form)
        }
        // A Japanese name in romaji is written family name first in kana (in katakana or hiragana), or as registered.
        if words.count == 2, !romaji[0].isEmpty, !romaji[1].isEmpty {
            for first in romaji[0].prefix(2) {
                for second in romaji[1].prefix(2) {
                    add([Self.foldKana(second), Self.foldKana(first)])
                    add([Self.foldKana(Self.hiragana(second)), Self.foldKana(Self.hiragana(first))])
                    add([Self.foldKana(first), Self.foldKana(second)])
                }
            }
        }
        // Every word's first rendering, then each word's others in turn (not every combination: a name has few).
        add(folded.map { $0[0] })
        for (index, forms) in folded.enumerated() {
            for form in forms.dropFirst() {
                var parts = folded.map { $0[0] }
                parts[index] = form
                add(parts)
            }
        }
        return renderings
    }

    /// Whether one word's folded kana is two of JMdict's common words run together.
    func isCompound(_ folded: String) -> Bool {
        let scalars = Array(folded.unicodeScalars)
        guard scalars.count >= 4, !commonKana.isEmpty else { return false }
        for cut in 2...(scalars.count - 2) {
            let left = String(String.UnicodeScalarView(scalars[..<cut]))
            if commonKana.contains(left), commonKana.contains(String(String.UnicodeScalarView(scalars[cut...]))) { return true }
        }
        return false
    }

    /// One word's kana: its romaji forms in katakana (empty when it is not romaji), and all its renderings, folded,
    /// each once.
    func wordForms(_ word: String) -> (romaji: [String], folded: [String]) {
        // A word in romaji: the names the dictionary spells with a long vowel first ("ryohei": リョウヘイ), then the
        // syllables as written (リョヘイ).
        var romaji: [String] = []
        if let plain = Self.kana(romaji: word) {
            let long = (longVowels[word] ?? []).prefix(2).map(Self.katakana)
            romaji = Array(long.prefix(1)) + (long.contains(plain) ? [] : [plain]) + long.dropFirst()
        }
        // A word that is not romaji: also by its spelling, the English way and the continental way (the dictionary has
        // "Ernest" as エルネスト, prompts write アーネスト too).
        var forms = foreign[word] ?? []
        for form in romaji where !forms.contains(form) { forms.append(form) }
        if romaji.isEmpty {
            for continental in [false, true] {
                let form = KatakanaSpelling.render(word, continental: continental)
                if !form.isEmpty && !forms.contains(form) { forms.append(form) }
            }
            // And each in the plainer spelling many writers use (ヴァ as バ, ティ as チ, エイ as エー).
            for form in forms {
                let plain = Self.plainKatakana(form)
                if !forms.contains(plain) { forms.append(plain) }
            }
        }
        // Renderings that fold alike (グレッグ, グレグ) are one.
        var folded: [String] = []
        for form in forms {
            let key = Self.foldKana(form)
            if !folded.contains(key) { folded.append(key) }
        }
        return (romaji, folded)
    }

    /// Kana folded as the gate folds them (``Folding``): one word.
    static func foldKana(_ kana: String) -> String { Folding.words(of: kana).joined() }

    /// A word in Hepburn romaji written in katakana syllable by syllable ("shinkai" → シンカイ, "hattori" → ハットリ),
    /// or nil when the word is not romaji.
    static func kana(romaji word: String) -> String? {
        let letters = Array(word.utf8)
        var result = String.UnicodeScalarView()
        var index = 0
        func isVowel(_ byte: UInt8) -> Bool { "aeiou".utf8.contains(byte) }
        while index < letters.count {
            let letter = letters[index]
            // A doubled consonant: a small tsu ("hattori", "itcho").
            if index + 1 < letters.count, !isVowel(letter), letter != UInt8(ascii: "n"),
                letters[index + 1] == letter || (letter == UInt8(ascii: "t") && letters[index + 1] == UInt8(ascii: "c"))
            {
                result.append("\u{30C3}")
                index += 1
                continue
            }
            // n before a consonant or at the end: ン.
            if letter == UInt8(ascii: "n"), index + 1 == letters.count || (!isVowel(letters[index + 1]) && letters[index + 1] != UInt8(ascii: "y")) {
                result.append("\u{30F3}")
                index += 1
                continue
            }
            var matched = false
            for length in stride(from: min(3, letters.count - index), through: 1, by: -1) {
                let syllable = String(decoding: letters[index..<(index + length)], as: UTF8.self)
                if let kana = Self.katakanaSyllables[syllable] {
                    result.append(contentsOf: kana.unicodeScalars)
                    index += length
                    matched = true
                    break
                }
            }
            if !matched { return nil }
        }
        return String(result)
    }

    /// Katakana spelt the plainer way: ヴ as ブ (ヴァ バ, ヴィ ビ, ヴェ ベ, ヴォ ボ), ティ チ, ディ ジ, トゥ ツ, ドゥ ズ, and エイ as エー.
    static func plainKatakana(_ form: String) -> String {
        let scalars = Array(form.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : " "
            if let plain = Self.plainPairs[[scalar, next]] {
                out.append(plain)
                index += 2
                continue
            }
            if scalar == "ヴ" {
                out.append("ブ")
            } else if scalar == "イ", let last = out.last, Self.eRow.contains(last) {
                out.append("ー")  // エイ, ケイ, セイ ... as エー, ケー, セー: a long e
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    static let plainPairs: [[Unicode.Scalar]: Unicode.Scalar] = [
        ["ヴ", "ァ"]: "バ", ["ヴ", "ィ"]: "ビ", ["ヴ", "ェ"]: "ベ", ["ヴ", "ォ"]: "ボ", ["テ", "ィ"]: "チ", ["デ", "ィ"]: "ジ", ["ト", "ゥ"]: "ツ",
        ["ド", "ゥ"]: "ズ",
    ]

    static let eRow = Set("エケゲセゼテデネヘベペメレェ".unicodeScalars)

    /// Hiragana as katakana.
    static func katakana(_ hiragana: String) -> String {
        String(
            String.UnicodeScalarView(
                hiragana.unicodeScalars.map { scalar in
                    (0x3041...0x3096).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x60)! : scalar
                }
            )
        )
    }

    /// Katakana as hiragana.
    static func hiragana(_ katakana: String) -> String {
        String(
            String.UnicodeScalarView(
                katakana.unicodeScalars.map { scalar in
                    (0x30A1...0x30F6).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x60)! : scalar
                }
            )
        )
    }

    /// Hepburn syllables in katakana: the plain ones from ``hiragana``, and the ones with a small ya, yu or yo.
    static let katakanaSyllables: [String: String] = {
        var table: [String: String] = [:]
        // The lowest kana first, so that a syllable two kana read alike takes the usual one (じ, not ぢ; い, not ゐ);
        // the small vowels are left out.
        for (value, syllable) in hiragana.sorted(by: { $0.key < $1.key })
        where ![0x3041, 0x3043, 0x3045, 0x3047, 0x3049].contains(value) && table[syllable] == nil {
            table[syllable] = String(Unicode.Scalar(value + 0x60)!)
        }
        for (vowel, small) in [("a", "\u{30E3}"), ("u", "\u{30E5}"), ("o", "\u{30E7}")] {
            for (consonant, kana) in [
                ("ky", "キ"), ("gy", "ギ"), ("sh", "シ"), ("j", "ジ"), ("ch", "チ"), ("ny", "ニ"), ("hy", "ヒ"), ("by", "ビ"),
                ("py", "ピ"), ("my", "ミ"), ("ry", "リ"),
            ] {
                table[consonant + vowel] = kana + small
            }
        }
        table["n"] = nil
        return table
    }()
}
