import Foundation
import Logging
import NIOConcurrencyHelpers
import OptOutCore
internal import PostgresNIO

/// ``RegistryStore``'s operations on PostgreSQL, and the notifications that tell a replica the registry moved.
package struct PostgresRegistryStore: Sendable {
    package let database: PostgresBackend

    private var client: PostgresClient { database.client }
    private var logger: Logger { database.logger }

    /// The channel the schema's triggers notify on every change of the registry or the links.
    package static let channel = "optout_registry"

    package func registryVersion() async throws -> Int64 {
        try await single("SELECT version FROM registry_state WHERE id = 1") ?? 0
    }

    package func linkVersion() async throws -> Int64 {
        try await single("SELECT version FROM link_state WHERE id = 1") ?? 0
    }

    /// Every active phrase in id order, with the change-log position and registry version they are as of (one
    /// repeatable-read transaction, so the three agree).
    package func activePhrases() async throws -> (phrases: [GatePhrase], seq: Int64, version: Int64) {
        try await client.withConnection { connection in
            try await connection.transaction(Self.snapshot, logger: logger) {
                let (seq, version) = try await Self.positions(connection, logger: logger)
                var phrases: [GatePhrase] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: Self.activePhrasesSQL + " ORDER BY phrase.id"), logger: logger)
                for try await row in rows.decode((Int64, String, String, Int64, String, String).self) {
                    phrases.append(Self.phrase(row))
                }
                return (phrases, seq, version)
            }
        }
    }

    /// The phrases changed after change-log position `seq` (as ``RegistryStore/activePhrases(after:)``).
    package func activePhrases(after seq: Int64) async throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64) {
        try await client.withConnection { connection in
            try await connection.transaction(Self.snapshot, logger: logger) {
                let (last, version) = try await Self.positions(connection, logger: logger)
                var changed: [Int64: GatePhrase?] = [:]
                if last > seq {
                    // Positions are handed out without gaps (under the counter's lock, rolled back with their
                    // transaction), so changes after seq exist but the first position left is above seq + 1, or none
                    // is left, means the leader pruned changes not read here.
                    let first = try await connection.query("SELECT min(seq) FROM registry_change", logger: logger).first(Int64?.self) ?? nil
                    if (first ?? last + 1) > seq + 1 { throw RegistryChangeLogGap() }
                    var ids: [Int64] = []
                    for try await (id, ) in try await connection.query(
                        "SELECT DISTINCT phrase_id FROM registry_change WHERE seq > \(seq) AND seq <= \(last)",
                        logger: logger
                    ).decode((Int64,).self) {
                        ids.append(id)
                    }
                    for id in ids { changed[id] = .some(nil) }
                    var query = PostgresQuery(unsafeSQL: Self.activePhrasesSQL + " AND phrase.id = ANY($1)")
                    query.binds.append(ids, context: .default)
                    for try await row in try await connection.query(query, logger: logger).decode((Int64, String, String, Int64, String, String).self)
                    {
                        let phrase = Self.phrase(row)
                        changed[phrase.id] = phrase
                    }
                }
                return (changed, last, version)
            }
        }
    }

    /// How many of the newest change-log positions the leader keeps: a replica behind by more loads everything again.
    package static let keptChanges: Int64 = 100_000

    /// The leader's pruning: forgets all but the newest `keeping` positions. Replicas follow the log each at its own
    /// pace, so no replica prunes what it folded in (as SQLite's single process does).
    package func pruneOldChanges(keeping: Int64 = keptChanges) async throws {
        try await client.query(
            "DELETE FROM registry_change WHERE seq <= (SELECT change_seq FROM registry_state WHERE id = 1) - \(keeping)",
            logger: logger
        )
    }

    /// Up to `limit` active phrases with ids above `after`, in id order.
    package func phrasePage(after: Int64, limit: Int) async throws -> [GatePhrase] {
        var phrases: [GatePhrase] = []
        let query = PostgresQuery(unsafeSQL: Self.activePhrasesSQL + " AND phrase.id > \(after) ORDER BY phrase.id LIMIT \(limit)")
        for try await row in try await client.query(query, logger: logger).decode((Int64, String, String, Int64, String, String).self) {
            phrases.append(Self.phrase(row))
        }
        return phrases
    }

    /// Up to `limit` links of live artists with ids above `after`, in id order (a held link is left out).
    package func linkPage(after: Int64, limit: Int) async throws -> [RegistryLink] {
        var links: [RegistryLink] = []
        let query = PostgresQuery(unsafeSQL: Self.liveLinksSQL + " AND artist_link.id > \(after) ORDER BY artist_link.id LIMIT \(limit)")
        for try await (id, url, artistId, artistName) in try await client.query(query, logger: logger).decode((Int64, String, Int64, String).self) {
            links.append(RegistryLink(id: id, url: url, artistId: artistId, artistName: artistName))
        }
        return links
    }

    /// Every link of a live artist, with the links' version they are as of.
    package func liveLinks() async throws -> (links: [RegistryLink], version: Int64) {
        try await client.withConnection { connection in
            try await connection.transaction(Self.snapshot, logger: logger) {
                let version = try await connection.query("SELECT version FROM link_state WHERE id = 1", logger: logger).first(Int64.self) ?? 0
                var links: [RegistryLink] = []
                for try await (id, url, artistId, artistName) in try await connection.query(
                    PostgresQuery(unsafeSQL: Self.liveLinksSQL),
                    logger: logger
                ).decode((Int64, String, Int64, String).self) {
                    links.append(RegistryLink(id: id, url: url, artistId: artistId, artistName: artistName))
                }
                return (links, version)
            }
        }
    }

    /// Calls `changed` with each notification's payload (`registry_state:<version>` or `link_state:<version>`) until
    /// the task is cancelled. A lost connection is reopened after `retry`; `changed` is called with nil then, as
    /// notifications may have been missed meanwhile (the caller polls the change log).
    package func listen(retry: Duration = .milliseconds(500), _ changed: @escaping @Sendable (String?) async -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        await changed(nil)
                        for try await notification in notifications {
                            await changed(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("registry notifications lost; reconnecting", metadata: ["error": "\(error)"])
                await changed(nil)
            }
            try? await Task.sleep(for: retry)
        }
    }

    private func single(_ query: PostgresQuery) async throws -> Int64? {
        try await client.query(query, logger: logger).first(Int64.self)
    }

    /// Reads that must agree with each other (the phrases, and the positions they are as of) share one snapshot.
    private static let snapshot: PostgresQuery = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    private static func positions(_ connection: PostgresConnection, logger: Logger) async throws -> (seq: Int64, version: Int64) {
        // change_seq is the last position handed out by a committed transaction: positions are handed out under
        // this row's lock, held to commit (see Migrations/postgres/0001_schema.sql), so none below it can appear later.
        for try await (seq, version) in try await connection.query(
            "SELECT change_seq, version FROM registry_state WHERE id = 1",
            logger: logger
        ).decode((Int64, Int64).self) {
            return (seq, version)
        }
        return (0, 0)
    }

    private static var activePhrasesSQL: String { RegistryStore.activePhrasesSQL }

    private static let liveLinksSQL = """
        SELECT artist_link.id, artist_link.url, artist.id AS artist_id, artist.name AS artist_name
        FROM artist_link JOIN artist ON artist.id = artist_link.artist_id
        WHERE artist.withdrawn_at IS NULL AND NOT artist_link.held
        """

    private static func phrase(_ row: (Int64, String, String, Int64, String, String)) -> GatePhrase {
        GatePhrase(
            id: row.0,
            text: row.1,
            kind: PhraseKind(rawValue: row.2) ?? .name,
            artistId: row.3,
            artistName: row.4,
            policy: Policy(rawValue: row.5) ?? .block
        )
    }

    package init(database: PostgresBackend) {
        self.database = database
    }
}
