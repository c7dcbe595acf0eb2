import Testing

@testable import OptOutCore

/// The hand-written shape checks decide exactly as the published patterns (read by Swift's own Regex engine).
@Suite struct ShapeRulesTests {
    static func generated(_ alphabet: [String], count: Int, maxLength: Int, prefixes: [String]) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            var text = prefixes.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 0...maxLength, using: &generator) { text += alphabet.randomElement(using: &generator)! }
            return text
        }
    }

    @Test func theLinkCheckIsThePattern() throws {
        let pattern = try Regex(ShapeRules.linkPattern)
        let alphabet = ["a", "Z", "0", ".", "-", "/", "/", "?", ":", "8", "%", "%2f", "%zz", "_", "~", "@", "'", " ", "é", "#", "[", "=", "&"]
        let samples =
            Self.generated(
                alphabet,
                count: 20_000,
                maxLength: 12,
                prefixes: ["http://", "https://", "HTTPS://", "hTtP://", "http:/", "ftp://", "https://a", ""]
            )
            + [
                "https://x.com", "https://x.com/", "https://x.com/a", "http://x.com//", "http://x.com/?q", "http://x.com?q", "https://a.b:80/a%20b",
                "https://a.b:123456/a", "https://a.b:/a", "https:///a", "https://a.b//?q", "https://a.b/?",
            ]
        for sample in samples {
            #expect(ShapeRules.isLink(sample) == ((try? pattern.wholeMatch(in: sample)) != nil), "\(sample.debugDescription)")
        }
    }

    @Test func theEmailCheckIsThePattern() throws {
        let pattern = try Regex(ShapeRules.emailPattern)
        let alphabet = ["a", "Z", "@", ".", ".", " ", "\u{85}", "\u{0}", "\u{9F}", "é", "\u{2003}", "-", "+", "\u{200B}", "\t"]
        let samples =
            Self.generated(alphabet, count: 20_000, maxLength: 10, prefixes: ["", "ann", "a@b", "a@b.", "@"])
            + ["ann@example.org", "ann@example", "a b@c.d", "ann@.org", "ann@example..org", "ann@example.org."]
        for sample in samples {
            #expect(ShapeRules.isEmail(sample) == ((try? pattern.wholeMatch(in: sample)) != nil), "\(sample.debugDescription)")
        }
    }
}
