import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import OptOutCore
import OptOutStore

/// Sign-up, sign-in and the signed-in account.
struct AccountsController {
    let repository: AccountRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let credentials: CredentialCache
    let sessionLifetime: TimeInterval
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    let trustedProxies: [CIDR]
    /// Accounts one address, and one network, may open in an hour.
    let signUpLimits: AccountRules.SignUpLimits
    /// Counts throttled sign-ins (nil without metrics).
    var throttled: Metrics.Counter? = nil

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
            id = record.id
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
        let origin = clientAddress(
            peer: context.remoteAddress,
            forwardedFor: request.headers[values: .xForwardedFor],
            trustedProxies: trustedProxies
        ).map { AccountRepository.SignUpOrigin(address: $0, network: CIDR.network(of: $0), limits: signUpLimits) }
        // Checked before bcrypt runs, so a flood of sign-ups costs a read each, and again where the account is written.
        if let origin { try await repository.checkSignUps(origin: origin) }
        let hash = try await hasher.hash(input.password)
        let account = try await repository.create(email: email, passwordHash: hash, displayName: displayName, origin: origin)
        return EditedResponse(status: .created, headers: [.location: "/v1/accounts/me"], response: AccountView(account))
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> AccountView {
        AccountView(try context.requireAccount())
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SessionView> {
        var request = request
        let input = try await request.decodeJSON(as: SignIn.self, context: context)
        let email = input.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if AccountRules.hasControlCharacters(input.password) {
            throw APIError(
                .unprocessableContent,
                code: "password_control_characters",
                message: "A password never holds NUL or other control characters.",
                field: "password"
            )
        }
        let address = clientAddress(
            peer: context.remoteAddress,
            forwardedFor: request.headers[values: .xForwardedFor],
            trustedProxies: trustedProxies
        )
        // The attempt is reserved before bcrypt runs, so parallel guesses cannot all be checked before one counts.
        let reservation: LoginThrottle.Reservation
        switch try await throttle.reserve(keys: LoginThrottle.keys(email: email, address: address)) {
        case .success(let held): reservation = held
        case .failure(let wait):
            throttled?.increment()
            throw APIError(
                .tooManyRequests,
                code: "too_many_attempts",
                message: "Too many failed sign-ins from this address; try again in \(wait.seconds) seconds.",
                headers: [.retryAfter: String(wait.seconds)]
            )
        }
        let account: AccountRecord
        do {
            account = try await checkPassword(email: email, password: input.password)
        } catch {
            try await throttle.finish(reservation, succeeded: false)
            throw error
        }
        try await throttle.finish(reservation, succeeded: true)
        let session = try await repository.createSession(for: account.id, lifetime: sessionLifetime)
        return EditedResponse(
            status: .created,
            response: SessionView(token: session.token, expiresAt: session.expiresAt, account: AccountView(account))
        )
    }

    /// The account whose password this is, or `invalid_credentials`. The check costs one bcrypt whether or not
    /// the account exists, so timing does not tell which emails have accounts.
    private func checkPassword(email: String, password: String) async throws -> AccountRecord {
        let account = try await repository.account(email: email)
        // bcrypt ignores bytes past 72; refuse rather than let a longer password match its prefix.
        let acceptable = password.utf8.count <= AccountRules.passwordBytes.upperBound
        let hash = if let stored = account?.passwordHash { stored } else { try await hasher.decoyHash() }
        let matches = try await hasher.verify(acceptable ? password : "", hash: hash)
        guard let account, acceptable, matches else {
            throw APIError(.unauthorized, code: "invalid_credentials", message: "The email or password is wrong.")
        }
        return account
    }

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try context.requireAccount()
        if let hash = context.credentialHash {
            try await repository.deleteSession(tokenHash: hash)
            credentials.forget(hash)
        }
        return .noContent
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
