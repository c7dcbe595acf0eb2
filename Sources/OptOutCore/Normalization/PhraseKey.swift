/// The canonical form of a phrase, under which two spellings of one name are the same phrase.
///
/// "Greg Rutkowski", "GREG  RUTKOWSKI", "Grég Rutkowski" and "Grеg Rutkowski" (with a Cyrillic е) share the key
/// `greg rutkowski`: the prompt gate's folding (compatibility decomposition, marks and invisible characters removed,
/// case folded, confusable letters mapped to ASCII), words joined by one space. The key decides uniqueness between
/// artists and the dictionary check, and it is what the gate matches.
public enum PhraseKey {
    /// Returns the key of `text`.
    public static func make(_ text: String) -> String {
        // Lower-case ASCII letters and digits in single-spaced words are their own key: word lists are mostly that,
        // and folding each of their hundreds of thousands of lines would slow every start.
        var utf8 = text.utf8.makeIterator()
        var previous: UInt8 = 0x20
        var plain = !text.isEmpty
        while plain, let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): previous = byte
            case 0x20 where previous != 0x20: previous = byte
            default: plain = false
            }
        }
        if plain && previous != 0x20 { return text }
        return Folding.words(of: text).joined(separator: " ")
    }

    /// The number of letters in `text`, after folding.
    public static func letterCount(_ text: String) -> Int {
        make(text).unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
    }
}
