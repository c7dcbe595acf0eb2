/// One phrase found in a prompt.
public struct PhraseMatch: Sendable, Hashable {
    /// The phrase's index in the list the matcher was built from.
    public let phrase: Int
    /// Offsets in Unicode scalars of the prompt as submitted, end exclusive, covering the disguised text.
    public let start: Int
    public let end: Int
    /// What had to be undone to see the phrase.
    public let via: Via
}

/// What a search of one prompt found, and whether it read the prompt through every view.
public struct MatchResult: Sendable {
    public let matches: [PhraseMatch]
    /// False when the prompt used up its work budget before every view was read (a prompt built to make the
    /// matcher work hard): the caller must not treat the prompt as clean, and the server refuses it.
    public let complete: Bool
    /// Units of work spent (look-ups and probes), for the benchmark.
    public let work: Int
}

/// The readings of a prompt's words beyond folding (case, marks, lookalikes, invisible characters), which always apply.
public struct Views: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let leet = Views(rawValue: 1 << 0)
    public static let fuzzy = Views(rawValue: 1 << 1)
    public static let runTogether = Views(rawValue: 1 << 2)
    public static let spacedOut = Views(rawValue: 1 << 3)
    /// Plural and derived forms, and handles.
    public static let forms = Views(rawValue: 1 << 4)
    /// Spellings that sound alike ("Rutkovsky").
    public static let phonetic = Views(rawValue: 1 << 5)
    /// Greek and Cyrillic letters read in Latin ones ("Грег Рутковски"); phrases in other scripts always have their
    /// Latin reading.
    public static let transliteration = Views(rawValue: 1 << 6)
    public static let all: Views = [.leet, .fuzzy, .runTogether, .spacedOut, .forms, .phonetic, .transliteration]
    /// Whole folded words only: the plain multi-pattern search.
    public static let exactWords: Views = []
}
