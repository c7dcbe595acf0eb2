import Hummingbird
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// The API's paths and their methods, so a known path called with another method answers 405 with `Allow`.
public final class RouteTable: Sendable {
    private struct Entry: Sendable {
        let segments: [Substring]
        var methods: Set<HTTPRequest.Method>
        var parameterCount: Int { segments.count { $0.hasPrefix(":") || $0 == "*" } }
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    func record(_ path: String, _ method: HTTPRequest.Method) {
        let key = "/" + path.split(separator: "/").joined(separator: "/")
        entries.withLockedValue { entries in
            entries[key, default: Entry(segments: key.split(separator: "/"), methods: [])].methods.insert(method)
            if method == .get { entries[key]?.methods.insert(.head) }
        }
    }

    /// Every recorded path (`:name` for parameters) with its methods, for checking the OpenAPI document.
    var routes: [String: Set<HTTPRequest.Method>] {
        entries.withLockedValue { entries in entries.mapValues(\.methods) }
    }

    /// The methods of the most specific known route that matches `path`, or nil when none does.
    public func allowedMethods(forPath path: String) -> Set<HTTPRequest.Method>? {
        let parts = path.split(separator: "/")
        let matches = entries.withLockedValue { entries in
            entries.values.filter { entry in
                entry.segments.count == parts.count
                    && zip(entry.segments, parts).allSatisfy { pattern, part in pattern.hasPrefix(":") || pattern == "*" || pattern == part }
            }
        }
        return matches.min { $0.parameterCount < $1.parameterCount }?.methods
    }
}

/// Adds routes to the router and records them in the ``RouteTable``.
struct RouteRecorder<Context: RequestContext> {
    let router: Router<Context>
    let table: RouteTable

    func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        table.record(path, method)
        router.on(RouterPath(path), method: method, use: handler)
    }

    func get(_ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator) {
        on(.get, path, use: handler)
    }

    func post(_ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator) {
        on(.post, path, use: handler)
    }

    func patch(_ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator) {
        on(.patch, path, use: handler)
    }

    func delete(_ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator) {
        on(.delete, path, use: handler)
    }
}
