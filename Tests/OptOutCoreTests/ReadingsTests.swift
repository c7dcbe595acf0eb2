import Testing

@testable import OptOutCore

/// Readings of issue 11 that the matcher gained: word order and inserted letters.
@Suite struct ReadingsTests {
    let matcher = PhraseMatcher(
        phrases: ["Greg Rutkowski", "Anna Maria Kowalska", "The Glass Orchard", "Wojciech Siudmak"],
        ordinaryWords: OrdinaryWords(["glass", "orchard", "the", "garden"]),
        wordOrder: [true, true, false, true]
    )

    @Test func namesAreFoundSurnameFirst() {
        for prompt in ["by Rutkowski Greg", "by Rutkowski, Greg", "portrait, Kowalska Anna Maria, oil"] {
            let found = matcher.matches(in: prompt)
            #expect(found.count == 1, "\(prompt)")
            #expect(found.first?.via.contains(.order) == true, "\(prompt)")
        }
        #expect(matcher.matches(in: "by rutkowski, greg").first?.via.names == ["separator", "order"])
        #expect(matcher.matches(in: "greg rutkowski").first?.via.names == ["exact"])
        // Titles of works keep their order, and a name is not found in just any order.
        #expect(matcher.matches(in: "orchard the glass").isEmpty)
        #expect(matcher.matches(in: "Maria Kowalska Anna").isEmpty)
    }

    @Test func anInsertedLetterIsAMisspelling() {
        let found = matcher.matches(in: "in the style of Greg Rutkowsski")
        #expect(found.map(\.phrase) == [0])
        #expect(found.first.map { !$0.via.isDisjoint(with: [.fuzzy, .phonetic]) } == true)
        #expect(matcher.matches(in: "Greg Rutkowsxki").first?.via.contains(.fuzzy) == true)
        #expect(matcher.matches(in: "Wojciech Siudmaak").map(\.phrase) == [3])
        #expect(matcher.matches(in: "Woijciech Siudmak").map(\.phrase) == [3])
        // Ordinary words are never read as misspelt names.
        #expect(PhraseMatcher(phrases: ["Gardens Smith"], ordinaryWords: OrdinaryWords(["garden"])).matches(in: "garden smith").isEmpty)
    }
}

@Suite struct FormsAndHandlesTests {
    let matcher = PhraseMatcher(phrases: ["Greg Rutkowski", "Alphonse Mucha", "Mucha"], ordinaryWords: OrdinaryWords(["garden", "the"]))

    @Test func pluralAndDerivedFormsAreRead() {
        for prompt in ["the Greg Rutkowskis", "a very Greg Rutkowski-ish sky", "Alphonse Muchaesque poster"] {
            #expect(!matcher.matches(in: prompt).isEmpty, "\(prompt)")
        }
        #expect(matcher.matches(in: "the Greg Rutkowskis").first?.via.contains(.form) == true)
        // A short name takes no plural: "muchas gracias" names nobody.
        #expect(matcher.matches(in: "muchas gracias").isEmpty)
    }

    @Test func handlesAreRead() {
        for prompt in ["@gregrutkowskiofficial", "gregrutkowski_studio", "#realgregrutkowski", "alphonsemuchaart"] {
            #expect(!matcher.matches(in: prompt).isEmpty, "\(prompt)")
        }
        #expect(matcher.matches(in: "@gregrutkowskiofficial").first?.via.contains(.handle) == true)
    }
}

@Suite struct SymbolTests {
    let matcher = PhraseMatcher(phrases: ["Greg Rutkowski", "Mucha"], ordinaryWords: .none)

    @Test func aSymbolInsideANameIsDroppedAndBetweenWordsIsASpace() {
        let inside = matcher.matches(in: "art by Gr🎨eg Rutkowski")
        #expect(inside.map(\.phrase) == [0])
        #expect(inside.first?.via.contains(.symbol) == true)
        #expect(inside.first?.start == 7)
        #expect(inside.first?.end == 22)
        #expect(matcher.matches(in: "Greg ✨ Rutkowski").map(\.phrase) == [0])
        #expect(matcher.matches(in: "Mu\u{2728}\u{FE0F}cha").map(\.phrase) == [1])
        #expect(matcher.matches(in: "🎨Mucha🎨").map(\.phrase) == [1])
    }
}

/// Folding for every script, and scripts written without spaces.
@Suite struct ScriptsTests {
    let matcher = PhraseMatcher(
        phrases: ["Łukasz Wójcik", "Đặng Đình Linh", "Søren Ærø", "新海誠", "中島 零", "남궁은정", "Carina Toft"],
        ordinaryWords: OrdinaryWords(["the", "garden"])
    )

    @Test func lettersWithAStrokeFoldToTheirBase() {
        #expect(PhraseKey.make("Łukasz Đình Søren Ærø straße þór") == "lukasz dinh soren aero strasse thor")
        #expect(matcher.matches(in: "by Lukasz Wojcik").map(\.phrase) == [0])
        #expect(matcher.matches(in: "style of Dang Dinh Linh, oil").map(\.phrase) == [1])
        #expect(matcher.matches(in: "SOREN AERO").map(\.phrase) == [2])
    }

    @Test func unspacedScriptsAreFoundInsideRuns() {
        let inside = matcher.matches(in: "新海誠風の夕焼け")
        #expect(inside.map(\.phrase) == [3])
        #expect(inside.first.map { ($0.start, $0.end) }! == (0, 3))
        #expect(inside.first?.via.names == ["script"])
        #expect(matcher.matches(in: "남궁은정풍 밤하늘").map(\.phrase) == [5])
        // Spaced out or with invisible characters between them, the characters join; the key joins them too.
        #expect(matcher.matches(in: "新 海 誠 の 夕焼け").map(\.phrase) == [3])
        #expect(matcher.matches(in: "남\u{200B}궁\u{3000}은정").map(\.phrase) == [5])
        #expect(matcher.matches(in: "中島零スタイル").map(\.phrase) == [4])
        #expect(PhraseKey.make("中島 零") == "中島零")
        // A change of script parts words: a Latin name directly followed by kana is found.
        #expect(PhraseMatcher(phrases: ["Haruka Yamazaki"], ordinaryWords: .none).matches(in: "Haruka Yamazaki風の").count == 1)
        // Text of the script that does not hold the phrase.
        #expect(matcher.matches(in: "新海の夕焼け、誠実な人").isEmpty)
    }

    @Test func symbolsSpelledWithLettersAreSymbols() {
        #expect(matcher.matches(in: "by Carina ™ Toft").map(\.phrase) == [6])
        #expect(matcher.matches(in: "by Car™ina Toft").map(\.phrase) == [6])
    }

    @Test func shortUnspacedNamesWaitUnlessTheyAreWordsAndOneCharacterAlwaysWaits() {
        let guardian = CollisionGuard(dictionary: ["中国"])
        #expect(guardian.reviewReason(for: "王倩") == nil)
        #expect(guardian.reviewReason(for: "中国") != nil)
        #expect(guardian.reviewReason(for: "王") != nil)
        #expect(guardian.reviewReason(for: "新海誠") == nil)
    }
}

/// Names written in another script, and spellings that sound alike.
@Suite struct AcrossScriptsTests {
    @Test func aLatinNameInCyrillicOrGreekLettersIsFound() {
        let matcher = PhraseMatcher(phrases: ["Greg Rutkowski", "Tobias Smith", "Vlasta Jelinek"], ordinaryWords: OrdinaryWords(["the", "smith"]))
        for (prompt, phrase) in [("by Грег Рутковски", 0), ("by Тобиас Смит", 1), ("art by Βλαστα Τζελινεκ", 2), ("Γκρεγκ Ρουτκοβσκι", 0)] {
            let found = matcher.matches(in: prompt)
            #expect(found.map(\.phrase) == [phrase], "\(prompt)")
            #expect(found.first?.via.contains(.transliteration) == true, "\(prompt)")
        }
        // Offsets cover the Cyrillic letters as submitted.
        let hit = matcher.matches(in: "by Грег Рутковски, oil").first
        #expect(hit.map { ($0.start, $0.end) }! == (3, 17))
    }
}
