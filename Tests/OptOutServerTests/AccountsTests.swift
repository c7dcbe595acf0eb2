import Foundation
import Hummingbird
import HummingbirdTesting
import OptOutCore
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct AccountsTests {
    @Test func signUpSignInAndSeeMyself() async throws {
        try await withApp { client, _ in
            let created = try await client.call(
                .post,
                "/v1/accounts",
                json: ["email": "Ann@Example.org", "password": "correct horse", "display_name": "Ann"]
            )
            #expect(created.status == .created)
            #expect(created.json["email"].string == "ann@example.org")
            #expect(created.json["role"].string == "member")
            #expect(created.json["password_hash"].isNull)

            let session = try await client.call(.post, "/v1/sessions", json: ["email": "ann@example.org", "password": "correct horse"])
            #expect(session.status == .created)
            let token = try #require(session.json["token"].string)
            #expect(token.count >= 40)
            #expect(session.json["expires_at"].string != nil)

            let me = try await client.call(.get, "/v1/accounts/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["display_name"].string == "Ann")
        }
    }

    @Test func aTakenEmailIsAConflict() async throws {
        try await withApp { client, _ in
            _ = try await client.signUp("ann@example.org")
            let again = try await client.call(
                .post,
                "/v1/accounts",
                json: ["email": "ANN@example.org", "password": "another one", "display_name": "Ann 2"]
            )
            #expect(again.status == .conflict)
            #expect(again.errorCode == "email_taken")
        }
    }

    /// Issue 22, item 3: an email a person reads as a registered one is that address.
    @Test func aLookAlikeEmailIsTheSameAddress() async throws {
        #expect(AccountRules.emailKey("Alice@Example.org") == "alice@example.org")
        #expect(AccountRules.emailKey("\u{FF41}lice@example.org") == "alice@example.org")  // fullwidth a
        #expect(AccountRules.emailKey("\u{0430}lice@example.org") == "alice@example.org")  // Cyrillic a
        #expect(AccountRules.emailKey("al\u{200B}ice@example.org") == "alice@example.org")  // zero-width space
        #expect(AccountRules.emailKey("alice+x@example.org") != AccountRules.emailKey("alice@example.org"))
        #expect(CIDR.network(of: "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(CIDR.network(of: "192.0.2.77") == "192.0.2.0/24")
        try await withApp { client, _ in
            _ = try await client.signUp("alice@example.org")
            for lookalike in ["\u{FF41}lice@example.org", "\u{0430}lice@example.org", "al\u{200B}ice@example.org", "ALICE@EXAMPLE.ORG"] {
                let again = try await client.call(
                    .post,
                    "/v1/accounts",
                    json: ["email": lookalike, "password": "another one", "display_name": "Not Alice"]
                )
                #expect(again.status == .conflict, "\(lookalike)")
                #expect(again.errorCode == "email_taken")
            }
            #expect(
                try await client.call(.post, "/v1/accounts", json: ["email": "bob@example.org", "password": "another one", "display_name": "B"])
                    .status == .created
            )
        }
    }

    @Test func passwordsOutsideEightToSeventyTwoBytesAreRefused() async throws {
        try await withApp { client, _ in
            let short = try await client.call(.post, "/v1/accounts", json: ["email": "a@example.org", "password": "short", "display_name": "A"])
            #expect(short.status == .unprocessableContent)
            #expect(short.errorCode == "password_too_short")
            let long = try await client.call(
                .post,
                "/v1/accounts",
                json: ["email": "a@example.org", "password": String(repeating: "p", count: 73), "display_name": "A"]
            )
            #expect(long.status == .unprocessableContent)
            #expect(long.errorCode == "password_too_long")
            #expect(long.json["error"]["field"].string == "password")
        }
    }

    @Test func aLongerPasswordNeverSignsInWithItsPrefix() async throws {
        try await withApp { client, _ in
            let password = String(repeating: "p", count: 72)
            _ = try await client.signUp("a@example.org", password: password)
            let longer = try await client.call(.post, "/v1/sessions", json: ["email": "a@example.org", "password": password + "extra"])
            #expect(longer.status == .unauthorized)
        }
    }

    @Test func wrongPasswordIsUnauthorizedAndSaysLittle() async throws {
        try await withApp { client, _ in
            _ = try await client.signUp("ann@example.org")
            let wrong = try await client.call(.post, "/v1/sessions", json: ["email": "ann@example.org", "password": "wrong password"])
            let unknown = try await client.call(.post, "/v1/sessions", json: ["email": "nobody@example.org", "password": "wrong password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.json["error"]["message"].string == unknown.json["error"]["message"].string)
        }
    }

    @Test func tenFailedSignInsWithinAMinuteAreThrottled() async throws {
        try await withApp { client, _ in
            _ = try await client.signUp("ann@example.org")
            for _ in 0..<10 {
                let reply = try await client.call(.post, "/v1/sessions", json: ["email": "ann@example.org", "password": "wrong password"])
                #expect(reply.status == .unauthorized)
            }
            let locked = try await client.call(.post, "/v1/sessions", json: ["email": "ann@example.org", "password": "correct horse"])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.errorCode == "too_many_attempts")
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("ann@example.org")
            #expect(try await client.call(.delete, "/v1/sessions/current", token: token).status == .noContent)
            let after = try await client.call(.get, "/v1/accounts/me", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test func expiredSessionsAreRefused() async throws {
        try await withApp(
            configure: { $0.accounts.sessionLifetime = -1 },
            body: { client, _ in
                let token = try await client.signUp("ann@example.org")
                #expect(try await client.call(.get, "/v1/accounts/me", token: token).status == .unauthorized)
            }
        )
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func tokensAreStoredOnlyAsHashes() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let database = try AppDatabase(
            dataDirectory: configuration.storage.dataDirectory,
            migrationsDirectory: repositoryRoot.appendingPathComponent("Migrations/sqlite")
        )
        let accounts = AccountRepository(store: SQLiteStore(database: database))
        let account = try await accounts.create(email: "a@example.org", passwordHash: "x", displayName: "A")
        let session = try await accounts.createSession(for: account.id, lifetime: 60)
        let (key, _) = try await accounts.createAPIKey(name: "generator", scopes: [.check])
        let stored = try database.read { db in
            try Data.fetchAll(db, sql: "SELECT token_hash FROM session UNION ALL SELECT key_hash FROM api_key")
        }
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0.count == 32 })
        #expect(!stored.contains(Data(session.token.utf8)))
        #expect(!stored.contains(Data(key.utf8)))
        await #expect(try accounts.account(sessionToken: session.token)?.id == account.id)
        await #expect(try accounts.apiKey(key)?.name == "generator")
        await #expect(try accounts.revokeAPIKey(name: "generator"))
        await #expect(try accounts.apiKey(key) == nil)
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func theDatabaseRunsInWALWithFullSync() async throws {
        let configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let database = try AppDatabase(
            dataDirectory: configuration.storage.dataDirectory,
            migrationsDirectory: repositoryRoot.appendingPathComponent("Migrations/sqlite")
        )
        #expect(try database.synchronousLevel() == 2)
        #expect(try database.journalMode() == "wal")
    }
}
