import Foundation
import Testing

@testable import OptOutCore

@Suite struct ReportRulesTests {
    @Test func imageURLsHaveOneNormalForm() throws {
        #expect(try ReportTarget.normalizedImageURL(" HTTPS://Images.Example.ORG:443/Cat.png#frag ") == "https://images.example.org/Cat.png")
        #expect(try ReportTarget.normalizedImageURL("http://example.org:80") == "http://example.org/")
        #expect(try ReportTarget.normalizedImageURL("http://example.org:8080/a?b=1") == "http://example.org:8080/a?b=1")
        for bad in [
            "ftp://example.org/a.png", "example.org/a.png", "https://", "https://exa mple.org/", "javascript:alert(1)",
            "https://x.org/" + String(repeating: "a", count: 2048),
        ] {
            #expect(throws: DomainError.self, "\(bad)") { try ReportTarget.normalizedImageURL(bad) }
        }
    }

    @Test func aTargetIsExactlyOneOfAGenerationAndAnImage() throws {
        #expect(try ReportTarget.validated(generationId: "gen_abc", imageURL: nil) == .generation("gen_abc"))
        #expect(try ReportTarget.validated(generationId: nil, imageURL: "https://x.org/a.png") == .imageURL("https://x.org/a.png"))
        for (generation, image) in [(nil, nil), ("gen_abc", "https://x.org/a.png")] as [(String?, String?)] {
            do {
                _ = try ReportTarget.validated(generationId: generation, imageURL: image)
                Issue.record("accepted \(String(describing: generation)) \(String(describing: image))")
            } catch {
                #expect(error.code == "invalid_target")
                #expect(error.field == "target")
            }
        }
        #expect(throws: DomainError.self) { try ReportTarget.validated(generationId: "gen abc", imageURL: nil) }
        #expect(throws: DomainError.self) { try ReportTarget.validated(generationId: "", imageURL: nil) }
        #expect(ReportTarget(kind: "image_url", value: "u") == .imageURL("u"))
        #expect(ReportTarget(kind: "post", value: "u") == nil)
    }

    @Test func notesAreTrimmedBoundedAndSayingSomething() throws {
        #expect(try ReportLimits.text(" Same palette.\n", field: "note", maxLength: 20, required: true) == "Same palette.")
        #expect(try ReportLimits.text(nil, field: "note", maxLength: 20, required: false) == nil)
        do {
            _ = try ReportLimits.text(nil, field: "note", maxLength: 20, required: true)
            Issue.record("a missing required note was accepted")
        } catch { #expect(error.code == "missing_field") }
        do {
            _ = try ReportLimits.text(" -- ", field: "note", maxLength: 20, required: true)
            Issue.record("an empty note was accepted")
        } catch { #expect(error.code == "missing_note") }
        do {
            _ = try ReportLimits.text(String(repeating: "a", count: 21), field: "note", maxLength: 20, required: false)
            Issue.record("a long note was accepted")
        } catch { #expect(error.code == "note_too_long") }
        do {
            _ = try ReportLimits.text("bell\u{07}", field: "details", maxLength: 20, required: false)
            Issue.record("a control character was accepted")
        } catch { #expect(error.code == "invalid_details") }
    }

    @Test func aClaimLapsesAfterItsTimeAndBelongsToOneModerator() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let claim = ReportClaim.current(holder: 7, expiresAt: now.addingTimeInterval(ReportClaim.lifetime), now: now)
        #expect(claim != nil)
        #expect(ReportClaim.standing(of: claim, for: 7) == .mine)
        #expect(ReportClaim.standing(of: claim, for: 8) == .heldBy(7, until: now.addingTimeInterval(1800)))
        #expect(ReportClaim.current(holder: 7, expiresAt: now, now: now) == nil)
        #expect(ReportClaim.current(holder: nil, expiresAt: nil, now: now) == nil)
        #expect(ReportClaim.standing(of: nil, for: 7) == .free)
        #expect(ReportClaim.lifetime == 30 * 60)
    }
}
