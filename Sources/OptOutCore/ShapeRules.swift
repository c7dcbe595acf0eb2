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

    nonisolated(unsafe) static let email = try! Regex(emailPattern)
    nonisolated(unsafe) static let link = try! Regex(linkPattern)

    public static func isEmail(_ text: String) -> Bool { (try? email.wholeMatch(in: text)) != nil }
    public static func isLink(_ text: String) -> Bool { (try? link.wholeMatch(in: text)) != nil }

    /// Whether `text` holds a control character (Unicode category Cc), optionally allowing line breaks and tabs.
    public static func hasControlCharacters(_ text: String, allowingLineBreaks: Bool = false) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(allowingLineBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
        }
    }
}
