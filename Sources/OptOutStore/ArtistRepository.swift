import Foundation
import OptOutCore

/// What an import or an edit did to the registry.
package struct PhraseChanges: Sendable {
    package var inserted = 0
    package var heldForReview = 0
    package var released = 0
    package var changedFields = false
    package var changed: Bool { inserted > 0 || released > 0 || changedFields }
}

/// The artist opt-out registry in the database.
public struct ArtistRepository: Sendable {
    package let store: any SQLStore
    /// The collision guard, loaded on first use (its lists take a moment to read, and only writes of phrases need it).
    package let loadGuard: @Sendable () throws -> CollisionGuard

    package init(store: any SQLStore, collisionGuard: @escaping @Sendable () throws -> CollisionGuard) {
        self.store = store
        loadGuard = collisionGuard
    }

    package var collisionGuard: CollisionGuard {
        get throws { try loadGuard() }
    }

    // MARK: Reading

    package func artist(id: ID<ArtistRecord>) async throws -> ArtistRecord? {
        try await store.read { db in try db.fetchOne(ArtistRecord.self, id: id.rawValue) }
    }

    package func liveArtist(account: ID<AccountRecord>) async throws -> ArtistRecord? {
        try await store.read { db in
            try db.fetchOne(ArtistRecord.self, "SELECT * FROM artist WHERE account_id = ? AND withdrawn_at IS NULL", [account])
        }
    }

    package func view(of id: ID<ArtistRecord>) async throws -> ArtistView? {
        try await store.read { db in try Self.view(db, id: id) }
    }

    package static func view(_ db: any SQLSession, id: ID<ArtistRecord>) throws -> ArtistView? {
        guard let artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue) else { return nil }
        let phrases = try db.fetchAll(
            PhraseRecord.self,
            "SELECT * FROM phrase WHERE artist_id = ? AND released_at IS NULL ORDER BY position",
            [id]
        )
        let links = try db.column(String.self, "SELECT url FROM artist_link WHERE artist_id = ? ORDER BY position", [id])
        return ArtistView(
            id: id,
            accountId: artist.accountId,
            name: artist.name,
            aliases: phrases.filter { $0.kind == .alias }.map(\.text),
            creations: phrases.filter { $0.kind == .creation }.map(\.text),
            policy: artist.policy,
            links: links,
            verified: artist.verified,
            status: artist.withdrawnAt == nil ? "active" : "withdrawn",
            phrases: phrases.map { .init(id: $0.id, text: $0.text, kind: $0.kind, status: $0.status, reviewReason: $0.reviewReason) },
            createdAt: artist.createdAt,
            updatedAt: artist.updatedAt,
            withdrawnAt: artist.withdrawnAt
        )
    }

    // MARK: Writing

    /// Registers `submission` as `account`'s artist profile.
    ///
    /// - Throws: 409 `artist_exists` when the account already has a live profile, 409 `phrase_taken` when
    ///   another artist holds one of the phrases.
    package func create(account: ID<AccountRecord>, submission: ArtistSubmission) async throws -> ArtistView {
        let submission = try submission.validated()
        return try await store.write { db in
            if try db.fetchOne(ArtistRecord.self, "SELECT * FROM artist WHERE account_id = ? AND withdrawn_at IS NULL", [account]) != nil {
                throw DomainError(.conflict, code: "artist_exists", message: "This account already has an artist profile; edit it instead.")
            }
            let id: ID<ArtistRecord>
            do {
                id = try insertArtist(db, account: account, submission: submission, now: Date()).id
            } catch  where StoreFailure.isUniqueViolation(error) {
                // Two sign-ups of one account's profile at once: the partial unique index lets one through.
                throw DomainError(.conflict, code: "artist_exists", message: "This account already has an artist profile; edit it instead.")
            }
            _ = try replacePhrases(db, artist: id, with: submission.phrases, now: Date())
            return try Self.view(db, id: id)!
        }
    }

    /// The fields of an edit; nil leaves a field as it is.
    package struct Edit: Sendable {
        package var name: String?
        package var aliases: [String]?
        package var creations: [String]?
        package var policy: Policy?
        package var links: [String]?

        package init(name: String? = nil, aliases: [String]? = nil, creations: [String]? = nil, policy: Policy? = nil, links: [String]? = nil) {
            self.name = name
            self.aliases = aliases
            self.creations = creations
            self.policy = policy
            self.links = links
        }
    }

    /// Applies `edit` to a live artist. Phrases kept keep their id and status; removed ones are released.
    package func update(id: ID<ArtistRecord>, edit: Edit) async throws -> ArtistView {
        try await store.write { db in
            guard var artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue) else {
                throw DomainError(.notFound, code: "not_found", message: "Artist \(id) was not found.")
            }
            guard artist.withdrawnAt == nil else {
                throw DomainError(.conflict, code: "artist_withdrawn", message: "Artist \(id) was withdrawn and can no longer be edited.")
            }
            let current = try Self.view(db, id: id)!
            let verifiedHosts = try Self.verifiedHosts(db, artist: id)
            let submission = try ArtistSubmission(
                name: edit.name ?? current.name,
                aliases: edit.aliases ?? current.aliases,
                creations: edit.creations ?? current.creations,
                policy: edit.policy ?? current.policy,
                links: edit.links ?? current.links
            ).validated(verifiedHosts: verifiedHosts, existingLinks: Set(current.links))
            try apply(db, submission: submission, to: &artist, now: Date())
            return try Self.view(db, id: id)!
        }
    }

    /// Withdraws a live artist: its phrases stop blocking at once; the rows stay for the audit trail.
    package func withdraw(id: ID<ArtistRecord>) async throws -> ArtistView {
        try await store.write { db in
            guard var artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue) else {
                throw DomainError(.notFound, code: "not_found", message: "Artist \(id) was not found.")
            }
            guard artist.withdrawnAt == nil else {
                throw DomainError(.conflict, code: "artist_withdrawn", message: "Artist \(id) was already withdrawn.")
            }
            let now = Date()
            artist.withdrawnAt = now
            artist.updatedAt = now
            try db.update(artist)
            let released = try db.column(Int64.self, "SELECT id FROM phrase WHERE artist_id = ? AND released_at IS NULL", [id])
            try db.execute("UPDATE phrase SET released_at = ? WHERE artist_id = ? AND released_at IS NULL", [now, id])
            for phrase in released { try Self.settleReleased(db, phrase: phrase, now: now) }
            return try Self.view(db, id: id)!
        }
    }

    /// A moderator verifies the artist: it wins its open name disputes against unverified artists, and the disputes
    /// it lost to an unverified artist without a moderator's decision are reversed.
    package func setVerified(id: ID<ArtistRecord>, by moderator: ID<AccountRecord>? = nil) async throws -> ArtistView {
        try await store.write { db in
            guard var artist = try db.fetchOne(ArtistRecord.self, id: id.rawValue), artist.withdrawnAt == nil else {
                throw DomainError(.notFound, code: "not_found", message: "Artist \(id) was not found.")
            }
            artist.verified = true
            artist.updatedAt = Date()
            try db.update(artist)
            try reopenLostWithoutModerator(db, artist: id, actor: moderator, now: Date())
            try Self.settleByVerification(db, artist: id, actor: moderator, now: Date())
            return try Self.view(db, id: id)!
        }
    }

    /// Drops the artist's verified pages (after a rename): links to a whole host they allowed are held again.
    package static func forgetVerifiedLinks(_ db: any SQLSession, artist: ID<ArtistRecord>) throws {
        try db.execute("DELETE FROM artist_verified_link WHERE artist_id = ?", [artist])
        for link in try db.rows("SELECT id, url FROM artist_link WHERE artist_id = ? AND held = false", [artist])
        where LinkRules.claimsWholeHost(try link.get("url")) {
            try db.execute("UPDATE artist_link SET held = true WHERE id = ?", [try link.get("id", as: Int64.self)])
        }
    }

    /// Hosts where the artist verified a link, so a link to all of the host is theirs to list.
    package static func verifiedHosts(_ db: any SQLSession, artist: ID<ArtistRecord>) throws -> Set<String> {
        Set(try db.column(String.self, "SELECT host FROM artist_verified_link WHERE artist_id = ?", [artist]))
    }

    package func insertArtist(_ db: any SQLSession, account: ID<AccountRecord>?, submission: ArtistSubmission, now: Date) throws -> ArtistRecord {
        var artist = ArtistRecord(
            accountId: account,
            name: submission.name,
            nameKey: PhraseKey.make(submission.name),
            policy: submission.policy,
            verified: false,
            createdAt: now,
            updatedAt: now,
            withdrawnAt: nil
        )
        artist.id = try db.insertedID(artist)
        try replaceLinks(db, artist: artist.id, with: submission.links)
        return artist
    }

    /// Brings a live artist's fields, links and phrases in line with `submission`.
    @discardableResult
    package func apply(
        _ db: any SQLSession,
        submission: ArtistSubmission,
        to artist: inout ArtistRecord,
        now: Date,
        capUnreviewed: Bool = true
    ) throws -> PhraseChanges {
        let id = artist.id
        var changes = try replacePhrases(db, artist: id, with: submission.phrases, now: now, capUnreviewed: capUnreviewed)
        let links = try db.column(String.self, "SELECT url FROM artist_link WHERE artist_id = ? ORDER BY position", [id])
        if links != submission.links {
            try replaceLinks(db, artist: id, with: submission.links)
            changes.changedFields = true
        }
        if artist.name != submission.name || artist.policy != submission.policy {
            let key = PhraseKey.make(submission.name)
            // Verification covers the name it was given for: another name must be verified again, and so must the
            // pages verified under the old one (a whole-host link they allowed is held again).
            if key != artist.nameKey {
                artist.verified = false
                try Self.forgetVerifiedLinks(db, artist: id)
            }
            artist.name = submission.name
            artist.nameKey = key
            artist.policy = submission.policy
            changes.changedFields = true
        }
        if changes.changed {
            artist.updatedAt = now
            try db.update(artist)
        }
        return changes
    }

    private func replaceLinks(_ db: any SQLSession, artist: ID<ArtistRecord>, with links: [String]) throws {
        let verified = try Self.verifiedHosts(db, artist: artist)
        try db.execute("DELETE FROM artist_link WHERE artist_id = ?", [artist])
        for (position, url) in links.enumerated() {
            // A link to a whole host that the artist has not verified (one kept from before the rule) stays held.
            let held = LinkRules.claimsWholeHost(url) && !(LinkRules.host(of: url).map(verified.contains) ?? false)
            try db.execute(
                "INSERT INTO artist_link (artist_id, url, position, held) VALUES (?, ?, ?, ?)",
                [artist, url, position, held]
            )
        }
    }
}
