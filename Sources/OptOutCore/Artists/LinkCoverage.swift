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

    /// The host (lower case, without `www.` or a trailing dot), path (without a trailing slash) and query of an
    /// http(s) URL, normalised as RFC 3986 (section 6) says equivalent URLs are: percent-encoded unreserved characters
    /// decoded and other percent-encodings in upper case, dot segments removed, empty segments (`//`) dropped; on a
    /// shared host whose user names ignore case (artstation.com/Rutkowski is artstation.com/rutkowski), the first path
    /// segment in lower case. Links and looked-up URLs go through the same key, so equivalent forms meet.
    public static func key(_ url: String) -> (host: String, path: String, query: String?)? {
        guard let components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        while host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        guard !host.isEmpty else { return nil }
        var segments: [String] = []
        for segment in components.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: true) {
            switch normalizedPercentEncoding(segment) {
            case ".": continue
            case "..": _ = segments.popLast()
            case let normal: segments.append(normal)
            }
        }
        if !segments.isEmpty, LinkRules.isShared(host) { segments[0] = segments[0].lowercased() }
        let path = segments.isEmpty ? "" : "/" + segments.joined(separator: "/")
        return (host, path, components.percentEncodedQuery.map { normalizedPercentEncoding(Substring($0)) })
    }

    /// Percent-encoded unreserved characters (letters, digits, `-` `.` `_` `~`) decoded, other escapes in upper case.
    static func normalizedPercentEncoding(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                let value = high << 4 | low
                let unreserved =
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(value) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(value)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(value) || "-._~".utf8.contains(value)
                if unreserved {
                    out.append(value)
                } else {
                    out.append(contentsOf: "%".utf8)
                    out.append(contentsOf: String(format: "%02X", value).utf8)
                }
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
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
