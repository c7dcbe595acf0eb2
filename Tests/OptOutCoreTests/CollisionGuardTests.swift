import Testing

@testable import OptOutCore

@Suite struct CollisionGuardTests {
    let guardian = CollisionGuard(
        dictionary: ["rose", "constant", "artist", "Sunset"],
        commonPhrases: ["kanye west"],
        matcherWords: OrdinaryWords(["a", "an", "and", "do", "o", "rose", "constant"])
    )

    @Test func dictionaryWordsWaitForReview() {
        #expect(guardian.initialStatus(for: "Rose") == .pendingReview)
        #expect(guardian.initialStatus(for: "CONSTANT") == .pendingReview)
        #expect(guardian.initialStatus(for: "sunset") == .pendingReview)
        #expect(guardian.reviewReason(for: "artist") == "is a common dictionary word")
    }

    @Test func shortPhrasesWaitForReview() {
        #expect(guardian.initialStatus(for: "Ando") == .active)  // "an do": the matcher joins no two ordinary words
        #expect(guardian.initialStatus(for: "Kanyewest") == .pendingReview)  // but joins "kanye west"
        #expect(guardian.initialStatus(for: "Ink") == .pendingReview)
        #expect(guardian.initialStatus(for: "A.B.") == .pendingReview)
        #expect(guardian.reviewReason(for: "R2D2") == "has fewer than 4 letters")
    }

    @Test func namesAndMultiWordPhrasesBlockAtOnce() {
        #expect(guardian.initialStatus(for: "Greg Rutkowski") == .active)
        #expect(guardian.initialStatus(for: "Rose Constant") == .active)
        #expect(guardian.initialStatus(for: "Rutkowski") == .active)
    }
}
