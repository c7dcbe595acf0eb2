import Foundation
import OptOutCore

/// A queue item: one per artist and reported target.
public struct ReportRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "report"
    public var id: ID<ReportRecord>
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

    package func claim(at now: Date) -> ReportClaim? {
        ReportClaim.current(holder: claimedBy?.rawValue, expiresAt: claimExpiresAt, now: now)
    }

    package init(
        id: ID<ReportRecord> = .unsaved,
        artistId: ID<ArtistRecord>,
        targetKind: String,
        target: String,
        category: ReportCategory,
        status: ReportStatus,
        reporterCount: Int,
        snapshot: String,
        claimedBy: ID<AccountRecord>? = nil,
        claimExpiresAt: Date? = nil,
        unanswered: Bool,
        rulingDueAt: Date? = nil,
        decidedByRole: String? = nil,
        decidedAt: Date? = nil,
        version: Int64,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.artistId = artistId
        self.targetKind = targetKind
        self.target = target
        self.category = category
        self.status = status
        self.reporterCount = reporterCount
        self.snapshot = snapshot
        self.claimedBy = claimedBy
        self.claimExpiresAt = claimExpiresAt
        self.unanswered = unanswered
        self.rulingDueAt = rulingDueAt
        self.decidedByRole = decidedByRole
        self.decidedAt = decidedAt
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct ReportReporterRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "report_reporter"
    public var reportId: ID<ReportRecord>
    public var accountId: ID<AccountRecord>
    public var category: ReportCategory
    public var details: String
    public var createdAt: Date

    package init(reportId: ID<ReportRecord>, accountId: ID<AccountRecord>, category: ReportCategory, details: String, createdAt: Date) {
        self.reportId = reportId
        self.accountId = accountId
        self.category = category
        self.details = details
        self.createdAt = createdAt
    }
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

    package init(
        id: Int64? = nil,
        reportId: ID<ReportRecord>,
        actorAccountId: ID<AccountRecord>? = nil,
        actorRole: ActorRole,
        action: String,
        fromStatus: ReportStatus? = nil,
        toStatus: ReportStatus,
        note: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.reportId = reportId
        self.actorAccountId = actorAccountId
        self.actorRole = actorRole
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.note = note
        self.createdAt = createdAt
    }
}
