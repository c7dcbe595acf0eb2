import Foundation
import Logging
import OptOutCore
internal import PostgresNIO

/// Background jobs on one replica at a time: a job runs only while its replica holds a session-level advisory lock,
/// on a connection kept for it. When that replica dies its connection closes and PostgreSQL releases the lock;
/// another replica, trying every `interval`, takes over.
///
/// The jobs that run this way (the ruling sweep, change-log pruning) are safe to run twice: a lock lost with its
/// connection is noticed at the next round's check, so two replicas may overlap for at most one round.
package struct PostgresLeadership: Sendable {
    package let database: PostgresBackend

    /// The advisory-lock keys of the service's jobs.
    package enum Job: Int64, Sendable, CaseIterable {
        case rulingSweep = 0x6F70_746F_7574_0101
        case changeLogPruning = 0x6F70_746F_7574_0102
        case webhookDelivery = 0x6F70_746F_7574_0103
    }

    /// Runs `round` every `interval` while this process leads `job`, until the task is cancelled. `leading` is told
    /// each time this process takes or loses the lead.
    package func run(
        _ job: Job,
        interval: Duration,
        leading: (@Sendable (Bool) async -> Void)? = nil,
        round: @escaping @Sendable () async throws -> Void
    ) async {
        let logger = database.logger
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    guard try await Self.tryLock(connection, job, logger: logger) else { return }
                    await leading?(true)
                    // The lock belongs to this connection's session: closing it, however the lead ends (cancelled,
                    // lost, failed), is what lets another replica take over at once.
                    do {
                        while !Task.isCancelled {
                            do {
                                try await round()
                            } catch is CancellationError {
                                break
                            } catch {
                                logger.warning("background job failed", metadata: ["job": "\(job)", "error": "\(error)"])
                            }
                            try await Task.sleep(for: interval)
                            // Still ours? The query fails when the connection (and with it the lock) is gone.
                            guard try await Self.holds(connection, job, logger: logger) else { break }
                        }
                    } catch {
                        try? await connection.close()
                        await leading?(false)
                        throw error
                    }
                    try? await connection.close()
                    await leading?(false)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the database connection of a background job", metadata: ["job": "\(job)", "error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    private static func tryLock(_ connection: PostgresConnection, _ job: Job, logger: Logger) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_lock(\(job.rawValue))", logger: logger).first(Bool.self) ?? false
    }

    private static func holds(_ connection: PostgresConnection, _ job: Job, logger: Logger) async throws -> Bool {
        try await connection.query(
            """
            SELECT count(*) > 0 FROM pg_locks
            WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                AND ((classid::bigint << 32) | objid::bigint) = \(job.rawValue)
            """,
            logger: logger
        ).first(Bool.self) ?? false
    }

    package init(database: PostgresBackend) {
        self.database = database
    }
}
