import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct TrainingSignalsTests {
    @Test func everyResponseCarriesBothHeadersByDefault() async throws {
        try await withApp { client, _ in
            for path in ["/", "/health", "/robots.txt", "/v1/nothing", "/openapi.yaml"] {
                let reply = try await client.call(.get, path)
                #expect(reply.headers[.init("X-Robots-Tag")!] == "noai, noimageai", "\(path)")
                #expect(reply.headers[.init("tdm-reservation")!] == "1", "\(path)")
            }
            let page = String(buffer: try await client.call(.get, "/").body)
            #expect(page.contains("<meta name=\"robots\" content=\"noai, noimageai\">"))
            #expect(page.contains("<meta name=\"tdm-reservation\" content=\"1\">"))
        }
    }

    @Test func robotsTxtShutsOutAICrawlersAndLetsSearchIn() async throws {
        try await withApp { client, _ in
            let reply = try await client.call(.get, "/robots.txt")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
            let groups = String(buffer: reply.body).components(separatedBy: "\n\n")
            let aiGroup = try #require(groups.first { $0.contains("User-agent: GPTBot") })
            for agent in ["GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "img2dataset"] {
                #expect(aiGroup.contains("User-agent: \(agent)\n"), "\(agent)")
            }
            #expect(aiGroup.split(separator: "\n").contains("Disallow: /"))
            let everyone = try #require(groups.first { $0.contains("User-agent: *") })
            #expect(everyone.split(separator: "\n").contains("Allow: /"))
            #expect(!everyone.split(separator: "\n").contains("Disallow: /"))
        }
    }

    @Test func aiPreferencesAndContentSignalsAreOnByDefault() async throws {
        try await withApp { client, _ in
            for path in ["/", "/health", "/robots.txt", "/v1/nothing"] {
                #expect(try await client.call(.get, path).headers[.init("Content-Usage")!] == "train-ai=n", "\(path)")
            }
            let robots = String(buffer: try await client.call(.get, "/robots.txt").body)
            let everyone = try #require(robots.components(separatedBy: "\n\n").first { $0.contains("User-agent: *") })
            let lines = everyone.split(separator: "\n").map(String.init)
            #expect(lines.contains("Content-Signal: search=yes, ai-train=no, ai-input=no"))
            #expect(lines.contains("Content-Usage: train-ai=n"))
            #expect(robots.contains("ARTICLE 4 OF THE\n# EUROPEAN UNION DIRECTIVE 2019/790"))
        }
    }

    @Test func aPlatformChoosesTheValuesAndBadOnesStopTheStart() async throws {
        var signals = TrainingSignals()
        try signals.setContentUsage("train-ai=n,search=y")
        #expect(signals.contentUsageValue == "train-ai=n, search=y")
        try signals.setContentSignal(" search=yes , ai-train=no ")
        #expect(signals.contentSignalValue == "search=yes, ai-train=no")
        for bad in ["", "train-ai", "ai=n", "train-ai=maybe", "train-ai=n, train-ai=y", "Train-AI=n", "train-ai=n;q=1", "train-ai=\"n\""] {
            #expect(throws: StartupError.self, "\(bad)") { try signals.setContentUsage(bad) }
        }
        for bad in ["ai-train=n", "crawl=no", "search"] {
            #expect(throws: StartupError.self, "\(bad)") { try signals.setContentSignal(bad) }
        }
        let chosen = signals
        try await withApp(
            configure: { $0.signals = chosen },
            body: { client, _ in
                #expect(try await client.call(.get, "/").headers[.init("Content-Usage")!] == "train-ai=n, search=y")
                let robots = String(buffer: try await client.call(.get, "/robots.txt").body)
                #expect(robots.contains("Content-Signal: search=yes, ai-train=no\n"))
                #expect(robots.contains("Content-Usage: train-ai=n, search=y\n"))
            }
        )
        try await withApp(
            configure: { try? $0.signals.disable(["content-usage", "content-signal"]) },
            body: { client, _ in
                #expect(try await client.call(.get, "/").headers[.init("Content-Usage")!] == nil)
                let robots = String(buffer: try await client.call(.get, "/robots.txt").body)
                #expect(!robots.contains("Content-Usage") && !robots.contains("Content-Signal") && !robots.contains("ARTICLE 4"))
                #expect(robots.contains("User-agent: GPTBot"))
            }
        )
    }

    @Test func aiTxtAndTDMRepFileAreServed() async throws {
        try await withApp { client, _ in
            let ai = String(buffer: try await client.call(.get, "/ai.txt").body)
            #expect(ai.contains("User-Agent: *"))
            #expect(ai.contains("Disallow: *.png"))
            let tdmrep = try await client.call(.get, "/.well-known/tdmrep.json")
            #expect(tdmrep.headers[.contentType] == "application/json")
            let rules = try #require(tdmrep.json.value as? [[String: Any]])
            #expect(rules.count == 1)
            #expect(rules[0]["location"] as? String == "/*")
            #expect((rules[0]["tdm-reservation"] as? NSNumber)?.intValue == 1)
        }
    }

    @Test func aPlatformMayTurnEachSignalOff() async throws {
        try await withApp(
            configure: { try? $0.signals.disable(TrainingSignals.names) },
            body: { client, _ in
                let page = try await client.call(.get, "/")
                #expect(page.headers[.init("X-Robots-Tag")!] == nil)
                #expect(page.headers[.init("tdm-reservation")!] == nil)
                let html = String(buffer: page.body)
                #expect(!html.contains("<meta name=\"robots\""))
                #expect(!html.contains("<meta name=\"tdm-reservation\""))
                #expect(html.contains("<title>"))
                for path in ["/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"] {
                    #expect(try await client.call(.get, path).status == .notFound, "\(path)")
                }
            }
        )
        var signals = TrainingSignals()
        #expect(throws: StartupError.self) { try signals.disable(["no-such-signal"]) }
    }

    @Test func rslLicenseIsServedLinkedAndListsTheArtistsWorks() async throws {
        try await withApp(
            configure: { $0.http.publicURL = "https://gate.example" },
            body: { client, _ in
                let artist = try await client.signUp("rsl@example.org")
                let id = try await client.createArtist(artist, name: "Greg Rutkowski")
                let link = "https://gregrutkowski.example/gallery?a=1&b=*"
                #expect(try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": [link]]).status == .ok)

                let reply = try await client.call(.get, "/license.xml")
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType]?.hasPrefix("application/rsl+xml") == true)
                let document = try XMLDocument(data: Data(buffer: reply.body))
                let root = try #require(document.rootElement())
                #expect(root.name == "rsl" && root.uri == "https://rslstandard.org/rsl")
                let contents = root.elements(forName: "content")
                func attribute(_ element: XMLElement?, _ name: String) -> String? {
                    element?.attributes?.first { $0.localName == name }?.stringValue
                }
                let urls = contents.compactMap { attribute($0, "url") }
                #expect(urls == ["/", "https://gregrutkowski.example/gallery?a=1&b=%2A"])
                for content in contents {
                    let prohibits = content.elements(forName: "license").first?.elements(forName: "prohibits").first
                    #expect(attribute(prohibits, "type") == "usage")
                    #expect(prohibits?.stringValue?.split(separator: ",").contains("ai-train") == true)
                }

                let etag = try #require(reply.headers[.eTag])
                let cached = try await client.execute(uri: "/license.xml", method: .get, headers: [.ifNoneMatch: etag]) { $0.status }
                #expect(cached == .notModified)
                let robots = String(buffer: try await client.call(.get, "/robots.txt").body)
                #expect(robots.split(separator: "\n").contains("License: https://gate.example/license.xml"))
                let page = try await client.call(.get, "/")
                #expect(page.headers[.init("Link")!] == "<https://gate.example/license.xml>; rel=\"license\"; type=\"application/rsl+xml\"")
                #expect(String(buffer: page.body).contains("<link rel=\"license\" type=\"application/rsl+xml\" href=\"/license.xml\">"))
                #expect(try await client.call(.get, "/health").headers[.init("Link")!] == nil)

                // A withdrawn artist's works leave the document.
                _ = try await client.call(.delete, "/v1/artists/\(id)", token: artist)
                #expect(!String(buffer: try await client.call(.get, "/license.xml").body).contains("gregrutkowski"))
            }
        )
        try await withApp(
            configure: { try? $0.signals.disable(["rsl"]) },
            body: { client, _ in
                #expect(try await client.call(.get, "/license.xml").status == .notFound)
                let page = try await client.call(.get, "/moderate.html")
                #expect(page.headers[.init("Link")!] == nil)
                #expect(!String(buffer: page.body).contains("rel=\"license\""))
                #expect(String(buffer: page.body).contains("<meta name=\"robots\""))
                #expect(!String(buffer: try await client.call(.get, "/robots.txt").body).contains("License:"))
            }
        )
    }

    @Test func aTDMPolicyIsPublishedWhenSet() async throws {
        try await withApp(
            configure: { $0.signals.tdmPolicy = "https://example.org/tdm-policy.json" },
            body: { client, _ in
                let rules = try #require(try await client.call(.get, "/.well-known/tdmrep.json").json.value as? [[String: Any]])
                #expect(rules[0]["tdm-policy"] as? String == "https://example.org/tdm-policy.json")
            }
        )
    }
}

@Suite struct RegistryLookupTests {
    func registryKey(_ configuration: AppConfiguration) async throws -> String {
        try await AdminTasks(configuration: configuration).createAPIKey(name: "dataset-\(UUID().uuidString.prefix(6))", scopes: [.registry])
    }

    @Test func urlsAndNamesAnswerInOrder() async throws {
        try await withApp { client, configuration in
            let key = try await registryKey(configuration)
            let artist = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(artist, name: "Greg Rutkowski")
            let patched = try await client.call(
                .patch,
                "/v1/artists/\(id)",
                token: artist,
                json: ["links": ["https://www.artstation.com/rutkowski", "https://gregrutkowski.com/gallery", "https://example.org/page?id=7"]]
            )
            #expect(patched.status == .ok, "\(String(buffer: patched.body))")
            let items: [Any] = [
                ["url": "https://artstation.com/rutkowski/artwork/abc"],
                ["url": "http://WWW.artstation.com/rutkowski"],
                ["url": "https://www.artstation.com/rutkowskiana"],
                ["url": "https://gregrutkowski.com/gallery/dragon.jpg"],
                ["url": "https://example.org/page?id=7"],
                ["url": "https://example.org/page?id=8"],
                ["url": "not a url"],
                ["name": "Gr3g Rutk0wski"],
                ["name": "Someone Else"],
                ["colour": "blue"],
                ["url": "https://a.example", "name": "both"],
                "just a string",
            ]
            let reply = try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": items])
            #expect(reply.status == .ok)
            let results = reply.json["results"].array
            #expect(results.count == items.count)
            #expect(results.map { $0["opted_out"].bool } == [true, true, false, true, true, false, nil, true, false, nil, nil, nil])
            #expect(results[0]["artist_id"].int == id)
            #expect(results[0]["matched"].string == "https://www.artstation.com/rutkowski")
            #expect(results[7]["matched"].string == "Greg Rutkowski")
            #expect(results[6]["error"]["code"].string == "invalid_url")
            #expect(results[9]["error"]["code"].string == "invalid_item")
            #expect(results[10]["error"]["code"].string == "invalid_item")
            #expect(reply.json["registry_version"].int == (try await client.registryVersion()))

            // A withdrawn artist stops appearing at once.
            _ = try await client.call(.delete, "/v1/artists/\(id)", token: artist)
            let after = try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": [items[0], items[7]]])
            #expect(after.json["results"].array.map { $0["opted_out"].bool } == [false, false])
        }
    }

    @Test func badLookupBodiesAreClear4xx() async throws {
        try await withApp { client, configuration in
            let key = try await registryKey(configuration)
            let tooMany = (0...10_000).map { ["url": "https://example.org/\($0)"] }
            let big = try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": tooMany])
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "too_many_items")
            let unknown = try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": [], "extra": 1])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorCode == "unknown_field")
            let notJSON = try await client.call(.post, "/v1/registry/lookup", token: key, raw: ByteBuffer(string: "{items"))
            #expect(notJSON.status == .badRequest)
            let wrongType = try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": "x"])
            #expect(wrongType.status == .unprocessableContent)
            let exactly = (0..<10_000).map { ["url": "https://example.org/\($0)"] }
            #expect(try await client.call(.post, "/v1/registry/lookup", token: key, json: ["items": exactly]).status == .ok)
        }
    }

    @Test func onlyRegistryKeysMayLookUpOrExport() async throws {
        try await withApp { client, configuration in
            let checkKey = try await AdminTasks(configuration: configuration).createAPIKey(name: "checker", scopes: [.check])
            let member = try await client.signUp("member@example.org")
            for (method, path) in [(HTTPRequest.Method.post, "/v1/registry/lookup"), (.get, "/v1/registry/export")] {
                let body: [String: Any]? = method == .post ? ["items": []] : nil
                #expect(try await client.call(method, path, json: body).status == .unauthorized, "\(path)")
                #expect(try await client.call(method, path, token: checkKey, json: body).status == .forbidden, "\(path)")
                #expect(try await client.call(method, path, token: member, json: body).status == .forbidden, "\(path)")
            }
        }
    }

    @Test func spawningQueryAnswersAsSpawningDoes() async throws {
        try await withApp { client, configuration in
            let key = try await registryKey(configuration)
            let artist = try await client.signUp("spawn@example.org")
            let id = try await client.createArtist(artist, name: "Greg Rutkowski")
            #expect(
                try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": ["https://www.artstation.com/rutkowski"]]).status
                    == .ok
            )
            func query(_ body: String, authorization: String? = "API \(key)", type: String = "text/plain") async throws -> Reply {
                var headers: HTTPFields = [.contentType: type]
                if let authorization { headers[.authorization] = authorization }
                return try await client.execute(uri: "/api/v2/query/urls/", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    Reply(status: $0.status, headers: $0.headers, body: $0.body)
                }
            }
            let urls = ["https://artstation.com/rutkowski/artwork/1", "https://example.org/cat.jpg", "not a url"]
            let reply = try await query(urls.joined(separator: "\r\n") + "\n")
            #expect(reply.status == .ok, "\(String(buffer: reply.body))")
            let items = reply.json["urls"].array
            #expect(items.map { $0["url"].string } == urls)
            #expect(items.map { $0["optOut"].bool } == [true, false, false])
            #expect(items.allSatisfy { $0["optIn"].bool == false })
            // One URL, and a bearer key, work too.
            #expect(try await query(urls[0], authorization: "Bearer \(key)").json["urls"][0]["optOut"].bool == true)

            // Refusals: no key, a key without the scope, a session, too many URLs, nothing, JSON.
            #expect(try await query(urls[0], authorization: nil).status == .unauthorized)
            let checkKey = try await AdminTasks(configuration: configuration).createAPIKey(name: "checker", scopes: [.check])
            #expect(try await query(urls[0], authorization: "API \(checkKey)").status == .forbidden)
            #expect(try await query(urls[0], authorization: "API \(artist)").status == .forbidden)
            let tooMany = try await query((0...10_000).map { "https://example.org/\($0)" }.joined(separator: "\n"))
            #expect(tooMany.status == .contentTooLarge && tooMany.errorCode == "too_many_items")
            #expect(try await query((0..<10_000).map { "https://example.org/\($0)" }.joined(separator: "\n")).status == .ok)
            #expect(try await query("\n \n").errorCode == "no_urls")
            #expect(try await query("[\"https://example.org\"]", type: "application/json").status == .unsupportedMediaType)
            // The route takes 4 MiB (10,000 URLs of up to 400 bytes), and its 413 says so; other routes say 1 MiB.
            let huge = try await query(String(repeating: "https://example.org/\(String(repeating: "a", count: 400))\n", count: 10_500))
            #expect(
                huge.status == .contentTooLarge && huge.json["error"]["message"].string?.contains("4 MiB") == true,
                "\(String(buffer: huge.body))"
            )
            let account = try await client.call(
                .post,
                "/v1/accounts",
                raw: ByteBuffer(string: "{\"email\": \"" + String(repeating: "a", count: 1 << 20) + "\"}")
            )
            #expect(account.status == .contentTooLarge && account.json["error"]["message"].string?.contains("1 MiB") == true)
        }
    }

    @Test func exportStreamsPhrasesAndLinksWithAnETag() async throws {
        try await withApp { client, configuration in
            let key = try await registryKey(configuration)
            let artist = try await client.signUp("greg@example.org")
            let id = try await client.createArtist(artist, name: "Greg Rutkowski", aliases: ["Rutkowski", "Rose"])
            let reply = try await client.call(.get, "/v1/registry/export", token: key)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/x-ndjson")
            let etag = try #require(reply.headers[.eTag])
            let lines = String(buffer: reply.body).split(separator: "\n").map {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.allSatisfy { $0 != nil })
            #expect((lines[0]?["registry_version"] as? NSNumber)?.intValue == (try await client.registryVersion()))
            let phrases = lines.compactMap { $0 }.filter { $0["type"] as? String == "phrase" }.compactMap { $0["phrase"] as? String }
            #expect(phrases == ["Greg Rutkowski", "Rutkowski"])  // "Rose" waits for review
            let linkLines = lines.compactMap { $0 }.filter { $0["type"] as? String == "link" }
            #expect(linkLines.count == 1)
            #expect((linkLines[0]["artist_id"] as? NSNumber)?.intValue == id)

            var headers: HTTPFields = [.authorization: "Bearer \(key)", .ifNoneMatch: etag]
            let unchanged = try await client.execute(uri: "/v1/registry/export", method: .get, headers: headers) { $0.status }
            #expect(unchanged == .notModified)
            _ = try await client.call(.patch, "/v1/artists/\(id)", token: artist, json: ["links": ["https://example.org/new"]])
            headers[.ifNoneMatch] = etag
            let changed = try await client.execute(uri: "/v1/registry/export", method: .get, headers: headers) { $0.status }
            #expect(changed == .ok)
        }
    }
}
