import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

/// The repository's root, where Migrations/ and Public/ live.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Which database the server tests run on: SQLite by default; PostgreSQL when `OPTOUT_TEST_BACKEND=postgres` and
/// `OPTOUT_TEST_DATABASE_URL` names a server whose user may create databases (each test gets a database of its own,
/// left for the throw-away cluster to take with it).
enum TestBackend {
    static let postgresAdminURL: String? =
        ProcessInfo.processInfo.environment["OPTOUT_TEST_BACKEND"] == "postgres" ? PostgresTestDatabase.adminURL : nil
    static var isSQLite: Bool { postgresAdminURL == nil }
}

/// One set of word lists for every application the tests build: a test process reads them once.
let sharedWordLists = WordLists()

func testConfiguration() async throws -> AppConfiguration {
    var configuration = AppConfiguration()
    configuration.wordLists = sharedWordLists
    configuration.storage.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("optout-test-\(UUID().uuidString)")
    configuration.storage.resourceRoot = repositoryRoot
    configuration.accounts.bcryptCost = 4
    configuration.logging.level = .critical
    if let admin = TestBackend.postgresAdminURL {
        configuration.storage.databaseURL = try await PostgresBackend.createScratchDatabase(adminURL: admin, prefix: "optout_suite_", logger: .quiet)
            .url
        // Hundreds of tests run at once, each with its service and its command-line tasks, on one server.
        configuration.storage.databaseConnections = 3
    }
    return configuration
}

/// Builds the app on a fresh database, with a moderator `mod@example.org` and an admin `admin@example.org`
/// (password `moderator-pass`), and runs `body` against its router.
func withApp(
    configure: (inout AppConfiguration) -> Void = { _ in },
    body: @escaping @Sendable (any TestClientProtocol, AppConfiguration) async throws -> Void
) async throws {
    var configuration = try await testConfiguration()
    configure(&configuration)
    defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
    let tasks = try await AdminTasks(configuration: configuration)
    _ = try await tasks.createStaff(email: "mod@example.org", password: "moderator-pass", role: .moderator)
    _ = try await tasks.createStaff(email: "admin@example.org", password: "moderator-pass", role: .admin)
    let app = try await buildApplication(configuration: configuration)
    let frozen = configuration
    try await app.test(.router) { client in try await body(client, frozen) }
}

/// A decoded JSON body.
struct JSON: @unchecked Sendable {
    let value: Any

    init(_ buffer: ByteBuffer) throws {
        value = try JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed])
    }

    init(value: Any) { self.value = value }

    subscript(key: String) -> JSON { JSON(value: (value as? [String: Any])?[key] ?? NSNull()) }
    subscript(index: Int) -> JSON {
        let array = value as? [Any] ?? []
        return JSON(value: index < array.count ? array[index] : NSNull())
    }

    var string: String? { value as? String }
    var int: Int? { (value as? NSNumber)?.intValue }
    var bool: Bool? { (value as? NSNumber)?.boolValue }
    /// The elements of an array. A value that is not an array (a field the reply lacks) is a test failure, not an
    /// empty array: `json["matches"].array.isEmpty` must not pass on a reply with no `matches`.
    var array: [JSON] {
        guard let elements = value as? [Any] else {
            Issue.record("expected a JSON array, found \(value is NSNull ? "nothing" : String(describing: type(of: value)))")
            return []
        }
        return elements.map { JSON(value: $0) }
    }
    /// The elements of an array, or nil when the value is not one.
    var arrayIfPresent: [JSON]? { (value as? [Any])?.map { JSON(value: $0) } }
    var isNull: Bool { value is NSNull }
}

struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer
    var json: JSON { (try? JSON(body)) ?? JSON(value: NSNull()) }
    var errorCode: String? { json["error"]["code"].string }
}

extension TestClientProtocol {
    /// Sends `body` (a JSON object, raw string, or nil) with an optional bearer token.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json body: Any? = nil, raw: ByteBuffer? = nil) async throws -> Reply
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let buffer: ByteBuffer? =
            if let raw { raw } else if let body { ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)) } else { nil }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    /// Opens an account and signs in; returns the session token.
    func signUp(_ email: String, password: String = "correct horse") async throws -> String {
        let created = try await call(.post, "/v1/accounts", json: ["email": email, "password": password, "display_name": "Test \(email)"])
        #expect(created.status == .created, "sign-up of \(email) failed: \(String(buffer: created.body))")
        return try await signIn(email, password: password)
    }

    func signIn(_ email: String, password: String) async throws -> String {
        let session = try await call(.post, "/v1/sessions", json: ["email": email, "password": password])
        #expect(session.status == .created, "sign-in of \(email) failed: \(String(buffer: session.body))")
        return session.json["token"].string ?? ""
    }

    func moderatorToken() async throws -> String { try await signIn("mod@example.org", password: "moderator-pass") }

    /// Registers an artist for `token` and returns its id.
    func createArtist(_ token: String, name: String, aliases: [String] = [], creations: [String] = [], policy: String = "block") async throws -> Int {
        let reply = try await call(
            .post,
            "/v1/artists",
            token: token,
            json: ["name": name, "aliases": aliases, "creations": creations, "policy": policy, "links": ["https://example.org/\(name.count)"]]
        )
        #expect(reply.status == .created, "creating \(name) failed: \(String(buffer: reply.body))")
        return reply.json["id"].int ?? -1
    }

    /// The account id behind a session token.
    func accountId(_ token: String) async throws -> Int {
        try await call(.get, "/v1/accounts/me", token: token).json["id"].int!
    }

    /// `POST /v1/generations` with an API key holding the generate scope.
    func generate(_ key: String, account: Int, prompt: String, idempotency: String) async throws -> Reply {
        try await call(.post, "/v1/generations", token: key, json: ["account_id": account, "prompt": prompt, "idempotency_key": idempotency])
    }

    func registryVersion() async throws -> Int {
        try await call(.get, "/v1/registry/version").json["registry_version"].int ?? -1
    }
}

/// A new API key with `scopes`, under a name no other test uses.
func newAPIKey(_ configuration: AppConfiguration, scopes: Set<APIScope>) async throws -> String {
    try await AdminTasks(configuration: configuration).createAPIKey(name: "key-\(UUID().uuidString.prefix(8))", scopes: scopes)
}
