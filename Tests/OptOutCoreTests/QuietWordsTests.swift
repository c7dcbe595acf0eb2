import Foundation
import Testing

@testable import OptOutCore

/// The matcher's quiet words (``QuietWords``): words of ordinary prompts that skip the costly views, because those
/// views found nothing in them when the matcher was built. They must change no answer, only the work.
@Suite struct QuietWordsTests {
    /// The server's prompt words: prompt-words.txt's words, booru-tags.txt's tags and everyday English words.
    static func promptWords() throws -> [String] {
        func list(_ name: String) throws -> [String] {
            WordListText.entries(try String(contentsOf: EvaluationTests.resources.appendingPathComponent("\(name).txt"), encoding: .utf8))
        }
        return OrdinaryWords.promptWordCandidates(
            promptWords: try list("prompt-words"),
            booruTags: try list("booru-tags"),
            worldWords: try list("world-words")
        )
    }

    /// The dev set's registry, with and without the quiet words, answers every prompt of the dev sets (ordinary
    /// prompts, disguises, issue 23's readings, misspelt handles) the same, and with no more work.
    @Test func quietWordsChangeNoAnswer() throws {
        let resources = EvaluationTests.resources
        let english = try EvaluationTests.lines(resources.appendingPathComponent("english-words.txt"))
        let guardian = CollisionGuard(
            dictionary: english,
            commonPhrases: try EvaluationTests.lines(resources.appendingPathComponent("common-phrases.txt"))
        )
        let phrases = try EvaluationTests.lines(EvaluationTests.root.appendingPathComponent("Eval/phrases.txt")).filter {
            guardian.reviewReason(for: $0) == nil
        }
        let frequent = try EvaluationTests.lines(resources.appendingPathComponent("world-words.txt")).compactMap {
            $0.split(separator: "\t").last.map(String.init)
        }
        let plain = PhraseMatcher(phrases: phrases, ordinaryWords: OrdinaryWords(english, frequentWords: frequent))
        let quiet = PhraseMatcher(
            phrases: phrases,
            ordinaryWords: OrdinaryWords(english, frequentWords: frequent, promptWords: try Self.promptWords())
        )
        #expect(plain.quietWordCount == 0)
        #expect(quiet.quietWordCount > 3_000)
        var prompts: [String] = []
        for file in ["ordinary.jsonl", "disguised.jsonl", "v3.jsonl", "v3-ordinary.jsonl", "handles.jsonl"] {
            prompts += try EvaluationTests.rows(file).map(\.prompt)
        }
        var differ: [String] = []
        var plainWork = 0
        var quietWork = 0
        for prompt in prompts {
            let before = plain.search(prompt)
            let after = quiet.search(prompt)
            plainWork += before.work
            quietWork += after.work
            if before.matches != after.matches || before.complete != after.complete { differ.append(prompt) }
        }
        #expect(differ.isEmpty, "\(differ.count) of \(prompts.count) prompts answered otherwise, e.g. \(differ.prefix(5))")
        #expect(quietWork < plainWork * 9 / 10, "work \(quietWork) with quiet words, \(plainWork) without")
    }

    /// A prompt word the costly views read as a phrase's (a slip, a name run together, a handle) is never quiet, and
    /// is still read; one they read nothing in is quiet; a registry too small for quiet words keeps none.
    @Test func wordsTheViewsReadAreNotQuiet() {
        let names = ["Greg Rutkowski", "Alphonse Mucha", "Loish"] + (0..<1_000).map { "Zq\(Self.letters($0)) Vx\(Self.letters($0 * 7 + 3))" }
        let words = ["rutkowsky", "gregrutkowski", "alphonsemuchastyle", "steampunk", "bokeh", "artstation", "octane", "zqa"]
        let matcher = PhraseMatcher(phrases: names, ordinaryWords: OrdinaryWords(["a", "of", "by", "style"], promptWords: words))
        let quiet = Set(
            words.filter { word in
                Array(word.utf8).withUnsafeBufferPointer { matcher.quietWords.contains($0, hash: hashBytes($0)) }
            }
        )
        #expect(quiet == ["steampunk", "bokeh", "artstation", "octane"])
        #expect(matcher.matches(in: "steampunk city by greg rutkowsky, bokeh").map(\.phrase) == [0])
        #expect(matcher.matches(in: "gregrutkowski octane").map(\.phrase) == [0])
        #expect(matcher.matches(in: "alphonsemuchastyle artstation").map(\.phrase) == [1])
        let small = PhraseMatcher(phrases: ["Greg Rutkowski"], ordinaryWords: OrdinaryWords(["a"], promptWords: words))
        #expect(small.quietWordCount == 0)
    }

    /// Three letters of a number, for made-up names that are no word.
    static func letters(_ number: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz")
        return String([alphabet[number % 20], alphabet[(number / 20) % 20], alphabet[(number / 400) % 20]])
    }
}
