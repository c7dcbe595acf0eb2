import Foundation
internal import GRDB
import OptOutCore

/// A phrase as the gate reports it.
package struct GatePhrase: Sendable {
    package let id: Int64
    package let text: String
    package let kind: PhraseKind
    package let artistId: Int64
    package let artistName: String
    package let policy: Policy
}

/// A link of a live artist, as the dataset builders' look-up and export read it.
package struct RegistryLink: Sendable {
    package let id: Int64
    package let url: String
    package let artistId: Int64
    package let artistName: String
}

/// The registry as the prompt gate and the dataset builders read it: the active phrases, the change log the gate
/// follows, the links, and the versions that say when either changed.
package struct RegistryStore: Sendable {
    package let database: AppDatabase

    /// The registry's version: raised by every change of an active phrase (a trigger writes it).
    package func registryVersion() throws -> Int64 {
        try database.read(Self.registryVersion)
    }

    /// The links' version: raised by every change of a live artist's links.
    package func linkVersion() throws -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT version FROM link_state WHERE id = 1") ?? 0 }
    }

    /// Every active phrase in id order, with the change-log position and registry version they are as of.
    package func activePhrases() throws -> (phrases: [GatePhrase], seq: Int64, version: Int64) {
        try database.read { db in
            let seq = try Self.lastChange(db)
            let version = try Self.registryVersion(db)
            var phrases: [GatePhrase] = []
            let cursor = try Row.fetchCursor(db, sql: Self.activePhrasesSQL + " ORDER BY phrase.id")
            while let row = try cursor.next() { phrases.append(Self.phrase(row)) }
            return (phrases, seq, version)
        }
    }

    /// The phrases changed after change-log position `seq`: each phrase as it is now when it is active, nil when it
    /// stopped being; empty when nothing changed. Also the new position and the registry version.
    package func activePhrases(after seq: Int64) throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64) {
        try database.read { db in
            let last = try Self.lastChange(db)
            let version = try Self.registryVersion(db)
            guard last > seq else { return ([:], last, version) }
            let ids = try Int64.fetchAll(
                db,
                sql: "SELECT DISTINCT phrase_id FROM registry_change WHERE seq > ? AND seq <= ?",
                arguments: [seq, last]
            )
            var changed: [Int64: GatePhrase?] = [:]
            for id in ids { changed[id] = .some(nil) }
            for part in ids.chunked(500) {
                let rows = try Row.fetchAll(
                    db,
                    sql: Self.activePhrasesSQL + " AND phrase.id IN (\(SQLList.repeating("?", part.count)))",
                    arguments: StatementArguments(Array(part))
                )
                for row in rows {
                    let phrase = Self.phrase(row)
                    changed[phrase.id] = phrase
                }
            }
            return (changed, last, version)
        }
    }

    /// Forgets the change log up to and including `seq`, once a full load has folded it in.
    package func pruneChanges(through seq: Int64) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM registry_change WHERE seq <= ?", arguments: [seq])
        }
    }

    /// Up to `limit` active phrases with ids above `after`, in id order.
    package func phrasePage(after: Int64, limit: Int) throws -> [GatePhrase] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.activePhrasesSQL + " AND phrase.id > ? ORDER BY phrase.id LIMIT ?", arguments: [after, limit])
                .map(Self.phrase)
        }
    }

    /// Up to `limit` links of live artists with ids above `after`, in id order (a held link is left out).
    package func linkPage(after: Int64, limit: Int) throws -> [RegistryLink] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: Self.liveLinksSQL + " AND artist_link.id > ? ORDER BY artist_link.id LIMIT ?",
                arguments: [after, limit]
            ).map(Self.link)
        }
    }

    /// Every link of a live artist, with the links' version they are as of.
    package func liveLinks() throws -> (links: [RegistryLink], version: Int64) {
        try database.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM link_state WHERE id = 1") ?? 0
            return (try Row.fetchAll(db, sql: Self.liveLinksSQL).map(Self.link), version)
        }
    }

    static func registryVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
    }

    private static func lastChange(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM registry_change") ?? 0
    }

    /// The active phrases with their artists: the same text on SQLite and PostgreSQL.
    package static let activePhrasesSQL = """
        SELECT phrase.id, phrase.text, phrase.kind, artist.id AS artist_id, artist.name AS artist_name, artist.policy
        FROM phrase JOIN artist ON artist.id = phrase.artist_id
        WHERE phrase.status = 'active' AND phrase.released_at IS NULL AND artist.withdrawn_at IS NULL
        """

    private static let liveLinksSQL = """
        SELECT artist_link.id, artist_link.url, artist.id AS artist_id, artist.name AS artist_name
        FROM artist_link JOIN artist ON artist.id = artist_link.artist_id
        WHERE artist.withdrawn_at IS NULL AND artist_link.held = 0
        """

    private static func phrase(_ row: Row) -> GatePhrase {
        GatePhrase(
            id: row["id"],
            text: row["text"],
            kind: PhraseKind(rawValue: row["kind"]) ?? .name,
            artistId: row["artist_id"],
            artistName: row["artist_name"],
            policy: Policy(rawValue: row["policy"]) ?? .block
        )
    }

    private static func link(_ row: Row) -> RegistryLink {
        RegistryLink(id: row["id"], url: row["url"], artistId: row["artist_id"], artistName: row["artist_name"])
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
