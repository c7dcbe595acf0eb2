import Testing

@testable import OptOutCore

@Suite struct PhraseKeyTests {
    @Test func caseSpacingAndPunctuationFoldTogether() {
        #expect(PhraseKey.make("Greg Rutkowski") == "greg rutkowski")
        #expect(PhraseKey.make("  GREG\t\tRUTKOWSKI ") == "greg rutkowski")
        #expect(PhraseKey.make("greg_rutkowski!") == "greg rutkowski")
    }

    @Test func accentsAndCompatibilityFormsFold() {
        #expect(PhraseKey.make("Alfons Mucha") == PhraseKey.make("Alfons Múcha"))
        #expect(PhraseKey.make("Ｍｕｃｈａ") == "mucha")
        #expect(PhraseKey.make("Beyoncé") == "beyonce")
    }

    @Test func lookalikeLettersFoldToTheLettersTheyImitate() {
        // Cyrillic е and о, Greek capital kappa, mathematical bold G.
        #expect(PhraseKey.make("Gr\u{0435}g Rutk\u{043E}wski") == "greg rutkowski")
        #expect(PhraseKey.make("\u{039A}linger") == "klinger")
        #expect(PhraseKey.make("\u{1D406}reg") == "greg")
    }

    @Test func invisibleCharactersVanish() {
        #expect(PhraseKey.make("Mu\u{200B}cha") == "mucha")
        #expect(PhraseKey.make("\u{FEFF}Mu\u{00AD}cha\u{202E}") == "mucha")
    }

    @Test func nonLatinScriptsSurvive() {
        #expect(PhraseKey.make("葛飾北斎") == "葛飾北斎")
        #expect(PhraseKey.make("Иван Шишкин") == PhraseKey.make("ИВАН  ШИШКИН"))
        #expect(PhraseKey.make("Иван Шишкин").split(separator: " ").count == 2)
    }

    @Test func onlyPunctuationHasAnEmptyKey() {
        #expect(PhraseKey.make("!!! ---").isEmpty)
        #expect(PhraseKey.make("\u{200B}\u{200B}").isEmpty)
    }

    @Test func lettersAreCountedWithoutMarksOrDigits() {
        #expect(PhraseKey.letterCount("R2D2") == 2)
        #expect(PhraseKey.letterCount("Zoë") == 3)
    }
}
