import Logging
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// Keeps the prompt gate current on PostgreSQL: every notification on `optout_registry` (a registry change made by
/// any replica, or by `import-artists`) refreshes the gate at once; after a lost connection, the first refresh on
/// reconnecting catches up from the change log. The periodic ``PromptGateService`` stays as the fallback.
struct RegistryFollower: Service {
    let gate: PromptGate
    let registry: PostgresRegistryStore

    func run() async throws {
        // Listening has no end of its own: graceful shutdown cancels it.
        await cancelWhenGracefulShutdown { await follow() }
    }

    private func follow() async {
        await registry.listen { [gate] payload in
            // Link changes are read by the link index on its next use; the gate follows the registry's versions.
            if let payload, !payload.hasPrefix("registry_state:") { return }
            do {
                try await gate.refreshInBackground()
            } catch {
                gate.logger.warning("prompt gate refresh after a notification failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// On PostgreSQL, the leader forgets change-log positions older than every replica needs
/// (``PostgresRegistryStore/pruneOldChanges(keeping:)``).
struct ChangeLogPruning: Service {
    let registry: PostgresRegistryStore
    let runner: JobRunner
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await runner.run(every: interval, logger: logger, failure: "pruning the registry's change log failed") { [registry] in
            try await registry.pruneOldChanges()
        }
    }
}

/// Keeps the PostgreSQL client's pool running while the service runs, and closes it at graceful shutdown, after
/// the services listed after it have stopped.
struct PostgresClientLifetime: Service {
    let backend: PostgresBackend

    func run() async throws {
        try? await gracefulShutdown()
        backend.stop()
    }
}
