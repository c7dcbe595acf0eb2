import Foundation
import OptOutCore

/// A complaint as the filer and the moderators see it.
struct ComplaintView: Codable, Sendable, Equatable {
    struct Event: Codable, Sendable, Equatable {
        let action: String
        let actorAccountId: Int64
        @Nullable var note: String?
        let createdAt: Date
    }

    /// The queue's category for complaints, beside the reports' categories.
    var category = "opt_out_ignored"
    let id: Int64
    let status: ComplaintStatus
    let rightsholder: String
    let contactEmail: String
    let workUrl: String
    let usedIn: String
    @Nullable var artistId: Int64?
    @Nullable var artistName: String?
    let details: String
    let version: Int64
    let createdAt: Date
    @Nullable var decidedAt: Date?
    /// The audit trail, oldest first (the detail views only).
    var history: [Event]?
}
