import Foundation
import NIOConcurrencyHelpers

/// Limits sign-in attempts so that guessing is slow and nobody can lock anyone else out.
///
/// Attempts are counted under two keys: the (account, client address) pair and the client address. A key that
/// reaches `limit` failures within `window` is locked; each lock of the same key lasts twice the one before
/// (`window`, 2×, 4×, … up to `maxLock`), and the doubling is forgotten after a day without failures. Failures
/// from one address never lock the account for another address, so the owner signing in from elsewhere is never
/// refused.
///
/// An attempt is reserved before the password is checked (bcrypt is slow, so parallel guesses would otherwise all
/// be checked before the first failure is counted): a key with `limit` failures and reservations in flight refuses
/// further attempts until some finish.
final class LoginThrottle: Sendable {
    let limit: Int
    let addressLimit: Int
    let window: TimeInterval
    let maxLock: TimeInterval
    private let keys = NIOLockedValueBox<[String: KeyState]>([:])

    struct KeyState {
        var failures: [Date] = []
        var inFlight = 0
        var lockedUntil: Date?
        var strikes = 0
        var lastFailure: Date?
    }

    /// An attempt that holds a place under its keys until it is finished.
    struct Reservation: Sendable {
        fileprivate let keys: [String]
    }

    /// - Parameters:
    ///   - limit: failures of one account from one address before that pair is locked.
    ///   - addressLimit: failures from one address, whatever the account, before the address is locked.
    init(limit: Int = 10, addressLimit: Int = 30, window: TimeInterval = 60, maxLock: TimeInterval = 3600) {
        self.limit = limit
        self.addressLimit = addressLimit
        self.window = window
        self.maxLock = maxLock
    }

    static func keys(email: String, address: String?) -> [String] {
        let address = address ?? "unknown"
        return ["pair:\(email)|\(address)", "address:\(address)"]
    }

    private func limit(for key: String) -> Int { key.hasPrefix("address:") ? addressLimit : limit }

    /// Reserves an attempt, or returns the seconds to wait when a key is locked or full.
    func reserve(keys: [String], now: Date = Date()) -> Result<Reservation, Wait> {
        self.keys.withLockedValue { table in
            var wait: TimeInterval = 0
            for key in keys {
                var state = table[key] ?? KeyState()
                state.failures.removeAll { now.timeIntervalSince($0) >= window }
                if let last = state.lastFailure, now.timeIntervalSince(last) > 24 * 3600 { state.strikes = 0 }
                if let until = state.lockedUntil {
                    if until > now {
                        wait = max(wait, until.timeIntervalSince(now))
                    } else {
                        state.lockedUntil = nil
                    }
                }
                if state.lockedUntil == nil, state.failures.count + state.inFlight >= limit(for: key) {
                    // Full of attempts still being checked: wait for them (or for the oldest failure to age out).
                    let oldest = state.failures.first.map { window - now.timeIntervalSince($0) } ?? 1
                    wait = max(wait, min(oldest, 1))
                }
                table[key] = state
            }
            if wait > 0 { return .failure(Wait(seconds: max(1, Int(wait.rounded(.up))))) }
            for key in keys { table[key]?.inFlight += 1 }
            return .success(Reservation(keys: keys))
        }
    }

    /// Ends a reserved attempt: a failure counts under every key; a success clears the pair's failures.
    func finish(_ reservation: Reservation, succeeded: Bool, now: Date = Date()) {
        keys.withLockedValue { table in
            for key in reservation.keys {
                guard var state = table[key] else { continue }
                state.inFlight = max(0, state.inFlight - 1)
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
                table[key] = state.failures.isEmpty && state.inFlight == 0 && state.lockedUntil == nil && state.strikes == 0 ? nil : state
            }
            // Keep the table bounded under a spray of addresses: forget keys with nothing recent.
            if table.count > 100_000 {
                table = table.filter { _, state in
                    state.inFlight > 0 || (state.lockedUntil ?? .distantPast) > now
                        || state.failures.contains { now.timeIntervalSince($0) < window }
                }
            }
        }
    }

    struct Wait: Error, Sendable {
        let seconds: Int
    }
}

/// A block of IP addresses (`10.0.0.0/8`, `::1/128`, or one address), for `--trusted-proxy`.
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    let address: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = bits
        }
        self.address = address
    }

    public func contains(_ text: String) -> Bool {
        guard let other = Self.bytes(of: text), other.count == address.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address, other) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(address.count == 4 ? address.map(String.init).joined(separator: ".") : "ipv6")/\(prefix)" }

    /// The address's bytes (4 for IPv4, 16 for IPv6); an IPv4-mapped IPv6 address reads as IPv4.
    static func bytes(of text: String) -> [UInt8]? {
        let text = text.trimmingCharacters(in: .whitespaces)
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        let trimmed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        guard inet_pton(AF_INET6, trimmed, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the last address in `X-Forwarded-For`
/// that is not itself a trusted proxy (so a client cannot choose its address by sending the header itself).
func clientAddress(peer: String?, forwardedFor: [String], trustedProxies: [CIDR]) -> String? {
    guard let peer, !trustedProxies.isEmpty, trustedProxies.contains(where: { $0.contains(peer) }) else { return peer }
    let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    for hop in hops.reversed() {
        guard CIDR.bytes(of: hop) != nil else { return peer }
        if !trustedProxies.contains(where: { $0.contains(hop) }) { return hop }
    }
    return hops.first ?? peer
}
