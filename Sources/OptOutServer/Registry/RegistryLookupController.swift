import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore

/// The dataset builders' API: look up URLs and names, or sync the whole registry (API key with scope `registry`).
struct RegistryLookupController {
    let gate: PromptGate
    let links: LinkIndex
    let registry: any RegistryReads

    static let maxItems = 10_000

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/registry/lookup", use: lookup)
        routes.get("/v1/registry/export", use: export)
    }

    /// One item to look up: exactly one of `url` and `name`. Read leniently: an item that cannot be read is its own
    /// result's error, not the request's.
    enum Item: Decodable {
        case url(String)
        case name(String)
        case unreadable(String)

        init(from decoder: any Decoder) {
            guard let item = try? decoder.container(keyedBy: AnyKey.self) else {
                self = .unreadable("An item must be an object with url or name.")
                return
            }
            if let unknown = item.allKeys.first(where: { $0.stringValue != "url" && $0.stringValue != "name" }) {
                self = .unreadable("Unknown field \(unknown.stringValue) in an item; an item holds url or name.")
                return
            }
            // Absent, null or not a string: nil (the count of keys below tells them apart).
            let url = (try? item.decodeIfPresent(String.self, forKey: AnyKey("url"))) ?? nil
            let name = (try? item.decodeIfPresent(String.self, forKey: AnyKey("name"))) ?? nil
            switch (url, name, item.allKeys.count) {
            case (let url?, nil, 1): self = .url(url)
            case (nil, let name?, 1):
                let count = name.unicodeScalars.count
                self = (1...PromptRules.maxScalars).contains(count) ? .name(name) : .unreadable("A name has 1 to 4000 characters.")
            default: self = .unreadable("An item holds exactly one of url and name, as a string.")
            }
        }
    }

    /// The body: `{"items": [...]}`, the unknown member it has if any, and whether `items` is an array.
    struct LookupBody: Decodable {
        let items: [Item]?
        let unknown: String?

        init(from decoder: any Decoder) throws {
            let body = try decoder.container(keyedBy: AnyKey.self)
            unknown = body.allKeys.first { $0.stringValue != "items" }?.stringValue
            items = try? body.decode([Item].self, forKey: AnyKey("items"))
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The answer to a look-up: one result an item, in the order sent. Written by hand: 10,000 results through the
    /// generic encoder took about 1.6 times as long as the whole look-up does this way (`scripts/bench-http.sh`).
    struct LookupAnswer: ResponseGenerator {
        let registryVersion: Int64
        let results: [LookupResult]

        var json: String {
            var out = "{\"registry_version\":\(registryVersion),\"results\":["
            out.reserveCapacity(results.count * 80)
            for (position, result) in results.enumerated() {
                if position > 0 { out += "," }
                out += result.json
            }
            return out + "]}"
        }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            Response.json(body: ByteBuffer(string: json))
        }
    }

    /// An item's result: the covering artist (both null when none), or why the item could not be read.
    enum LookupResult {
        case found(artistId: Int64, matched: String)
        case notFound
        case error(code: String, message: String)

        var json: String {
            switch self {
            case .found(let artistId, let matched): "{\"artist_id\":\(artistId),\"matched\":\(JSONText.quoted(matched)),\"opted_out\":true}"
            case .notFound: "{\"artist_id\":null,\"matched\":null,\"opted_out\":false}"
            case .error(let code, let message): "{\"error\":{\"code\":\"\(code)\",\"message\":\(JSONText.quoted(message))}}"
            }
        }
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> LookupAnswer {
        _ = try context.requireScope(.registry)
        var request = request
        // The 1 MiB limit of every route: 10,000 URLs of up to 95 bytes each fit.
        let buffer = try await request.collectBody(limit: context.maxUploadSize)
        let items = try Self.parse(Data(buffer: buffer))
        let snapshot = gate.current
        let index = try await links.current()
        let gate = self.gate
        // Answered on NIO's thread pool: names go through the matcher, and 10,000 of them must not hold an event loop.
        let results = try await NIOThreadPool.singleton.runIfActive { items.map { Self.result($0, index: index, gate: gate) } }
        return LookupAnswer(registryVersion: snapshot.version, results: results)
    }

    static func result(_ item: Item, index: LinkCoverage, gate: PromptGate) -> LookupResult {
        switch item {
        case .unreadable(let reason):
            return .error(code: "invalid_item", message: reason)
        case .url(let url):
            guard let key = LinkCoverage.key(url) else {
                return .error(code: "invalid_url", message: "Not an http or https URL: \(url.prefix(200))")
            }
            return index.match(key).map { .found(artistId: $0.artistId, matched: $0.link) } ?? .notFound
        case .name(let name):
            let checked = gate.check(name)
            if let match = checked.matches.first { return .found(artistId: match.phrase.artistId, matched: match.phrase.text) }
            if !checked.complete {
                return .error(code: "name_too_complex", message: "The name could not be read through within the gate's work limit.")
            }
            return .notFound
        }
    }

    /// Reads `{"items": [...]}`: a per-item error for an item that cannot be read, a 4xx for a body that cannot.
    static func parse(_ data: Data) throws -> [Item] {
        let body: LookupBody
        do {
            guard !data.isEmpty else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty")) }
            body = try JSONDecoder().decode(LookupBody.self, from: data)
        } catch DecodingError.dataCorrupted {
            throw APIError(.badRequest, code: "invalid_json", message: "The body is not valid UTF-8 JSON.")
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "The body must be a JSON object with an items array.")
        }
        if let unknown = body.unknown {
            throw APIError(
                .unprocessableContent,
                code: "unknown_field",
                message: "Unknown field \(unknown); the body holds only items.",
                field: unknown
            )
        }
        guard let items = body.items else {
            throw APIError(
                .unprocessableContent,
                code: "invalid_field",
                message: "items must be an array of {\"url\"} or {\"name\"} objects.",
                field: "items"
            )
        }
        guard items.count <= maxItems else {
            throw APIError(
                .contentTooLarge,
                code: "too_many_items",
                message: "At most \(maxItems) items a request; \(items.count) were sent.",
                field: "items"
            )
        }
        return items
    }

    /// Every active phrase and every link of a live artist, as JSON Lines, streamed in pages. The first line gives
    /// the registry version, which is also the ETag: `If-None-Match` with it answers 304.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireScope(.registry)
        let version = try await registry.registryVersion()
        let etag = "\"registry-\(version)\""
        if let condition = request.headers[.ifNoneMatch],
            condition.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*"
            })
        {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        let registry = self.registry
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "{\"registry_version\":\(version),\"type\":\"header\"}\n"))
            try await Self.writePages(to: &writer) { try await Self.phrasePage(registry, after: $0) }
            try await Self.writePages(to: &writer) { try await Self.linkPage(registry, after: $0) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .eTag: etag], body: body)
    }

    static let pageSize = 5_000

    /// Writes `page` after `page` (each read on its own, keyed by the last id written) until one comes back empty.
    static func writePages(to writer: inout any ResponseBodyWriter, _ page: (Int64) async throws -> (String, Int64)) async throws {
        var after: Int64 = 0
        while true {
            let (text, last) = try await page(after)
            if text.isEmpty { return }
            try await writer.write(ByteBuffer(string: text))
            after = last
        }
    }

    /// A page of phrases as JSON Lines (hand-written: an export of 500,000 phrases is one of the largest bodies served).
    static func phrasePage(_ registry: any RegistryReads, after: Int64) async throws -> (String, Int64) {
        var text = ""
        var last = after
        for phrase in try await registry.phrasePage(after: after, limit: pageSize) {
            last = phrase.id
            text += "{\"artist_id\":\(phrase.artistId),\"artist_name\":\(JSONText.quoted(phrase.artistName)),\"kind\":\"\(phrase.kind.rawValue)\","
            text += "\"phrase\":\(JSONText.quoted(phrase.text)),\"policy\":\"\(phrase.policy.rawValue)\",\"type\":\"phrase\"}\n"
        }
        return (text, last)
    }

    static func linkPage(_ registry: any RegistryReads, after: Int64) async throws -> (String, Int64) {
        var text = ""
        var last = after
        for link in try await registry.linkPage(after: after, limit: pageSize) {
            last = link.id
            text += "{\"artist_id\":\(link.artistId),\"artist_name\":\(JSONText.quoted(link.artistName)),\"type\":\"link\","
            text += "\"url\":\(JSONText.quoted(link.url))}\n"
        }
        return (text, last)
    }
}
