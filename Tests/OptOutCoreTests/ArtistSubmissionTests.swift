import Testing

@testable import OptOutCore

@Suite struct ArtistSubmissionTests {
    private func code(_ submission: ArtistSubmission) -> String? {
        do {
            _ = try submission.validated()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func aValidSubmissionIsTrimmed() throws {
        let result = try ArtistSubmission(name: "  Greg Rutkowski ", aliases: [" Rutkowski"], links: ["https://example.org/a"]).validated()
        #expect(result.name == "Greg Rutkowski")
        #expect(result.aliases == ["Rutkowski"])
        #expect(result.links == ["https://example.org/a"])
    }

    @Test func linksFollowThePublishedPattern() throws {
        #expect(code(.init(name: "Greg", links: [" https://example.org/a"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["https://example.org/a b"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["https://example.org/%zz"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["ftp://example.org/a"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["https://example.org/a?b=c"])) == nil)
        #expect(code(.init(name: "Greg", links: ["https://example.org//"])) == "link_too_broad")
        #expect(code(.init(name: "Greg", links: ["https://example.org"])) == "link_too_broad")
        #expect(try ArtistSubmission(name: "Greg", links: ["https://example.org/"]).validated(verifiedHosts: ["example.org"]).links.count == 1)
    }

    @Test func nameLengthIsBounded() {
        #expect(code(.init(name: "A")) == "name_length")
        #expect(code(.init(name: "Ab")) == nil)
        #expect(code(.init(name: String(repeating: "a", count: 128))) == nil)
        #expect(code(.init(name: String(repeating: "a", count: 129))) == "name_length")
    }

    @Test func listSizesAreBounded() {
        #expect(code(.init(name: "Greg", aliases: (0..<51).map { "alias \($0)" })) == "too_many_aliases")
        #expect(code(.init(name: "Greg", aliases: (0..<50).map { "alias \($0)" })) == nil)
        #expect(code(.init(name: "Greg", creations: (0..<501).map { "work \($0)" })) == "too_many_creations")
        #expect(code(.init(name: "Greg", links: (0..<21).map { "https://example.org/\($0)" })) == "too_many_links")
    }

    @Test func linksMustBeHTTP() {
        #expect(code(.init(name: "Greg", links: ["ftp://example.org"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["javascript:alert(1)"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["not a url"])) == "invalid_link")
        #expect(code(.init(name: "Greg", links: ["http://example.org/x?y=1"])) == nil)
    }

    @Test func phrasesWithoutLettersOrWithControlsAreRefused() {
        #expect(code(.init(name: "!!!")) == "no_letters")
        #expect(code(.init(name: "Gr\u{0007}eg")) == "control_characters")
    }

    @Test func theFieldAtFaultIsNamed() {
        do {
            _ = try ArtistSubmission(name: "Greg", aliases: ["x"]).validated()
            Issue.record("a one-letter alias was accepted")
        } catch {
            #expect(error.field == "aliases")
            #expect(error.kind == .invalid)
        }
    }

    @Test func repeatedPhrasesAreDroppedKeepingTheFirstKind() {
        let phrases = ArtistSubmission(name: "Greg Rutkowski", aliases: ["greg  RUTKOWSKI", "Rutkowski"], creations: ["rutkowski"]).phrases
        #expect(phrases.map(\.text) == ["Greg Rutkowski", "Rutkowski"])
        #expect(phrases.map(\.kind) == [.name, .alias])
    }
}
