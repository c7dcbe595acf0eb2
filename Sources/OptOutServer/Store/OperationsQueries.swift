import Foundation
import GRDB
import OptOutCore

/// The figures operators read, as named queries.
struct OperationsQueries {
    let database: AppDatabase

    /// Moderation items by kind and status, every status present (0 when none).
    func queueSizes() throws -> [(kind: String, status: String, count: Int)] {
        try database.read { db in
            var sizes: [(kind: String, status: String, count: Int)] = []
            let kinds: [(String, String, [String])] = [
                ("report", "report", ["open", "awaiting_artist", "taken_down", "dismissed"]),
                ("complaint", "complaint", ComplaintStatus.allCases.map(\.rawValue)),
                ("name_dispute", "name_dispute", ["open", "decided"]),
            ]
            for (kind, table, statuses) in kinds {
                let counts = try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM \(table) GROUP BY status")
                    .reduce(into: [String: Int]()) { $0[$1["status"]] = $1["n"] }
                for status in statuses { sizes.append((kind, status, counts[status] ?? 0)) }
            }
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM phrase WHERE status = 'pending_review' AND released_at IS NULL") ?? 0
            sizes.append(("phrase_review", "pending_review", pending))
            return sizes
        }
    }

    /// Reads the registry's state: whether the database answers at all (`GET /health`).
    func ping() throws {
        _ = try database.read(RegistryStore.registryVersion)
    }

    /// Writes the health probe's row: whether the database can be written (`GET /health/ready`).
    func probeWrite(now: Date = Date()) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE health_probe SET probed_at = ? WHERE id = 1", arguments: [now])
        }
    }
}
