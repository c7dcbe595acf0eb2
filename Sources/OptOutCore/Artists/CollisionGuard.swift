/// Decides whether a new phrase may block at once, or must wait for a moderator.
///
/// A phrase that is one ordinary word ("rose", "constant") or very short would refuse innocent prompts, so it is
/// held as ``PhraseStatus/pendingReview`` until a moderator approves it.
public struct CollisionGuard: Sendable {
    public static let minimumLetters = 4

    private let dictionary: Set<String>

    /// - Parameter dictionary: ordinary words, in any case; compared by ``PhraseKey``.
    public init(dictionary: some Sequence<String>) {
        self.dictionary = Set(dictionary.lazy.map(PhraseKey.make).filter { !$0.isEmpty })
    }

    /// Why `text` must be reviewed before it blocks, or nil when it may block at once.
    public func reviewReason(for text: String) -> String? {
        let key = PhraseKey.make(text)
        let letters = key.unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
        if letters < Self.minimumLetters {
            return "has fewer than \(Self.minimumLetters) letters"
        }
        if !key.contains(" ") && dictionary.contains(key) {
            return "is a common dictionary word"
        }
        return nil
    }

    /// The status a new phrase starts with.
    public func initialStatus(for text: String) -> PhraseStatus {
        reviewReason(for: text) == nil ? .active : .pendingReview
    }

    /// The number of distinct words the guard knows.
    public var dictionarySize: Int { dictionary.count }
}
