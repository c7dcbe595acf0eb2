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
    public static let revision = 3

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

    /// - Parameters:
    ///   - dictionary: ordinary words, in any case; compared by ``PhraseKey``.
    ///   - commonPhrases: word sequences ordinary prompts use as phrases; compared by ``PhraseKey``.
    public init(dictionary: some Sequence<String>, commonPhrases: some Sequence<String> = [String]()) {
        self.dictionary = Set(dictionary.lazy.map(PhraseKey.make).filter { !$0.isEmpty })
        self.commonPhrases = Set(commonPhrases.lazy.map(PhraseKey.make).filter { $0.contains(" ") })
    }

    /// Why `text` must be reviewed before it blocks, or nil when it may block at once.
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
        let words = key.split(separator: " ")
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

    /// The status a new phrase starts with.
    public func initialStatus(for text: String) -> PhraseStatus {
        reviewReason(for: text) == nil ? .active : .pendingReview
    }

    /// The number of distinct words the guard knows.
    public var dictionarySize: Int { dictionary.count }

    /// The number of common phrases the guard knows.
    public var commonPhraseCount: Int { commonPhrases.count }
}
