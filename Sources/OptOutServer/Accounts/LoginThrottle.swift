import Foundation
import NIOConcurrencyHelpers

/// Counts failed sign-ins per account and per address; ten within a minute locks that key until the oldest expires.
final class LoginThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = NIOLockedValueBox<[String: [Date]]>([:])

    init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait before any of `keys` may try again, or nil when none is locked.
    func retryAfter(keys: [String], now: Date = Date()) -> Int? {
        failures.withLockedValue { failures in
            let waits = keys.compactMap { key -> TimeInterval? in
                let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
                failures[key] = recent.isEmpty ? nil : recent
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return window - now.timeIntervalSince(oldest)
            }
            return waits.max().map { max(1, Int($0.rounded(.up))) }
        }
    }

    func recordFailure(keys: [String], now: Date = Date()) {
        failures.withLockedValue { failures in
            for key in keys {
                var recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
                recent.append(now)
                failures[key] = recent
            }
            // Keep the table bounded under a spray of addresses.
            if failures.count > 100_000 {
                failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
            }
        }
    }
}
