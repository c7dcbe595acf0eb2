import Foundation
import Hummingbird
import OptOutCore

/// The place in the queue after which the next page starts: `rank.reporters.id`.
struct QueueCursor: Sendable, Equatable {
    let rank: Int
    let reporterCount: Int
    let id: Int64

    var text: String { "\(rank).\(reporterCount).\(id)" }

    init(rank: Int, reporterCount: Int, id: Int64) {
        self.rank = rank
        self.reporterCount = reporterCount
        self.id = id
    }

    init?(_ text: String) {
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
struct ReportTargetView: Encodable, Sendable, Equatable {
    var generationId: String?
    var imageUrl: String?

    init(_ report: ReportRecord) {
        if report.targetKind == "generation" { generationId = report.target } else { imageUrl = report.target }
    }
}

/// How a decided report ended; a report still open has none (`null`).
struct ReportOutcomeView: Encodable, Sendable, Equatable {
    let result: String
    @Nullable var decidedBy: String?
    @Nullable var decidedAt: Date?

    init?(_ report: ReportRecord) {
        guard report.status == .takenDown || report.status == .dismissed else { return nil }
        result = report.status.rawValue
        decidedBy = report.decidedByRole
        decidedAt = report.decidedAt
    }
}

/// A report as the moderators see it: an item of the queue, and with `detail` its snapshot, reporters and artist.
struct ReportItemView: ResponseEncodable, Sendable {
    struct Reporter: Encodable, Sendable {
        let accountId: Int64
        let category: String
        let details: String
        let reportedAt: Date
    }

    struct Artist: Encodable, Sendable {
        let id: Int64
        let name: String
        let verified: Bool
        let canRule: Bool
        let status: String
    }

    let id: Int64
    let artistId: Int64
    let artistName: String
    let target: ReportTargetView
    let category: String
    let status: String
    let unanswered: Bool
    let reporterCount: Int
    @Nullable var claimedBy: Int64?
    @Nullable var claimedByName: String?
    @Nullable var claimExpiresAt: Date?
    @Nullable var rulingDueAt: Date?
    @Nullable var outcome: ReportOutcomeView?
    let version: Int64
    let createdAt: Date
    let updatedAt: Date
    /// The detail only: the generation as it was when reported (stored JSON), the reporters, the artist.
    var snapshot: JSONValue?
    var reporters: [Reporter]?
    var artist: Artist?

    init(_ report: ReportRecord, artistName: String, claimerName: String?, now: Date) {
        let claim = report.claim(at: now)
        id = report.id!.rawValue
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
struct ReporterReportView: ResponseEncodable, Sendable {
    let id: Int64
    let artistId: Int64
    let artistName: String
    let target: ReportTargetView
    let category: String
    let details: String
    let status: String
    @Nullable var outcome: ReportOutcomeView?
    let reporterCount: Int
    let reportedAt: Date
    let updatedAt: Date
    /// The filing's answer only: whether this reporter had filed it already.
    var alreadyReported: Bool?

    init(_ report: ReportRecord, artistName: String, category: String, details: String, reportedAt: Date) {
        id = report.id!.rawValue
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
struct RulingItemView: ResponseEncodable, Sendable {
    struct Said: Encodable, Sendable {
        let category: String
        let details: String
    }

    let id: Int64
    let artistId: Int64
    let artistName: String
    let target: ReportTargetView
    let category: String
    let status: String
    let reporterCount: Int
    let reports: [Said]
    let snapshot: JSONValue
    @Nullable var moderatorNote: String?
    @Nullable var rulingDueAt: Date?
    let version: Int64
    let createdAt: Date
}

/// One step of a report's history.
struct ReportEventView: Encodable, Sendable {
    struct Actor: Encodable, Sendable {
        @Nullable var accountId: Int64?
        let role: String
        @Nullable var displayName: String?
    }

    let id: Int64
    let reportId: Int64
    let at: Date
    let actor: Actor
    let action: String
    @Nullable var fromStatus: String?
    let toStatus: String
    @Nullable var note: String?

    init(_ event: ReportEventRecord, actorName: String?) {
        id = event.id!
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
struct ReportHistoryView: ResponseEncodable, Sendable {
    let reportId: Int64
    let events: [ReportEventView]
}

/// A generation of the calling generator taken down, or restored by a reopening.
struct TakedownView: Encodable, Sendable {
    let eventId: Int64
    let reportId: Int64
    let generationId: String
    let action: String
    let decidedBy: String
    let at: Date
}

/// Stored JSON (a report's snapshot) as a value.
enum StoredJSON {
    static func parse(_ json: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))) ?? .null
    }
}
