import Foundation
import OptOutCore

/// A complaint as the filer and the moderators see it.
struct ComplaintView: Codable, Sendable, Equatable {
    struct Event: Codable, Sendable, Equatable {
        let action: String
        let actorAccountId: Int64
        let note: String?
        let createdAt: Date

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(action, forKey: .action)
            try container.encode(actorAccountId, forKey: .actorAccountId)
            try container.encode(note, forKey: .note)
            try container.encode(createdAt, forKey: .createdAt)
        }
    }

    /// The queue's category for complaints, beside the reports' categories.
    var category = "opt_out_ignored"
    let id: Int64
    let status: ComplaintStatus
    let rightsholder: String
    let contactEmail: String
    let workUrl: String
    let usedIn: String
    let artistId: Int64?
    let artistName: String?
    let details: String
    let version: Int64
    let createdAt: Date
    let decidedAt: Date?
    /// The audit trail, oldest first (the detail views only).
    var history: [Event]?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(category, forKey: .category)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(rightsholder, forKey: .rightsholder)
        try container.encode(contactEmail, forKey: .contactEmail)
        try container.encode(workUrl, forKey: .workUrl)
        try container.encode(usedIn, forKey: .usedIn)
        try container.encode(artistId, forKey: .artistId)
        try container.encode(artistName, forKey: .artistName)
        try container.encode(details, forKey: .details)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(decidedAt, forKey: .decidedAt)
        try container.encodeIfPresent(history, forKey: .history)
    }
}
