import Foundation
import OptOutCore

/// A name dispute as the moderators see it: both sides, and in the detail each side's links, verified pages and
/// account, with the dispute's history.
package struct NameDisputeView: Encodable, Sendable {
    package struct Side: Encodable, Sendable {
        package struct Account: Encodable, Sendable {
            package let id: Int64
            package let createdAt: Date
            package let ageDays: Int64
        }

        package let artistId: Int64
        package let artistName: String
        package let phraseId: Int64
        package let phrase: String
        package let phraseStatus: String
        package let verified: Bool
        package let verifiedForDisputes: Bool
        package let artistCreatedAt: Date
        /// The detail only (absent from the list); `account` is null there for an imported artist.
        package var links: [String]?
        package var verifiedLinks: [String]?
        package var account: Nullable<Account>?

        package init(
            artistId: Int64,
            artistName: String,
            phraseId: Int64,
            phrase: String,
            phraseStatus: String,
            verified: Bool,
            verifiedForDisputes: Bool,
            artistCreatedAt: Date,
            links: [String]? = nil,
            verifiedLinks: [String]? = nil,
            account: Nullable<Account>? = nil
        ) {
            self.artistId = artistId
            self.artistName = artistName
            self.phraseId = phraseId
            self.phrase = phrase
            self.phraseStatus = phraseStatus
            self.verified = verified
            self.verifiedForDisputes = verifiedForDisputes
            self.artistCreatedAt = artistCreatedAt
            self.links = links
            self.verifiedLinks = verifiedLinks
            self.account = account
        }
    }

    package struct Event: Encodable, Sendable {
        package let action: String
        @Nullable package var accountId: Int64?
        @Nullable package var note: String?
        package let at: Date
    }

    package let id: Int64
    package var kind = "name_dispute"
    package let status: String
    @Nullable package var winner: String?
    @Nullable package var decidedHow: String?
    package let version: Int64
    package let createdAt: Date
    @Nullable package var decidedAt: Date?
    @Nullable package var holder: Side?
    @Nullable package var challenger: Side?
    /// The detail only.
    package var history: [Event]?

    package init(
        id: Int64,
        status: String,
        winner: String?,
        decidedHow: String?,
        version: Int64,
        createdAt: Date,
        decidedAt: Date?,
        holder: Side?,
        challenger: Side?
    ) {
        self.id = id
        self.status = status
        self.winner = winner
        self.decidedHow = decidedHow
        self.version = version
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.holder = holder
        self.challenger = challenger
    }
}
