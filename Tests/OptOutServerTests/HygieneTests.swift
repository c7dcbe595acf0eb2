import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct HygieneTests {
    @Test func healthAnswersOK() async throws {
        try await withApp { client, _ in
            let reply = try await client.call(.get, "/health")
            #expect(reply.status == .ok)
            #expect(reply.json["status"].string == "ok")
        }
    }

    @Test func malformedBodiesAreClear4xx() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("ann@example.org")
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{not json", .badRequest, "invalid_json"),
                ("", .badRequest, "invalid_json"),
                ("[1, 2]", .badRequest, "invalid_json"),
                ("\"just a string\"", .badRequest, "invalid_json"),
                ("{\"name\": null}", .unprocessableContent, "invalid_field"),
                ("{\"name\": \"Ann\", \"aliases\": \"not a list\"}", .unprocessableContent, "invalid_field"),
            ]
            for (body, status, code) in cases {
                let reply = try await client.call(.post, "/v1/artists", token: token, raw: ByteBuffer(string: body))
                #expect(reply.status == status, "body \(body): \(String(buffer: reply.body))")
                #expect(reply.errorCode == code, "body \(body)")
                #expect(reply.json["error"]["message"].string?.isEmpty == false)
            }
        }
    }

    @Test func invalidUTF8IsABadRequest() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("ann@example.org")
            var buffer = ByteBuffer(string: "{\"name\": \"Gr")
            buffer.writeBytes([0xFF, 0xFE, 0xC3])
            buffer.writeString("eg\"}")
            let reply = try await client.call(.post, "/v1/artists", token: token, raw: buffer)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "invalid_json")
        }
    }

    @Test func bodiesOverOneMebibyteAre413() async throws {
        try await withApp { client, _ in
            let token = try await client.signUp("ann@example.org")
            let big = "{\"name\": \"" + String(repeating: "a", count: (1 << 20) + 10) + "\"}"
            let reply = try await client.call(.post, "/v1/artists", token: token, raw: ByteBuffer(string: big))
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "payload_too_large")
        }
    }

    @Test func aWrongMethodOnAKnownPathIs405WithAllow() async throws {
        try await withApp { client, _ in
            let put = try await client.call(.put, "/v1/artists/1")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "DELETE, GET, HEAD, PATCH")
            #expect(put.errorCode == "method_not_allowed")
            let me = try await client.call(.delete, "/v1/artists/me")
            #expect(me.status == .methodNotAllowed)
            #expect(me.headers[.allow] == "GET, HEAD")
            let sessions = try await client.call(.get, "/v1/sessions")
            #expect(sessions.headers[.allow] == "POST")
            let unknown = try await client.call(.get, "/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
        }
    }

    @Test func everyResponseCarriesTheSecurityAndOptOutHeaders() async throws {
        try await withApp { client, _ in
            for path in ["/", "/health", "/v1/nothing", "/v1/accounts/me", "/openapi.yaml"] {
                let reply = try await client.call(.get, path)
                #expect(reply.headers[.init("X-Robots-Tag")!] == "noai, noimageai", "\(path)")
                #expect(reply.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(path)")
                #expect(reply.headers[.init("Referrer-Policy")!] != nil, "\(path)")
                #expect(
                    reply.headers[.init("Content-Security-Policy")!]
                        == "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
                    "\(path)"
                )
            }
        }
    }

    @Test func everyPageCarriesTheRobotsMetaTag() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Public").path)
            .filter { $0.hasSuffix(".html") }
        #expect(!pages.isEmpty)
        for page in pages {
            let html = try String(contentsOf: repositoryRoot.appendingPathComponent("Public/\(page)"), encoding: .utf8)
            #expect(html.contains("<meta name=\"robots\" content=\"noai, noimageai\">"), "\(page)")
        }
    }

    @Test func theOpenAPIDocumentIsServed() async throws {
        try await withApp { client, _ in
            let reply = try await client.call(.get, "/openapi.yaml")
            #expect(reply.status == .ok)
            #expect(String(buffer: reply.body).hasPrefix("openapi: 3.1"))
        }
    }

    /// The shape rules the server applies are the patterns the document publishes, to the letter.
    @Test func theOpenAPIDocumentPublishesTheServersShapeRules() throws {
        let document = try String(contentsOf: repositoryRoot.appendingPathComponent("Public/openapi.yaml"), encoding: .utf8)
        func quoted(_ pattern: String) -> String { "pattern: '" + pattern.replacingOccurrences(of: "'", with: "''") + "'" }
        #expect(document.contains(quoted(ShapeRules.emailPattern)))
        #expect(document.contains(quoted(ShapeRules.linkPattern)))
        #expect(document.components(separatedBy: quoted(ShapeRules.noControlPattern)).count - 1 >= 5)
        #expect(document.components(separatedBy: quoted(ShapeRules.noteCharactersPattern)).count - 1 >= 5)
        // The published patterns decide exactly as the server's checks do.
        #expect(ShapeRules.isEmail("ann@example.org") && !ShapeRules.isEmail("ann@example"))
        #expect(ShapeRules.isLink("https://example.org/ann") && !ShapeRules.isLink("https://example.org"))
    }

    /// Every route the server answers is in `Public/openapi.yaml` with its methods, and the document has no others.
    @Test func theOpenAPIDocumentListsExactlyTheServedRoutes() async throws {
        var configuration = try await testConfiguration()
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        configuration.storage.resourceRoot = repositoryRoot
        let services = try await Services(configuration: configuration)
        let table = RouteTable()
        let pair = try C2PACredential.makeDevelopmentPair()
        _ = buildRouter(
            services: services,
            gate: try await PromptGate.open(
                store: services.registrySource,
                ordinary: try services.wordLists.ordinary(),
                logger: Logger(label: "test")
            ),
            links: LinkIndex(store: services.registry),
            c2pa: try C2PACredential.load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM),
            metrics: ServiceMetrics(),
            configuration: configuration,
            publicDirectory: repositoryRoot.appendingPathComponent("Public"),
            table: table
        )
        var served: Set<String> = []
        for (path, methods) in table.routes {
            for method in methods where method != .head { served.insert("\(method.rawValue) \(path)") }
        }
        var documented: Set<String> = []
        var currentPath: String?
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Public/openapi.yaml"), encoding: .utf8)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("components:") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                // The router matches a path with or without its trailing slash (Spawning's route is documented with it).
                var path = String(line.dropFirst(2).dropLast()).replacing(#/\{(\w+)\}/#) { ":\($0.1)" }
                if path.count > 1, path.hasSuffix("/") { path.removeLast() }
                currentPath = path
            } else if let path = currentPath, let method = ["get", "post", "patch", "put", "delete"].first(where: { line == "    \($0):" }) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count > 30)
    }

    @Test func aMissingResourceFolderIsAClearStartupError() async throws {
        var configuration = try await testConfiguration()
        configuration.storage.resourceRoot = URL(fileURLWithPath: "/nonexistent-optout-root")
        do {
            _ = try await buildApplication(configuration: configuration)
            Issue.record("the app built without its Migrations folder")
        } catch let error as StartupError {
            #expect(error.description.contains("Migrations"))
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func anEditedMigrationIsRefusedAtStart() async throws {
        let configuration = try await testConfiguration()
        let migrations = configuration.storage.dataDirectory.appendingPathComponent("migrations-copy")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: configuration.storage.dataDirectory) }
        let original = repositoryRoot.appendingPathComponent("Migrations/sqlite/0001_accounts_and_registry.sql")
        let copy = migrations.appendingPathComponent("0001_accounts_and_registry.sql")
        try FileManager.default.copyItem(at: original, to: copy)
        _ = try AppDatabase(dataDirectory: configuration.storage.dataDirectory, migrationsDirectory: migrations)
        try (String(contentsOf: copy, encoding: .utf8) + "\n-- edited\n").write(to: copy, atomically: true, encoding: .utf8)
        #expect(throws: StartupError.self) {
            _ = try AppDatabase(dataDirectory: configuration.storage.dataDirectory, migrationsDirectory: migrations)
        }
    }

    /// The storage seam: only the store speaks SQL or GRDB, and the store speaks no HTTP. The compiler keeps the
    /// modules apart (OptOutServer has neither GRDB nor PostgresNIO among its dependencies, and CI builds with
    /// `--explicit-target-dependency-import-check error`); this reads what it cannot: SQL text on the wrong side. Each rule is a pattern
    /// that must not appear in a file on the wrong side (comments included, so a rule cannot be dodged in prose).
    @Test func onlyTheStoreSpeaksSQL() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let store = sources.appendingPathComponent("OptOutStore").standardizedFileURL.path + "/"
        let outside: [(pattern: String, why: String)] = [
            ("import GRDB", "imports GRDB"),
            ("import PostgresNIO", "imports PostgresNIO"),
            ("sql:", "writes SQL"),
            ("Row.fetch", "reads rows"),
            ("DatabaseError", "handles a database error"),
            (".pool", "reaches for the connection pool"),
        ]
        let inside: [(pattern: String, why: String)] = [
            ("import Hummingbird", "speaks HTTP"),
            ("APIError", "throws an HTTP error instead of a domain error"),
            ("Controller.", "reaches into a controller"),
        ]
        var breaches: [String] = []
        var storeFiles = 0
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let path = file.standardizedFileURL.path
            let text = try String(contentsOf: file, encoding: .utf8)
            let inStore = path.hasPrefix(store)
            if inStore { storeFiles += 1 }
            for rule in inStore ? inside : outside where text.contains(rule.pattern) {
                breaches.append("\(path.dropFirst(sources.path.count + 1)) \(rule.why) (\(rule.pattern))")
            }
        }
        #expect(storeFiles >= 10)
        #expect(breaches.isEmpty, "\(breaches.joined(separator: "\n"))")
    }
}
