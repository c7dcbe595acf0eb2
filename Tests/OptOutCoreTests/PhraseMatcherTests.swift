import Foundation
import Testing

@testable import OptOutCore

@Suite struct PhraseMatcherTests {
    static let phrases = ["Greg Rutkowski", "Alphonse Mucha", "Mucha", "Tadao Ando", "Ilya Kuvshinov", "Simon Stålenhag", "Starry Night"]
    static let ordinary = OrdinaryWords(["commando", "constant", "stream", "light", "portrait", "painting", "starry", "night", "much", "handsome"])
    let matcher = PhraseMatcher(phrases: Self.phrases, ordinaryWords: Self.ordinary)

    /// The phrases found in `prompt`, by text.
    func found(_ prompt: String) -> [String] {
        matcher.matches(in: prompt).map { Self.phrases[$0.phrase] }
    }

    func match(_ prompt: String, _ phrase: String) -> PhraseMatch? {
        matcher.matches(in: prompt).first { Self.phrases[$0.phrase] == phrase }
    }

    /// The text a match covers, in the prompt as submitted.
    func covered(_ prompt: String, _ match: PhraseMatch) -> String {
        let scalars = Array(prompt.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[match.start..<match.end])
        return String(view)
    }

    @Test func exactNamesMatchWithOffsets() throws {
        let prompt = "a castle, art by Greg Rutkowski, 4k"
        let hit = try #require(match(prompt, "Greg Rutkowski"))
        #expect(covered(prompt, hit) == "Greg Rutkowski")
        #expect(hit.via == .caseFolded)
        let plain = try #require(match("art by greg rutkowski", "Greg Rutkowski"))
        #expect(plain.via.names == ["exact"])
    }

    @Test func wholeWordsOnly() {
        #expect(found("a commando in the rain").isEmpty)
        #expect(found("tadao andover").isEmpty)
        #expect(found("much ado").isEmpty)
        #expect(found("in the style of mucha").contains("Mucha"))
    }

    @Test func possessivesAndHyphenatedSuffixesMatch() {
        for prompt in ["Mucha's poster", "a Mucha-style poster", "Mucha-esque flowers", "Mucha’s lines"] {
            #expect(found(prompt).contains("Mucha"), "\(prompt)")
        }
    }

    @Test func offsetsCountScalarsOfTheSubmittedPrompt() throws {
        let prompt = "🎨✨ by G\u{0301}reg Rutkowski"
        let hit = try #require(match(prompt, "Greg Rutkowski"))
        #expect(hit.start == 6)
        #expect(covered(prompt, hit) == "G\u{0301}reg Rutkowski")
        #expect(hit.via.contains(.marks))
    }

    @Test(arguments: [
        ("greg_rutkowski", Via.separator), ("greg.rutkowski", .separator), ("greg-rutkowski", .separator),
        ("gregrutkowski", .concatenation), ("#GregRutkowski", .concatenation), ("greg  rutkowski", .spacing),
        ("g r e g r u t k o w s k i", .spacing), ("G.R.E.G R.U.T.K.O.W.S.K.I", .spacing),
    ])
    func separatorsSpacingAndConcatenation(_ prompt: String, _ via: Via) throws {
        let hit = try #require(match("art by \(prompt), trending", "Greg Rutkowski"), "\(prompt)")
        #expect(hit.via.contains(via), "\(prompt): \(hit.via.names)")
        // The match covers the disguised name, no more and no less.
        #expect(covered("art by \(prompt), trending", hit).lowercased().filter(\.isLetter) == "gregrutkowski", "\(prompt)")
    }

    @Test func spacedOutLettersMatchEvenAfterAnArticle() throws {
        let prompt = "in the style of a m u c h a"
        let hit = try #require(match(prompt, "Mucha"))
        #expect(covered(prompt, hit) == "m u c h a")
        #expect(hit.via.contains(.spacing))
    }

    @Test(arguments: [
        "Gr\u{0435}g Rutk\u{043E}wski",  // Cyrillic е, о
        "Greg Rutkow\u{0455}k\u{0456}",  // Cyrillic ѕ, і
        "Ｇｒｅｇ Ｒｕｔｋｏｗｓｋｉ",  // fullwidth
        // Mathematical bold.
        "\u{1D406}\u{1D42B}\u{1D41E}\u{1D420} \u{1D411}\u{1D42E}\u{1D42D}\u{1D424}\u{1D428}\u{1D430}\u{1D42C}\u{1D424}\u{1D422}",
        "Greg Rutk\u{03BF}wski",  // Greek omicron
    ])
    func lookalikeLettersMatch(_ prompt: String) throws {
        #expect(prompt.unicodeScalars.contains { $0.value >= 0x80 }, "a lookalike case must hold a letter that is not ASCII")
        let hit = try #require(match(prompt, "Greg Rutkowski"), "\(prompt)")
        #expect(hit.end - hit.start == prompt.unicodeScalars.count)
        #expect(hit.via.contains(.confusable), "\(prompt): \(hit.via.names)")
    }

    @Test func invisibleCharactersAreSeenThrough() throws {
        for prompt in ["Mu\u{200B}cha", "Mu\u{00AD}cha", "\u{FEFF}Mucha", "Mu\u{200D}ch\u{2060}a", "Mu\u{202E}cha"] {
            let hit = try #require(match(prompt, "Mucha"), "\(prompt.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(hit.via.contains(.invisible))
        }
    }

    @Test func accentsAddedOrRemovedMatch() throws {
        #expect(found("by Simon Stalenhag").contains("Simon Stålenhag"))
        #expect(found("by Ålphonse Múcha").contains("Alphonse Mucha"))
        let decomposed = try #require(match("by Simon Sta\u{030A}lenhag", "Simon Stålenhag"))
        #expect(decomposed.via.contains(.marks))
    }

    @Test(arguments: ["Gr3g Rutk0wski", "gr3g rutk0wsk1", "4lphonse Mucha", "A1phonse Mucha", "Alph0n$e Mucha", "1lya Kuvshinov", "I1ya Kuvshin0v"])
    func leetspeakMatches(_ prompt: String) throws {
        let hits = matcher.matches(in: prompt)
        #expect(
            hits.contains { $0.via.contains(.leet) && ["Greg Rutkowski", "Alphonse Mucha", "Ilya Kuvshinov"].contains(Self.phrases[$0.phrase]) },
            "\(prompt)"
        )
    }

    @Test(arguments: [
        ("Greg Rutkowsky", "Greg Rutkowski"),  // substitution
        ("Greg Rutkwski", "Greg Rutkowski"),  // deletion
        ("Greg Rutkowksi", "Greg Rutkowski"),  // transposition
        ("Alphonse Much", "Alphonse Mucha"),  // too short to be fuzzy, but Alphonse is exact... (see below)
        ("Alphnse Mucha", "Alphonse Mucha"),
        ("Ilya Kuvshinof", "Ilya Kuvshinov"),
    ])
    func oneLetterMisspellingsOfLongWordsMatch(_ prompt: String, _ phrase: String) throws {
        if prompt == "Alphonse Much" {
            // "Mucha" has five letters: misspellings of words under six letters do not count.
            #expect(!found(prompt).contains(phrase))
            return
        }
        let hit = try #require(match(prompt, phrase), "\(prompt)")
        // A slip that also sounds the same ("Rutkowsky") is read as a phonetic spelling first.
        #expect(!hit.via.isDisjoint(with: [.fuzzy, .phonetic]), "\(prompt): \(hit.via.names)")
    }

    @Test(arguments: [
        "Gr3g_Rutk0wski",  // leet + separator
        "gr3grutk0wski",  // leet + concatenation
        "Gr\u{0435}g Rutkowsky",  // confusable + misspelling
        "g r 3 g r u t k o w s k i",  // spacing + leet
        "gregrutkowsky",  // concatenation + misspelling
        "Greg\u{200B}Rutk0wski",  // invisible + leet
    ])
    func twoDisguisesAtOnceMatch(_ prompt: String) {
        #expect(found(prompt).contains("Greg Rutkowski"), "\(prompt)")
    }

    @Test func ordinaryWordsAreNeverReadAsNames() {
        for prompt in [
            "a constant stream of light", "portrait painting, starry sky at night", "handsome man", "much detail",
            "Greg", "Rutkowski's", "commando", "ando",
        ] {
            let names = found(prompt).filter { $0 != "Starry Night" && !(prompt.contains("Rutkowski") && $0 == "Greg Rutkowski") }
            if prompt == "ando" {
                #expect(names.isEmpty, "\(prompt)")  // "Ando" alone is not the phrase "Tadao Ando"
            } else {
                #expect(names.isEmpty, "\(prompt): \(names)")
            }
        }
        // A multi-word creation that is ordinary words is still its own phrase.
        #expect(found("starry night over the rhone").contains("Starry Night"))
    }

    @Test func duplicatesAndEmptyPhrasesAreHarmless() {
        let matcher = PhraseMatcher(phrases: ["Mucha", "MUCHA", "!!!", ""], ordinaryWords: .none)
        let hits = matcher.matches(in: "by mucha")
        #expect(Set(hits.map(\.phrase)) == [0, 1])
        #expect(matcher.matches(in: "!!!").isEmpty)
        #expect(matcher.matches(in: "").isEmpty)
    }

    @Test func offsetsStayInsideThePromptForAnyInput() {
        let seed = ProcessInfo.processInfo.environment["OPTOUT_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        // Printed, so that a failure can be replayed: OPTOUT_TEST_SEED=<seed> swift test --filter offsetsStay...
        print("offsetsStayInsideThePromptForAnyInput: OPTOUT_TEST_SEED=\(seed)")
        var generator = SplitMix64(seed: seed)
        let pool: [UInt32] = [0x20, 0x41, 0x61, 0x6D, 0x75, 0x63, 0x68, 0x2E, 0x5F, 0x200B, 0x301, 0x430, 0x1D406, 0xFEFF, 0x33, 0x40, 0x24, 0x0A]
        let matcher = PhraseMatcher(phrases: ["Mucha", "Greg Rutkowski", "Ab Cd Ef"], ordinaryWords: .none)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...80, using: &generator)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length {
                let value =
                    Bool.random(using: &generator) ? pool.randomElement(using: &generator)! : UInt32.random(in: 0...0x10FFFF, using: &generator)
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let prompt = String(scalars)
            let count = prompt.unicodeScalars.count
            for hit in matcher.matches(in: prompt) {
                #expect(hit.start >= 0 && hit.start < hit.end && hit.end <= count, "OPTOUT_TEST_SEED=\(seed)")
            }
        }
    }
}
