import Foundation
import Hummingbird
import NIOCore
import OptOutCore
import OptOutStore

/// Who is calling: a signed-in account or an image generator's API key.
public enum Identity: Sendable {
    case account(AccountRecord)
    case apiKey(APIKeyRecord)
}

/// The request context of every route: the decoded caller, and the API's JSON coding.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` when the request carries a valid credential.
    public var identity: Identity?
    /// The SHA-256 of the accepted credential, so signing out ends exactly the session the request came with.
    public var credentialHash: Data?
    /// Why a credential that was sent was not accepted, so a route that needs one can say so.
    public var credentialProblem: String?
    /// The peer's IP address, for per-address limits.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
    public var requestDecoder: JSONDecoder { .api }
    public var responseEncoder: JSONEncoder { .api }

    /// The signed-in account, or a 401.
    public func requireAccount() throws -> AccountRecord {
        switch identity {
        case .account(let account): return account
        case .apiKey: throw APIError.forbidden("This route is for signed-in people, not API keys.")
        case nil: throw APIError.unauthorized(credentialProblem ?? "Sign in first: send Authorization: Bearer <session token>.")
        }
    }

    /// The signed-in account if its role is at least `role`; 401 or 403 otherwise.
    public func requireRole(_ role: Role) throws -> AccountRecord {
        let account = try requireAccount()
        guard account.role >= role else {
            throw APIError.forbidden("Only a \(role.rawValue) may do this.")
        }
        return account
    }

    /// The calling API key if it holds `scope`; 401 or 403 otherwise.
    public func requireScope(_ scope: APIScope) throws -> APIKeyRecord {
        switch identity {
        case .apiKey(let key):
            guard key.holds(scope) else {
                throw APIError.forbidden("This API key lacks the \(scope.rawValue) scope.")
            }
            return key
        case .account: throw APIError.forbidden("This route takes an API key with the \(scope.rawValue) scope, not a session.")
        case nil: throw APIError.unauthorized(credentialProblem ?? "Send Authorization: Bearer <API key> with the \(scope.rawValue) scope.")
        }
    }
}
