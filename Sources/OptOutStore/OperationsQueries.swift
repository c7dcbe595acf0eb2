import Foundation
import OptOutCore

/// The figures operators read, as named queries.
package struct OperationsQueries: Sendable {
    package let store: any SQLStore

    /// Moderation items by kind and status, every status present (0 when none).
    package func queueSizes() async throws -> [(kind: String, status: String, count: Int)] {
        try await store.read { db in
            var sizes: [(kind: String, status: String, count: Int)] = []
            let kinds: [(String, String, [String])] = [
                ("report", "report", ["open", "awaiting_artist", "taken_down", "dismissed"]),
                ("complaint", "complaint", ComplaintStatus.allCases.map(\.rawValue)),
                ("name_dispute", "name_dispute", ["open", "decided"]),
            ]
            for (kind, table, statuses) in kinds {
                let counts = try db.rows("SELECT status, count(*) AS n FROM \(table) GROUP BY status")
                    .reduce(into: [String: Int]()) { $0[try $1.get("status")] = try $1.get("n") }
                for status in statuses { sizes.append((kind, status, counts[status] ?? 0)) }
            }
            let pending = try db.value(Int.self, "SELECT count(*) FROM phrase WHERE status = 'pending_review' AND released_at IS NULL") ?? 0
            sizes.append(("phrase_review", "pending_review", pending))
            return sizes
        }
    }

    /// Reads the registry's state: whether the database answers at all (`GET /health`).
    package func ping() async throws {
        _ = try await store.read { db in try db.value(Int64.self, "SELECT version FROM registry_state WHERE id = 1") }
    }

    /// Writes the health probe's row: whether the database can be written (`GET /health/ready`).
    package func probeWrite(now: Date = Date()) async throws {
        try await store.write { db in
            try db.execute("UPDATE health_probe SET probed_at = ? WHERE id = 1", [now])
        }
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}
