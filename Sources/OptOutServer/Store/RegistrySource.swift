import Foundation
import NIOCore
import NIOPosix

/// What the prompt gate reads of the registry, on either backend: a full load, the changes after a change-log
/// position, and pruning what a full load folded in.
///
/// The gate reads on NIO's thread pool and holds its refresh lock through the read, so these are blocking calls:
/// GRDB's blocking API on SQLite; on PostgreSQL, the async client's answer waited for on that thread (never on an
/// event loop, whose work the wait would stop, nor on the cooperative threads the answer needs).
protocol RegistrySource: Sendable {
    func activePhrases() throws -> (phrases: [GatePhrase], seq: Int64, version: Int64)
    func activePhrases(after seq: Int64) throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64)
    func pruneChanges(through seq: Int64) throws
}

extension RegistryStore: RegistrySource {}

/// ``PostgresRegistryStore`` as a ``RegistrySource``.
struct BlockingPostgresRegistry: RegistrySource {
    let store: PostgresRegistryStore

    func activePhrases() throws -> (phrases: [GatePhrase], seq: Int64, version: Int64) {
        try Self.wait { [store] in try await store.activePhrases() }
    }

    func activePhrases(after seq: Int64) throws -> (changed: [Int64: GatePhrase?], seq: Int64, version: Int64) {
        try Self.wait { [store] in try await store.activePhrases(after: seq) }
    }

    func pruneChanges(through seq: Int64) throws {
        try Self.wait { [store] in try await store.pruneChanges(through: seq) }
    }

    /// Runs `operation` as a task and waits for it on this thread. `EventLoopFuture.wait()` refuses to run on an
    /// event loop.
    static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: T.self)
        promise.completeWithTask(operation)
        return try promise.futureResult.wait()
    }
}
