import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import OptOutCore
import ServiceLifecycle

/// The application's outbound HTTP: link verification's page fetches and webhook deliveries, through
/// async-http-client on the application's event loops. The application owns one and runs it in its service group,
/// which shuts its connections down at stop.
///
/// Every exchange: the host is resolved once, every address is checked (when private addresses are refused), and
/// the connection goes to the checked address (`dnsOverride`, which keeps the host name for TLS and `Host`), so a
/// name that resolves to a public address for the check and a private one for the connection (DNS rebinding) has
/// no second look-up to win. A deadline covers the whole exchange, head and body however it trickles, and the body
/// is read up to a cap. Redirects are never followed here (the page fetcher follows them by hand, checking each).
///
/// async-http-client pins addresses per client configuration, so connections are pooled per host and checked
/// address: requests to the same host at the same address (a webhook endpoint) reuse them, and at most
/// ``maxPools`` pools stay open, the least recently used closed first once idle.
final class OutboundHTTP: Service, Sendable {
    struct Failure: Error, Sendable {
        let code: String
        let message: String
    }

    struct Response: Sendable {
        let status: Int
        let location: String?
        let body: Data
    }

    static let maxPools = 32

    let eventLoopGroup: any EventLoopGroup
    /// The host's addresses, 4 or 16 bytes each; the system resolver unless a test stands in for it.
    let resolve: @Sendable (String) -> [[UInt8]]
    private let pools = NIOLockedValueBox(Pools())

    private struct Pool {
        let client: HTTPClient
        var users = 0
        var lastUsed: UInt64 = 0
    }

    private struct Pools {
        var open: [String: Pool] = [:]
        var clock: UInt64 = 0
        var closed = false
    }

    init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        resolve: @escaping @Sendable (String) -> [[UInt8]] = OutboundHTTP.systemResolve
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.resolve = resolve
    }

    /// An application built but never run (the tests' router tests) still closes what it opened.
    deinit {
        for pool in pools.withLockedValue({ $0.open.values }) { pool.client.shutdown { _ in } }
    }

    /// Waits for the application to stop, then closes every connection.
    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    func shutdown() async {
        let clients = pools.withLockedValue { pools -> [HTTPClient] in
            pools.closed = true
            defer { pools.open.removeAll() }
            return pools.open.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
    }

    /// Refuses other schemes and, unless `allowPrivate`, hosts that resolve to a private or loopback address;
    /// answers the address the connection must go to.
    func check(_ url: URL, allowPrivate: Bool) throws(Failure) -> [UInt8] {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw Failure(code: "invalid_link", message: "Only http and https addresses can be reached.")
        }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = CIDR.bytes(of: name).map { [$0] } ?? resolve(name)
        guard let first = addresses.first else { throw Failure(code: "fetch_failed", message: "\(host) does not resolve.") }
        if !allowPrivate, addresses.contains(where: { !AddressPolicy.isPublic($0) }) {
            throw Failure(code: "private_address", message: "\(host) resolves to a private or loopback address, which the service does not fetch.")
        }
        return first
    }

    /// One request to `url`'s checked address, its answer read up to `maxBytes`, all of it before `deadline`.
    func exchange(
        _ method: HTTPMethod,
        _ url: URL,
        headers: [(String, String)],
        body: Data? = nil,
        allowPrivate: Bool,
        deadline: NIODeadline,
        maxBytes: Int
    ) async throws(Failure) -> Response {
        let address = try check(url, allowPrivate: allowPrivate)
        let seconds = max(1, Int64(((deadline - .now()).nanoseconds + 999_999_999) / 1_000_000_000))
        guard let (key, client) = acquire(url: url, address: address) else {
            throw Failure(code: "fetch_failed", message: "The service is stopping.")
        }
        defer { release(key) }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let message = "\(url.absoluteString) did not finish within \(seconds) s."
        let prepared = request
        do {
            return try await Self.withDeadline(deadline, message: message) {
                let response = try await client.execute(prepared, deadline: deadline)
                var received = Data()
                for try await chunk in response.body {
                    received.append(contentsOf: chunk.readableBytesView)
                    if received.count > maxBytes {
                        throw Failure(code: "page_too_large", message: "The answer is larger than \(max(1, maxBytes >> 20)) MiB.")
                    }
                }
                return Response(status: Int(response.status.code), location: response.headers.first(name: "Location"), body: received)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: "fetch_failed", message: "\(url.absoluteString) could not be reached: \(error).")
        }
    }

    /// The pool for `url`'s host at `address`, made on first use.
    private func acquire(url: URL, address: [UInt8]) -> (String, HTTPClient)? {
        let host = url.host ?? ""
        let key = host + "|" + Self.text(of: address)
        var evicted: [HTTPClient] = []
        let client = pools.withLockedValue { pools -> HTTPClient? in
            guard !pools.closed else { return nil }
            pools.clock += 1
            if pools.open[key] == nil {
                // No timeouts of its own: each exchange's deadline bounds it (``withDeadline``).
                var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
                configuration.dnsOverride = [host: Self.text(of: address)]
                pools.open[key] = Pool(client: HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration))
                // Past the cap, the least recently used idle pools go.
                while pools.open.count > Self.maxPools,
                    let oldest = pools.open.filter({ $0.value.users == 0 && $0.key != key }).min(by: { $0.value.lastUsed < $1.value.lastUsed })
                {
                    evicted.append(oldest.value.client)
                    pools.open[oldest.key] = nil
                }
            }
            pools.open[key]!.users += 1
            pools.open[key]!.lastUsed = pools.clock
            return pools.open[key]!.client
        }
        for old in evicted { old.shutdown { _ in } }
        return client.map { (key, $0) }
    }

    private func release(_ key: String) {
        pools.withLockedValue { pools in pools.open[key]?.users -= 1 }
    }

    static func systemResolve(_ name: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(result) }
        var addresses: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if current.pointee.ai_family == AF_INET, let address = current.pointee.ai_addr {
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                }
            } else if current.pointee.ai_family == AF_INET6, let address = current.pointee.ai_addr {
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// An address's text form, for `dnsOverride` (no brackets: async-http-client adds them).
    static func text(of address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: address.prefix(16)) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `operation`, giving up at `deadline` whatever it is waiting for (an answer that trickles included).
    private static func withDeadline<T: Sendable>(
        _ deadline: NIODeadline,
        message: String,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                let nanoseconds = max(0, (deadline - .now()).nanoseconds)
                try await Task.sleep(nanoseconds: UInt64(nanoseconds))
                throw Failure(code: "fetch_failed", message: message)
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() else { throw Failure(code: "fetch_failed", message: message) }
            return value
        }
    }
}
