import Foundation

/// The rules that keep password guessing slow without letting anyone lock anyone else out.
///
/// Attempts are counted under two keys: the (account, client address) pair and the client address. A key that
/// reaches its limit of failures within `window` is locked; each lock of the same key lasts twice the one before
/// (`window`, 2×, 4×, … up to `maxLock`), and the doubling is forgotten after a day without failures. Failures
/// from one address never lock the account for another address, so the owner signing in from elsewhere is never
/// refused.
///
/// An attempt is reserved before the password is checked (bcrypt is slow, so parallel guesses would otherwise all
/// be checked before the first failure is counted): a key with its limit of failures and reservations in flight
/// refuses further attempts until some finish. A reservation whose attempt never finished (its process died) is
/// forgotten after `reservationLifetime`.
///
/// The rules are pure: they change `SignInThrottleState` values, which the server keeps in its database so that
/// every replica behind a balancer counts the same attempts.
public struct SignInThrottle: Sendable {
    /// Failures of one account from one address before that pair is locked.
    public var limit: Int
    /// Failures from one address, whatever the account, before the address is locked.
    public var addressLimit: Int
    public var window: TimeInterval
    public var maxLock: TimeInterval
    public var reservationLifetime: TimeInterval
    /// How long a run of locks is remembered after its last failure.
    public static let strikeMemory: TimeInterval = 24 * 3600

    public init(
        limit: Int = 10,
        addressLimit: Int = 30,
        window: TimeInterval = 60,
        maxLock: TimeInterval = 3600,
        reservationLifetime: TimeInterval = 60
    ) {
        self.limit = limit
        self.addressLimit = addressLimit
        self.window = window
        self.maxLock = maxLock
        self.reservationLifetime = reservationLifetime
    }

    /// The keys an attempt counts under. The address is whatever `clientAddress` found (or "unknown").
    public static func keys(email: String, address: String?) -> [String] {
        let address = address ?? "unknown"
        return ["pair:\(email)|\(address)", "address:\(address)"]
    }

    public func limit(for key: String) -> Int { key.hasPrefix("address:") ? addressLimit : limit }

    /// Reserves an attempt under every key in `states` (missing keys start empty), or returns the whole seconds to
    /// wait when a key is locked or full. On refusal the states are only tidied (aged failures dropped), never
    /// charged.
    public func reserve(_ states: inout [String: SignInThrottleState], keys: [String], now: Date) -> Int? {
        var wait: TimeInterval = 0
        for key in keys {
            var state = states[key] ?? SignInThrottleState()
            tidy(&state, now: now)
            if let until = state.lockedUntil {
                wait = max(wait, until.timeIntervalSince(now))
            } else if state.failures.count + state.inFlight.count >= limit(for: key) {
                // Full of attempts still being checked: wait for them (or for the oldest failure to age out).
                let oldest = state.failures.first.map { window - now.timeIntervalSince($0) } ?? 1
                wait = max(wait, min(oldest, 1))
            }
            states[key] = state
        }
        if wait > 0 { return max(1, Int(wait.rounded(.up))) }
        for key in keys { states[key]?.inFlight.append(now) }
        return nil
    }

    /// Ends the attempt reserved at `reservedAt`: a failure counts under every key; a success clears the pair's
    /// failures and its run of locks.
    public func finish(_ states: inout [String: SignInThrottleState], keys: [String], reservedAt: Date, succeeded: Bool, now: Date) {
        for key in keys {
            var state = states[key] ?? SignInThrottleState()
            if let index = state.inFlight.firstIndex(of: reservedAt) { state.inFlight.remove(at: index) }
            tidy(&state, now: now)
            if succeeded {
                if key.hasPrefix("pair:") {
                    state.failures.removeAll()
                    state.strikes = 0
                }
            } else {
                state.failures.append(now)
                state.lastFailure = now
                if state.failures.count >= limit(for: key) {
                    state.lockedUntil = now.addingTimeInterval(min(maxLock, window * pow(2, Double(state.strikes))))
                    state.strikes += 1
                    state.failures.removeAll()
                }
            }
            states[key] = state
        }
    }

    /// Drops what no longer counts at `now`: failures older than the window, reservations never finished, an
    /// ended lock, a run of locks a day old.
    public func tidy(_ state: inout SignInThrottleState, now: Date) {
        state.failures.removeAll { now.timeIntervalSince($0) >= window }
        state.inFlight.removeAll { now.timeIntervalSince($0) >= reservationLifetime }
        if let until = state.lockedUntil, until <= now { state.lockedUntil = nil }
        if let last = state.lastFailure, now.timeIntervalSince(last) > Self.strikeMemory {
            state.strikes = 0
            state.lastFailure = nil
        }
    }

    /// When a key's state stops mattering if nothing else happens to it: it can be forgotten after this moment.
    /// A state already empty is forgettable at once (`nil`).
    public func forgettableAfter(_ state: SignInThrottleState) -> Date? {
        var moments: [Date] = []
        if let last = state.failures.last { moments.append(last.addingTimeInterval(window)) }
        if let last = state.inFlight.max() { moments.append(last.addingTimeInterval(reservationLifetime)) }
        if let until = state.lockedUntil { moments.append(until) }
        if state.strikes > 0, let last = state.lastFailure { moments.append(last.addingTimeInterval(Self.strikeMemory)) }
        return moments.max()
    }
}

/// What the throttle remembers about one key.
public struct SignInThrottleState: Codable, Sendable, Equatable {
    /// Failures within the window, oldest first.
    public var failures: [Date] = []
    /// When each attempt still being checked was reserved.
    public var inFlight: [Date] = []
    public var lockedUntil: Date?
    /// How many locks this key has had in its current run (each one twice as long as the one before).
    public var strikes = 0
    public var lastFailure: Date?

    public init() {}
}
