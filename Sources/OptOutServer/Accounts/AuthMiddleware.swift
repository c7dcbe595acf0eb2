import Foundation
import Hummingbird
import NIOConcurrencyHelpers

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
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if parts.count == 2, parts[0].count == 6, parts[0].lowercased() == "bearer" {
            let secret = String(parts[1].drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            let hash = BearerSecret.hash(secret)
            if let identity = try identity(for: secret, hash: hash) {
                context.identity = identity
                context.credentialHash = hash
            } else {
                context.credentialProblem = "The bearer token is unknown, expired or revoked; sign in again."
            }
        } else {
            context.credentialProblem = "Send the credential as Authorization: Bearer <token>."
        }
        return try await next(request, context)
    }

    private func identity(for secret: String, hash: Data) throws -> Identity? {
        if let cached = cache.identity(for: hash) { return cached }
        let identity: Identity?
        if secret.hasPrefix(BearerSecret.sessionPrefix) {
            identity = try accounts.account(sessionTokenHash: hash).map(Identity.account)
        } else if secret.hasPrefix(BearerSecret.apiKeyPrefix) {
            identity = try accounts.apiKey(hash: hash).map(Identity.apiKey)
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
