import Testing

@testable import OptOutCore

/// Issue 23, item 5: a Japanese name registered in kanji is found in the romaji of its likely readings, from a name
/// dictionary (the server's JMnedict list; a few of its lines here).
@Suite struct JapaneseNamesTests {
    static let names = JapaneseNames(
        lines: [
            "# test lines", "S\t新海\tしんかい,あらうみ,あらみ", "G\t誠\tまこと,せい,のぶ", "S\t宮崎\tみやざき,みやさき", "G\t駿\tしゅん,すすむ,はやお",
            "S\t佐藤\tさとう", "G\t大輔\tだいすけ", "S\t大野\tおおの",
        ]
    )

    @Test func kanaIsReadInHepburnRomaji() {
        #expect(JapaneseNames.romaji("しんかい") == "shinkai")
        #expect(JapaneseNames.romaji("さとう") == "sato")
        #expect(JapaneseNames.romaji("おおの") == "ono")
        #expect(JapaneseNames.romaji("しゅん") == "shun")
        #expect(JapaneseNames.romaji("きょうこ") == "kyoko")
        #expect(JapaneseNames.romaji("はっとり") == "hattori")
        #expect(JapaneseNames.romaji("いっちょう") == "itcho")
        #expect(JapaneseNames.romaji("ジョージ") == "joji")
    }

    @Test func aNameInKanjiHasItsLikelyReadingsBothOrders() {
        let readings = Self.names.readings(of: "新海誠")
        #expect(readings.contains(["shinkai", "makoto"]) && readings.contains(["makoto", "shinkai"]))
        #expect(Self.names.readings(of: "宮崎駿").contains(["hayao", "miyazaki"]))
        #expect(readings.count <= 12)
        // Not a name the dictionary can split, or not kanji: no reading.
        #expect(Self.names.readings(of: "新海").isEmpty)
        #expect(Self.names.readings(of: "Greg Rutkowski").isEmpty)
    }

    @Test func theGateFindsTheRomajiOfAKanjiRegistration() {
        let matcher = PhraseMatcher(
            phrases: ["新海誠", "宮崎駿", "佐藤大輔"],
            ordinaryWords: OrdinaryWords(["sun", "set", "shin"], japaneseNames: Self.names)
        )
        for (prompt, phrase) in [
            ("a sunset in the style of Makoto Shinkai", 0), ("by Shinkai Makoto, anime", 0), ("castle, art by hayao miyazaki", 1),
            ("Daisuke Sato style", 2),
        ] {
            let found = matcher.matches(in: prompt)
            #expect(found.map(\.phrase) == [phrase], "\(prompt)")
            #expect(found.first?.via.contains(.transliteration) == true)
        }
        // The name in kana, or half in kana, inside Japanese text.
        for prompt in ["しんかいまことの絵", "シンカイマコト風", "新海まことの作品", "みやざきはやおのアニメ"] {
            #expect(!matcher.matches(in: prompt).isEmpty, "\(prompt)")
        }
        // The kanji still match as written, and an ordinary prompt holds none of the readings.
        #expect(matcher.matches(in: "新海誠風の夕焼け").map(\.phrase) == [0])
        #expect(matcher.matches(in: "a sunset over the sea, makoto-chan's umbrella").isEmpty)
    }
}
