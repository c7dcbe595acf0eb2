import Foundation
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// What ordinary prompts and ordinary text are made of, shipped as resources of this module: the collision guard's
/// lists and the matcher's ordinary words (see the README's "Collision guard" for each list's source).
///
/// One value an application, passed in its configuration; nothing is read until first asked for, and each list is
/// read once a value (a caller that asks while another reads waits for it). Tests share one value across their
/// applications, so a test process reads the lists once.
public final class WordLists: Sendable {
    private let worldWordsList = Lazy<[String]>()
    private let commonPhrasesList = Lazy<[String]>()
    private let ordinaryWords = Lazy<OrdinaryWords>()
    private let guardLists = Lazy<CollisionGuard>()
    private let cognates = Lazy<GivenNameCognates>()

    public init() {}

    static let resources = [
        "english-words", "cjk-common-words", "common-phrases", "prompt-words", "prompt-phrases", "booru-tags", "world-words", "given-name-cognates",
        "kanji-name-readings", "katakana-names",
    ]

    /// The matcher's ordinary words and the phrases ordinary prompts use: read at start.
    func ordinary() throws -> OrdinaryWords {
        try ordinaryWords.get {
            let world = try worldWords()
            return OrdinaryWords(
                try Self.load("english-words"),
                phrases: try commonPhrases(),
                otherLanguages: OrdinaryWords.readLanguageWords(WordListText.substrings(world)),
                japaneseNames: JapaneseNames(
                    lines: WordListText.substrings(try Self.load("kanji-name-readings") + (try Self.load("katakana-names"))),
                    ordinaryWords: WordListText.words(of: "ja", in: world)
                ),
                frequentWords: WordListText.lastFields(world),
                promptWords: OrdinaryWords.promptWordCandidates(
                    promptWords: try Self.load("prompt-words"),
                    booruTags: try Self.load("booru-tags"),
                    worldWords: world
                )
            )
        }
    }

    /// The collision guard: read when a phrase is first written, or by the application's warm-up at start (its
    /// 600,000 entries take a moment to fold and index, and only writes of phrases need them).
    func collisionGuard() throws -> CollisionGuard {
        try guardLists.get { try makeCollisionGuard() }
    }

    /// Whether the collision guard's lists are read.
    var isGuardLoaded: Bool { guardLists.isLoaded }

    /// Given names that are one name in several languages, for the form's suggested aliases.
    func givenNameCognates() throws -> GivenNameCognates {
        try cognates.get { GivenNameCognates(lines: try Self.load("given-name-cognates").map { Substring($0) }) }
    }

    /// The word sequences ordinary prompts use, for the matcher's ordinary words and the guard.
    private func commonPhrases() throws -> [String] {
        try commonPhrasesList.get {
            try Self.load("common-phrases") + (try Self.load("prompt-phrases", column: 0))
                + (try Self.load("booru-tags")).filter { $0.contains(" ") }
        }
    }

    /// world-words.txt (language<TAB>word), for the matcher's ordinary words and the collision guard.
    private func worldWords() throws -> [String] {
        try worldWordsList.get { try Self.load("world-words") }
    }

    private func makeCollisionGuard() throws -> CollisionGuard {
        CollisionGuard(
            english: try Self.load("english-words"),
            cjkCommonWords: try Self.load("cjk-common-words"),
            promptWords: try Self.load("prompt-words"),
            booruTags: try Self.load("booru-tags"),
            worldWords: try worldWords(),
            commonPhrases: try commonPhrases(),
            matcherWords: try ordinary()
        )
    }

    /// Fails at start, not at the first registration, when a list is missing from the build.
    static func checkResources() throws {
        for name in resources where Bundle.module.url(forResource: name, withExtension: "txt") == nil {
            throw StartupError("the \(name).txt resource is missing from the build")
        }
    }

    /// The lines of a resource, comments left out; `column`: that tab-separated field of each line.
    static func load(_ name: String, column: Int? = nil) throws -> [String] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt") else {
            throw StartupError("the \(name).txt resource is missing from the build")
        }
        return WordListText.entries(try String(contentsOf: url, encoding: .utf8), column: column)
    }
}

/// A value made once, on first use; callers that ask while it is made wait for it (each value has its own lock, so
/// one list may be made from another).
final class Lazy<Value: Sendable>: Sendable {
    private let making = NIOLock()
    private let value = NIOLockedValueBox<Result<Value, any Error>?>(nil)

    func get(_ make: () throws -> Value) throws -> Value {
        if let done = value.withLockedValue({ $0 }) { return try done.get() }
        return try making.withLock {
            if let done = value.withLockedValue({ $0 }) { return try done.get() }
            let result = Result { try make() }
            value.withLockedValue { $0 = result }
            return try result.get()
        }
    }

    var isLoaded: Bool { value.withLockedValue { $0 != nil } }
}
