import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import OptOutCore

/// The dataset builders' API: look up URLs and names, or sync the whole registry (API key with scope `registry`).
struct RegistryLookupController {
    let gate: PromptGate
    let links: LinkIndex
    let registry: RegistryStore

    static let maxItems = 10_000

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/registry/lookup", use: lookup)
        routes.get("/v1/registry/export", use: export)
    }

    /// One item to look up: exactly one of `url` and `name`.
    enum Item {
        case url(String)
        case name(String)
        case unreadable(String)
    }

    /// The answer to a look-up: one result an item, in the order sent.
    struct LookupAnswer: ResponseEncodable {
        let registryVersion: Int64
        let results: [LookupResult]
    }

    /// An item's result: the covering artist (both null when none), or why the item could not be read.
    enum LookupResult: Encodable {
        case found(artistId: Int64, matched: String)
        case notFound
        case error(code: String, message: String)

        private enum Keys: String, CodingKey { case artistId, matched, optedOut, error }
        private struct Problem: Encodable {
            let code: String
            let message: String
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .found(let artistId, let matched):
                try container.encode(artistId, forKey: .artistId)
                try container.encode(matched, forKey: .matched)
                try container.encode(true, forKey: .optedOut)
            case .notFound:
                try container.encodeNil(forKey: .artistId)
                try container.encodeNil(forKey: .matched)
                try container.encode(false, forKey: .optedOut)
            case .error(let code, let message):
                try container.encode(Problem(code: code, message: message), forKey: .error)
            }
        }
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> LookupAnswer {
        _ = try context.requireScope(.registry)
        var request = request
        // The 1 MiB limit of every route: 10,000 URLs of up to 95 bytes each fit.
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let items = try Self.parse(Data(buffer: buffer))
        let snapshot = gate.current
        let index = try links.current()
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
        guard !data.isEmpty, let object = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError(.badRequest, code: "invalid_json", message: "The body is not valid UTF-8 JSON.")
        }
        guard case .object(let body) = object else {
            throw APIError(.badRequest, code: "invalid_json", message: "The body must be a JSON object with an items array.")
        }
        if let unknown = body.keys.first(where: { $0 != "items" }) {
            throw APIError(
                .unprocessableContent,
                code: "unknown_field",
                message: "Unknown field \(unknown); the body holds only items.",
                field: unknown
            )
        }
        guard case .array(let items)? = body["items"] else {
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
        return items.map { raw in
            guard case .object(let item) = raw else { return .unreadable("An item must be an object with url or name.") }
            if let unknown = item.keys.first(where: { $0 != "url" && $0 != "name" }) {
                return .unreadable("Unknown field \(unknown) in an item; an item holds url or name.")
            }
            switch (item["url"], item["name"]) {
            case (.string(let url)?, nil): return .url(url)
            case (nil, .string(let name)?):
                let count = name.unicodeScalars.count
                return (1...PromptRules.maxScalars).contains(count) ? .name(name) : .unreadable("A name has 1 to 4000 characters.")
            default: return .unreadable("An item holds exactly one of url and name, as a string.")
            }
        }
    }

    /// Every active phrase and every link of a live artist, as JSON Lines, streamed in pages. The first line gives
    /// the registry version, which is also the ETag: `If-None-Match` with it answers 304.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireScope(.registry)
        let version = try registry.registryVersion()
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
            try await Self.writePages(to: &writer) { try Self.phrasePage(registry, after: $0) }
            try await Self.writePages(to: &writer) { try Self.linkPage(registry, after: $0) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .eTag: etag], body: body)
    }

    static let pageSize = 5_000

    /// Writes `page` after `page` (each read on its own, keyed by the last id written) until one comes back empty.
    static func writePages(to writer: inout any ResponseBodyWriter, _ page: (Int64) throws -> (String, Int64)) async throws {
        var after: Int64 = 0
        while true {
            let (text, last) = try page(after)
            if text.isEmpty { return }
            try await writer.write(ByteBuffer(string: text))
            after = last
        }
    }

    /// A page of phrases as JSON Lines (hand-written: an export of 500,000 phrases is one of the largest bodies served).
    static func phrasePage(_ registry: RegistryStore, after: Int64) throws -> (String, Int64) {
        var text = ""
        var last = after
        for phrase in try registry.phrasePage(after: after, limit: pageSize) {
            last = phrase.id
            text += "{\"artist_id\":\(phrase.artistId),\"artist_name\":\(JSONText.quoted(phrase.artistName)),\"kind\":\"\(phrase.kind.rawValue)\","
            text += "\"phrase\":\(JSONText.quoted(phrase.text)),\"policy\":\"\(phrase.policy.rawValue)\",\"type\":\"phrase\"}\n"
        }
        return (text, last)
    }

    static func linkPage(_ registry: RegistryStore, after: Int64) throws -> (String, Int64) {
        var text = ""
        var last = after
        for link in try registry.linkPage(after: after, limit: pageSize) {
            last = link.id
            text += "{\"artist_id\":\(link.artistId),\"artist_name\":\(JSONText.quoted(link.artistName)),\"type\":\"link\","
            text += "\"url\":\(JSONText.quoted(link.url))}\n"
        }
        return (text, last)
    }
}
