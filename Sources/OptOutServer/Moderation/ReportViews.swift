import Foundation
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

/// The JSON shapes of reports.
enum ReportViews {
    static func parse(_ json: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))) ?? .null
    }

    static func target(_ report: ReportRecord) -> JSONValue {
        .object([report.targetKind == "generation" ? "generation_id" : "image_url": .string(report.target)])
    }

    static func outcome(_ report: ReportRecord) -> JSONValue {
        guard report.status == .takenDown || report.status == .dismissed else { return .null }
        return .object([
            "result": .string(report.status.rawValue),
            "decided_by": report.decidedByRole.map(JSONValue.string) ?? .null,
            "decided_at": report.decidedAt.map { .string(JSONText.iso($0)) } ?? .null,
        ])
    }

    static func queueItem(_ report: ReportRecord, artistName: String, claimerName: String?, now: Date) -> [String: JSONValue] {
        let claim = report.claim(at: now)
        return [
            "id": .int(report.id!.rawValue),
            "artist_id": .int(report.artistId.rawValue),
            "artist_name": .string(artistName),
            "target": target(report),
            "category": .string(report.category.rawValue),
            "status": .string(report.status.rawValue),
            "unanswered": .bool(report.unanswered),
            "reporter_count": .int(Int64(report.reporterCount)),
            "claimed_by": claim.map { .int($0.holder) } ?? .null,
            "claimed_by_name": claim != nil ? (claimerName.map(JSONValue.string) ?? .null) : .null,
            "claim_expires_at": claim.map { .string(JSONText.iso($0.expiresAt)) } ?? .null,
            "ruling_due_at": report.rulingDueAt.map { .string(JSONText.iso($0)) } ?? .null,
            "outcome": outcome(report),
            "version": .int(report.version),
            "created_at": .string(JSONText.iso(report.createdAt)),
            "updated_at": .string(JSONText.iso(report.updatedAt)),
        ]
    }

    static func reporterItem(
        _ report: ReportRecord,
        artistName: String,
        category: String,
        details: String,
        reportedAt: Date
    ) -> [String: JSONValue] {
        [
            "id": .int(report.id!.rawValue),
            "artist_id": .int(report.artistId.rawValue),
            "artist_name": .string(artistName),
            "target": target(report),
            "category": .string(category),
            "details": .string(details),
            "status": .string(report.status.rawValue),
            "outcome": outcome(report),
            "reporter_count": .int(Int64(report.reporterCount)),
            "reported_at": .string(JSONText.iso(reportedAt)),
            "updated_at": .string(JSONText.iso(report.updatedAt)),
        ]
    }

    static func event(_ event: ReportEventRecord, actorName: String?) -> JSONValue {
        .object([
            "id": .int(event.id!),
            "report_id": .int(event.reportId.rawValue),
            "at": .string(JSONText.iso(event.createdAt)),
            "actor": .object([
                "account_id": event.actorAccountId.map { .int($0.rawValue) } ?? .null,
                "role": .string(event.actorRole.rawValue),
                "display_name": actorName.map(JSONValue.string) ?? .null,
            ]),
            "action": .string(event.action),
            "from_status": event.fromStatus.map { .string($0.rawValue) } ?? .null,
            "to_status": .string(event.toStatus.rawValue),
            "note": event.note.map(JSONValue.string) ?? .null,
        ])
    }
}
