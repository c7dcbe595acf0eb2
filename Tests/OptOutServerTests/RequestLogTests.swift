import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct RequestLogTests {
    @Test func everyResponseCarriesARequestIdAndErrorsNameIt() async throws {
        try await withApp { client, configuration in
            // A sent id is echoed when it is safe; otherwise a new one is made.
            let sent = try await client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "abc-123_x.y:z"]) { $0 }
            #expect(sent.headers[.init("X-Request-Id")!] == "abc-123_x.y:z")
            for bad in ["has space", String(repeating: "a", count: 129), "naïve", ""] {
                let reply = try await client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: bad]) { $0 }
                let made = try #require(reply.headers[.init("X-Request-Id")!])
                #expect(made != bad && made.count == 32, "\(bad)")
            }
            let first = try await client.call(.get, "/health").headers[.init("X-Request-Id")!]
            let second = try await client.call(.get, "/health").headers[.init("X-Request-Id")!]
            #expect(first != nil && first != second)

            // Errors: thrown ones, a route that does not exist, a static path refused, the generation gate's refusals.
            let missing = try await client.execute(uri: "/v1/nothing", method: .get, headers: [.init("X-Request-Id")!: "req-1"]) {
                Reply(status: $0.status, headers: $0.headers, body: $0.body)
            }
            #expect(missing.status == .notFound && missing.json["error"]["request_id"].string == "req-1")
            let unauthorized = try await client.call(.get, "/v1/accounts/me")
            #expect(unauthorized.json["error"]["request_id"].string == unauthorized.headers[.init("X-Request-Id")!])
            let key = try await AdminTasks(configuration: configuration).createAPIKey(name: "gen", scopes: [.generate])
            let missingAccount = try await client.call(
                .post,
                "/v1/generations",
                token: key,
                json: ["account_id": 999_999, "prompt": "x", "idempotency_key": "k"]
            )
            #expect(missingAccount.json["error"]["request_id"].string == missingAccount.headers[.init("X-Request-Id")!])
            // A page served from Public/ carries one too.
            #expect(try await client.call(.get, "/").headers[.init("X-Request-Id")!] != nil)
        }
    }

    @Test func requestIdsFromClientsAreCheckedAndNewOnesAreRandom() {
        #expect(RequestLogMiddleware<AppRequestContext>.requestId(from: "trace-42") == "trace-42")
        #expect(RequestLogMiddleware<AppRequestContext>.requestId(from: "a\r\nb") != "a\r\nb")
        let made = Set((0..<100).map { _ in RequestLogMiddleware<AppRequestContext>.requestId(from: nil) })
        #expect(made.count == 100)
        // Random throughout, not a counter behind a fixed prefix: no two share their first or their last half.
        #expect(Set(made.map { $0.prefix(16) }).count == 100 && Set(made.map { $0.suffix(16) }).count == 100)
        #expect(made.allSatisfy { $0.count == 32 })
    }
}
