import Testing

@testable import OptOutCore

@Suite struct AccountRulesTests {
    @Test func emailsAreLowerCasedAndMatchThePublishedPattern() throws {
        #expect(try AccountRules.normalizedEmail("Ann@Example.ORG") == "ann@example.org")
        #expect(try AccountRules.normalizedEmail("zoë@exämple.de") == "zoë@exämple.de")
    }

    @Test(arguments: [
        "", "ann", "ann@", "@example.org", "ann@example", "a b@example.org", "ann@@example.org", "ann@.org", " ann@example.org",
        "ann@example..org", "ann@example.org.", "a\u{85}@example.org",
    ])
    func malformedEmailsAreRefused(_ email: String) {
        #expect(throws: DomainError.self) { try AccountRules.normalizedEmail(email) }
    }

    @Test func passwordsAreEightToSeventyTwoBytes() throws {
        #expect(throws: DomainError.self) { try AccountRules.checkPassword("1234567") }
        try AccountRules.checkPassword("12345678")
        try AccountRules.checkPassword(String(repeating: "a", count: 72))
        do {
            try AccountRules.checkPassword(String(repeating: "a", count: 73))
            Issue.record("a 73-byte password was accepted")
        } catch {
            #expect(error.code == "password_too_long")
        }
        // 24 three-byte characters are 72 bytes; 25 are 75, and are refused though they are only 25 characters.
        try AccountRules.checkPassword(String(repeating: "€", count: 24))
        #expect(throws: DomainError.self) { try AccountRules.checkPassword(String(repeating: "€", count: 25)) }
    }

    @Test func rolesAreOrdered() {
        #expect(Role.admin > .moderator)
        #expect(Role.moderator > .member)
    }
}
