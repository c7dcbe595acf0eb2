import Foundation
import GRDB
import OptOutCore

/// Accounts, sessions and API keys in the database.
struct AccountRepository: Sendable {
    let database: AppDatabase

    /// Inserts a new account; a taken email is a 409.
    func create(email: String, passwordHash: String, displayName: String, role: Role = .member) throws -> AccountRecord {
        var account = AccountRecord(email: email, passwordHash: passwordHash, displayName: displayName, role: role, createdAt: Date())
        do {
            try database.write { db in try account.insert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw DomainError(.conflict, code: "email_taken", message: "An account with this email already exists.", field: "email")
        }
        return account
    }

    func account(email: String) throws -> AccountRecord? {
        try database.read { db in try AccountRecord.filter(Column("email") == email).fetchOne(db) }
    }

    func account(id: ID<AccountRecord>) throws -> AccountRecord? {
        try database.read { db in try AccountRecord.fetchOne(db, key: id.rawValue) }
    }

    /// Creates or promotes an account to `role`, setting its password.
    func upsertStaff(email: String, passwordHash: String, role: Role) throws -> AccountRecord {
        try database.write { db in
            if var account = try AccountRecord.filter(Column("email") == email).fetchOne(db) {
                account.role = role
                account.passwordHash = passwordHash
                try account.update(db)
                return account
            }
            var account = AccountRecord(
                email: email,
                passwordHash: passwordHash,
                displayName: String(email.prefix { $0 != "@" }),
                role: role,
                createdAt: Date()
            )
            try account.insert(db)
            return account
        }
    }

    /// Stores a new session for `account` and returns its token, which is never stored itself.
    func createSession(for account: ID<AccountRecord>, lifetime: TimeInterval) throws -> (token: String, expiresAt: Date) {
        let token = BearerSecret.generate(prefix: BearerSecret.sessionPrefix)
        let now = Date()
        let expiresAt = now.addingTimeInterval(lifetime)
        var session = SessionRecord(tokenHash: BearerSecret.hash(token), accountId: account, createdAt: now, expiresAt: expiresAt)
        try database.write { db in
            try session.insert(db)
            // Expired sessions are of no further use; sweep the account's own on each sign-in.
            try SessionRecord.filter(Column("account_id") == account && Column("expires_at") <= now).deleteAll(db)
        }
        return (token, expiresAt)
    }

    /// The account behind a live session token.
    func account(sessionToken token: String, now: Date = Date()) throws -> AccountRecord? {
        try account(sessionTokenHash: BearerSecret.hash(token), now: now)
    }

    /// The account behind a live session whose token hashes to `hash`.
    func account(sessionTokenHash hash: Data, now: Date = Date()) throws -> AccountRecord? {
        try database.read { db in
            try AccountRecord.fetchOne(
                db,
                sql: """
                    SELECT account.* FROM session JOIN account ON account.id = session.account_id
                    WHERE session.token_hash = ? AND session.expires_at > ?
                    """,
                arguments: [hash, now]
            )
        }
    }

    func deleteSession(tokenHash hash: Data) throws {
        _ = try database.write { db in
            try SessionRecord.filter(Column("token_hash") == hash).deleteAll(db)
        }
    }

    /// Creates an API key named `name` and returns the key, shown only this once.
    func createAPIKey(name: String, scopes: Set<APIScope>) throws -> (key: String, record: APIKeyRecord) {
        let key = BearerSecret.generate(prefix: BearerSecret.apiKeyPrefix)
        var record = APIKeyRecord(
            name: name,
            keyHash: BearerSecret.hash(key),
            scopes: scopes.map(\.rawValue).sorted().joined(separator: " "),
            createdAt: Date(),
            revokedAt: nil
        )
        do {
            try database.write { db in try record.insert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw DomainError(
                .conflict,
                code: "api_key_name_taken",
                message: "An API key named \(name) already exists; revoke it or pick another name."
            )
        }
        return (key, record)
    }

    /// Revokes the key named `name`; returns false when there is no live key by that name.
    func revokeAPIKey(name: String) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [Date(), name])
            return db.changesCount > 0
        }
    }

    func apiKey(_ key: String) throws -> APIKeyRecord? {
        try apiKey(hash: BearerSecret.hash(key))
    }

    /// The live API key that hashes to `hash`.
    func apiKey(hash: Data) throws -> APIKeyRecord? {
        try database.read { db in
            try APIKeyRecord.filter(Column("key_hash") == hash && Column("revoked_at") == nil).fetchOne(db)
        }
    }
}
