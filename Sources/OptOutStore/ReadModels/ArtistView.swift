import Foundation
import OptOutCore

/// An artist with its live phrases and links, as the API shows it.
public struct ArtistView: Codable, Sendable, Equatable {
    public struct Phrase: Codable, Sendable, Equatable {
        public let id: ID<PhraseRecord>
        public let text: String
        public let kind: PhraseKind
        public let status: PhraseStatus
        public let reviewReason: String?

        package init(id: ID<PhraseRecord>, text: String, kind: PhraseKind, status: PhraseStatus, reviewReason: String?) {
            self.id = id
            self.text = text
            self.kind = kind
            self.status = status
            self.reviewReason = reviewReason
        }
    }

    public let id: ID<ArtistRecord>
    public let accountId: ID<AccountRecord>?
    public let name: String
    public let aliases: [String]
    public let creations: [String]
    public let policy: Policy
    public let links: [String]
    public let verified: Bool
    /// `active`, or `withdrawn` once the artist withdrew.
    public let status: String
    public let phrases: [Phrase]
    public let createdAt: Date
    public let updatedAt: Date
    public let withdrawnAt: Date?

    package init(
        id: ID<ArtistRecord>,
        accountId: ID<AccountRecord>?,
        name: String,
        aliases: [String],
        creations: [String],
        policy: Policy,
        links: [String],
        verified: Bool,
        status: String,
        phrases: [Phrase],
        createdAt: Date,
        updatedAt: Date,
        withdrawnAt: Date?
    ) {
        self.id = id
        self.accountId = accountId
        self.name = name
        self.aliases = aliases
        self.creations = creations
        self.policy = policy
        self.links = links
        self.verified = verified
        self.status = status
        self.phrases = phrases
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.withdrawnAt = withdrawnAt
    }
}
