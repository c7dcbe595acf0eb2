import Foundation
import OptOutCore

/// An artist with its live phrases and links, as the API shows it.
public struct ArtistView: Codable, Sendable, Equatable {
    public struct Phrase: Codable, Sendable, Equatable {
        public let id: ID<PhraseRecord>
        public let text: String
        public let kind: PhraseKind
        public let status: PhraseStatus
        public let reviewReason: String?

        package init(id: ID<PhraseRecord>, text: String, kind: PhraseKind, status: PhraseStatus, reviewReason: String?) {
            self.id = id
            self.text = text
            self.kind = kind
            self.status = status
            self.reviewReason = reviewReason
        }
    }

    public let id: ID<ArtistRecord>
    public let accountId: ID<AccountRecord>?
    public let name: String
    public let aliases: [String]
    public let creations: [String]
    public let policy: Policy
    public let links: [String]
    public let verified: Bool
    /// `active`, or `withdrawn` once the artist withdrew.
    public let status: String
    public let phrases: [Phrase]
    public let createdAt: Date
    public let updatedAt: Date
    public let withdrawnAt: Date?

    package init(
        id: ID<ArtistRecord>,
        accountId: ID<AccountRecord>?,
        name: String,
        aliases: [String],
        creations: [String],
        policy: Policy,
        links: [String],
        verified: Bool,
        status: String,
        phrases: [Phrase],
        createdAt: Date,
        updatedAt: Date,
        withdrawnAt: Date?
    ) {
        self.id = id
        self.accountId = accountId
        self.name = name
        self.aliases = aliases
        self.creations = creations
        self.policy = policy
        self.links = links
        self.verified = verified
        self.status = status
        self.phrases = phrases
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.withdrawnAt = withdrawnAt
    }
}

/// What an import or an edit did to the registry.
package struct PhraseChanges: Sendable {
    package var inserted = 0
    package var heldForReview = 0
    package var released = 0
    package var changedFields = false
    package var changed: Bool { inserted > 0 || released > 0 || changedFields }

    package init(inserted: Int = 0, heldForReview: Int = 0, released: Int = 0, changedFields: Bool = false) {
        self.inserted = inserted
        self.heldForReview = heldForReview
        self.released = released
        self.changedFields = changedFields
    }
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
            phrases: phrases.map { .init(id: $0.id!, text: $0.text, kind: $0.kind, status: $0.status, reviewReason: $0.reviewReason) },
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
                id = try insertArtist(db, account: account, submission: submission, now: Date()).id!
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
        artist.id = try db.insert(artist).map(ID.init)
        try replaceLinks(db, artist: artist.id!, with: submission.links)
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
        let id = artist.id!
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

    /// Makes the artist's live phrases exactly `desired`: a phrase whose key is already live keeps its row,
    /// id and status; the rest are inserted with the collision guard's status, and the ones not wanted are released.
    package func replacePhrases(
        _ db: any SQLSession,
        artist: ID<ArtistRecord>,
        with desired: [(text: String, kind: PhraseKind)],
        now: Date,
        capUnreviewed: Bool = true
    ) throws -> PhraseChanges {
        var changes = PhraseChanges()
        var disputeBudget: DisputeBudget?
        // One account's phrases together must not refuse more than a sliver of ordinary prompts: past
        // CollisionGuard.maxUnreviewedPhrases that block without a moderator, new ones wait for one (the operator's
        // import is not capped).
        var unreviewed =
            try capUnreviewed
            ? db.value(
                Int.self,
                "SELECT count(*) FROM phrase WHERE artist_id = ? AND released_at IS NULL AND status = 'active' AND reviewed_by IS NULL",
                [artist]
            ) ?? 0 : 0
        var live = Dictionary(
            try db.fetchAll(PhraseRecord.self, "SELECT * FROM phrase WHERE artist_id = ? AND released_at IS NULL", [artist]).map {
                ($0.normalized, $0)
            },
            uniquingKeysWith: { first, _ in first }
        )
        for (position, phrase) in desired.enumerated() {
            let key = PhraseKey.make(phrase.text)
            if var existing = live.removeValue(forKey: key) {
                if existing.text != phrase.text || existing.kind != phrase.kind || existing.position != position {
                    existing.text = phrase.text
                    existing.kind = phrase.kind
                    existing.position = position
                    try db.update(existing)
                    changes.changedFields = true
                }
                continue
            }
            let reason = try collisionGuard.reviewReason(for: phrase.text)
            var record = PhraseRecord(
                artistId: artist,
                text: phrase.text,
                normalized: key,
                kind: phrase.kind,
                position: position,
                status: reason == nil ? .active : .pendingReview,
                reviewReason: reason.map { "\"\(phrase.text)\" \($0)" },
                reviewedBy: nil,
                createdAt: now,
                releasedAt: nil
            )
            if capUnreviewed, record.status == .active {
                if unreviewed >= CollisionGuard.maxUnreviewedPhrases {
                    record.status = .pendingReview
                    record.reviewReason =
                        "\"\(phrase.text)\" is past the \(CollisionGuard.maxUnreviewedPhrases) phrases a profile may have block without a moderator"
                } else {
                    unreviewed += 1
                }
            }
            // A moderator's rejection sticks to the key: removing and adding the phrase again does not undo it.
            if let rejectedBy = try Self.rejection(db, key: key) {
                record.status = .rejected
                record.reviewedBy = rejectedBy
                record.reviewReason = "\"\(phrase.text)\" was rejected by a moderator before; a moderator may approve it"
            }
            // Held by another artist: a verified one keeps it (409); an unverified one faces a name dispute.
            let holder = try Self.holder(db, key: key)
            if let holder {
                if try Self.verifiedForDisputes(db, artist: holder.artistId) {
                    throw DomainError(
                        .conflict,
                        code: "phrase_taken",
                        message: "The phrase \"\(phrase.text)\" is already held by a verified artist.",
                        field: Self.field(of: phrase.kind)
                    )
                }
                if record.status != .rejected {
                    if disputeBudget == nil { disputeBudget = try DisputeBudget(db, artist: artist, now: now) }
                    try disputeBudget!.spend(phrase: phrase.text, kind: phrase.kind)
                    record.status = .disputed
                    record.reviewReason = "\"\(phrase.text)\" is held by another, unverified artist: a moderator decides the name dispute"
                }
            }
            do {
                record.id = try db.insert(record).map(ID.init)
            } catch  where StoreFailure.isUniqueViolation(error) {
                throw DomainError(
                    .conflict,
                    code: "phrase_taken",
                    message: "The phrase \"\(phrase.text)\" is already held by another artist.",
                    field: Self.field(of: phrase.kind)
                )
            }
            if let holder, record.status == .disputed { try Self.openDispute(db, holder: holder, challenger: record, actor: nil, now: now) }
            changes.inserted += 1
            if reason != nil || holder != nil { changes.heldForReview += 1 }
        }
        for var stale in live.values {
            stale.releasedAt = now
            try db.update(stale)
            try Self.settleReleased(db, phrase: stale.id!.rawValue, now: now)
            changes.released += 1
        }
        return changes
    }

    /// The submission's field a phrase of `kind` comes from, for errors about it.
    package static func field(of kind: PhraseKind) -> String {
        switch kind {
        case .name: "name"
        case .alias: "aliases"
        case .creation: "creations"
        }
    }

    /// The moderator whose latest review of this key (any artist's phrase, released or not) rejected it, if so.
    package static func rejection(_ db: any SQLSession, key: String) throws -> ID<AccountRecord>? {
        guard
            let row = try db.row(
                """
                SELECT status, reviewed_by FROM phrase
                WHERE normalized = ? AND reviewed_by IS NOT NULL AND status IN ('active', 'rejected') ORDER BY id DESC LIMIT 1
                """,
                [key]
            ),
            try row.get("status", as: String.self) == PhraseStatus.rejected.rawValue
        else { return nil }
        return ID(try row.get("reviewed_by", as: Int64.self))
    }

    /// How many name disputes an artist may still open: at most ``maxOpenDisputes`` open at once, and at most
    /// ``maxDisputesPerDay`` opened in a day by the artists of its account, so one account cannot challenge a
    /// registry's worth of names in one request.
    package struct DisputeBudget {
        package static let maxOpenDisputes = 10
        package static let maxDisputesPerDay = 5
        package var open: Int
        package var today: Int

        package init(_ db: any SQLSession, artist: ID<ArtistRecord>, now: Date) throws {
            open =
                try db.value(
                    Int.self,
                    """
                    SELECT count(*) FROM name_dispute JOIN phrase ON phrase.id = name_dispute.challenger_phrase_id
                    WHERE name_dispute.status = 'open' AND phrase.artist_id = ?
                    """,
                    [artist]
                ) ?? 0
            today =
                try db.value(
                    Int.self,
                    """
                    SELECT count(*) FROM name_dispute
                    JOIN phrase ON phrase.id = name_dispute.challenger_phrase_id
                    JOIN artist ON artist.id = phrase.artist_id
                    WHERE name_dispute.created_at > ?
                      AND (artist.id = ? OR artist.account_id = (SELECT account_id FROM artist WHERE id = ?))
                    """,
                    [now.addingTimeInterval(-86_400), artist, artist]
                ) ?? 0
        }

        package mutating func spend(phrase: String, kind: PhraseKind) throws {
            let field = ArtistRepository.field(of: kind)
            guard open < Self.maxOpenDisputes else {
                throw DomainError(
                    .tooManyRequests,
                    code: "too_many_disputes",
                    message: "\"\(phrase)\" is held by another artist, and this artist already has \(Self.maxOpenDisputes) open name disputes; "
                        + "wait for a moderator to decide them.",
                    field: field,
                    retryAfterSeconds: 86_400
                )
            }
            guard today < Self.maxDisputesPerDay else {
                throw DomainError(
                    .tooManyRequests,
                    code: "too_many_disputes",
                    message: "\"\(phrase)\" is held by another artist, and this account opened \(Self.maxDisputesPerDay) name disputes in the "
                        + "last day; try again tomorrow.",
                    field: field,
                    retryAfterSeconds: 86_400
                )
            }
            open += 1
            today += 1
        }
    }

    // MARK: Phrase review

    package struct ReviewItem: Codable, Sendable {
        package let id: ID<PhraseRecord>
        package let text: String
        package let kind: PhraseKind
        package let status: PhraseStatus
        package let reviewReason: String?
        package let artistId: ID<ArtistRecord>
        package let artistName: String
        package let createdAt: Date

        package init(
            id: ID<PhraseRecord>,
            text: String,
            kind: PhraseKind,
            status: PhraseStatus,
            reviewReason: String?,
            artistId: ID<ArtistRecord>,
            artistName: String,
            createdAt: Date
        ) {
            self.id = id
            self.text = text
            self.kind = kind
            self.status = status
            self.reviewReason = reviewReason
            self.artistId = artistId
            self.artistName = artistName
            self.createdAt = createdAt
        }
    }

    /// Live phrases in `status`, oldest first, `limit` at a time after the phrase id `after`.
    package func phrases(status: PhraseStatus, after: Int64, limit: Int) async throws -> [ReviewItem] {
        try await store.read { db in
            try db.rows(
                """
                SELECT phrase.id, phrase.text, phrase.kind, phrase.status, phrase.review_reason, phrase.created_at,
                       artist.id AS artist_id, artist.name AS artist_name
                FROM phrase JOIN artist ON artist.id = phrase.artist_id
                WHERE phrase.status = ? AND phrase.released_at IS NULL AND phrase.id > ?
                ORDER BY phrase.id LIMIT ?
                """,
                [status.rawValue, after, limit]
            ).map { row in
                ReviewItem(
                    id: ID(try row.get("id")),
                    text: try row.get("text"),
                    kind: PhraseKind(rawValue: try row.get("kind")) ?? .name,
                    status: status,
                    reviewReason: try row.get("review_reason"),
                    artistId: ID(try row.get("artist_id")),
                    artistName: try row.get("artist_name"),
                    createdAt: try row.get("created_at")
                )
            }
        }
    }

    /// Moves a live phrase to `status` as a moderator's decision.
    package func review(phrase id: ID<PhraseRecord>, to status: PhraseStatus, by moderator: ID<AccountRecord>) async throws -> ArtistView.Phrase {
        try await store.write { db in
            guard var phrase = try db.fetchOne(PhraseRecord.self, id: id.rawValue), phrase.releasedAt == nil else {
                throw DomainError(.notFound, code: "not_found", message: "Phrase \(id) was not found, or its artist removed it.")
            }
            guard phrase.status != .disputed, phrase.status != .superseded, status != .disputed, status != .superseded else {
                throw DomainError(
                    .conflict,
                    code: "phrase_disputed",
                    message: "Phrase \(id) is part of a name dispute (\(phrase.status.rawValue)): decide the dispute instead."
                )
            }
            if phrase.status != status {
                phrase.status = status
                phrase.reviewedBy = moderator
                do {
                    try db.update(phrase)
                } catch  where StoreFailure.isUniqueViolation(error) {
                    throw DomainError(.conflict, code: "phrase_taken", message: "Another artist now holds \"\(phrase.text)\".")
                }
            }
            return .init(id: id, text: phrase.text, kind: phrase.kind, status: phrase.status, reviewReason: phrase.reviewReason)
        }
    }

    // MARK: The collision guard's revisions

    /// Applies the collision guard's current rule to the phrases already active, once per revision: those now under
    /// the rule go back to review. Returns how many moved, or nil when this revision was applied before.
    package func applyGuardRevision() async throws -> Int? {
        try await store.write { db -> Int? in
            let applied = try db.value(Int.self, "SELECT max(revision) FROM guard_revision") ?? 0
            guard applied < CollisionGuard.revision else { return nil }
            var held = 0
            // Folding revisions change keys (revision 3: letters with a stroke fold to their base, ligatures to
            // their letters, white space inside Han, kana and Hangul joins, apostrophes between letters drop): keys
            // are recomputed first. A phrase whose new key another live phrase already holds is a second spelling of
            // one name: it is rejected, with the reason, and the phrase that already held the key keeps it.
            for row in try db.rows("SELECT id, name, name_key FROM artist WHERE withdrawn_at IS NULL") {
                let key = PhraseKey.make(try row.get("name", as: String.self))
                if try key != row.get("name_key", as: String.self) {
                    try db.execute("UPDATE artist SET name_key = ? WHERE id = ?", [key, try row.get("id", as: Int64.self)])
                }
            }
            let live = try db.rows(
                "SELECT id, text, normalized FROM phrase WHERE released_at IS NULL AND status IN ('active', 'pending_review') ORDER BY id"
            )
            for row in live {
                let text: String = try row.get("text")
                let key = PhraseKey.make(text)
                guard try key != row.get("normalized", as: String.self), !key.isEmpty else { continue }
                let id: Int64 = try row.get("id")
                let taken = try db.value(
                    Bool.self,
                    "SELECT 1 FROM phrase WHERE normalized = ? AND released_at IS NULL AND status IN ('active', 'pending_review') AND id != ?",
                    [key, id]
                )
                if taken == true {
                    try db.execute(
                        "UPDATE phrase SET status = 'rejected', review_reason = ? WHERE id = ?",
                        ["\"\(text)\" now reads as another live phrase (folding revision \(CollisionGuard.revision))", id]
                    )
                }
                try db.execute("UPDATE phrase SET normalized = ? WHERE id = ?", [key, id])
            }
            let rows = try db.rows("SELECT id, text FROM phrase WHERE status = 'active' AND released_at IS NULL")
            let guardian = try rows.isEmpty ? nil : collisionGuard
            for row in rows {
                let text: String = try row.get("text")
                guard let reason = guardian?.reviewReason(for: text) else { continue }
                try db.execute(
                    "UPDATE phrase SET status = 'pending_review', review_reason = ? WHERE id = ?",
                    ["\"\(text)\" \(reason) (held by collision guard revision \(CollisionGuard.revision))", try row.get("id", as: Int64.self)]
                )
                held += 1
            }
            try db.execute(
                "INSERT INTO guard_revision (revision, held, applied_at) VALUES (?, ?, ?)",
                [CollisionGuard.revision, held, Date()]
            )
            return held
        }
    }

    // MARK: Registry

    package func registryVersion() async throws -> Int64 {
        try await store.read { db in try db.value(Int64.self, "SELECT version FROM registry_state WHERE id = 1") ?? 0 }
    }

    package func activePhraseCount() async throws -> Int {
        try await store.read { db in
            try db.value(Int.self, "SELECT count(*) FROM phrase WHERE status = 'active' AND released_at IS NULL") ?? 0
        }
    }
}
