import Foundation

/// Artists' links by host, for the dataset builders' look-up: a link covers the URL itself and everything below it
/// (`https://example.org/greg` covers `https://example.org/greg/works/1`); a link with no path covers its whole
/// host. Schemes, `www.`, letter case of the host and a trailing slash do not matter; a link with a query matches
/// only that exact URL.
///
/// Links by `host + path` (no trailing slash), and links with a query by `host + path + "?" + query`: a URL is
/// matched by at most one look-up per segment of its path, however many links share its host.
public struct LinkCoverage: Sendable {
    public struct Entry: Sendable {
        public let path: String
        public let query: String?
        public let artistId: Int64
        public let link: String
    }

    var byPrefix: [String: Entry] = [:]
    var exact: [String: Entry] = [:]

    public init() {}

    /// Every link held, in no particular order.
    public var links: [String] { byPrefix.values.map(\.link) + exact.values.map(\.link) }

    /// Adds a link by its ``key(_:)``; the first link added for a prefix keeps it.
    public mutating func add(_ key: (host: String, path: String, query: String?), artistId: Int64, link: String) {
        let entry = Entry(path: key.path, query: key.query, artistId: artistId, link: link)
        if let query = key.query {
            exact[key.host + key.path + "?" + query] = entry
        } else if byPrefix[key.host + key.path] == nil {
            byPrefix[key.host + key.path] = entry
        }
    }

    /// The host (lower case, without `www.`), path (without a trailing slash) and query of an http(s) URL.
    public static func key(_ url: String) -> (host: String, path: String, query: String?)? {
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
    public func match(_ url: (host: String, path: String, query: String?)) -> Entry? {
        if let query = url.query, let entry = exact[url.host + url.path + "?" + query] { return entry }
        var path = Substring(url.path)
        while true {
            if let entry = byPrefix[url.host + path] { return entry }
            guard let slash = path.lastIndex(of: "/") else { return nil }
            path = path[..<slash]
        }
    }
}
