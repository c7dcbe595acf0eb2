/// An error in the domain's own terms: what went wrong, for which field, and which kind of refusal it is.
///
/// The server maps ``Kind`` to an HTTP status; the core never speaks HTTP.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input breaks a rule (a 422).
        case invalid
        /// The input clashes with the current state (a 409).
        case conflict
        /// The thing asked for does not exist (a 404).
        case notFound
        /// The caller may not do this (a 403).
        case forbidden
        /// The caller is not signed in, or the credential is bad (a 401).
        case unauthorized
        /// The caller has tried too often (a 429).
        case tooManyRequests
    }

    public let kind: Kind
    /// A stable, machine-readable code such as `name_too_long` or `phrase_taken`.
    public let code: String
    public let message: String
    /// The input field the error concerns, when there is one, so a form can show the message beside it.
    public let field: String?
    /// Further facts a client acts on, answered beside the error (the item's `status` and `version` after a
    /// conflict, who holds a claim).
    public var details: [String: Detail]
    /// For ``Kind/tooManyRequests``: how many seconds until a retry can succeed.
    public var retryAfterSeconds: Int?

    /// A fact beside an error: a number or a text.
    public enum Detail: Sendable, Equatable {
        case int(Int64)
        case string(String)
    }

    public init(
        _ kind: Kind,
        code: String,
        message: String,
        field: String? = nil,
        details: [String: Detail] = [:],
        retryAfterSeconds: Int? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, code: "not_found", message: "\(what) was not found.")
    }

    public static func forbidden(_ message: String) -> DomainError {
        DomainError(.forbidden, code: "forbidden", message: message)
    }

    public static func invalid(_ field: String, code: String, _ message: String) -> DomainError {
        DomainError(.invalid, code: code, message: message, field: field)
    }

    public var description: String { "\(code): \(message)" }
}
