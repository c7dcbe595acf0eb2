/// A rightsholder's complaint that a work was used despite an opt-out (EU GPAI Code of Practice, measure 1.5): its
/// states, the moderators' decisions and the rules of its fields.
public enum ComplaintStatus: String, Codable, Sendable, CaseIterable {
    case open
    case resolved
    case dismissed
}

public enum ComplaintDecision: String, Codable, Sendable, CaseIterable {
    /// The complaint is upheld and acted on (the platform removed the use, or told the one who made it).
    case resolve
    /// Not upheld.
    case dismiss
    /// A decided complaint goes back to open.
    case reopen

    /// The state a decision moves a complaint from `status` to, or nil when it cannot.
    public func next(from status: ComplaintStatus) -> ComplaintStatus? {
        switch (status, self) {
        case (.open, .resolve): .resolved
        case (.open, .dismiss): .dismissed
        case (.resolved, .reopen), (.dismissed, .reopen): .open
        default: nil
        }
    }

    /// The audit trail's word for it.
    public var event: String {
        switch self {
        case .resolve: "resolved"
        case .dismiss: "dismissed"
        case .reopen: "reopened"
        }
    }
}

/// A complaint as filed, checked.
public struct ComplaintFiling: Sendable, Equatable {
    public static let maxRightsholderLength = 200
    public static let maxEmailLength = 254
    public static let maxUsedInLength = 2000
    public static let maxDetailsLength = ReportLimits.maxDetailsLength
    /// Complaints an account may file in an hour.
    public static let perHour = 10

    public let rightsholder: String
    public let contactEmail: String
    public let workURL: String
    public let usedIn: String
    public let artistId: Int64?
    public let details: String

    /// Checks each field: the rightsholder's name (a letter or digit, no control characters), an email address, the
    /// work's http(s) URL, where it was used (free text with a letter or digit), an optional registry entry and details.
    public init(
        rightsholder: String?,
        contactEmail: String?,
        workURL: String?,
        usedIn: String?,
        artistId: Int64?,
        details: String?
    ) throws(DomainError) {
        guard let name = try ReportLimits.text(rightsholder, field: "rightsholder", maxLength: Self.maxRightsholderLength, required: true),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else {
            throw .invalid("rightsholder", code: "invalid_rightsholder", "rightsholder is a name without line breaks.")
        }
        guard let email = contactEmail?.trimmingSpaces, email.utf8.count <= Self.maxEmailLength, ShapeRules.isEmail(email) else {
            throw .invalid("contact_email", code: "invalid_email", "contact_email must be an email address of at most 254 bytes.")
        }
        guard let work = workURL else { throw .invalid("work_url", code: "missing_field", "work_url is required.") }
        do {
            self.workURL = try ReportTarget.normalizedImageURL(work)
        } catch {
            throw .invalid(
                "work_url",
                code: "invalid_work_url",
                "work_url must be an http or https URL of at most \(ReportLimits.maxURLLength) characters."
            )
        }
        self.rightsholder = name
        self.contactEmail = email
        self.usedIn = try ReportLimits.text(usedIn, field: "used_in", maxLength: Self.maxUsedInLength, required: true) ?? ""
        if let artistId, artistId < 1 {
            throw .invalid("artist_id", code: "invalid_artist_id", "artist_id is a registry entry's id, 1 or more.")
        }
        self.artistId = artistId
        self.details = try ReportLimits.text(details, field: "details", maxLength: Self.maxDetailsLength, required: false) ?? ""
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
