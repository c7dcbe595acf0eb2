import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// The holes a hostile user found (issue 10), each closed: the row numbers are the issue's.
@Suite struct TrustAndSafetyTests {
    // Row 1: everyday phrases wait for a moderator, whatever their length.
    @Test func everydayPhrasesWaitForReviewAndNamesStillBlock() async throws {
        try await withApp { client, configuration in
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "checker", scopes: [.check])
            let squatter = try await client.signUp("squatter@example.org")
            let everyday = [
                "of the", "in the", "with a", "highly detailed", "digital art", "trending on artstation", "oil painting", "octane render",
            ]
            let created = try await client.call(
                .post,
                "/v1/artists",
                token: squatter,
                json: ["name": "The Glass Orchard", "aliases": everyday, "policy": "block"]
            )
            #expect(created.status == .created)
            let phrases = created.json["phrases"].array
            for phrase in phrases {
                let text = phrase["text"].string ?? ""
                #expect(phrase["status"].string == (text == "The Glass Orchard" ? "active" : "pending_review"), "\(text)")
            }
            let ordinary = try await client.call(
                .post,
                "/v1/prompts/check",
                token: key,
                json: ["prompt": "a cat in the garden, highly detailed oil painting"]
            )
            #expect(ordinary.json["allowed"].bool == true)
            let named = try await client.call(
                .post,
                "/v1/prompts/check",
                token: key,
                json: ["prompt": "an orchard in the style of the glass orchard"]
            )
            #expect(named.json["allowed"].bool == false)
            let artist = try await client.signUp("greg@example.org")
            let greg = try await client.call(.post, "/v1/artists", token: artist, json: ["name": "Greg Rutkowski", "policy": "block"])
            #expect(greg.json["phrases"][0]["status"].string == "active")
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func theGuardsNewRuleMovesActivePhrasesBackToReviewOnce() async throws {
        var configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        configuration.logging.level = .critical
        let services = try await Services(configuration: configuration)
        #expect(services.guardHeld == 0)
        // Phrases made active under the older rule, as a registry from before this revision holds them.
        try services.sqlite!.write { db in
            try db.execute(
                sql: "INSERT INTO account (email, password_hash, display_name, created_at) VALUES ('a@example.org', 'x', 'A', ?)",
                arguments: [Date()]
            )
            try db.execute(
                sql:
                    "INSERT INTO artist (account_id, name, name_key, policy, created_at, updated_at) VALUES (1, 'Ann Vale', 'ann vale', 'block', ?, ?)",
                arguments: [Date(), Date()]
            )
            for (position, text) in ["Ann Vale", "octane render", "in the", "Quiet Harbour Lights"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO phrase (artist_id, text, normalized, kind, position, status, created_at)
                        VALUES (1, ?, ?, 'alias', ?, 'active', ?)
                        """,
                    arguments: [text, PhraseKey.make(text), position, Date()]
                )
            }
            try db.execute(sql: "DELETE FROM guard_revision")
        }
        let reopened = try await Services(configuration: configuration)
        #expect(reopened.guardHeld == 2)
        let statuses = try reopened.sqlite!.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT text, status FROM phrase").map { ($0["text"] as String, $0["status"] as String) }
            )
        }
        #expect(statuses == ["Ann Vale": "active", "octane render": "pending_review", "in the": "pending_review", "Quiet Harbour Lights": "active"])
        await #expect(try Services(configuration: configuration).guardHeld == nil)
    }

    // Rows 4 and 5: sign-in throttling holds in parallel and locks nobody out.
    @Test func parallelWrongGuessesAreReservedBeforeBcrypt() async throws {
        try await withApp { client, _ in
            _ = try await client.signUp("target@example.org")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await client.call(.post, "/v1/sessions", json: ["email": "target@example.org", "password": "wrong password"]).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let evaluated = statuses.filter { $0 == .unauthorized }.count
            #expect(evaluated <= 10 && evaluated >= 1, "\(evaluated) guesses were checked")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 40 - evaluated)
            let refused = try await client.call(.post, "/v1/sessions", json: ["email": "target@example.org", "password": "correct horse"])
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
    }

    @Test func failuresFromOneAddressNeverLockTheAccountForAnother() async throws {
        let services = try await Services(configuration: try await testConfiguration())
        defer { services.close() }
        let throttle = LoginThrottle(store: SignInThrottleStore(store: services.store))
        func attempt(_ email: String, _ address: String, succeeded: Bool = false) async throws -> Bool {
            switch try await throttle.reserve(keys: LoginThrottle.keys(email: email, address: address)) {
            case .success(let reservation):
                try await throttle.finish(reservation, succeeded: succeeded)
                return true
            case .failure: return false
            }
        }
        for index in 0..<12 { _ = try await attempt("nobody\(index)@example.org", "127.0.0.2") }
        var tries: [Bool] = []
        for _ in 0..<12 { tries.append(try await attempt("x@example.org", "127.0.0.3")) }
        #expect(tries.filter { $0 }.count == 10)
        #expect(try await attempt("x@example.org", "127.0.0.4", succeeded: true))
        #expect(try await !attempt("x@example.org", "127.0.0.3"))
    }

    @Test func locksGrowWithEachRoundOfFailures() async throws {
        let services = try await Services(configuration: try await testConfiguration())
        defer { services.close() }
        let throttle = LoginThrottle(store: SignInThrottleStore(store: services.store), rules: SignInThrottle(limit: 2, window: 60))
        let keys = LoginThrottle.keys(email: "x@example.org", address: "127.0.0.9")
        var now = Date(timeIntervalSince1970: 1_000_000.123)
        func fail() async throws {
            if case .success(let reservation) = try await throttle.reserve(keys: keys, now: now) {
                try await throttle.finish(reservation, succeeded: false, now: now)
            }
        }
        func wait() async throws -> Int? {
            if case .failure(let wait) = try await throttle.reserve(keys: keys, now: now) { return wait.seconds }
            return nil
        }
        try await fail()
        try await fail()
        #expect(try await wait() == 60)
        now += 61
        try await fail()
        try await fail()
        #expect(try await wait() == 120)
        // A day without failures forgets the run of locks, and the rows with it.
        now += 121 + SignInThrottle.strikeMemory
        #expect(try await wait() == nil)
        #expect(try await SignInThrottleStore(store: services.store).count() == 2)
        now += 61
        try await fail()
        try await fail()
        #expect(try await wait() == 60)
    }

    /// The throttle lives in the database: two processes on one database (two replicas behind a balancer) count the
    /// same attempts, so 40 parallel guesses split over both still reserve at most the limit.
    @Test func replicasOnOneDatabaseShareTheThrottle() async throws {
        let configuration = try await testConfiguration()
        let first = try await Services(configuration: configuration)
        let second = try await Services(configuration: configuration)
        defer {
            first.close()
            second.close()
        }
        let throttles = [first, second].map { LoginThrottle(store: SignInThrottleStore(store: $0.store)) }
        let keys = LoginThrottle.keys(email: "target@example.org", address: "203.0.113.7")
        let reserved = try await withThrowingTaskGroup(of: LoginThrottle.Reservation?.self) { group in
            for index in 0..<40 {
                group.addTask {
                    if case .success(let held) = try await throttles[index % 2].reserve(keys: keys) { return held }
                    return nil
                }
            }
            return try await group.reduce(into: [LoginThrottle.Reservation]()) { if let held = $1 { $0.append(held) } }
        }
        #expect(reserved.count == 10)
        for (index, reservation) in reserved.enumerated() { try await throttles[index % 2].finish(reservation, succeeded: false) }
        guard case .failure(let wait) = try await throttles[1].reserve(keys: keys) else {
            Issue.record("ten failures on two replicas did not lock the pair")
            return
        }
        #expect(wait.seconds >= 59)
    }

    /// A reservation whose attempt never finished (its process was killed mid-bcrypt) stops holding its place.
    @Test func anUnfinishedReservationExpires() async throws {
        let services = try await Services(configuration: try await testConfiguration())
        defer { services.close() }
        let rules = SignInThrottle(limit: 1, addressLimit: 5, window: 60, reservationLifetime: 30)
        let throttle = LoginThrottle(store: SignInThrottleStore(store: services.store), rules: rules)
        let keys = LoginThrottle.keys(email: "x@example.org", address: "127.0.0.5")
        let start = Date()
        guard case .success = try await throttle.reserve(keys: keys, now: start) else {
            Issue.record("the first attempt was refused")
            return
        }
        guard case .failure = try await throttle.reserve(keys: keys, now: start + 1) else {
            Issue.record("a second attempt was let in beside one still being checked")
            return
        }
        guard case .success = try await throttle.reserve(keys: keys, now: start + 31) else {
            Issue.record("an abandoned reservation still holds its place")
            return
        }
    }

    /// A spray of addresses leaves rows only while they still count; then the table empties itself.
    @Test func theThrottleForgetsKeysThatNoLongerCount() async throws {
        let services = try await Services(configuration: try await testConfiguration())
        defer { services.close() }
        let store = SignInThrottleStore(store: services.store)
        let throttle = LoginThrottle(store: store)
        let start = Date()
        for index in 0..<50 {
            if case .success(let held) = try await throttle.reserve(
                keys: LoginThrottle.keys(email: "a@example.org", address: "198.51.100.\(index)"),
                now: start
            ) {
                try await throttle.finish(held, succeeded: false, now: start)
            }
        }
        #expect(try await store.count() == 100)
        _ = try await throttle.reserve(keys: LoginThrottle.keys(email: "b@example.org", address: "192.0.2.1"), now: start + 120)
        #expect(try await store.count() == 2)
    }

    @Test func theClientAddressComesFromXForwardedForOnlyThroughATrustedProxy() throws {
        let proxies = [try #require(CIDR("10.0.0.0/8")), try #require(CIDR("::1"))]
        #expect(clientAddress(peer: "127.0.0.5", forwardedFor: ["203.0.113.7"], trustedProxies: proxies) == "127.0.0.5")
        #expect(clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.7"], trustedProxies: proxies) == "203.0.113.7")
        #expect(clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, 203.0.113.7, 10.9.9.9"], trustedProxies: proxies) == "203.0.113.7")
        #expect(clientAddress(peer: "::1", forwardedFor: [], trustedProxies: proxies) == "::1")
        #expect(clientAddress(peer: "10.1.2.3", forwardedFor: ["not an address"], trustedProxies: proxies) == "10.1.2.3")
        #expect(CIDR("300.1.1.1") == nil)
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(try #require(CIDR("192.168.0.0/16")).contains("192.168.4.4"))
        #expect(try #require(CIDR("192.168.0.0/16")).contains("::ffff:192.168.4.4"))
    }

    // Row 6: passwords with NUL or other control characters are refused, never truncated.
    @Test func passwordsWithControlCharactersAreRefused() async throws {
        try await withApp { client, _ in
            let created = try await client.call(
                .post,
                "/v1/accounts",
                json: ["email": "nul@example.org", "password": "x\u{0}secretsecret", "display_name": "Nul"]
            )
            #expect(created.status == .unprocessableContent)
            #expect(created.errorCode == "password_control_characters")
            let signIn = try await client.call(.post, "/v1/sessions", json: ["email": "nul@example.org", "password": "x\u{0}"])
            #expect(signIn.status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "nul@example.org", "password": "x"]).status == .unauthorized)
        }
    }

    // Row 7: verification covers the name it was given for.
}

/// Makes the database's writer refuse writes, as a full disk would.
func setQueryOnly(_ database: AppDatabase, _ on: Bool) throws {
    try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = \(on ? "ON" : "OFF")") }
}
