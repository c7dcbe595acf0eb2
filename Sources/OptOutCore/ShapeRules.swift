/// The shape rules the service applies to text fields, written once as the regular expressions that
/// `Public/openapi.yaml` publishes as `pattern`s (HygieneTests checks the document carries these exact strings), so
/// that a body valid against the schema is never refused for its shape, and one that is not is always refused.
/// ASCII classes and `\x` escapes only: ECMA-262, Python's `re` and Swift's `Regex` read them alike.
public enum ShapeRules {
    /// An email address: one `@`, a domain of two or more dot-separated labels, no white space or control characters.
    public static let emailPattern = #"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f]+(\.[^@\s.\x00-\x1f\x7f-\x9f]+)+$"#

    /// One path or query character of a URL: unreserved, sub-delims, `:` `@`, or a percent escape.
    static let urlCharacter = #"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"#

    /// An artist's link: an http or https URL with a host name and a path (beyond `/`) or a query. A link with no path
    /// would claim a whole site (see ``LinkRules``): it is accepted only for a site the artist verified.
    public static let linkPattern =
        #"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/(?:/|"# + urlCharacter + #")*"# + urlCharacter + #"(?:/|"#
        + urlCharacter + #")*(?:\?(?:"# + urlCharacter + #"|[/?])*)?|/?\?(?:"# + urlCharacter + #"|[/?])*)$"#

    /// Names, aliases, creations and display names: no control characters at all.
    public static let noControlPattern = #"^[^\x00-\x1f\x7f-\x9f]*$"#

    /// Notes and report details: no control characters but line breaks and tabs.
    public static let noteCharactersPattern = #"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"#

    // The checks below decide exactly as the patterns do (ShapeRulesTests compares them with Swift's Regex on
    // thousands of generated strings); they are written by hand because Regex costs milliseconds a match, which an
    // import of a million links cannot pay.

    /// Whether `text` matches ``emailPattern``.
    public static func isEmail(_ text: String) -> Bool {
        let parts = text.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(isEmailScalar) else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.allSatisfy(isEmailScalar) }
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// The length of the URL character at `index` (1, or 3 for a percent escape), or nil when there is none.
    private static func urlCharacterLength(_ bytes: [UInt8], at index: Int) -> Int? {
        let byte = bytes[index]
        if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) { return 1 }
        if "._~!$&'()*+,;=:@-".utf8.contains(byte) { return 1 }
        guard byte == UInt8(ascii: "%"), index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return nil }
        return 3
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }

    private static func isEmailScalar(_ scalar: Unicode.Scalar) -> Bool {
        !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.isWhitespace)
    }

    /// Whether `text` matches ``linkPattern``.
    public static func isLink(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func take(_ prefix: String, caseInsensitive: Bool) -> Bool {
            let expected = Array(prefix.utf8)
            guard bytes.count - index >= expected.count else { return false }
            for (offset, byte) in expected.enumerated() {
                let actual = bytes[index + offset]
                guard actual == byte || (caseInsensitive && actual | 0x20 == byte) else { return false }
            }
            index += expected.count
            return true
        }
        guard take("http", caseInsensitive: true) else { return false }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "s") { index += 1 }
        guard take("://", caseInsensitive: false) else { return false }
        let hostStart = index
        while index < bytes.count, isHostByte(bytes[index]) { index += 1 }
        guard index > hostStart else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let portStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard (1...5).contains(index - portStart) else { return false }
        }
        // The path: slashes and URL characters up to a query; when it has any, it starts with a slash.
        let pathStart = index
        var characters = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "?") {
            if bytes[index] == UInt8(ascii: "/") {
                index += 1
            } else if let length = urlCharacterLength(bytes, at: index) {
                characters += 1
                index += length
            } else {
                return false
            }
        }
        let hasQuery = index < bytes.count
        if index > pathStart && bytes[pathStart] != UInt8(ascii: "/") { return false }
        // A path of slashes alone (or none) is a link only as `/?query` or `?query`.
        if characters == 0 && !(index - pathStart <= 1 && hasQuery) { return false }
        guard hasQuery else { return true }
        index += 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: "?") {
                index += 1
            } else if let length = urlCharacterLength(bytes, at: index) {
                index += length
            } else {
                return false
            }
        }
        return true
    }

    /// Whether `text` holds a control character (Unicode category Cc), optionally allowing line breaks and tabs.
    public static func hasControlCharacters(_ text: String, allowingLineBreaks: Bool = false) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(allowingLineBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
        }
    }
}
