import Crypto
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// Counts, in memory, what the gate's decisions did for each artist today: prompts refused because they named the
/// artist, prompts allowed with a credit to them. Nothing is written per check: ``ActivityService`` adds the counts
/// to the database in one transaction every few seconds (and at shutdown). A generator that checks a prompt and then
/// generates it is counted once: the same caller and prompt within ten minutes count once (only a digest is kept).
final class ActivityRecorder: Sendable {
    typealias Key = ActivityKey
    typealias Counts = ActivityCounts

    static let repeatWindow: Duration = .seconds(600)
    static let maxRemembered = 100_000

    private let pending = NIOLockedValueBox<[Key: Counts]>([:])
    private let recent = NIOLockedValueBox<[Data: ContinuousClock.Instant]>([:])

    /// One decision: the artists matched (with their policies), whether the prompt was allowed and read through.
    func record(matches: [(artistId: Int64, policy: Policy)], allowed: Bool, complete: Bool, caller: String, prompt: String, now: Date = Date()) {
        guard complete, !matches.isEmpty else { return }
        let refused = allowed ? [] : Set(matches.filter { $0.policy == .block }.map(\.artistId))
        let credited = allowed ? Set(matches.filter { $0.policy == .credit }.map(\.artistId)) : []
        guard !refused.isEmpty || !credited.isEmpty, firstTime(caller: caller, prompt: prompt, allowed: allowed) else { return }
        let day = Self.day(now)
        pending.withLockedValue { pending in
            for artist in refused { pending[Key(artistId: artist, day: day), default: Counts()].refused += 1 }
            for artist in credited { pending[Key(artistId: artist, day: day), default: Counts()].credited += 1 }
        }
    }

    private func firstTime(caller: String, prompt: String, allowed: Bool) -> Bool {
        let digest = Data(SHA256.hash(data: Data((caller + "\u{0}" + (allowed ? "a" : "r") + prompt).utf8)).prefix(16))
        let now = ContinuousClock.now
        return recent.withLockedValue { recent in
            if let seen = recent[digest], now - seen < Self.repeatWindow { return false }
            if recent.count >= Self.maxRemembered {
                recent = recent.filter { now - $0.value < Self.repeatWindow }
                if recent.count >= Self.maxRemembered { recent.removeAll() }
            }
            recent[digest] = now
            return true
        }
    }

    /// Takes what was counted since the last call.
    func drain() -> [Key: Counts] {
        pending.withLockedValue { pending in
            defer { pending.removeAll() }
            return pending
        }
    }

    /// Puts counts back after a failed write, so none is lost.
    func restore(_ counts: [Key: Counts]) {
        pending.withLockedValue { pending in
            for (key, value) in counts {
                pending[key, default: Counts()].refused += value.refused
                pending[key, default: Counts()].credited += value.credited
            }
        }
    }

    /// What is counted but not yet written, for one artist, by day.
    func unwritten(artist: Int64) -> [String: Counts] {
        pending.withLockedValue { pending in
            var out: [String: Counts] = [:]
            for (key, value) in pending where key.artistId == artist { out[key.day] = value }
            return out
        }
    }

    static func day(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// Writes the recorder's counts every `interval` (and once more at shutdown), records the queue's size for the day,
/// and forgets what is more than a year old.
struct ActivityService: Service {
    let recorder: ActivityRecorder
    let store: ActivityStore
    let queue: OperationsQueries
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let flush = Flush(recorder: recorder, store: store, queue: queue)
        await repeatUntilShutdown(every: interval, logger: logger, failure: "activity counters could not be written") {
            try await flush.run()
        }
        // Graceful shutdown: what was counted since the last write goes in too.
        do { try await flush.run(final: true) } catch {
            logger.error("activity counters could not be written at shutdown", metadata: ["error": "\(error)"])
        }
    }

    final class Flush: Sendable {
        let recorder: ActivityRecorder
        let store: ActivityStore
        let queue: OperationsQueries
        private let lastQueueReading = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        private let lastPrune = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

        init(recorder: ActivityRecorder, store: ActivityStore, queue: OperationsQueries) {
            self.recorder = recorder
            self.store = store
            self.queue = queue
        }

        func run(final: Bool = false) async throws {
            let counts = recorder.drain()
            do {
                try await store.add(counts)
            } catch {
                recorder.restore(counts)
                throw error
            }
            guard !final else { return }
            let now = ContinuousClock.now
            if lastQueueReading.withLockedValue({ $0.map { now - $0 >= .seconds(60) } ?? true }) {
                try await store.recordQueueSizes(try await queue.queueSizes(), day: ActivityRecorder.day(Date()))
                lastQueueReading.withLockedValue { $0 = now }
            }
            if lastPrune.withLockedValue({ $0.map { now - $0 >= .seconds(3600) } ?? true }) {
                try await store.prune(before: ActivityRecorder.day(Date().addingTimeInterval(-366 * 86_400)))
                lastPrune.withLockedValue { $0 = now }
            }
        }
    }
}

/// `GET /v1/artists/me/activity` (the artist's own account) and `GET /v1/moderation/queue-history` (moderators).
struct ActivityController {
    let recorder: ActivityRecorder
    let store: ActivityStore
    let artists: ArtistRepository

    struct Day: Encodable {
        let date: String
        let refused: Int
        let credited: Int
    }

    struct ArtistActivity: ResponseEncodable {
        let artistId: Int64
        let days: [Day]
        let totals: Totals

        struct Totals: Encodable {
            let refused: Int
            let credited: Int
        }
    }

    struct QueueHistory: ResponseEncodable {
        struct Reading: Encodable {
            let date: String
            let kind: String
            let status: String
            let count: Int
        }
        let readings: [Reading]
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/artists/me/activity", use: mine)
        routes.get("/v1/moderation/queue-history", use: queueHistory)
    }

    /// The last `days` days (1 to 365, default 90), oldest first, every day present (zeros included), today's
    /// counts up to the moment.
    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> ArtistActivity {
        let account = try context.requireAccount()
        let days = try Input.integer(request, "days", default: 90, range: 1...365)
        guard let artist = try await artists.liveArtist(account: account.id) else {
            throw APIError(.notFound, code: "not_found", message: "This account has not opted out: there is no activity to show.")
        }
        let id = artist.id.rawValue
        let dates = (0..<days).reversed().map { ActivityRecorder.day(Date().addingTimeInterval(-Double($0) * 86_400)) }
        var counts = try await store.activity(artist: id, fromDay: dates[0])
        for (day, value) in recorder.unwritten(artist: id) {
            counts[day, default: ActivityRecorder.Counts()].refused += value.refused
            counts[day, default: ActivityRecorder.Counts()].credited += value.credited
        }
        let series = dates.map { Day(date: $0, refused: counts[$0]?.refused ?? 0, credited: counts[$0]?.credited ?? 0) }
        return ArtistActivity(
            artistId: id,
            days: series,
            totals: .init(refused: series.reduce(0) { $0 + $1.refused }, credited: series.reduce(0) { $0 + $1.credited })
        )
    }

    @Sendable func queueHistory(_ request: Request, context: AppRequestContext) async throws -> QueueHistory {
        _ = try context.requireRole(.moderator)
        let days = try Input.integer(request, "days", default: 30, range: 1...365)
        let from = ActivityRecorder.day(Date().addingTimeInterval(-Double(days - 1) * 86_400))
        return await QueueHistory(
            readings: try store.queueHistory(fromDay: from).map { .init(date: $0.day, kind: $0.kind, status: $0.status, count: $0.count) }
        )
    }
}
