import Foundation
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// Issue 22, item 2 and 4: what one free account could make the gate refuse. The collision guard judges every reading
/// the matcher will use, with the lists of what ordinary prompts and ordinary text use; the matcher reads neither a
/// surname-first order nor a Latin reading that is ordinary text.
@Suite struct GuardCorpusTests {
    let words = (ordinary: try! sharedWordLists.ordinary(), collisionGuard: try! sharedWordLists.collisionGuard())

    @Test func singlePromptWordsAndTagsWait() {
        for phrase in [
            "artstation", "Photorealistic", "volumetric", "CGSociety", "hyperrealistic", "bokeh", "1girl", "best quality", "lowres",
            "James", "octane", "looking at viewer", "Hatsune Miku", "masterpiece",
        ] {
            #expect(words.collisionGuard.reviewReason(for: phrase) != nil, "\(phrase)")
        }
    }

    @Test func everyReadingIsJudged() {
        // (b) Cyrillic read as English, (d) Han whose pinyin is English, ordinary words of other languages, and the
        // disguises the views undo: digits, run together, a slip, a plural.
        for phrase in [
            "портраит оф", "он ит", "ПОРТРАИТ", "阿满", "アニメ", "風景", "사람", "고양이", "кошка", "γάτα", "Art Station", "H1ghly Detailed",
            "Artstatoin", "Highly Detaileds", "Photorealistc", "Detailed Highly", "Trendin On Artstation", "Hyper Relaism",
        ] {
            #expect(words.collisionGuard.reviewReason(for: phrase) != nil, "\(phrase)")
        }
    }

    @Test func realNamesStillBlockAtOnce() {
        for phrase in [
            "Greg Rutkowski", "Wren Halloway", "Makoto Shinkai", "Alphonse Mucha", "Mark Hill", "Ray Sun", "新海誠", "Кирилл Петров",
            "Zdzisław Beksiński", "Loish Vandermeer", "Tadao Ando",
        ] {
            #expect(words.collisionGuard.reviewReason(for: phrase) == nil, "\(phrase): \(words.collisionGuard.reviewReason(for: phrase) ?? "")")
        }
    }

    @Test func surnameFirstAndLatinReadingsAreNotReadWhereTheyAreOrdinaryText() {
        let phrases = ["Ray Sun", "Mark Hill", "Detailed Highly", "Focus Sharp", "Kerry Winter", "Greg Rutkowski", "阿满", "Makoto Shinkai"]
        let matcher = PhraseMatcher(phrases: phrases, ordinaryWords: words.ordinary, wordOrder: nil)
        func found(_ prompt: String) -> [String] { matcher.search(prompt).matches.map { phrases[$0.phrase] } }
        #expect(found("a sun ray over the sea") == [])
        #expect(found("a hill, mark the spot") == [])
        #expect(found("hill mark on a map") == [])
        #expect(found("portrait, highly detailed, focus sharp") == ["Focus Sharp"])  // written as registered: found
        #expect(found("portrait, highly detailed, sharp focus") == [])
        #expect(found("a cold winter, kerry") == [])
        #expect(found("portrait by winter, kerry") == ["Kerry Winter"])
        #expect(found("winter, kerry") == ["Kerry Winter"])
        #expect(found("art by rutkowski, greg") == ["Greg Rutkowski"])
        #expect(found("rutkowski greg style") == ["Greg Rutkowski"])
        #expect(found("shinkai makoto") == ["Makoto Shinkai"])
        #expect(found("a man in a hat") == [])
        #expect(found("阿满的画") == ["阿满"])
        #expect(found("ray sun, oil on canvas") == ["Ray Sun"])
        // An ordinary English word of a prompt is never read as a misspelt phrase word: this one waits for nobody.
        let slip = PhraseMatcher(phrases: ["Trendin On Artstation"], ordinaryWords: words.ordinary, wordOrder: nil)
        #expect(slip.search("castle, trending on artstation").matches.isEmpty)
    }
}
