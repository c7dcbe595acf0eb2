import Foundation
import OptOutCore

/// A complaint as the filer and the moderators see it.
package struct ComplaintView: Codable, Sendable, Equatable {
    package struct Event: Codable, Sendable, Equatable {
        package let action: String
        package let actorAccountId: Int64
        @Nullable package var note: String?
        package let createdAt: Date
    }

    /// The queue's category for complaints, beside the reports' categories.
    package var category = "opt_out_ignored"
    package let id: Int64
    package let status: ComplaintStatus
    package let rightsholder: String
    package let contactEmail: String
    package let workUrl: String
    package let usedIn: String
    @Nullable package var artistId: Int64?
    @Nullable package var artistName: String?
    package let details: String
    package let version: Int64
    package let createdAt: Date
    @Nullable package var decidedAt: Date?
    /// The audit trail, oldest first (the detail views only).
    package var history: [Event]?

    package init(
        category: String = "opt_out_ignored",
        id: Int64,
        status: ComplaintStatus,
        rightsholder: String,
        contactEmail: String,
        workUrl: String,
        usedIn: String,
        artistId: Int64? = nil,
        artistName: String? = nil,
        details: String,
        version: Int64,
        createdAt: Date,
        decidedAt: Date? = nil,
        history: [Event]? = nil
    ) {
        self.category = category
        self.id = id
        self.status = status
        self.rightsholder = rightsholder
        self.contactEmail = contactEmail
        self.workUrl = workUrl
        self.usedIn = usedIn
        self.artistId = artistId
        self.artistName = artistName
        self.details = details
        self.version = version
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.history = history
    }
}
