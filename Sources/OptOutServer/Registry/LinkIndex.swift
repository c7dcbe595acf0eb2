import Foundation
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// The live artists' links as a ``LinkCoverage``, rebuilt when the links' version moves.
final class LinkIndex: Sendable {
    private struct State: Sendable {
        var version: Int64 = -1
        var index = LinkCoverage()
    }

    private let store: any RegistryReads
    private let state = NIOLockedValueBox(State())

    init(store: any RegistryReads) {
        self.store = store
    }

    /// The current index, rebuilt from the database when the links changed since it was built.
    func current() async throws -> LinkCoverage {
        try await currentWithVersion().index
    }

    /// The current index and the version of the links it holds.
    func currentWithVersion() async throws -> (version: Int64, index: LinkCoverage) {
        let version = try await store.linkVersion()
        if let current = state.withLockedValue({ $0.version == version ? $0.index : nil }) { return (version, current) }
        return try await rebuild()
    }

    /// Builds the index ahead of the first look-up (a start with 500,000 links takes about two seconds).
    func warm() async throws {
        _ = try await current()
    }

    private func rebuild() async throws -> (version: Int64, index: LinkCoverage) {
        let (links, version) = try await store.liveLinks()
        var index = LinkCoverage()
        for link in links {
            guard let key = LinkCoverage.key(link.url) else { continue }
            index.add(key, artistId: link.artistId, link: link.url)
        }
        state.withLockedValue { $0 = State(version: version, index: index) }
        return (version, index)
    }
}
