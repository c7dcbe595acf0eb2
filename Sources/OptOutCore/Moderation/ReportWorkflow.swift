/// Where a report about a style imitation stands.
public enum ReportStatus: String, Codable, Sendable, CaseIterable {
    /// In the moderators' queue.
    case open
    /// Sent to the artist, who rules on it.
    case awaitingArtist = "awaiting_artist"
    case takenDown = "taken_down"
    case dismissed
}

/// A step in a report's life, by a moderator, the artist, or the service's timer.
public enum ReportAction: Equatable, Sendable {
    public enum Decision: String, Codable, Sendable, CaseIterable {
        case dismiss
        case takeDown = "take_down"
        case askArtist = "ask_artist"
    }

    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case imitation
        case notImitation = "not_imitation"
    }

    /// A moderator's decision on an open report.
    case decide(Decision)
    /// The artist's ruling on a report sent to them.
    case rule(Verdict)
    /// The artist did not rule in time: the report returns to the moderators, marked unanswered.
    case artistTimedOut
    /// A moderator reopens a decided report.
    case reopen
}

/// The report state machine: pure, so the server only stores what it answers.
public enum ReportWorkflow {
    /// The status after `action`, or a conflict naming the current status when `action` is not allowed from it.
    public static func next(from status: ReportStatus, action: ReportAction) throws(DomainError) -> ReportStatus {
        switch (status, action) {
        case (.open, .decide(.dismiss)): return .dismissed
        case (.open, .decide(.takeDown)): return .takenDown
        case (.open, .decide(.askArtist)): return .awaitingArtist
        case (.awaitingArtist, .rule(.imitation)): return .takenDown
        case (.awaitingArtist, .rule(.notImitation)): return .dismissed
        case (.awaitingArtist, .artistTimedOut): return .open
        case (.takenDown, .reopen), (.dismissed, .reopen): return .open
        default:
            throw DomainError(
                .conflict,
                code: "illegal_transition",
                message: "The report is \(status.rawValue.replacingOccurrences(of: "_", with: " ")); \(describe(action)) is not possible now."
            )
        }
    }

    static func describe(_ action: ReportAction) -> String {
        switch action {
        case .decide(let decision): "the decision \(decision.rawValue)"
        case .rule(let verdict): "the ruling \(verdict.rawValue)"
        case .artistTimedOut: "returning it unanswered"
        case .reopen: "reopening it"
        }
    }
}
