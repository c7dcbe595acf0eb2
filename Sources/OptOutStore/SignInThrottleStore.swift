import Foundation
import OptOutCore

/// The sign-in throttle's keys in the database, shared by every process on it. Each reservation and each
/// finished attempt is one write transaction that reads the keys, applies `SignInThrottle`'s rules and writes them
/// back; writers are serialised (SQLite's one writer, PostgreSQL's writers' lock), so two replicas never both take
/// the last place under a key.
package struct SignInThrottleStore: Sendable {
    package let store: any SQLStore

    /// Runs `change` on the states of `keys` (empty where the database has none) and stores what it leaves: a state
    /// that no longer holds anything is deleted, as is every other row past its `forget_after`.
    package func update<T: Sendable>(
        keys: [String],
        rules: SignInThrottle,
        now: Date,
        _ change: @Sendable @escaping (inout [String: SignInThrottleState]) -> T
    ) async throws -> T {
        try await store.write { db in
            var states: [String: SignInThrottleState] = [:]
            for row in try db.rows(
                "SELECT key, state FROM sign_in_throttle WHERE key IN (\(SQLList.repeating("?", keys.count)))",
                SQLArguments(keys.map(\.sqlValue))
            ) {
                let key: String = try row.get("key")
                let text: String = try row.get("state")
                // A row this version cannot read counts as empty rather than locking its key out for good.
                states[key] = try? JSONDecoder().decode(SignInThrottleState.self, from: Data(text.utf8))
            }
            let result = change(&states)
            for key in keys {
                // `change` is the rules' reserve or finish, which tidy every key they are given.
                guard let state = states[key] else { continue }
                if let forget = rules.forgettableAfter(state), forget > now {
                    let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
                    try db.execute(
                        """
                        INSERT INTO sign_in_throttle (key, state, forget_after) VALUES (?, ?, ?)
                        ON CONFLICT (key) DO UPDATE SET state = excluded.state, forget_after = excluded.forget_after
                        """,
                        [key, text, forget]
                    )
                } else {
                    try db.execute("DELETE FROM sign_in_throttle WHERE key = ?", [key])
                }
            }
            // Keeps the table bounded under a spray of addresses; the index makes this a short range scan.
            try db.execute("DELETE FROM sign_in_throttle WHERE forget_after <= ?", [now])
            return result
        }
    }

    /// The number of keys remembered (for tests and the operators' figures).
    package func count() async throws -> Int {
        try await store.read { db in try db.value(Int.self, "SELECT count(*) FROM sign_in_throttle") ?? 0 }
    }

    package init(store: any SQLStore) {
        self.store = store
    }
}
