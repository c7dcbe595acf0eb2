import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// A matcher with the phrases behind its indices.
struct IndexedMatcher: Sendable {
    let matcher: PhraseMatcher
    let phrases: [GatePhrase]
    /// The phrases' ids, by index (built once with the matcher, not with every snapshot).
    let ids: [Int64]

    init(_ phrases: [GatePhrase], ordinary: OrdinaryWords) {
        self.phrases = phrases
        ids = phrases.map(\.id)
        // Names and aliases are also found surname first; titles of works keep their order.
        matcher = PhraseMatcher(phrases: phrases.lazy.map(\.text), ordinaryWords: ordinary, wordOrder: phrases.map { $0.kind != .creation })
    }
}

/// What answered a check: a large base built from a full load, a small overlay of phrases changed since, and the
/// base's phrases those changes superseded.
final class GateSnapshot: Sendable {
    let base: IndexedMatcher
    let overlay: IndexedMatcher
    let superseded: Set<Int64>
    let version: Int64
    let layers: LayeredSearch

    init(base: IndexedMatcher, overlay: IndexedMatcher, superseded: Set<Int64>, version: Int64) {
        self.base = base
        self.overlay = overlay
        self.superseded = superseded
        self.version = version
        layers = LayeredSearch(
            base: base.matcher,
            baseIds: base.ids,
            overlay: overlay.matcher,
            overlayIds: overlay.ids,
            superseded: superseded
        )
    }
}

/// One phrase found in a prompt, with what the API reports of it.
struct GateMatch: Sendable {
    let phrase: GatePhrase
    let match: PhraseMatch
}

/// The prompt gate's live registry: answers checks from an immutable snapshot and swaps in a new one when the
/// registry changes, without pausing checks.
final class PromptGate: Sendable {
    private let store: any RegistrySource
    private let ordinary: OrdinaryWords
    private let snapshot: NIOLockedValueBox<GateSnapshot>
    /// Serialises refreshes; checks never take it.
    private let refreshState: NIOLockedValueBox<RefreshState>
    /// More changed phrases than this since the last full load trigger a full rebuild.
    let overlayLimit: Int
    let logger: Logger
    /// Times full rebuilds (none without metrics).
    let rebuildTimer: Metrics.Timer?

    private struct RefreshState {
        var lastSeq: Int64
        /// Phrases changed since the base was loaded: the phrase when it is active now, nil when it stopped.
        var changed: [Int64: GatePhrase?]
    }

    /// Loads the whole registry from `store`. On PostgreSQL, call it where blocking is allowed (not on an event loop
    /// or the cooperative threads): see ``RegistrySource``.
    init(
        store: any RegistrySource,
        ordinary: OrdinaryWords,
        overlayLimit: Int = 20_000,
        logger: Logger,
        rebuildTimer: Metrics.Timer? = nil
    ) throws {
        self.rebuildTimer = rebuildTimer
        self.store = store
        self.ordinary = ordinary
        self.overlayLimit = overlayLimit
        self.logger = logger
        let (base, seq, version) = try Self.loadAll(store, ordinary: ordinary)
        snapshot = NIOLockedValueBox(GateSnapshot(base: base, overlay: IndexedMatcher([], ordinary: ordinary), superseded: [], version: version))
        refreshState = NIOLockedValueBox(RefreshState(lastSeq: seq, changed: [:]))
    }

    /// ``init(store:ordinary:overlayLimit:logger:)`` on NIO's thread pool, where its blocking load may wait (for
    /// PostgreSQL's answer, which needs the cooperative threads this leaves free).
    static func open(
        store: any RegistrySource,
        ordinary: OrdinaryWords,
        overlayLimit: Int = 20_000,
        logger: Logger,
        rebuildTimer: Metrics.Timer? = nil
    ) async throws -> PromptGate {
        try await NIOThreadPool.singleton.runIfActive {
            try PromptGate(store: store, ordinary: ordinary, overlayLimit: overlayLimit, logger: logger, rebuildTimer: rebuildTimer)
        }
    }

    var current: GateSnapshot { snapshot.withLockedValue { $0 } }

    /// When the snapshot last caught up with the registry (a successful refresh, or the load at start).
    private let lastCaughtUp = NIOLockedValueBox(ContinuousClock.now)

    /// How long ago the snapshot last caught up with the registry.
    var snapshotAge: Duration { ContinuousClock.now - lastCaughtUp.withLockedValue { $0 } }

    /// The registered phrases in `prompt`, each span once, in prompt order; `complete` is false when the prompt ran
    /// out of the matcher's work budget before every view was read (the callers refuse such a prompt).
    func check(_ prompt: String) -> (matches: [GateMatch], version: Int64, complete: Bool) {
        let snapshot = current
        let (hits, complete) = snapshot.layers.search(prompt)
        let found = hits.map {
            GateMatch(phrase: ($0.inOverlay ? snapshot.overlay : snapshot.base).phrases[$0.match.phrase], match: $0.match)
        }
        return (found, snapshot.version, complete)
    }

    /// Prompts longer than this are checked on NIO's thread pool, so a long check never holds an event loop.
    static let offLoopBytes = 1024

    /// ``check(_:)``, off the event loop for a long prompt.
    func checkAnywhere(_ prompt: String) async throws -> (matches: [GateMatch], version: Int64, complete: Bool) {
        if prompt.utf8.count <= Self.offLoopBytes { return check(prompt) }
        return try await NIOThreadPool.singleton.runIfActive { self.check(prompt) }
    }

    /// Applies registry changes made since the last refresh; a full rebuild when many have piled up. Blocks while
    /// it reads: call ``refreshInBackground()`` from async code.
    func refresh() throws {
        let started = ContinuousClock.now
        defer { lastCaughtUp.withLockedValue { $0 = max($0, started) } }
        try refreshState.withLockedValue { state in
            let delta: (changed: [Int64: GatePhrase?], seq: Int64, version: Int64)
            do {
                delta = try store.activePhrases(after: state.lastSeq)
            } catch is RegistryChangeLogGap {
                // Another replica's pruning took changes this one had not read: start again from a full load.
                try rebuild(&state)
                return
            }
            if delta.changed.isEmpty {
                if delta.version != current.version {
                    let old = current
                    snapshot.withLockedValue {
                        $0 = GateSnapshot(base: old.base, overlay: old.overlay, superseded: old.superseded, version: delta.version)
                    }
                }
                return
            }
            state.lastSeq = delta.seq
            state.changed.merge(delta.changed) { _, new in new }
            if state.changed.count > overlayLimit {
                try rebuild(&state)
                return
            }
            let active = state.changed.values.compactMap { $0 }.sorted { $0.id < $1.id }
            let overlay = IndexedMatcher(active, ordinary: ordinary)
            let superseded = Set(state.changed.keys)
            let base = current.base
            snapshot.withLockedValue { $0 = GateSnapshot(base: base, overlay: overlay, superseded: superseded, version: delta.version) }
        }
    }

    /// Loads every active phrase into a new base matcher, with an empty overlay.
    private func rebuild(_ state: inout RefreshState) throws {
        let rebuildStarted = ContinuousClock.now
        let (base, loadedSeq, loadedVersion) = try Self.loadAll(store, ordinary: ordinary)
        rebuildTimer?.record(duration: ContinuousClock.now - rebuildStarted)
        state = RefreshState(lastSeq: loadedSeq, changed: [:])
        snapshot.withLockedValue {
            $0 = GateSnapshot(base: base, overlay: IndexedMatcher([], ordinary: ordinary), superseded: [], version: loadedVersion)
        }
        logger.info("prompt gate rebuilt", metadata: ["phrases": "\(base.phrases.count)", "registry_version": "\(loadedVersion)"])
    }

    /// Runs ``refresh()`` on NIO's thread pool, away from the cooperative threads.
    func refreshInBackground() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.refresh() }
    }

    /// Loads every active phrase and builds a base matcher; prunes the change log it has folded in.
    static func loadAll(_ store: any RegistrySource, ordinary: OrdinaryWords) throws -> (IndexedMatcher, seq: Int64, version: Int64) {
        let (phrases, seq, version) = try store.activePhrases()
        let matcher = IndexedMatcher(phrases, ordinary: ordinary)
        try store.pruneChanges(through: seq)
        return (matcher, seq, version)
    }
}
