import Foundation

/// What an artist puts on the opt-out form, checked against the registry's limits.
public struct ArtistSubmission: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    public var creations: [String]
    public var policy: Policy
    public var links: [String]

    public static let nameLength = 2...128
    public static let phraseLength = 2...128
    public static let maxAliases = 50
    public static let maxCreations = 500
    public static let maxLinks = 20
    public static let maxLinkLength = 2048

    public init(name: String, aliases: [String] = [], creations: [String] = [], policy: Policy = .block, links: [String] = []) {
        self.name = name
        self.aliases = aliases
        self.creations = creations
        self.policy = policy
        self.links = links
    }

    /// Returns the submission with surrounding white space trimmed, after checking every limit.
    ///
    /// - Throws: ``DomainError`` of kind `.invalid`, naming the first field at fault.
    /// - Parameters:
    ///   - verifiedHosts: hosts the artist verified, where a link may claim the whole host.
    ///   - existingLinks: links already on the profile: kept as they are (one made before the scope rule stays held).
    public func validated(verifiedHosts: Set<String> = [], existingLinks: Set<String> = []) throws(DomainError) -> ArtistSubmission {
        var result = self
        result.name = try Self.checkPhrase(name, field: "name", range: Self.nameLength)
        guard aliases.count <= Self.maxAliases else {
            throw .invalid("aliases", code: "too_many_aliases", "At most \(Self.maxAliases) aliases are allowed; \(aliases.count) were given.")
        }
        guard creations.count <= Self.maxCreations else {
            throw .invalid(
                "creations",
                code: "too_many_creations",
                "At most \(Self.maxCreations) creations are allowed; \(creations.count) were given."
            )
        }
        guard links.count <= Self.maxLinks else {
            throw .invalid("links", code: "too_many_links", "At most \(Self.maxLinks) links are allowed; \(links.count) were given.")
        }
        result.aliases = try aliases.map { alias throws(DomainError) in try Self.checkPhrase(alias, field: "aliases", range: Self.phraseLength) }
        result.creations = try creations.map { creation throws(DomainError) in
            try Self.checkPhrase(creation, field: "creations", range: Self.phraseLength)
        }
        result.links = try links.map { link throws(DomainError) in
            let (checked, wholeHost) = try Self.checkLink(link)
            // A link of the published pattern names a path or query; only a whole-host one needs its scope checked.
            if wholeHost, !existingLinks.contains(checked) { try LinkRules.checkScope(checked, verifiedHosts: verifiedHosts) }
            return checked
        }
        return result
    }

    /// The phrases this submission blocks, in form order, without repeats: a phrase whose key appeared earlier
    /// (an alias equal to the name, say) is dropped.
    public var phrases: [(text: String, kind: PhraseKind)] {
        var seen = Set<String>()
        var result: [(text: String, kind: PhraseKind)] = []
        let all = [(name, PhraseKind.name)] + aliases.map { ($0, .alias) } + creations.map { ($0, .creation) }
        for (text, kind) in all where seen.insert(PhraseKey.make(text)).inserted {
            result.append((text, kind))
        }
        return result
    }

    static func checkPhrase(_ raw: String, field: String, range: ClosedRange<Int>) throws(DomainError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if ShapeRules.hasControlCharacters(raw) {
            throw .invalid(field, code: "control_characters", "\(label(field)) must not contain control characters.")
        }
        // Lengths count Unicode scalars, as JSON Schema's minLength and maxLength do; the upper bound applies to the
        // text as sent, the lower to the text trimmed.
        guard raw.unicodeScalars.count <= range.upperBound, text.unicodeScalars.count >= range.lowerBound else {
            throw .invalid(
                field,
                code: "\(singular(field))_length",
                "\(label(field)) must be \(range.lowerBound) to \(range.upperBound) characters long; \"\(text.prefix(40))\" has \(text.unicodeScalars.count)."
            )
        }
        guard !PhraseKey.make(text).isEmpty else {
            throw .invalid(
                field,
                code: "no_letters",
                "\(label(field)) \"\(text.prefix(40))\" has no letters or digits, so it could never match a prompt."
            )
        }
        return text
    }

    /// The link, and whether it names a whole host (well formed, but a claim to check against verified hosts).
    static func checkLink(_ raw: String) throws(DomainError) -> (link: String, wholeHost: Bool) {
        // The shape is ShapeRules.linkPattern exactly (ASCII, so its length in bytes is its length in characters).
        let wellFormed = ShapeRules.isLink(raw)
        let wholeHost = !wellFormed && isWholeHostLink(raw)
        guard raw.utf8.count <= maxLinkLength, wellFormed || wholeHost else {
            throw .invalid(
                "links",
                code: "invalid_link",
                "Links are http or https URLs of at most \(maxLinkLength) characters, with a path: \"\(raw.prefix(80))\" is not."
            )
        }
        return (raw, wholeHost)
    }

    /// `https://host` or `https://host/`: well formed, but claiming the whole host (refused unless the host is verified).
    static func isWholeHostLink(_ raw: String) -> Bool {
        LinkRules.claimsWholeHost(raw) && ShapeRules.isLink(raw.hasSuffix("/") ? raw + "x" : raw + "/x")
    }

    private static func singular(_ field: String) -> String {
        field.hasSuffix("s") ? String(field.dropLast()) : field
    }

    private static func label(_ field: String) -> String {
        switch field {
        case "name": "The name"
        case "aliases": "Each alias"
        case "creations": "Each creation"
        default: "The \(field)"
        }
    }
}
