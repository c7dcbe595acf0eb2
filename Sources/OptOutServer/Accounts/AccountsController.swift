import Foundation
import Hummingbird
import OptOutCore

/// Sign-up, sign-in and the signed-in account.
struct AccountsController {
    let repository: AccountRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let credentials: CredentialCache
    let sessionLifetime: TimeInterval

    struct SignUp: Decodable {
        let email: String
        let password: String
        let displayName: String
    }

    struct SignIn: Decodable {
        let email: String
        let password: String
    }

    struct AccountView: ResponseEncodable {
        let id: ID<AccountRecord>
        let email: String
        let displayName: String
        let role: Role
        let createdAt: Date

        init(_ record: AccountRecord) {
            id = record.id!
            email = record.email
            displayName = record.displayName
            role = record.role
            createdAt = record.createdAt
        }
    }

    struct SessionView: ResponseEncodable {
        let token: String
        let expiresAt: Date
        let account: AccountView
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/accounts", use: signUp)
        routes.get("/v1/accounts/me", use: me)
        routes.post("/v1/sessions", use: signIn)
        routes.delete("/v1/sessions/current", use: signOut)
    }

    @Sendable func signUp(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AccountView> {
        var request = request
        let input = try await request.decodeJSON(as: SignUp.self, context: context)
        let email = try AccountRules.normalizedEmail(input.email)
        try AccountRules.checkPassword(input.password)
        let displayName = try AccountRules.normalizedDisplayName(input.displayName)
        let hash = try await hasher.hash(input.password)
        let account = try repository.create(email: email, passwordHash: hash, displayName: displayName)
        return EditedResponse(status: .created, headers: [.location: "/v1/accounts/me"], response: AccountView(account))
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> AccountView {
        AccountView(try context.requireAccount())
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SessionView> {
        var request = request
        let input = try await request.decodeJSON(as: SignIn.self, context: context)
        let email = input.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let keys = ["account:" + email] + (context.remoteAddress.map { ["address:" + $0] } ?? [])
        if let wait = throttle.retryAfter(keys: keys) {
            throw APIError(
                .tooManyRequests,
                code: "too_many_attempts",
                message: "Too many failed sign-ins; try again in \(wait) seconds.",
                headers: [.retryAfter: String(wait)]
            )
        }
        let account = try repository.account(email: email)
        // bcrypt ignores bytes past 72; refuse rather than let a longer password match its prefix.
        let acceptable = input.password.utf8.count <= AccountRules.passwordBytes.upperBound
        let hash = if let stored = account?.passwordHash { stored } else { try await hasher.decoyHash() }
        let matches = try await hasher.verify(acceptable ? input.password : "", hash: hash)
        guard let account, acceptable, matches else {
            throttle.recordFailure(keys: keys)
            throw APIError(.unauthorized, code: "invalid_credentials", message: "The email or password is wrong.")
        }
        let session = try repository.createSession(for: account.id!, lifetime: sessionLifetime)
        return EditedResponse(
            status: .created,
            response: SessionView(token: session.token, expiresAt: session.expiresAt, account: AccountView(account))
        )
    }

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try context.requireAccount()
        if let hash = context.credentialHash {
            try repository.deleteSession(tokenHash: hash)
            credentials.forget(hash)
        }
        return .noContent
    }
}
