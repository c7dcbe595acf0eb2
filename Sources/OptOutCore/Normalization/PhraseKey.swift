/// The canonical form of a phrase, under which two spellings of one name are the same phrase.
///
/// "Greg Rutkowski", "GREG  RUTKOWSKI", "Grég Rutkowski" and "Grеg Rutkowski" (with a Cyrillic е) share the key
/// `greg rutkowski`: the prompt gate's folding (compatibility decomposition, marks and invisible characters removed,
/// case folded, confusable letters mapped to ASCII), words joined by one space. The key decides uniqueness between
/// artists and the dictionary check, and it is what the gate matches.
public enum PhraseKey {
    /// Returns the key of `text`.
    public static func make(_ text: String) -> String {
        Folding.words(of: text).joined(separator: " ")
    }

    /// The number of letters in `text`, after folding.
    public static func letterCount(_ text: String) -> Int {
        make(text).unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
    }
}
