import Foundation

/// What a reporter believes is wrong with an image.
public enum ReportCategory: String, Codable, Sendable, CaseIterable {
    case styleImitation = "style_imitation"
    case missingCredit = "missing_credit"
    case filterEvasion = "filter_evasion"
    case other
}

/// What a report is about: an image this service's gate admitted, or an image anywhere on the web.
public enum ReportTarget: Equatable, Sendable {
    case generation(String)
    case imageURL(String)

    public var kind: String {
        switch self {
        case .generation: "generation"
        case .imageURL: "image_url"
        }
    }

    public var value: String {
        switch self {
        case .generation(let id): id
        case .imageURL(let url): url
        }
    }

    public init?(kind: String, value: String) {
        switch kind {
        case "generation": self = .generation(value)
        case "image_url": self = .imageURL(value)
        default: return nil
        }
    }

    /// Checks a target as the API receives it: exactly one of a generation id and an image URL.
    ///
    /// An image URL is kept in a normal form (scheme and host in lower case, no fragment, no default port) so that
    /// two reports of one image find the same queue item.
    public static func validated(generationId: String?, imageURL: String?) throws(DomainError) -> ReportTarget {
        switch (generationId, imageURL) {
        case (let id?, nil):
            let trimmed = id.trimmingCharacters(in: .whitespaces)
            guard id.unicodeScalars.count <= 64, (1...64).contains(trimmed.unicodeScalars.count),
                trimmed.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 })
            else {
                throw .invalid("target.generation_id", code: "invalid_generation_id", "target.generation_id is a generation's id, such as gen_…")
            }
            return .generation(trimmed)
        case (nil, let url?):
            return .imageURL(try normalizedImageURL(url))
        default:
            throw .invalid("target", code: "invalid_target", "target has exactly one of generation_id and image_url.")
        }
    }

    public static func normalizedImageURL(_ raw: String) throws(DomainError) -> String {
        let problem = DomainError.invalid(
            "target.image_url",
            code: "invalid_image_url",
            "target.image_url must be an http or https URL of at most \(ReportLimits.maxURLLength) characters."
        )
        guard raw.unicodeScalars.count <= ReportLimits.maxURLLength else { throw problem }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= ReportLimits.maxURLLength, !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
            var components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { throw problem }
        components.scheme = scheme
        components.host = host.lowercased()
        components.fragment = nil
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        if components.path.isEmpty { components.path = "/" }
        guard let normal = components.string, normal.utf8.count <= ReportLimits.maxURLLength else { throw problem }
        return normal
    }
}

/// The limits on reports and the notes written about them.
public enum ReportLimits {
    /// Filings an account may make in an hour.
    public static let perHour = 20
    public static let maxDetailsLength = 2000
    public static let maxNoteLength = 2000
    public static let maxURLLength = 2048

    /// Checks free text: at most `maxLength` Unicode scalars, no control characters other than line breaks and tabs.
    /// Returns the text trimmed; nil for nil. A required note must have a letter or digit.
    public static func text(_ raw: String?, field: String, maxLength: Int, required: Bool) throws(DomainError) -> String? {
        guard let raw else {
            if required { throw .invalid(field, code: "missing_field", "\(field) is required.") }
            return nil
        }
        // Counted in Unicode scalars before trimming, as JSON Schema's maxLength counts, so the published limit is exact.
        guard raw.unicodeScalars.count <= maxLength else {
            throw .invalid(field, code: "\(field)_too_long", "\(field) has at most \(maxLength) characters.")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // Anywhere in the text as sent (ShapeRules.noteCharactersPattern), not only inside the trimmed part.
        guard !ShapeRules.hasControlCharacters(raw, allowingLineBreaks: true) else {
            throw .invalid(field, code: "invalid_\(field)", "\(field) must not contain control characters.")
        }
        if required && !trimmed.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
            throw .invalid(field, code: "missing_\(field)", "\(field) must say something: write why.")
        }
        return trimmed
    }
}

/// Who holds a queue item, and whether a moderator may act on it now.
public struct ReportClaim: Equatable, Sendable {
    public let holder: Int64
    public let expiresAt: Date

    public init(holder: Int64, expiresAt: Date) {
        self.holder = holder
        self.expiresAt = expiresAt
    }

    /// A claim lasts 30 minutes from when it was taken or renewed.
    public static let lifetime: TimeInterval = 30 * 60

    /// The claim as it stands at `now`: nil once it has lapsed.
    public static func current(holder: Int64?, expiresAt: Date?, now: Date) -> ReportClaim? {
        guard let holder, let expiresAt, expiresAt > now else { return nil }
        return ReportClaim(holder: holder, expiresAt: expiresAt)
    }

    public enum Standing: Equatable, Sendable {
        /// Nobody holds the item.
        case free
        /// The caller holds it.
        case mine
        /// Another moderator holds it until the date.
        case heldBy(Int64, until: Date)
    }

    public static func standing(of claim: ReportClaim?, for moderator: Int64) -> Standing {
        guard let claim else { return .free }
        return claim.holder == moderator ? .mine : .heldBy(claim.holder, until: claim.expiresAt)
    }
}

/// Who may be asked to rule on a report about their style: a verified artist with an account who has not withdrawn.
public enum RulingEligibility {
    /// What stands in the way of asking artist `id` to rule, or nil when they may be asked.
    /// - Parameters:
    ///   - exists: whether the artist is still in the registry.
    ///   - verified: whether the artist proved who they are.
    ///   - hasAccount: false for an artist imported without an account.
    ///   - withdrawn: whether the artist withdrew.
    public static func obstacle(id: Int64, exists: Bool, verified: Bool, hasAccount: Bool, withdrawn: Bool) -> String? {
        guard exists else { return "Artist \(id) no longer exists." }
        if withdrawn { return "Artist \(id) withdrew from the registry, so cannot be asked; decide it yourself." }
        if !hasAccount { return "Artist \(id) was imported and has no account to rule with; decide it yourself." }
        if !verified { return "Artist \(id) is not verified, so cannot be asked to rule; verify the artist first or decide it yourself." }
        return nil
    }

    public static func canRule(verified: Bool, hasAccount: Bool, withdrawn: Bool) -> Bool {
        obstacle(id: 0, exists: true, verified: verified, hasAccount: hasAccount, withdrawn: withdrawn) == nil
    }
}
