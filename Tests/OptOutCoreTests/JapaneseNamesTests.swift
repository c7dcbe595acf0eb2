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

    @Test func romajiInOtherSpellingsIsReadAsHepburn() {
        func hepburn(_ word: String) -> String? {
            let bytes = Array(word.utf8)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { out in
                bytes.withUnsafeBufferPointer { Phonetic.hepburn($0, into: out) }.map { String(decoding: out[0..<$0], as: UTF8.self) }
            }
        }
        #expect(hepburn("satou") == "sato")
        #expect(hepburn("satoh") == "sato")
        #expect(hepburn("ohtomo") == "otomo")
        #expect(hepburn("kouzi") == "koji")
        #expect(hepburn("syuuhei") == "shuhei")
        #expect(hepburn("yuusuke") == "yusuke")
        #expect(hepburn("ootomo") == "otomo")
        #expect(hepburn("tubasa") == "tsubasa")
        #expect(hepburn("yosida") == "yoshida")
        #expect(hepburn("hukuda") == "fukuda")
        // Already Hepburn, or ou before a vowel: nothing changes.
        #expect(hepburn("shinkai") == nil)
        #expect(hepburn("tsubasa") == nil)
        #expect(hepburn("chihiro") == nil)
        #expect(hepburn("louis") == nil)
        let matcher = PhraseMatcher(phrases: ["新海誠", "佐藤大輔", "大野"], ordinaryWords: OrdinaryWords(["sun", "set"], japaneseNames: Self.names))
        for prompt in ["Daisuke Satou", "Daisuke Satoh", "Satou Daisuke", "Makoto Sinkai", "Shinkai Makoto"] {
            #expect(matcher.matches(in: prompt).map(\.phrase) == [prompt.contains("Daisuke") ? 1 : 0], "\(prompt)")
        }
        // A kanji name's readings take no slip: "Daisuke Saito" is another person.
        #expect(matcher.matches(in: "Daisuke Saito").isEmpty)
        #expect(matcher.matches(in: "Makoto Shinkay").isEmpty)
    }
}

/// Issue 23, item 5: a name registered in Latin letters is found in katakana, as Japanese text writes a foreign name
/// (from JMnedict's katakana names; a few lines here), and a Japanese name registered in romaji is found in kana.
@Suite struct KatakanaRenderingsTests {
    static let names = JapaneseNames(
        lines: [
            "F\tgreg\tグレグ,グレッグ", "F\trutkowski\tルトコフスキ", "F\talphonse\tアルフォンス", "F\tmucha\tミュシャ",
            "F\tjames\tジェームズ,ジェイムズ", "F\tjean\tジャン,ジーン", "F\tmarie\tマリー", "F\tanna\tアンナ",
        ].map { Substring($0) }
    )

    @Test func romajiIsWrittenInKana() {
        #expect(JapaneseNames.kana(romaji: "shinkai") == "シンカイ")
        #expect(JapaneseNames.kana(romaji: "makoto") == "マコト")
        #expect(JapaneseNames.kana(romaji: "hattori") == "ハットリ")
        #expect(JapaneseNames.kana(romaji: "kyoko") == "キョコ")
        #expect(JapaneseNames.kana(romaji: "junji") == "ジュンジ")
        #expect(JapaneseNames.kana(romaji: "rutkowski") == nil)
        #expect(JapaneseNames.kana(romaji: "greg") == nil)
    }

    @Test func aWordIsWrittenByItsSpellingBothWays() {
        #expect(KatakanaSpelling.render("rutkowski", continental: false) == "ルトコフスキ")
        #expect(KatakanaSpelling.render("anderson", continental: false) == "アンダーソン")
        #expect(KatakanaSpelling.render("anderson", continental: true) == "アンデルソン")
        #expect(KatakanaSpelling.render("jaroslav", continental: true) == "ヤロスラフ")
        #expect(KatakanaSpelling.render("lemmen", continental: false) == "レンメン")
        #expect(KatakanaSpelling.render("linde", continental: false) == "リンデ")
        #expect(KatakanaSpelling.render("smith", continental: false) == "スミス")
    }

    @Test func aLatinNameIsRenderedOnlyWhenEveryWordIs() {
        func folded(_ kana: String) -> String { Folding.words(of: kana).joined() }
        let renderings = Self.names.kanaRenderings(of: ["greg", "rutkowski"])
        // グレッグ and グレグ fold alike: one reading.
        #expect(renderings.contains(folded("グレッグ・ルトコフスキ")) && renderings.count == Set(renderings).count)
        // A word the dictionary does not know is written by its spelling, both ways.
        let spelt = Self.names.kanaRenderings(of: ["greg", "bingham"])
        #expect(spelt.contains(folded("グレグビンガム")))
        #expect(Self.names.kanaRenderings(of: ["greg", "rutkowski2"]).isEmpty)
        // Too short to tell apart inside Japanese text: one word under six kana.
        #expect(Self.names.kanaRenderings(of: ["marie"]).isEmpty)
        let romaji = Self.names.kanaRenderings(of: ["makoto", "shinkai"])
        #expect(romaji.contains(folded("シンカイマコト")) && romaji.contains(folded("しんかいまこと")) && romaji.contains(folded("マコトシンカイ")))
        #expect(romaji.count <= JapaneseNames.renderingLimit)
    }

    @Test func theGateFindsALatinNameInKatakana() {
        let matcher = PhraseMatcher(
            phrases: ["Greg Rutkowski", "Alphonse Mucha", "Makoto Shinkai", "Anna Marie"],
            ordinaryWords: OrdinaryWords(["sun", "set"], japaneseNames: Self.names)
        )
        for (prompt, phrase) in [
            ("グレッグ・ルトコフスキ風のドラゴン", 0), ("グレグ ルトコフスキーのスタイルで描いた城", 0), ("アルフォンス・ミュシャ風の女性", 1),
            ("ｱﾙﾌｫﾝｽ･ﾐｭｼｬ", 1), ("しんかいまことの夕焼け", 2), ("シンカイ・マコト", 2), ("美しい少女、アンナ・マリーの絵", 3),
        ] {
            let found = matcher.matches(in: prompt)
            #expect(found.map(\.phrase) == [phrase], "\(prompt)")
            #expect(found.first?.via.contains(.transliteration) == true, "\(prompt)")
        }
        // A name whose rendering is an ordinary Japanese word is not read in kana: "Aisu Kurimu" is アイスクリーム.
        let words = JapaneseNames(lines: ["O\tアイスクリーム\t-"].map { Substring($0) }, ordinaryWords: ["スマートフォン", "猫"])
        func folded(_ kana: String) -> String { Folding.words(of: kana).joined() }
        #expect(!words.kanaRenderings(of: ["aisu", "kurimu"]).contains(folded("アイスクリーム")))
        #expect(!words.kanaRenderings(of: ["sumato", "fon"]).contains(folded("スマートフォン")))
        #expect(Self.names.kanaRenderings(of: ["aisu", "kurimu"]).contains(folded("アイスクリーム")))
        // Nor one that is two ordinary words run together ("Anime Irasuto": アニメイラスト).
        let compounds = JapaneseNames(lines: ["O\tアニメ\t-", "O\tイラスト\t-"].map { Substring($0) })
        #expect(!compounds.kanaRenderings(of: ["anime", "irasuto"]).contains(folded("アニメイラスト")))
        #expect(Self.names.kanaRenderings(of: ["anime", "irasuto"]).contains(folded("アニメイラスト")))
        let guarded = PhraseMatcher(phrases: ["Aisu Kurimu"], ordinaryWords: OrdinaryWords(["sun"], japaneseNames: words))
        #expect(guarded.matches(in: "アイスクリームを食べる少女").isEmpty)
        #expect(guarded.matches(in: "portrait by aisu kurimu").map(\.phrase) == [0])
        // Ordinary Japanese text with the same kana elsewhere names no one.
        for prompt in ["グレーのドラゴン、ミュージアム", "マリーゴールドの花畑", "アンナの肖像", "しんかいの魚、まことに美しい"] {
            #expect(matcher.matches(in: prompt).isEmpty, "\(prompt)")
        }
    }
}

/// Issue 23, item 5: a name registered in Latin letters is found written in Arabic or Hebrew letters.
@Suite struct SemiticRenderingsTests {
    @Test func aLatinNameIsWrittenInArabicAndHebrewLetters() {
        #expect(SemiticSpelling.render("greg", script: .arabic, full: true) == "غريغ")
        #expect(SemiticSpelling.render("rutkowski", script: .arabic, full: true) == "روتكوفسكي")
        #expect(SemiticSpelling.render("greg", script: .hebrew, full: false) == "גרג")
        #expect(SemiticSpelling.render("rutkowski", script: .hebrew, full: false) == "רוטקובסקי")
        #expect(SemiticSpelling.render("dublin", script: .arabic, full: false) == "دبلن")
        #expect(SemiticSpelling.render("anna", script: .hebrew, full: false) == "אנה")
        #expect(SemiticSpelling.render("adam", script: .hebrew, full: false) == "אדם")
        // A rendering under three letters, or an everyday word of its language, is not read.
        #expect(SemiticSpelling.wordRenderings("al", isEveryday: { _ in false }).isEmpty)
        let everyday = SemiticSpelling.wordRenderings("greg", isEveryday: { $0 == "גרג" })
        #expect(everyday.contains { $0 == ("גרג", true) } && everyday.contains { $0 == ("غريغ", false) })
    }

    @Test func theGateFindsALatinNameInArabicAndHebrewPrompts() {
        let matcher = PhraseMatcher(phrases: ["Greg Rutkowski", "Salvador Dali"], ordinaryWords: OrdinaryWords(["sun"]))
        for (prompt, phrase) in [
            ("قلعة في الضباب، بأسلوب غريغ روتكوفسكي، إضاءة سينمائية", 0), ("טירה בערפל, בסגנון גרג רוטקובסקי", 0),
            ("لوحة بأسلوب سلفادور دالي", 1), ("ציור בסגנון סלבדור דאלי", 1),
        ] {
            let found = matcher.matches(in: prompt)
            #expect(found.map(\.phrase) == [phrase], "\(prompt)")
            #expect(found.first?.via.contains(.transliteration) == true, "\(prompt)")
        }
        // One word alone is not read, nor a rendering beside an ordinary word.
        #expect(matcher.matches(in: "قلعة بأسلوب روتكوفسكي").isEmpty)
        #expect(matcher.matches(in: "טירה בסגנון רוטקובסקי").isEmpty)
        #expect(matcher.matches(in: "قلعة في الضباب، إضاءة سينمائية، ألوان زيتية").isEmpty)
        #expect(matcher.matches(in: "טירה בערפל, צבעי שמן, תאורה קולנועית").isEmpty)
    }
}
