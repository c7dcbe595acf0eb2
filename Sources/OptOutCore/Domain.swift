/// What an artist wants done when a prompt names them.
public enum Policy: String, Codable, Sendable, CaseIterable {
    /// Refuse the prompt.
    case block
    /// Allow the prompt, and record that the output must credit the artist.
    case credit
}

/// Where a blocked phrase came from on the artist's form.
public enum PhraseKind: String, Codable, Sendable, CaseIterable {
    case name
    case alias
    case creation
}

/// Whether a phrase blocks prompts.
public enum PhraseStatus: String, Codable, Sendable, CaseIterable {
    /// The phrase blocks prompts.
    case active
    /// The phrase waits for a moderator, because it could collide with ordinary words.
    case pendingReview = "pending_review"
    /// A moderator ruled that the phrase must not block.
    case rejected
    /// Registered while an unverified artist held it: waits for a moderator's decision on the name dispute.
    case disputed
    /// Lost a name dispute: kept on the profile, never blocks.
    case superseded
}

/// An account's role. Roles are ordered: an admin may do what a moderator may.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case member
    case moderator
    case admin

    private var rank: Int {
        switch self {
        case .member: 0
        case .moderator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// What an image generator's API key may do.
public enum APIScope: String, Codable, Sendable, CaseIterable {
    /// `POST /v1/prompts/check`.
    case check
    /// `POST /v1/generations`.
    case generate
    /// The registry look-up and export for dataset builders.
    case registry
    /// `GET /metrics`, for a Prometheus scraper.
    case metrics
}
