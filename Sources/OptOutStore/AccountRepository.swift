import Foundation
import OptOutCore

/// Accounts, sessions and API keys in the database.
package struct AccountRepository: Sendable {
    package let store: any SQLStore

    /// Where a sign-up comes from, and how many accounts that address and its network may open in an hour.
    package struct SignUpOrigin: Sendable {
        package let address: String
        package let network: String
        package let limits: AccountRules.SignUpLimits

        package init(address: String, network: String, limits: AccountRules.SignUpLimits) {
            self.address = address
            self.network = network
            self.limits = limits
        }
    }

    /// Inserts a new account; a taken email (or one a person would read as it) is a 409, a sign-up past its origin's
    /// hourly limit a 429.
    package func create(
        email: String,
        passwordHash: String,
        displayName: String,
        role: Role = .member,
        origin: SignUpOrigin? = nil
    ) async throws -> AccountRecord {
        var account = AccountRecord(
            email: email,
            passwordHash: passwordHash,
            displayName: displayName,
            role: role,
            createdAt: Date(),
            emailKey: AccountRules.emailKey(email),
            signupAddress: origin?.address,
            signupNetwork: origin?.network
        )
        do {
            let id = try await store.write { db in
                if let origin { try Self.checkSignUps(db, origin: origin, now: account.createdAt) }
                return try db.insertedID(account) as ID<AccountRecord>
            }
            account.id = id
        } catch  where StoreFailure.isUniqueViolation(error) {
            throw DomainError(.conflict, code: "email_taken", message: "An account with this email already exists.", field: "email")
        }
        return account
    }

    /// Refuses a sign-up (429) when its address or network opened its hourly number of accounts already; the check
    /// runs before bcrypt, and again in the transaction that inserts.
    package func checkSignUps(origin: SignUpOrigin) async throws {
        try await store.read { db in try Self.checkSignUps(db, origin: origin, now: Date()) }
    }

    private static func checkSignUps(_ db: any SQLSession, origin: SignUpOrigin, now: Date) throws {
        let since = now.addingTimeInterval(-AccountRules.SignUpLimits.window)
        for (column, value, limit, what) in [
            ("signup_address", origin.address, origin.limits.perAddress, "this address"),
            ("signup_network", origin.network, origin.limits.perNetwork, "this network"),
        ] {
            let recent = try db.column(
                Date.self,
                "SELECT created_at FROM account WHERE \(column) = ? AND created_at > ? ORDER BY created_at LIMIT ?",
                [value, since, limit]
            )
            if recent.count >= limit, let oldest = recent.first {
                let wait = max(1, Int(oldest.addingTimeInterval(AccountRules.SignUpLimits.window).timeIntervalSince(now).rounded(.up)))
                throw DomainError(
                    .tooManyRequests,
                    code: "too_many_sign_ups",
                    message: "\(limit) accounts were opened from \(what) in the last hour; try again in \(wait) seconds.",
                    retryAfterSeconds: wait
                )
            }
        }
    }

    package func account(email: String) async throws -> AccountRecord? {
        try await store.read { db in try db.fetchOne(AccountRecord.self, "SELECT * FROM account WHERE email = ?", [email]) }
    }

    package func account(id: ID<AccountRecord>) async throws -> AccountRecord? {
        try await store.read { db in try db.fetchOne(AccountRecord.self, id: id.rawValue) }
    }

    /// Creates or promotes an account to `role`, setting its password.
    package func upsertStaff(email: String, passwordHash: String, role: Role) async throws -> AccountRecord {
        try await store.write { db in
            if var account = try db.fetchOne(AccountRecord.self, "SELECT * FROM account WHERE email = ?", [email]) {
                account.role = role
                account.passwordHash = passwordHash
                try db.execute("UPDATE account SET role = ?, password_hash = ? WHERE id = ?", [role, passwordHash, account.id])
                return account
            }
            var account = AccountRecord(
                email: email,
                passwordHash: passwordHash,
                displayName: String(email.prefix { $0 != "@" }),
                role: role,
                createdAt: Date(),
                emailKey: AccountRules.emailKey(email)
            )
            account.id = try db.insertedID(account)
            return account
        }
    }

    /// Stores a new session for `account` and returns its token, which is never stored itself.
    package func createSession(for account: ID<AccountRecord>, lifetime: TimeInterval) async throws -> (token: String, expiresAt: Date) {
        let token = BearerSecret.generate(prefix: BearerSecret.sessionPrefix)
        let now = Date()
        let expiresAt = now.addingTimeInterval(lifetime)
        let session = SessionRecord(tokenHash: BearerSecret.hash(token), accountId: account, createdAt: now, expiresAt: expiresAt)
        try await store.write { db in
            try db.insert(session)
            // Expired sessions are of no further use; sweep the account's own on each sign-in.
            try db.execute("DELETE FROM session WHERE account_id = ? AND expires_at <= ?", [account, now])
        }
        return (token, expiresAt)
    }

    /// The account behind a live session token.
    package func account(sessionToken token: String, now: Date = Date()) async throws -> AccountRecord? {
        try await account(sessionTokenHash: BearerSecret.hash(token), now: now)
    }

    /// The account behind a live session whose token hashes to `hash`.
    package func account(sessionTokenHash hash: Data, now: Date = Date()) async throws -> AccountRecord? {
        try await store.read { db in
            try db.fetchOne(
                AccountRecord.self,
                """
                SELECT account.* FROM session JOIN account ON account.id = session.account_id
                WHERE session.token_hash = ? AND session.expires_at > ?
                """,
                [hash, now]
            )
        }
    }

    package func deleteSession(tokenHash hash: Data) async throws {
        try await store.write { db in
            try db.execute("DELETE FROM session WHERE token_hash = ?", [hash])
        }
    }

    /// Creates an API key named `name` and returns the key, shown only this once.
    package func createAPIKey(name: String, scopes: Set<APIScope>) async throws -> (key: String, record: APIKeyRecord) {
        let key = BearerSecret.generate(prefix: BearerSecret.apiKeyPrefix)
        var record = APIKeyRecord(
            name: name,
            keyHash: BearerSecret.hash(key),
            scopes: scopes.map(\.rawValue).sorted().joined(separator: " "),
            createdAt: Date(),
            revokedAt: nil
        )
        do {
            let stored = record
            record.id = try await store.write { db in try db.insertedID(stored) }
        } catch  where StoreFailure.isUniqueViolation(error) {
            throw DomainError(
                .conflict,
                code: "api_key_name_taken",
                message: "An API key named \(name) already exists; revoke it or pick another name."
            )
        }
        return (key, record)
    }

    /// Revokes the key named `name`; returns false when there is no live key by that name.
    package func revokeAPIKey(name: String) async throws -> Bool {
        try await store.write { db in
            try db.execute("UPDATE api_key SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", [Date(), name]) > 0
        }
    }

    package func apiKey(_ key: String) async throws -> APIKeyRecord? {
        try await apiKey(hash: BearerSecret.hash(key))
    }

    /// The live API key that hashes to `hash`.
    package func apiKey(hash: Data) async throws -> APIKeyRecord? {
        try await store.read { db in
            try db.fetchOne(APIKeyRecord.self, "SELECT * FROM api_key WHERE key_hash = ? AND revoked_at IS NULL", [hash])
        }
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}
