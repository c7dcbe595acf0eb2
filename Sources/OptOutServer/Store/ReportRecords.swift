import Foundation
import GRDB
import OptOutCore

/// A queue item: one per artist and reported target.
public struct ReportRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "report"
    public var id: ID<ReportRecord>?
    public var artistId: ID<ArtistRecord>
    public var targetKind: String
    public var target: String
    public var category: ReportCategory
    public var status: ReportStatus
    public var reporterCount: Int
    /// JSON text.
    public var snapshot: String
    public var claimedBy: ID<AccountRecord>?
    public var claimExpiresAt: Date?
    public var unanswered: Bool
    public var rulingDueAt: Date?
    public var decidedByRole: String?
    public var decidedAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }

    func claim(at now: Date) -> ReportClaim? {
        ReportClaim.current(holder: claimedBy?.rawValue, expiresAt: claimExpiresAt, now: now)
    }
}

public struct ReportReporterRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "report_reporter"
    public var reportId: ID<ReportRecord>
    public var accountId: ID<AccountRecord>
    public var category: ReportCategory
    public var details: String
    public var createdAt: Date
}

/// One step in the audit trail. The table refuses UPDATE and DELETE.
public struct ReportEventRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "report_event"

    /// In what capacity the actor acted.
    public enum ActorRole: String, Codable, Sendable {
        case reporter, moderator, admin, artist, system
    }

    public var id: Int64?
    public var reportId: ID<ReportRecord>
    public var actorAccountId: ID<AccountRecord>?
    public var actorRole: ActorRole
    public var action: String
    public var fromStatus: ReportStatus?
    public var toStatus: ReportStatus
    public var note: String?
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
