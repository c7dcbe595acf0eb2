import Foundation
import OptOutCore

/// The activity tables' storage: every statement about them is here.
package struct ActivityStore: Sendable {
    package let store: any SQLStore

    /// Adds counts to the day's rows, in one transaction.
    package func add(_ counts: [ActivityKey: ActivityCounts]) async throws {
        guard !counts.isEmpty else { return }
        try await store.write { db in
            for (key, value) in counts {
                // An artist gone from the table (never: artists are withdrawn, not deleted) would fail the foreign key.
                try db.execute(
                    """
                    INSERT INTO artist_activity (artist_id, day, refused, credited) VALUES (?, ?, ?, ?)
                    ON CONFLICT (artist_id, day) DO UPDATE
                    SET refused = artist_activity.refused + excluded.refused, credited = artist_activity.credited + excluded.credited
                    """,
                    [key.artistId, key.day, value.refused, value.credited]
                )
            }
        }
    }

    /// One artist's rows from `fromDay` on.
    package func activity(artist: Int64, fromDay: String) async throws -> [String: ActivityCounts] {
        try await store.read { db in
            try db.rows("SELECT day, refused, credited FROM artist_activity WHERE artist_id = ? AND day >= ?", [artist, fromDay])
                .reduce(into: [:]) {
                    $0[try $1.get("day")] = ActivityCounts(refused: try $1.get("refused"), credited: try $1.get("credited"))
                }
        }
    }

    /// The queue's sizes as of now, as the day's reading.
    package func recordQueueSizes(_ sizes: [(kind: String, status: String, count: Int)], day: String) async throws {
        try await store.write { db in
            for size in sizes {
                try db.execute(
                    "INSERT INTO queue_size (day, kind, status, count) VALUES (?, ?, ?, ?) ON CONFLICT (day, kind, status) DO UPDATE SET count = excluded.count",
                    [day, size.kind, size.status, size.count]
                )
            }
        }
    }

    /// The daily readings from `fromDay` on.
    package func queueHistory(fromDay: String) async throws -> [(day: String, kind: String, status: String, count: Int)] {
        try await store.read { db in
            try db.rows("SELECT day, kind, status, count FROM queue_size WHERE day >= ? ORDER BY day, kind, status", [fromDay])
                .map { (try $0.get("day"), try $0.get("kind"), try $0.get("status"), try $0.get("count")) }
        }
    }

    /// Forgets rows older than `day` (a year back).
    package func prune(before day: String) async throws {
        try await store.write { db in
            try db.execute("DELETE FROM artist_activity WHERE day < ?", [day])
            try db.execute("DELETE FROM queue_size WHERE day < ?", [day])
        }
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}

/// One artist's counts of one day.
package struct ActivityKey: Hashable, Sendable {
    package let artistId: Int64
    package let day: String

    package init(artistId: Int64, day: String) {
        self.artistId = artistId
        self.day = day
    }
}

/// What the gate's decisions did for an artist: prompts refused, prompts allowed with a credit.
package struct ActivityCounts: Sendable, Equatable {
    package var refused = 0
    package var credited = 0

    package init(refused: Int = 0, credited: Int = 0) {
        self.refused = refused
        self.credited = credited
    }
}
