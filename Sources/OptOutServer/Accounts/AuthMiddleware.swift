import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// Reads `Authorization: Bearer ...` and sets the context's identity: a session token names an account,
/// an API key names an image generator. A bad credential is remembered, not refused here, so public routes
/// still answer; routes that need a caller refuse it with the reason.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountRepository
    let cache: CredentialCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        if let secret = Self.bearerSecret(header) {
            let hash = BearerSecret.hash(secret)
            if let identity = try await identity(for: secret, hash: hash) {
                context.identity = identity
                switch identity {
                case .account(let account): CallerBox.of(context.logger)?.set("account:\(account.id.rawValue ?? 0)")
                case .apiKey(let key): CallerBox.of(context.logger)?.set("api_key:\(key.id.rawValue ?? 0)")
                }
                context.credentialHash = hash
            } else {
                context.credentialProblem = "The bearer token is unknown, expired or revoked; sign in again."
            }
        } else {
            context.credentialProblem = "Send the credential as Authorization: Bearer <token> (or API <key>)."
        }
        return try await next(request, context)
    }

    /// The secret of `Bearer <secret>`, or of `API <secret>` as Spawning's clients send it (scheme in any case,
    /// spaces and tabs around the secret ignored), or nil. Works on the header's bytes: every request of an image
    /// generator passes here.
    static func bearerSecret(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        func hasScheme(_ scheme: [UInt8]) -> Bool {
            bytes.count > start + scheme.count && bytes[start + scheme.count] == 0x20
                && zip(bytes[start..<start + scheme.count], scheme).allSatisfy({ $0 | 0x20 == $1 })
        }
        let scheme: [UInt8]
        if hasScheme(Self.bearer) {
            scheme = Self.bearer
        } else if hasScheme(Self.api) {
            scheme = Self.api
        } else {
            return nil
        }
        var from = start + scheme.count + 1
        var end = bytes.count
        while from < end, bytes[from] == 0x20 || bytes[from] == 0x09 { from += 1 }
        while end > from, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard from < end else { return nil }
        return String(decoding: bytes[from..<end], as: UTF8.self)
    }

    static let bearer = Array("bearer".utf8)
    static let api = Array("api".utf8)

    private func identity(for secret: String, hash: Data) async throws -> Identity? {
        if let cached = cache.identity(for: hash) { return cached }
        let identity: Identity?
        if secret.hasPrefix(BearerSecret.sessionPrefix) {
            identity = try await accounts.account(sessionTokenHash: hash).map(Identity.account)
        } else if secret.hasPrefix(BearerSecret.apiKeyPrefix) {
            identity = try await accounts.apiKey(hash: hash).map(Identity.apiKey)
        } else {
            identity = nil
        }
        if let identity { cache.store(identity, for: hash) }
        return identity
    }
}

/// Remembers accepted credentials for a second, so an image generator's every check does not read the database.
///
/// Only hits are kept. Signing out removes the session at once; a key revoked or a role changed from the command
/// line takes effect within `lifetime`.
final class CredentialCache: Sendable {
    private let entries = NIOLockedValueBox<[Data: (identity: Identity, expires: ContinuousClock.Instant)]>([:])
    let lifetime: Duration

    init(lifetime: Duration = .seconds(1)) {
        self.lifetime = lifetime
    }

    func identity(for hash: Data) -> Identity? {
        let now = ContinuousClock.now
        return entries.withLockedValue { entries in
            guard let entry = entries[hash] else { return nil }
            if entry.expires <= now {
                entries[hash] = nil
                return nil
            }
            return entry.identity
        }
    }

    func store(_ identity: Identity, for hash: Data) {
        let expires = ContinuousClock.now + lifetime
        entries.withLockedValue { entries in
            if entries.count >= 10_000 {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= 10_000 { entries.removeAll() }
            }
            entries[hash] = (identity, expires)
        }
    }

    func forget(_ hash: Data) {
        _ = entries.withLockedValue { $0.removeValue(forKey: hash) }
    }
}
