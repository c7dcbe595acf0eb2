import Foundation
import OptOutCore
import OptOutStore

/// Limits sign-in attempts so that guessing is slow and nobody can lock anyone else out: `SignInThrottle`'s rules,
/// on keys kept in the database so that every replica counts the same attempts.
struct LoginThrottle: Sendable {
    let rules: SignInThrottle
    let store: SignInThrottleStore

    init(store: SignInThrottleStore, rules: SignInThrottle = SignInThrottle()) {
        self.rules = rules
        self.store = store
    }

    /// An attempt that holds a place under its keys until it is finished.
    struct Reservation: Sendable {
        let keys: [String]
        let reservedAt: Date
    }

    struct Wait: Error, Sendable {
        let seconds: Int
    }

    static func keys(email: String, address: String?) -> [String] { SignInThrottle.keys(email: email, address: address) }

    /// Reserves an attempt, or returns the seconds to wait when a key is locked or full.
    func reserve(keys: [String], now: Date = Date()) async throws -> Result<Reservation, Wait> {
        let rules = rules
        let wait = try await store.update(keys: keys, rules: rules, now: now) { states in
            rules.reserve(&states, keys: keys, now: now)
        }
        if let wait { return .failure(Wait(seconds: wait)) }
        return .success(Reservation(keys: keys, reservedAt: now))
    }

    /// Ends a reserved attempt: a failure counts under every key; a success clears the pair's failures.
    func finish(_ reservation: Reservation, succeeded: Bool, now: Date = Date()) async throws {
        let rules = rules
        try await store.update(keys: reservation.keys, rules: rules, now: now) { states in
            rules.finish(&states, keys: reservation.keys, reservedAt: reservation.reservedAt, succeeded: succeeded, now: now)
        }
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

    /// The network an address belongs to for per-network limits: its IPv6 /64 or IPv4 /24, written as a CIDR
    /// ("2001:db8:1:2::/64", "192.0.2.0/24"); text that is no address stands for itself.
    static func network(of text: String) -> String {
        guard let bytes = bytes(of: text) else { return text }
        if bytes.count == 4 { return "\(bytes[0]).\(bytes[1]).\(bytes[2]).0/24" }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

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
