import Testing

@testable import OptOutCore

/// The matcher's cost per prompt is bounded (issue 10, row 2): work counted in look-ups never passes the prompt's
/// budget by more than one step, the views still find what they found before, and a prompt that exhausts the
/// budget is reported incomplete rather than clean.
@Suite struct MatcherBoundsTests {
    let matcher = PhraseMatcher(
        phrases: ["Greg Rutkowski", "Alphonse Mucha", "A. B. Jackson", "Karo Mintas", "Wojciech Siudmak"],
        ordinaryWords: OrdinaryWords(["garden", "cat", "detailed", "painting"])
    )

    static func repeated(_ unit: String, _ limit: Int = 4000) -> String {
        String(String.UnicodeScalarView(String(repeating: unit, count: limit / max(unit.unicodeScalars.count, 1) + 1).unicodeScalars.prefix(limit)))
    }

    static let hostile: [String] = [
        repeated("a "), repeated("a-"), repeated("a."), repeated("a\u{200B}"), repeated("1 "), repeated("4 3 1 0 5 7 @ $ "),
        repeated("a\u{0301} "), repeated("a"), repeated("ab"), repeated("karomintax "), repeated("g r e g r u t k o w s k i  "),
        repeated("gr3grutk0wsk1"), repeated("a\u{1F3A8}"), repeated("新海誠風の夕焼け"), repeated("w o j c i e c h s i u d m a k "),
    ]

    @Test func everyHostilePromptStaysWithinItsBudget() {
        for prompt in Self.hostile {
            let budget = PhraseMatcher.workBudget(bytes: prompt.utf8.count)
            let result = matcher.search(prompt)
            // One step may finish after the last unit is spent; never more than the longest phrase word's worth.
            #expect(result.work <= budget + 64, "\(prompt.prefix(20)): \(result.work) > \(budget)")
        }
    }

    @Test func spacedOutNamesAreStillFoundInPieces() {
        #expect(matcher.matches(in: "art by g r e g r u t k o w s k i").map(\.phrase) == [0])
        #expect(matcher.matches(in: "art by g.r.e.g r.u.t.k.o.w.s.k.i").map(\.phrase) == [0])
        #expect(matcher.matches(in: "by m u c h a and a l p h o n s e").isEmpty)
        #expect(matcher.matches(in: "by a l p h o n s e m u c h 4").map(\.phrase) == [1])
        #expect(matcher.matches(in: "a b c d e f g h").isEmpty)
    }

    @Test func runTogetherWordsAreSplitOnceAPlace() {
        #expect(matcher.matches(in: "#GregRutkowski").map(\.phrase) == [0])
        #expect(matcher.matches(in: "alphonsemucha").map(\.phrase) == [1])
        #expect(matcher.matches(in: "abjackson").map(\.phrase) == [2])
        #expect(matcher.matches(in: String(repeating: "ab", count: 40) + "jackson").isEmpty)
    }

    /// Words in Cyrillic or Greek letters are read through the costly views once, in the prompt's Latin reading: a
    /// name in those letters run together is found there, and a slip in their own letters is still read in them
    /// (in the reading, "щ" inserted is four letters).
    @Test func cyrillicAndGreekWordsAreReadThroughTheirLatinReading() {
        let native = PhraseMatcher(
            phrases: ["Олег Мамчур", "Иван Шишкин", "Θεανώ Νταβάς"],
            ordinaryWords: OrdinaryWords(["garden", "cat", "detailed", "painting"])
        )
        #expect(native.matches(in: "art by ИванШишкин, detailed").map(\.phrase) == [1])
        #expect(native.matches(in: "art by олегмамчур").map(\.phrase) == [0])
        #expect(native.matches(in: "in the style of олег мамчщур").map(\.phrase) == [0])
        #expect(native.matches(in: "painting by Θεανώνταβάς").map(\.phrase) == [2])
        #expect(native.matches(in: "a cat in the garden, иван и кошка").isEmpty)
        // With no transliteration, the words are read in their own letters through the costly views, as before.
        #expect(native.matches(in: "art by ИванШишкин", views: Views.all.subtracting(.transliteration)).map(\.phrase) == [1])
    }

    @Test func aPromptThatExhaustsItsBudgetIsIncomplete() {
        let prompt = Self.repeated("karomintaz wojciehc siudmakk ", 2000)
        #expect(matcher.search(prompt).complete)
        let cut = matcher.search(prompt, budget: 50)
        #expect(!cut.complete)
        #expect(cut.work <= 50 + 64)
        #expect(matcher.search("a cat in the garden, detailed painting").complete)
    }
}
