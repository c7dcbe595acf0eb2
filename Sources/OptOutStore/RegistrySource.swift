import Foundation
import NIOCore
import NIOPosix
import OptOutCore

/// What the prompt gate reads of the registry, on either backend: a full load, the changes after a change-log
/// position, and pruning what a full load folded in.
///
/// The gate reads on NIO's thread pool and holds its refresh lock through the read, so these are blocking calls:
/// GRDB's blocking API on SQLite; on PostgreSQL, the async client's answer waited for on that thread (never on an
/// event loop, whose work the wait would stop, nor on the cooperative threads the answer needs).
/// The change log no longer holds every change after the position asked for: the reader must load everything again.
package struct RegistryChangeLogGap: Error {}

package protocol RegistrySource: Sendable {
    func activePhrases() throws -> (phrases: [GatePhrase], seq: Int64, version: Int64)
    func activePhrases(after seq: Int64) throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64)
    func pruneChanges(through seq: Int64) throws
}

extension RegistryStore: RegistrySource {}

/// What the dataset builders' look-up and export read of the registry, on either backend.
package protocol RegistryReads: Sendable {
    func registryVersion() async throws -> Int64
    func linkVersion() async throws -> Int64
    func liveLinks() async throws -> (links: [RegistryLink], version: Int64)
    func phrasePage(after: Int64, limit: Int) async throws -> [GatePhrase]
    func linkPage(after: Int64, limit: Int) async throws -> [RegistryLink]
}

extension RegistryStore: RegistryReads {}
extension PostgresRegistryStore: RegistryReads {}

/// The metered generations' hot path, on either backend: the stored answer of an idempotency key, the charge in a
/// shared transaction, and the month's usage.
package protocol MeteringStore: Sendable {
    func storedAnswer(apiKey: ID<APIKeyRecord>, idempotencyKey: String) async throws -> GenerationStore.StoredAnswer?
    func chargeGeneration(
        _ charge: GenerationStore.Charge,
        plans: PlanCatalog,
        decide: @escaping @Sendable (GenerationStore.Account, Usage) throws -> GenerationStore.Decision
    ) async throws -> GenerationOutcome
    func usage(account: ID<AccountRecord>, now: Date, plans: PlanCatalog) async throws -> Usage
}

extension GenerationStore: MeteringStore {}
extension PostgresGenerationStore: MeteringStore {}

/// ``PostgresRegistryStore`` as a ``RegistrySource``.
package struct BlockingPostgresRegistry: RegistrySource {
    package let store: PostgresRegistryStore

    package func activePhrases() throws -> (phrases: [GatePhrase], seq: Int64, version: Int64) {
        try Self.wait { [store] in try await store.activePhrases() }
    }

    package func activePhrases(after seq: Int64) throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64) {
        try Self.wait { [store] in try await store.activePhrases(after: seq) }
    }

    /// Nothing: other replicas may not have read those changes yet. The leader prunes instead
    /// (``PostgresRegistryStore/pruneOldChanges(keeping:)``).
    package func pruneChanges(through seq: Int64) throws {}

    /// Runs `operation` as a task and waits for it on this thread, at most `limit`. `EventLoopFuture.wait()` refuses to
    /// run on an event loop. The limit keeps a thread (and the gate's lock, held during a refresh) from waiting for
    /// ever on a connection that will never come: a lease asked of a client that is being closed at shutdown.
    package static func wait<T: Sendable>(limit: TimeAmount = .seconds(60), _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let promise = loop.makePromise(of: T.self)
        promise.completeWithTask(operation)
        let outcome = loop.makePromise(of: T.self)
        // Whichever comes first, on the loop's thread: the answer or the limit.
        let timeout = loop.scheduleTask(in: limit) { outcome.fail(RegistryReadTimeout(limit: limit)) }
        promise.futureResult.hop(to: loop).whenComplete { result in
            timeout.cancel()
            outcome.completeWith(result)
        }
        return try outcome.futureResult.wait()
    }

    package init(store: PostgresRegistryStore) {
        self.store = store
    }
}

/// A registry read on PostgreSQL that did not answer within its limit.
package struct RegistryReadTimeout: Error, CustomStringConvertible {
    package let limit: TimeAmount
    package var description: String { "the registry read did not answer within \(limit.nanoseconds / 1_000_000_000) s" }
}
