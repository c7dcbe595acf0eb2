import Foundation
import NIOConcurrencyHelpers

/// Artists' links by host, for the dataset builders' look-up: a link covers the URL itself and everything below it
/// (`https://example.org/greg` covers `https://example.org/greg/works/1`); a link with no path covers its whole
/// host. Schemes, `www.`, letter case of the host and a trailing slash do not matter; a link with a query matches
/// only that exact URL.
final class LinkIndex: Sendable {
    struct Entry: Sendable {
        let path: String
        let query: String?
        let artistId: Int64
        let link: String
    }

    /// Links by `host + path` (no trailing slash), and links with a query by `host + path + "?" + query`: a URL is
    /// matched by at most one look-up per segment of its path, however many links share its host.
    struct Index: Sendable {
        var byPrefix: [String: Entry] = [:]
        var exact: [String: Entry] = [:]
    }

    private struct State: Sendable {
        var version: Int64 = -1
        var index = Index()
    }

    private let store: RegistryStore
    private let state = NIOLockedValueBox(State())

    init(store: RegistryStore) {
        self.store = store
    }

    /// The current index, rebuilt from the database when the links changed since it was built.
    func current() throws -> Index {
        try currentWithVersion().index
    }

    /// The current index and the version of the links it holds.
    func currentWithVersion() throws -> (version: Int64, index: Index) {
        let version = try store.linkVersion()
        if let current = state.withLockedValue({ $0.version == version ? $0.index : nil }) { return (version, current) }
        return try rebuild()
    }

    /// Builds the index ahead of the first look-up (a start with 500,000 links takes about two seconds).
    func warm() throws {
        _ = try current()
    }

    private func rebuild() throws -> (version: Int64, index: Index) {
        let (links, version) = try store.liveLinks()
        var index = Index()
        for link in links {
            guard let key = Self.key(link.url) else { continue }
            let entry = Entry(path: key.path, query: key.query, artistId: link.artistId, link: link.url)
            if let query = key.query {
                index.exact[key.host + key.path + "?" + query] = entry
            } else if index.byPrefix[key.host + key.path] == nil {
                index.byPrefix[key.host + key.path] = entry
            }
        }
        state.withLockedValue { $0 = State(version: version, index: index) }
        return (version, index)
    }

    /// The host (lower case, without `www.`), path (without a trailing slash) and query of an http(s) URL.
    static func key(_ url: String) -> (host: String, path: String, query: String?)? {
        guard let components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return (host, path, components.percentEncodedQuery)
    }

    /// The most specific link covering `url`.
    static func match(_ url: (host: String, path: String, query: String?), in index: Index) -> Entry? {
        if let query = url.query, let entry = index.exact[url.host + url.path + "?" + query] { return entry }
        var path = Substring(url.path)
        while true {
            if let entry = index.byPrefix[url.host + path] { return entry }
            guard let slash = path.lastIndex(of: "/") else { return nil }
            path = path[..<slash]
        }
    }
}
