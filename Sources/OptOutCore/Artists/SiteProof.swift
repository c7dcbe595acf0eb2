import Foundation

/// What an artist's own page must carry to prove it is theirs: a `rel="me"` link to their profile on this service,
/// or the token the service gave them.
public enum SiteProof {
    public enum Method: String, Sendable {
        case relMe = "rel_me"
        case token
    }

    /// How `html` proves the page belongs to the artist at `profileURL`, or nil when it does not.
    public static func method(in html: String, profileURL: String, token: String) -> Method? {
        let target = normalized(profileURL)
        for tag in tags(in: html) {
            guard let rel = tag["rel"], rel.lowercased().split(whereSeparator: \.isWhitespace).contains("me"),
                let href = tag["href"], normalized(href) == target
            else { continue }
            return .relMe
        }
        return html.contains(token) ? .token : nil
    }

    /// The attributes of every `<a>` and `<link>` tag, names lower-cased.
    static func tags(in html: String) -> [[String: String]] {
        var result: [[String: String]] = []
        var rest = Substring(html)
        while let open = rest.range(of: "<") {
            rest = rest[open.upperBound...]
            let name = rest.prefix { $0.isLetter }.lowercased()
            guard name == "a" || name == "link", let close = rest.firstIndex(of: ">") else { continue }
            result.append(attributes(rest[rest.index(rest.startIndex, offsetBy: name.count)..<close]))
            rest = rest[close...]
        }
        return result
    }

    static func attributes(_ text: Substring) -> [String: String] {
        var attributes: [String: String] = [:]
        var index = text.startIndex
        func skipSpace() { while index < text.endIndex, text[index].isWhitespace || text[index] == "/" { index = text.index(after: index) } }
        while true {
            skipSpace()
            guard index < text.endIndex else { break }
            let nameStart = index
            while index < text.endIndex, !text[index].isWhitespace, text[index] != "=", text[index] != ">" { index = text.index(after: index) }
            let name = text[nameStart..<index].lowercased()
            skipSpace()
            var value = ""
            if index < text.endIndex, text[index] == "=" {
                index = text.index(after: index)
                skipSpace()
                if index < text.endIndex, text[index] == "\"" || text[index] == "'" {
                    let quote = text[index]
                    index = text.index(after: index)
                    let valueStart = index
                    while index < text.endIndex, text[index] != quote { index = text.index(after: index) }
                    value = String(text[valueStart..<index])
                    if index < text.endIndex { index = text.index(after: index) }
                } else {
                    let valueStart = index
                    while index < text.endIndex, !text[index].isWhitespace { index = text.index(after: index) }
                    value = String(text[valueStart..<index])
                }
            }
            if !name.isEmpty, attributes[name] == nil { attributes[name] = value.replacingOccurrences(of: "&amp;", with: "&") }
        }
        return attributes
    }

    /// A URL compared without its scheme's and host's case, `www.`, a trailing slash or a fragment.
    static func normalized(_ url: String) -> String {
        guard var components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)) else { return url }
        components.fragment = nil
        var host = components.host?.lowercased() ?? ""
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        let port = components.port.map { ":\($0)" } ?? ""
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        return "\(host)\(port)\(path)\(query)"
    }
}

/// Whether an address may be fetched from the open internet: loopback, private, link-local, shared, unspecified
/// and multicast ranges are refused (a listed page must not make the service reach into its own network).
public enum AddressPolicy {
    /// Whether an address (4 or 16 bytes) may be fetched: not loopback, private, link-local, shared, multicast,
    /// benchmarking, documentation, nor an IPv4 address inside IPv6 (mapped, compatible, NAT64, 6to4, Teredo) unless
    /// that IPv4 address is public itself (mapped only).
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            if a == 0 || a == 10 || a == 127 || a >= 224 { return false }
            if a == 169 && b == 254 { return false }
            if a == 172 && (16...31).contains(b) { return false }
            if a == 192 && b == 168 { return false }
            if a == 100 && (64...127).contains(b) { return false }
            if a == 192 && b == 0 && bytes[2] == 0 { return false }
            if a == 198 && (b == 18 || b == 19) { return false }
            // Documentation ranges (RFC 5737): no public host lives there.
            if (a == 192 && b == 0 && bytes[2] == 2) || (a == 198 && b == 51 && bytes[2] == 100) || (a == 203 && b == 0 && bytes[2] == 113) {
                return false
            }
            return true
        }
        guard bytes.count == 16 else { return false }
        if bytes.allSatisfy({ $0 == 0 }) { return false }
        // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48): an IPv4 address in disguise,
        // which a translator may turn into a private one; documentation (2001:db8::/32) and 6to4 / Teredo relays.
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return false }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return false }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return false }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x00 && bytes[3] == 0x00 { return false }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }
        if bytes[0] & 0xFE == 0xFC { return false }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }
        if bytes[0] == 0xFF { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isPublic(Array(bytes[12...])) }
        return true
    }
}
