import Testing

@testable import OptOutCore

/// Issue 23: what real prompt writers type. Each reading is checked both ways: the disguise is found, and the
/// ordinary text that looks like it is not.
@Suite struct PromptGateV3Tests {
    static let ordinary = OrdinaryWords([
        "a", "and", "art", "by", "style", "the", "of", "in", "sun", "set", "portrait", "master", "artist", "break", "smith", "brown",
        "poster", "ski", "rut", "painting", "high", "quality", "oil", "on", "canvas", "well", "known", "john",
    ])
    let matcher = PhraseMatcher(
        phrases: ["Greg Rutkowski", "Alphonse Maria Mucha", "Loish", "John Smith", "Mucha"],
        ordinaryWords: PromptGateV3Tests.ordinary
    )

    func names(_ prompt: String) -> [Int] { matcher.matches(in: prompt).map(\.phrase) }

    @Test func generatorSyntaxIsReadAsTheParserReadsIt() {
        for prompt in [
            "(Greg:1.2) (Rutkowski:1.2), castle", "[Greg:0.8] [Rutkowski:0.8]", "((Greg)) ((Rutkowski))", "Greg AND Rutkowski",
            "Greg BREAK Rutkowski", "castle, Greg::1 Rutkowski::1", "castle, Greg:: Rutkowski::2 --ar 16:9", "{Greg} {Rutkowski}",
        ] {
            #expect(names(prompt) == [0], "\(prompt)")
        }
        #expect(matcher.matches(in: "Greg AND Rutkowski").first?.via.contains(.syntax) == true)
        // "and" as a word is not the keyword, and a fragment still ends at a single colon.
        #expect(names("Greg and Rutkowski").isEmpty)
        #expect(names("Greg: Rutkowski").isEmpty)
    }

    @Test func wordsInsideANameAreSteppedOver() {
        for prompt in [
            "Greg M. Rutkowski", "by Greg M Rutkowski", "Greg (artist) Rutkowski", "Greg \"the master\" Rutkowski", "Greg “the master” Rutkowski",
        ] {
            #expect(names(prompt) == [0], "\(prompt)")
        }
        // An aside or an initial never starts or ends a name, and a long aside is no aside.
        #expect(names("Greg (the old master of oil on canvas) Rutkowski").isEmpty)
        #expect(names("(artist) Rutkowski").isEmpty)
    }

    @Test func initialsOnlyBeforeADistinctiveSurname() {
        for prompt in ["G. Rutkowski", "art by G Rutkowski", "g. rutkowski", "A. Mucha", "A. M. Mucha poster"] {
            #expect(!names(prompt).isEmpty, "\(prompt)")
        }
        #expect(matcher.matches(in: "G. Rutkowski").first?.via.contains(.initials) == true)
        // A lower-case letter is a word, not an initial; a common surname takes no initial.
        #expect(!names("a mucha poster").contains(1))
        #expect(names("J. Smith").isEmpty)
        // A common surname of any language takes no initials either.
        let frequent = PhraseMatcher(
            phrases: ["Jack Johnson", "Maria Garcia"],
            ordinaryWords: OrdinaryWords(["a"], frequentWords: ["johnson", "garcia", "the"])
        )
        #expect(frequent.matches(in: "J. Johnson, M. Garcia").isEmpty)
        #expect(frequent.matches(in: "Jack Johnson").count == 1)
        #expect(names("g rutkowski").isEmpty)
    }

    @Test func promptWordsGluedToANameAreRead() {
        for prompt in ["gregrutkowskistyle", "artbygregrutkowski", "loishstyle", "loishart", "inthestyleofgregrutkowski", "#artbyloish"] {
            #expect(!names(prompt).isEmpty, "\(prompt)")
        }
        #expect(names("loishart").contains(2))
    }

    @Test func aSlipInTheFirstWordOfAHandleIsRead() {
        // A slip in the first word of a name run together (one in the last was read already).
        for prompt in ["art by @grgrutkowski", "@gergrutkowski_", "gregrutkowsky", "greegrutkowski_art", "@alphnsemariamucha", "alphonzemariamucha"] {
            #expect(!names(prompt).isEmpty, "\(prompt)")
        }
        #expect(matcher.matches(in: "@grgrutkowski").first?.via.contains(.fuzzy) == true)
        // A slip in a short word of a short name is no more read run together than written apart.
        #expect(names("jhonsmith").isEmpty)
        #expect(names("jhon smith").isEmpty)
    }

    @Test func partialSpacingAndHyphenationAreJoined() {
        for prompt in ["Greg Rut kow ski", "Greg Rutkow-\nski", "Greg Rutkow- ski", "Greg Rut-kowski", "Greg Ru tkow ski"] {
            #expect(names(prompt) == [0], "\(prompt)")
        }
        // Ordinary words written apart stay apart.
        #expect(PhraseMatcher(phrases: ["Sunset Jones"], ordinaryWords: Self.ordinary).matches(in: "sun set jones").isEmpty)
    }

    @Test func namesWithParticlesAreReadSurnameFirst() {
        let matcher = PhraseMatcher(
            phrases: ["Vincent van Gogh", "Ursula von der Leyen", "Ana de la Vega", "Henri de Toulouse-Lautrec", "Marco de la Rossa"],
            ordinaryWords: OrdinaryWords(["a", "portrait", "of", "oil", "sky", "sun", "by"]),
            wordOrder: [true, true, true, true, false]
        )
        func names(_ prompt: String) -> [Int] { matcher.matches(in: prompt).map(\.phrase) }
        // The particles with the surname, or left last; with a comma after the surname or without.
        for (prompt, name) in [
            ("portrait by van Gogh Vincent, oil", 0), ("Van Gogh, Vincent, oil", 0), ("by Gogh, Vincent van", 0),
            ("von der Leyen, Ursula", 1), ("portrait by Leyen, Ursula von der", 1), ("Leyen Ursula von der", 1),
            ("de la Vega Ana", 2), ("by Vega, Ana de la, oil", 2), ("de Toulouse-Lautrec, Henri", 3), ("Toulouse-Lautrec Henri de", 3),
        ] {
            #expect(names(prompt) == [name], "\(prompt)")
        }
        #expect(matcher.matches(in: "van Gogh Vincent").first?.via.contains(.order) == true)
        // Across a comma only when the name starts its fragment and ends there, as surname first is read.
        #expect(names("a portrait of van Gogh, Vincent Price").isEmpty)
        #expect(names("oil van gogh, vincent").isEmpty)
        // A work is not read in another order, and a given name alone does not stand for the surname's particles.
        #expect(names("de la Rossa Marco").isEmpty)
        #expect(names("van Gogh Ursula").isEmpty)
    }

    @Test func particleReadingsKeepHyphenatedSurnamesWhole() {
        #expect(PhraseMatcher.particleOrders(of: "Vincent van Gogh") == [["van", "gogh", "vincent"]])
        #expect(
            PhraseMatcher.particleOrders(of: "Jan van der Heyden") == [["van", "der", "heyden", "jan"], ["heyden", "jan", "van", "der"]]
        )
        #expect(
            PhraseMatcher.particleOrders(of: "Henri de Toulouse-Lautrec")
                == [["de", "toulouse", "lautrec", "henri"], ["toulouse", "lautrec", "henri", "de"]]
        )
        // No particle before the surname, or no given name before the particles: no reading.
        #expect(PhraseMatcher.particleOrders(of: "Greg Rutkowski").isEmpty)
        #expect(PhraseMatcher.particleOrders(of: "Alphonse Maria Mucha").isEmpty)
        #expect(PhraseMatcher.particleOrders(of: "van der Heyden").isEmpty)
    }

    @Test func koreanNamesAreReadAsPeopleSpellThem() {
        #expect(Transliteration.koreanSpelling("jeong", customary: false, initialK: false) == "jeong")
        #expect(Transliteration.koreanSpelling("seog", customary: false, initialK: false) == "seok")
        #expect(
            ["jeong", "hyeon", "su", "jun", "u", "yeong", "hui", "sin", "yun"].map {
                Transliteration.koreanSpelling($0, customary: true, initialK: false)
            }
                == ["jung", "hyun", "soo", "joon", "woo", "young", "hee", "shin", "yoon"]
        )
        #expect(Transliteration.koreanSpelling("gyeong", customary: true, initialK: true) == "kyung")
        #expect(Transliteration.mccuneReischauer(["jeong"]) == "chong")
        #expect(Transliteration.mccuneReischauer(["seong", "ho"]) == "songho")
        #expect(Transliteration.mccuneReischauer(["bag"]) == "pak")
        #expect(Transliteration.mccuneReischauer(["su", "bin"]) == "subin")
        let matcher = PhraseMatcher(phrases: ["김정기", "박서보", "김윤서"], ordinaryWords: OrdinaryWords(["a", "art", "by", "of", "portrait"]))
        func names(_ prompt: String) -> [Int] { matcher.matches(in: prompt).map(\.phrase) }
        for (prompt, name) in [
            ("art by Kim Jung Gi", 0), ("art by Kim Jung-gi", 0), ("Jung Gi Kim", 0), ("Kim Jeong-gi", 0), ("Chong Chonggi", -1),
            ("Kim Chonggi", 0), ("Pak Sobo", 1), ("Bak Seobo", 1), ("Park Seo-bo", 1), ("Kim Yoon-seo", 2),
        ] where name >= 0 {
            #expect(names(prompt) == [name], "\(prompt)")
        }
        // A Korean name's readings take no slip: "Junseo" is another person's name, not Yunseo misspelt.
        #expect(names("portrait of Gim Junseo").isEmpty)
        #expect(names("portrait of Kim Yunseu").isEmpty)
    }

    @Test func chineseNamesAreReadInWadeGilesAndNotInsideHyphenatedNames() {
        #expect(
            ["qi", "bai", "shi", "xu", "hong", "zhang", "qian", "zhao", "ji", "gui", "guo", "zi", "ye"].map(Transliteration.wadeGiles)
                == ["chi", "pai", "shih", "hsu", "hung", "chang", "chien", "chao", "chi", "kuei", "kuo", "tzu", "yeh"]
        )
        let matcher = PhraseMatcher(phrases: ["齐白石", "陈莉", "李华"], ordinaryWords: OrdinaryWords(["a", "art", "by", "of", "portrait"]))
        func names(_ prompt: String) -> [Int] { matcher.matches(in: prompt).map(\.phrase) }
        for prompt in ["art by Qi Baishi", "art by Ch'i Pai-shih", "Chi Paishih", "Qi Bai-shi"] {
            #expect(names(prompt) == [0], "\(prompt)")
        }
        #expect(names("portrait of Chen Li") == [1])
        #expect(names("by Li Hua") == [2])
        #expect(names("Li-hua").isEmpty)
        // A registered name beside or across a hyphenated given name is not the name: "Li-xue" and "Li-hua" are given
        // names.
        #expect(names("portrait of Chen Li-xue").isEmpty)
        #expect(names("portrait of Zheng Li-hua").isEmpty)
    }
}
