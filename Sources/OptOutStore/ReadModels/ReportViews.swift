import Foundation
import OptOutCore

/// The place in the queue after which the next page starts: `rank.reporters.id`.
package struct QueueCursor: Sendable, Equatable {
    package let rank: Int
    package let reporterCount: Int
    package let id: Int64

    package var text: String { "\(rank).\(reporterCount).\(id)" }

    package init(rank: Int, reporterCount: Int, id: Int64) {
        self.rank = rank
        self.reporterCount = reporterCount
        self.id = id
    }

    package init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // Digits only, as the OpenAPI pattern `^[01]\.[0-9]{1,18}\.[0-9]{1,18}$` says (Int("+1") would pass).
        guard parts.count == 3, parts[0] == "0" || parts[0] == "1",
            parts.dropFirst().allSatisfy({ (1...18).contains($0.count) && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let rank = Int(parts[0]), let count = Int(parts[1]), let id = Int64(parts[2])
        else { return nil }
        self.init(rank: rank, reporterCount: count, id: id)
    }
}

/// What a report is about: one key, `generation_id` or `image_url`.
package struct ReportTargetView: Encodable, Sendable, Equatable {
    package var generationId: String?
    package var imageUrl: String?

    package init(_ report: ReportRecord) {
        if report.targetKind == "generation" { generationId = report.target } else { imageUrl = report.target }
    }
}

/// How a decided report ended; a report still open has none (`null`).
package struct ReportOutcomeView: Encodable, Sendable, Equatable {
    package let result: String
    @Nullable package var decidedBy: String?
    @Nullable package var decidedAt: Date?

    package init?(_ report: ReportRecord) {
        guard report.status == .takenDown || report.status == .dismissed else { return nil }
        result = report.status.rawValue
        decidedBy = report.decidedByRole
        decidedAt = report.decidedAt
    }
}

/// A report as the moderators see it: an item of the queue, and with `detail` its snapshot, reporters and artist.
package struct ReportItemView: Encodable, Sendable {
    package struct Reporter: Encodable, Sendable {
        package let accountId: Int64
        package let category: String
        package let details: String
        package let reportedAt: Date
    }

    package struct Artist: Encodable, Sendable {
        package let id: Int64
        package let name: String
        package let verified: Bool
        package let canRule: Bool
        package let status: String
    }

    package let id: Int64
    package let artistId: Int64
    package let artistName: String
    package let target: ReportTargetView
    package let category: String
    package let status: String
    package let unanswered: Bool
    package let reporterCount: Int
    @Nullable package var claimedBy: Int64?
    @Nullable package var claimedByName: String?
    @Nullable package var claimExpiresAt: Date?
    @Nullable package var rulingDueAt: Date?
    @Nullable package var outcome: ReportOutcomeView?
    package let version: Int64
    package let createdAt: Date
    package let updatedAt: Date
    /// The detail only: the generation as it was when reported (stored JSON), the reporters, the artist.
    package var snapshot: JSONValue?
    package var reporters: [Reporter]?
    package var artist: Artist?

    package init(_ report: ReportRecord, artistName: String, claimerName: String?, now: Date) {
        let claim = report.claim(at: now)
        id = report.id.rawValue
        artistId = report.artistId.rawValue
        self.artistName = artistName
        target = ReportTargetView(report)
        category = report.category.rawValue
        status = report.status.rawValue
        unanswered = report.unanswered
        reporterCount = report.reporterCount
        claimedBy = claim?.holder
        claimedByName = claim != nil ? claimerName : nil
        claimExpiresAt = claim?.expiresAt
        rulingDueAt = report.rulingDueAt
        outcome = ReportOutcomeView(report)
        version = report.version
        createdAt = report.createdAt
        updatedAt = report.updatedAt
    }
}

/// A report as one of its reporters sees it: their own category and details, not the others'.
package struct ReporterReportView: Encodable, Sendable {
    package let id: Int64
    package let artistId: Int64
    package let artistName: String
    package let target: ReportTargetView
    package let category: String
    package let details: String
    package let status: String
    @Nullable package var outcome: ReportOutcomeView?
    package let reporterCount: Int
    package let reportedAt: Date
    package let updatedAt: Date
    /// The filing's answer only: whether this reporter had filed it already.
    package var alreadyReported: Bool?

    package init(_ report: ReportRecord, artistName: String, category: String, details: String, reportedAt: Date) {
        id = report.id.rawValue
        artistId = report.artistId.rawValue
        self.artistName = artistName
        target = ReportTargetView(report)
        self.category = category
        self.details = details
        status = report.status.rawValue
        outcome = ReportOutcomeView(report)
        reporterCount = report.reporterCount
        self.reportedAt = reportedAt
        updatedAt = report.updatedAt
    }
}

/// A report waiting for the artist's ruling, as the artist sees it: what reporters said, never who they are.
package struct RulingItemView: Encodable, Sendable {
    package struct Said: Encodable, Sendable {
        package let category: String
        package let details: String
    }

    package let id: Int64
    package let artistId: Int64
    package let artistName: String
    package let target: ReportTargetView
    package let category: String
    package let status: String
    package let reporterCount: Int
    package let reports: [Said]
    package let snapshot: JSONValue
    @Nullable package var moderatorNote: String?
    @Nullable package var rulingDueAt: Date?
    package let version: Int64
    package let createdAt: Date

    package init(
        id: Int64,
        artistId: Int64,
        artistName: String,
        target: ReportTargetView,
        category: String,
        status: String,
        reporterCount: Int,
        reports: [Said],
        snapshot: JSONValue,
        moderatorNote: String? = nil,
        rulingDueAt: Date? = nil,
        version: Int64,
        createdAt: Date
    ) {
        self.id = id
        self.artistId = artistId
        self.artistName = artistName
        self.target = target
        self.category = category
        self.status = status
        self.reporterCount = reporterCount
        self.reports = reports
        self.snapshot = snapshot
        self.moderatorNote = moderatorNote
        self.rulingDueAt = rulingDueAt
        self.version = version
        self.createdAt = createdAt
    }
}

/// One step of a report's history.
package struct ReportEventView: Encodable, Sendable {
    package struct Actor: Encodable, Sendable {
        @Nullable package var accountId: Int64?
        package let role: String
        @Nullable package var displayName: String?

        package init(accountId: Int64? = nil, role: String, displayName: String? = nil) {
            self.accountId = accountId
            self.role = role
            self.displayName = displayName
        }
    }

    package let id: Int64
    package let reportId: Int64
    package let at: Date
    package let actor: Actor
    package let action: String
    @Nullable package var fromStatus: String?
    package let toStatus: String
    @Nullable package var note: String?

    package init(_ event: ReportEventRecord, actorName: String?) {
        id = event.id ?? 0
        reportId = event.reportId.rawValue
        at = event.createdAt
        actor = Actor(accountId: event.actorAccountId?.rawValue, role: event.actorRole.rawValue, displayName: actorName)
        action = event.action
        fromStatus = event.fromStatus?.rawValue
        toStatus = event.toStatus.rawValue
        note = event.note
    }
}

/// A report's history: `{report_id, events}`.
package struct ReportHistoryView: Encodable, Sendable {
    package let reportId: Int64
    package let events: [ReportEventView]
}

/// A generation of the calling generator taken down, or restored by a reopening.
package struct TakedownView: Encodable, Sendable {
    package let eventId: Int64
    package let reportId: Int64
    package let generationId: String
    package let action: String
    package let decidedBy: String
    package let at: Date
}

/// Stored JSON (a report's snapshot) as a value.
package enum StoredJSON {
    package static func parse(_ json: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))) ?? .null
    }
}
