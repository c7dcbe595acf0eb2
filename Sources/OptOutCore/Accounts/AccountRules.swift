import Foundation

/// The rules for what a person types when opening an account.
public enum AccountRules {
    /// bcrypt reads at most 72 bytes; a longer password is refused rather than silently cut.
    public static let passwordBytes = 8...72
    public static let displayNameLength = 1...100
    public static let maxEmailLength = 254

    /// Returns the email trimmed and lower-cased, after checking its shape.
    public static func normalizedEmail(_ raw: String) throws(DomainError) -> String {
        // Counted in Unicode scalars, as JSON Schema's maxLength counts; the shape is ShapeRules.emailPattern exactly.
        guard raw.unicodeScalars.count <= maxEmailLength else {
            throw .invalid("email", code: "invalid_email", "An email address has at most \(maxEmailLength) characters.")
        }
        guard ShapeRules.isEmail(raw) else {
            throw .invalid("email", code: "invalid_email", "Enter an email address such as name@example.org, without spaces.")
        }
        return raw.lowercased()
    }

    /// The key two emails share when a person would read them as one address: each letter folded as the prompt
    /// gate folds it (fullwidth and mathematical letters, Cyrillic and Greek look-alikes, case), invisible characters
    /// and combining marks dropped, the rest (`@`, `.`, `+`, `-`) kept. "ａlice@example.org", "аlice@example.org" and
    /// "al\u{200B}ice@example.org" all have the key "alice@example.org".
    public static func emailKey(_ email: String) -> String {
        var key = String.UnicodeScalarView()
        for scalar in email.unicodeScalars {
            switch Folding.fold(scalar) {
            case .word(let targets, _): key.append(contentsOf: targets.compactMap(Unicode.Scalar.init))
            case .dropped: continue
            case .separator: key.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        return String(key)
    }

    /// How many accounts one client address, and one network (an IPv6 /64, an IPv4 /24), may open in an hour.
    public struct SignUpLimits: Sendable, Equatable {
        public var perAddress: Int
        public var perNetwork: Int
        public static let window: TimeInterval = 3600

        public init(perAddress: Int = 10, perNetwork: Int = 30) {
            self.perAddress = perAddress
            self.perNetwork = perNetwork
        }
    }

    /// Whether `password` holds a NUL or another control character: bcrypt stops at NUL, so such a password would
    /// be stored as its prefix; it is refused instead, at sign-up and at sign-in.
    public static func hasControlCharacters(_ password: String) -> Bool {
        ShapeRules.hasControlCharacters(password)
    }

    public static func checkPassword(_ password: String) throws(DomainError) {
        if hasControlCharacters(password) {
            throw .invalid(
                "password",
                code: "password_control_characters",
                "The password must not contain NUL or other control characters; it is refused rather than shortened."
            )
        }
        let bytes = password.utf8.count
        guard bytes >= passwordBytes.lowerBound else {
            throw .invalid("password", code: "password_too_short", "The password must be at least \(passwordBytes.lowerBound) bytes long.")
        }
        guard bytes <= passwordBytes.upperBound else {
            throw .invalid(
                "password",
                code: "password_too_long",
                "The password must be at most \(passwordBytes.upperBound) bytes (UTF-8); it is \(bytes). It is refused rather than shortened."
            )
        }
    }

    public static func normalizedDisplayName(_ raw: String) throws(DomainError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard raw.unicodeScalars.count <= displayNameLength.upperBound, name.unicodeScalars.count >= displayNameLength.lowerBound,
            !ShapeRules.hasControlCharacters(raw)
        else {
            throw .invalid(
                "display_name",
                code: "invalid_display_name",
                "The display name must be \(displayNameLength.lowerBound) to \(displayNameLength.upperBound) characters, without control characters."
            )
        }
        return name
    }
}
