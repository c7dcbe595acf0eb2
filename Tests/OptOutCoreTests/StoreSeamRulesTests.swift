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
