import Foundation
import OptOutCore
import OptOutStore

/// The operator's tasks behind `optout-gate`'s subcommands, each on the database under `dataDirectory` (or the
/// PostgreSQL database of `databaseURL`, whose client closes with the last reference to these tasks).
public final class AdminTasks: Sendable {
    let services: Services

    public init(configuration: AppConfiguration) async throws {
        services = try await Services(configuration: configuration)
    }

    deinit {
        services.close()
    }

    /// The registry version after migrating, for `optout-gate migrate` to report.
    public func registryVersion() async throws -> Int64 { try await services.artists.registryVersion() }

    /// Active phrases that the collision guard's newer rule moved back to review when this database was opened, or
    /// nil when the rule had been applied before.
    public var guardHeld: Int? { services.guardHeld }

    /// Creates a moderator (or admin), or promotes an existing account and sets its password.
    /// - Returns: the account's id.
    public func createStaff(email rawEmail: String, password: String, role: Role) async throws -> Int64 {
        let email = try AccountRules.normalizedEmail(rawEmail)
        try AccountRules.checkPassword(password)
        let hash = try await services.hasher.hash(password)
        return try await services.accounts.upsertStaff(email: email, passwordHash: hash, role: role).id.rawValue
    }

    /// Creates an API key and returns it; it is stored only as a hash.
    public func createAPIKey(name: String, scopes: Set<APIScope>) async throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(trimmed.count) else {
            throw DomainError.invalid("name", code: "invalid_name", "The key's name must be 1 to 100 characters.")
        }
        guard !scopes.isEmpty else {
            throw DomainError.invalid("scope", code: "no_scope", "Give at least one --scope (check, generate, registry, metrics).")
        }
        return try await services.accounts.createAPIKey(name: trimmed, scopes: scopes).key
    }

    /// Revokes the live key named `name`; false when there is none.
    public func revokeAPIKey(name: String) async throws -> Bool {
        try await services.accounts.revokeAPIKey(name: name)
    }

    /// Imports JSON Lines of artists.
    public func importArtists(_ data: Data, progress: ((ArtistImporter.Progress) -> Void)? = nil) async throws -> ArtistImporter.Summary {
        try await ArtistImporter(repository: services.artists).importLines(data, progress: progress)
    }

    /// Sets an account's plan and, when given, whether it pays for prompts past the allowance.
    public func setPlan(email rawEmail: String, plan: String, overage: Bool?, plans: PlanCatalog) async throws {
        let email = try AccountRules.normalizedEmail(rawEmail)
        try plans.checkPlan(plan)
        let changed = try await services.generations.setPlan(.email(email), plan: plan, overage: overage)
        guard changed != nil else { throw DomainError(.notFound, code: "not_found", message: "No account has the email \(email).") }
    }
}
