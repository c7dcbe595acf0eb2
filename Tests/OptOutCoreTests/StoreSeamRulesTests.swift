import Foundation
import Testing

@testable import OptOutCore

/// Rules that moved out of the server's controllers and store into the core.
@Suite struct StoreSeamRulesTests {
    @Test func aLinkCoversItselfAndEverythingBelowItAndAQueryOnlyItsURL() throws {
        var coverage = LinkCoverage()
        coverage.add(try #require(LinkCoverage.key("https://www.Example.org/greg/")), artistId: 1, link: "https://www.Example.org/greg/")
        coverage.add(try #require(LinkCoverage.key("https://shop.example/item?id=7")), artistId: 2, link: "https://shop.example/item?id=7")
        coverage.add(try #require(LinkCoverage.key("http://whole.example")), artistId: 3, link: "http://whole.example")
        func owner(_ url: String) -> Int64? { LinkCoverage.key(url).flatMap { coverage.match($0) }?.artistId }
        #expect(owner("http://example.org/greg/works/1") == 1)
        #expect(owner("https://EXAMPLE.org/greg") == 1)
        #expect(owner("https://example.org/gregory") == nil)
        #expect(owner("https://shop.example/item?id=7") == 2)
        #expect(owner("https://shop.example/item?id=8") == nil)
        #expect(owner("https://shop.example/item") == nil)
        #expect(owner("https://whole.example/any/thing") == 3)
        #expect(LinkCoverage.key("ftp://example.org/greg") == nil)
        #expect(coverage.links.count == 3)
    }

    /// Issue 22: equivalent forms of an opted-out page (RFC 3986, section 6) meet, on both sides.
    @Test func equivalentFormsOfALinkAreOneLink() throws {
        var coverage = LinkCoverage()
        coverage.add(try #require(LinkCoverage.key("https://example.org/greg")), artistId: 1, link: "https://example.org/greg")
        coverage.add(
            try #require(LinkCoverage.key("https://www.artstation.com/Rutkowski")),
            artistId: 2,
            link: "https://www.artstation.com/Rutkowski"
        )
        coverage.add(try #require(LinkCoverage.key("https://x.example/a%2fb?q=%7e%41")), artistId: 3, link: "https://x.example/a%2fb?q=%7e%41")
        func owner(_ url: String) -> Int64? { LinkCoverage.key(url).flatMap { coverage.match($0) }?.artistId }
        for url in [
            "https://example.org/%67reg/works/1", "https://example.org/./greg/x", "https://example.org/other/../greg/y", "https://example.org//greg",
            "https://example.org./greg", "https://EXAMPLE.ORG./greg/", "https://example.org/a/b/../../greg",
        ] {
            #expect(owner(url) == 1, "\(url)")
        }
        #expect(owner("https://example.org/Greg") == nil)  // a path's case matters on an ordinary host
        #expect(owner("https://artstation.com/rutkowski/artwork/1") == 2)
        #expect(owner("https://www.artstation.com/RUTKOWSKI") == 2)
        #expect(owner("https://x.example/a%2Fb?q=~A") == 3)
        #expect(owner("https://x.example/a/b?q=~A") == nil)  // an encoded slash is not a slash
        #expect(owner("https://example.org/%2E%2E/greg") == 1)
    }

    @Test func onlyAVerifiedArtistWithAnAccountWhoStayedMayRule() {
        #expect(RulingEligibility.canRule(verified: true, hasAccount: true, withdrawn: false))
        #expect(!RulingEligibility.canRule(verified: false, hasAccount: true, withdrawn: false))
        #expect(!RulingEligibility.canRule(verified: true, hasAccount: false, withdrawn: false))
        #expect(!RulingEligibility.canRule(verified: true, hasAccount: true, withdrawn: true))
        #expect(RulingEligibility.obstacle(id: 4, exists: false, verified: true, hasAccount: true, withdrawn: false) == "Artist 4 no longer exists.")
        #expect(
            RulingEligibility.obstacle(id: 4, exists: true, verified: false, hasAccount: true, withdrawn: false)?.contains("not verified") == true
        )
    }

    @Test func aPromptIsAllowedWhenReadThroughWithNoBlockMatch() {
        #expect(GateVerdict.allowed(complete: true, policies: [Policy.credit]))
        #expect(GateVerdict.allowed(complete: true, policies: [Policy]()))
        #expect(!GateVerdict.allowed(complete: true, policies: [Policy.credit, .block]))
        #expect(!GateVerdict.allowed(complete: false, policies: [Policy]()))
    }

    @Test func promptsAndPlansAreChecked() throws {
        #expect(throws: DomainError.self) { try PromptRules.validated("") }
        #expect(throws: DomainError.self) { try PromptRules.validated(String(repeating: "a", count: PromptRules.maxScalars + 1)) }
        #expect(try PromptRules.validated("a castle") == "a castle")
        let plans = PlanCatalog()
        #expect(throws: DomainError.self) { try plans.checkPlan("gold") }
        try plans.checkPlan("member")
    }
}
