import Foundation
import GRDB
import OptOutCore

/// The activity tables' storage: every statement about them is here.
struct ActivityStore: Sendable {
    let database: AppDatabase

    /// Adds counts to the day's rows, in one transaction.
    func add(_ counts: [ActivityRecorder.Key: ActivityRecorder.Counts]) throws {
        guard !counts.isEmpty else { return }
        try database.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO artist_activity (artist_id, day, refused, credited) VALUES (?, ?, ?, ?)
                    ON CONFLICT (artist_id, day) DO UPDATE SET refused = refused + excluded.refused, credited = credited + excluded.credited
                    """
            )
            for (key, value) in counts {
                // An artist gone from the table (never: artists are withdrawn, not deleted) would fail the foreign key.
                try statement.execute(arguments: [key.artistId, key.day, value.refused, value.credited])
            }
        }
    }

    /// One artist's rows from `fromDay` on.
    func activity(artist: Int64, fromDay: String) throws -> [String: ActivityRecorder.Counts] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT day, refused, credited FROM artist_activity WHERE artist_id = ? AND day >= ?",
                arguments: [artist, fromDay]
            ).reduce(into: [:]) { $0[$1["day"]] = ActivityRecorder.Counts(refused: $1["refused"], credited: $1["credited"]) }
        }
    }

    /// The queue's sizes as of now, as the day's reading.
    func recordQueueSizes(_ sizes: [(kind: String, status: String, count: Int)], day: String) throws {
        try database.write { db in
            for size in sizes {
                try db.execute(
                    sql:
                        "INSERT INTO queue_size (day, kind, status, count) VALUES (?, ?, ?, ?) ON CONFLICT (day, kind, status) DO UPDATE SET count = excluded.count",
                    arguments: [day, size.kind, size.status, size.count]
                )
            }
        }
    }

    /// The daily readings from `fromDay` on.
    func queueHistory(fromDay: String) throws -> [(day: String, kind: String, status: String, count: Int)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT day, kind, status, count FROM queue_size WHERE day >= ? ORDER BY day, kind, status",
                arguments: [fromDay]
            )
            .map { ($0["day"], $0["kind"], $0["status"], $0["count"]) }
        }
    }

    /// Forgets rows older than `day` (a year back).
    func prune(before day: String) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM artist_activity WHERE day < ?", arguments: [day])
            try db.execute(sql: "DELETE FROM queue_size WHERE day < ?", arguments: [day])
        }
    }
}
