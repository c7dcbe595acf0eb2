import Foundation
import OptOutCore

/// The generations' cold reads and the plan change, written once for both databases. The charge itself is the hot
/// path and has a store per database (``MeteringStore``).
package struct GenerationQueries: Sendable {
    package let store: any SQLStore

    /// The generation with this public id.
    package func generation(publicId: String) async throws -> StoredGeneration? {
        try await store.read { db in
            try db.row("SELECT * FROM generation WHERE public_id = ?", [publicId]).map {
                StoredGeneration(
                    publicId: try $0.get("public_id"),
                    accountId: try $0.get("account_id"),
                    apiKeyId: try $0.get("api_key_id"),
                    prompt: try $0.get("prompt"),
                    status: try $0.get("status"),
                    chargeKind: try $0.get("charge_kind"),
                    chargeCents: try $0.get("charge_cents"),
                    credits: try $0.get("credits"),
                    generator: try $0.get("generator"),
                    createdAt: try $0.get("created_at")
                )
            }
        }
    }

    /// The first report that took the generation down, if one did.
    package func takedownReport(publicId: String) async throws -> Int64? {
        try await store.read { db in
            try db.value(
                Int64.self,
                "SELECT id FROM report WHERE target_kind = 'generation' AND target = ? AND status = 'taken_down' ORDER BY id LIMIT 1",
                [publicId]
            )
        }
    }

    /// The names a generation's image must credit, or nil when there is no such generation.
    package func creditNames(publicId: String) async throws -> [String]? {
        try await store.read { db in
            try db.value(String.self, "SELECT credits FROM generation WHERE public_id = ?", [publicId]).map(StoredCredits.names)
        }
    }

    /// Which account a plan change is for.
    package enum AccountSelector: Sendable {
        case id(Int64)
        case email(String)
    }

    /// Sets the account's plan and, when `overage` is given, whether it pays past its allowance.
    /// - Returns: the plan and overage setting now stored, or nil when there is no such account.
    package func setPlan(_ account: AccountSelector, plan: String, overage: Bool?) async throws -> GenerationStore.Account? {
        try await store.write { db in
            let (column, key): (String, SQLValue) =
                switch account {
                case .id(let id): ("id", .integer(id))
                case .email(let email): ("email", .text(email))
                }
            let changed = try db.execute(
                "UPDATE account SET plan = ?, overage_enabled = coalesce(?, overage_enabled) WHERE \(column) = ?",
                [plan, overage, key]
            )
            guard changed == 1, let row = try db.row("SELECT plan, overage_enabled FROM account WHERE \(column) = ?", [key]) else { return nil }
            return GenerationStore.Account(plan: try row.get("plan"), overageEnabled: try row.get("overage_enabled"))
        }
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}
