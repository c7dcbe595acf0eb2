/// A word in Latin letters written in Arabic or Hebrew letters by its spelling, as those languages write a foreign name
/// ("Greg Rutkowski": غريغ روتكوفسكي, גרג רוטקובסקי): consonants letter for letter, long vowels and most short ones as
/// the letters that carry them (و ي, ו י), short a and e mostly left out in Hebrew, a final a as ה. Spelling only hints at
/// the sound, so each word has two renderings: a full one that writes short vowels (غريغ, פקאופו) and g as غ, and a sparse
/// one that leaves short e (and in Hebrew short a) out (أندرسون, גרג) and writes g as ج, as Egyptian usage does.
/// Measured on Unicode CLDR's city names in both scripts (`SemiticEvaluationTests`).
public enum SemiticSpelling {
    public enum Script: Sendable { case arabic, hebrew }

    /// Sounds of a word: a consonant (by its Latin spelling, "sh", "k") or a vowel ("a", "ee").
    enum Sound: Equatable {
        case consonant(String)
        case vowel(String)
    }

    /// Letter groups read as one consonant, the longest first.
    static let groups: [[UInt8]] = ["tsch", "sch", "tch", "sh", "ch", "ph", "th", "ck", "kh", "zh", "ts", "tz", "qu", "gh", "wh", "dg", "sz", "cz"]
        .map { Array($0.utf8) }
    static let vowelGroups: [[UInt8]] = ["ee", "ea", "oo", "ou", "au", "aw", "ai", "ay", "ei", "ey", "ie", "oe", "ue", "ui", "aa"].map {
        Array($0.utf8)
    }

    /// The sounds of `word` (lower-case ASCII letters); a doubled consonant is one.
    static func sounds(_ word: String) -> [Sound] {
        let w = Array(word.utf8)
        var sounds: [Sound] = []
        var i = 0
        func isVowel(_ c: UInt8) -> Bool { c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 }
        func starts(_ group: [UInt8]) -> Bool { i + group.count <= w.count && group.indices.allSatisfy { w[i + $0] == group[$0] } }
        while i < w.count {
            if isVowel(w[i]) || (w[i] == UInt8(ascii: "y") && i > 0 && (i + 1 == w.count || !isVowel(w[i + 1]))) {
                if let group = vowelGroups.first(where: starts) {
                    sounds.append(.vowel(String(decoding: group, as: UTF8.self)))
                    i += 2
                } else {
                    sounds.append(.vowel(w[i] == UInt8(ascii: "y") ? "i" : String(UnicodeScalar(w[i]))))
                    i += 1
                }
                continue
            }
            var sound = String(UnicodeScalar(w[i]))
            var length = 1
            if let group = groups.first(where: starts) {
                sound = String(decoding: group, as: UTF8.self)
                length = group.count
            } else if w[i] == UInt8(ascii: "c") {
                sound =
                    i + 1 < w.count && (w[i + 1] == UInt8(ascii: "e") || w[i + 1] == UInt8(ascii: "i") || w[i + 1] == UInt8(ascii: "y")) ? "s" : "k"
            }
            if length == 1, i > 0, w[i - 1] == w[i], case .consonant(let last) = sounds.last, last == sound {
                i += 1  // a doubled letter: one sound
                continue
            }
            sounds.append(.consonant(sound))
            i += length
        }
        return sounds
    }

    static let arabicConsonants: [String: String] = [
        "b": "ب", "p": "ب", "v": "ف", "f": "ف", "ph": "ف", "t": "ت", "th": "ث", "d": "د", "k": "ك", "ck": "ك", "q": "ك", "qu": "كو", "g": "غ",
        "gh": "غ", "j": "ج", "dg": "ج", "s": "س", "z": "ز", "sh": "ش", "sch": "ش", "ch": "تش", "tch": "تش", "tsch": "تش", "cz": "تش",
        "sz": "ش", "kh": "خ", "h": "ه", "r": "ر", "l": "ل", "m": "م", "n": "ن", "w": "و", "wh": "و", "y": "ي", "x": "كس", "ts": "تس",
        "tz": "تس", "zh": "ج", "c": "ك",
    ]
    static let hebrewConsonants: [String: String] = [
        "b": "ב", "p": "פ", "v": "ו", "f": "פ", "ph": "פ", "t": "ט", "th": "ת", "d": "ד", "k": "ק", "ck": "ק", "q": "ק", "qu": "קו", "g": "ג",
        "gh": "ג", "j": "ג׳", "dg": "ג׳", "s": "ס", "z": "ז", "sh": "ש", "sch": "ש", "ch": "צ׳", "tch": "צ׳", "tsch": "צ׳", "cz": "צ׳",
        "sz": "ש", "kh": "ח", "h": "ה", "r": "ר", "l": "ל", "m": "מ", "n": "נ", "w": "ו", "wh": "ו", "y": "י", "x": "קס", "ts": "צ",
        "tz": "צ", "zh": "ז׳", "c": "ק",
    ]

    /// `word` (lower-case ASCII letters) in `script`; `full`: whether short vowels are written (e as ي, י; a as א) and
    /// g as غ, or left out and g as ج.
    public static func render(_ word: String, script: Script, full: Bool) -> String {
        render(sounds: sounds(word), script: script, full: full)
    }

    static func render(sounds: [Sound], script: Script, full: Bool) -> String {
        var out = ""
        for (index, sound) in sounds.enumerated() {
            let first = index == 0
            let last = index == sounds.count - 1
            switch sound {
            case .consonant(var spelling):
                // Polish w before a consonant or at the end is an f or v sound: ф, ב.
                if spelling == "w", index > 0, !last, case .consonant = sounds[index + 1] { spelling = "v" }
                if script == .hebrew, spelling == "v", !first {
                    out += "ב"
                    continue
                }
                if script == .hebrew, spelling == "w", !first, !last {
                    out += "וו"
                    continue
                }
                if script == .arabic, spelling == "g", !full {
                    out += "ج"
                    continue
                }
                out += (script == .arabic ? arabicConsonants : hebrewConsonants)[spelling] ?? ""
            case .vowel(let vowel):
                // A final e after a consonant: silent ("Claude") in the sparse rendering, said in the full one ("Harare",
                // "Recife").
                if vowel == "e", last, index > 1 {
                    if full { out += script == .arabic ? "ي" : "ה" }
                    continue
                }
                // Arabic's sparse rendering leaves a short i, u or e inside the word out, as in "Dublin": دبلن.
                if script == .arabic, !full, !first, !last, ["i", "u", "e"].contains(vowel) { continue }
                out +=
                    script == .arabic
                    ? arabicVowel(vowel, first: first, last: last, full: full) : hebrewVowel(vowel, first: first, last: last, full: full)
            }
        }
        if script == .hebrew, let final = out.unicodeScalars.last, let form = hebrewFinal[final] {
            out = String(String.UnicodeScalarView(out.unicodeScalars.dropLast())) + String(form)
        }
        return out
    }

    static let hebrewFinal: [Unicode.Scalar: Unicode.Scalar] = ["כ": "ך", "מ": "ם", "נ": "ן", "פ": "ף", "צ": "ץ"]

    static func arabicVowel(_ vowel: String, first: Bool, last: Bool, full: Bool) -> String {
        let carrier = first ? "ا" : ""
        switch vowel {
        case "a": return first ? "ا" : "ا"
        case "e": return first ? "ا" : full ? "ي" : ""
        case "i", "ee", "ea", "ie", "ui": return carrier + "ي"
        case "o", "u", "oo", "ou", "oe", "ue": return carrier + "و"
        case "au", "aw": return "او"
        case "ai", "ay": return "اي"
        case "ei", "ey": return carrier + "ي"
        case "aa": return "ا"
        default: return ""
        }
    }

    static func hebrewVowel(_ vowel: String, first: Bool, last: Bool, full: Bool) -> String {
        let carrier = first ? "א" : ""
        switch vowel {
        case "a": return first ? "א" : last ? "ה" : full ? "א" : ""
        case "e": return first ? "א" : full ? "י" : ""
        case "i", "ee", "ea", "ie", "ui": return carrier + "י"
        case "o", "u", "oo", "ou", "oe", "ue": return carrier + "ו"
        case "au", "aw": return "או"
        case "ai", "ay", "ei", "ey": return carrier + "יי"
        case "aa": return first ? "א" : full ? "א" : ""
        default: return ""
        }
    }
}

extension SemiticSpelling {
    /// Letters a phrase read from renderings has at least, in Latin letters, all its words together.
    static let minimumLetters = 6

    /// The Arabic and Hebrew renderings of one word of a phrase in Latin letters (folded): in each script, full and
    /// sparse, folded as a prompt's words are, each with whether it is an everyday word of its language
    /// (`isEveryday`: a phrase is not read from such renderings alone). A rendering under three letters is left out.
    static func wordRenderings(_ word: String, isEveryday: (String) -> Bool) -> [(form: String, everyday: Bool)] {
        guard word.utf8.count >= 2, word.utf8.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return [] }
        let sounds = sounds(word)
        var result: [(form: String, everyday: Bool)] = []
        for (script, full) in [(Script.arabic, true), (.arabic, false), (.hebrew, true), (.hebrew, false)] {
            let folded = Folding.words(of: render(sounds: sounds, script: script, full: full))
            guard folded.count == 1, folded[0].unicodeScalars.count >= 3, !result.contains(where: { $0.form == folded[0] }) else { continue }
            result.append((folded[0], isEveryday(folded[0])))
        }
        return result
    }
}
