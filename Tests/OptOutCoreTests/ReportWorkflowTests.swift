import Testing

@testable import OptOutCore

@Suite struct ReportWorkflowTests {
    @Test func theLegalPaths() throws {
        #expect(try ReportWorkflow.next(from: .open, action: .decide(.dismiss)) == .dismissed)
        #expect(try ReportWorkflow.next(from: .open, action: .decide(.takeDown)) == .takenDown)
        #expect(try ReportWorkflow.next(from: .open, action: .decide(.askArtist)) == .awaitingArtist)
        #expect(try ReportWorkflow.next(from: .awaitingArtist, action: .rule(.imitation)) == .takenDown)
        #expect(try ReportWorkflow.next(from: .awaitingArtist, action: .rule(.notImitation)) == .dismissed)
        #expect(try ReportWorkflow.next(from: .awaitingArtist, action: .artistTimedOut) == .open)
        #expect(try ReportWorkflow.next(from: .takenDown, action: .reopen) == .open)
        #expect(try ReportWorkflow.next(from: .dismissed, action: .reopen) == .open)
    }

    @Test func everythingElseIsAConflictNamingTheCurrentState() {
        let actions: [ReportAction] =
            ReportAction.Decision.allCases.map { .decide($0) } + ReportAction.Verdict.allCases.map { .rule($0) } + [.artistTimedOut, .reopen]
        var illegal = 0
        for status in ReportStatus.allCases {
            for action in actions {
                do {
                    _ = try ReportWorkflow.next(from: status, action: action)
                } catch {
                    illegal += 1
                    #expect(error.kind == .conflict)
                    #expect(error.code == "illegal_transition")
                    #expect(error.message.hasPrefix("The report is \(status.rawValue.replacingOccurrences(of: "_", with: " "))"))
                }
            }
        }
        // 4 states x 7 actions, 8 of them legal.
        #expect(illegal == 20)
    }
}
