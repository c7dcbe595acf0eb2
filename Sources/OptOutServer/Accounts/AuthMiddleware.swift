import Hummingbird

/// Reads `Authorization: Bearer ...` and sets the context's identity: a session token names an account,
/// an API key names an image generator. A bad credential is remembered, not refused here, so public routes
/// still answer; routes that need a caller refuse it with the reason.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        let parts = header.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == "bearer" {
            let secret = parts[1].trimmingCharacters(in: .whitespaces)
            if secret.hasPrefix(BearerSecret.sessionPrefix), let account = try accounts.account(sessionToken: secret) {
                context.identity = .account(account)
            } else if secret.hasPrefix(BearerSecret.apiKeyPrefix), let key = try accounts.apiKey(secret) {
                context.identity = .apiKey(key)
            } else {
                context.credentialProblem = "The bearer token is unknown, expired or revoked; sign in again."
            }
        } else {
            context.credentialProblem = "Send the credential as Authorization: Bearer <token>."
        }
        return try await next(request, context)
    }
}
