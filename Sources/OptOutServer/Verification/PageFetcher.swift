import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import OptOutCore

/// Fetches an artist's listed page to verify it: http or https only, 5 s in all (head and body, however the page
/// trickles), 1 MiB at most, at most 3 redirects (each followed by hand and checked like the first URL), and no
/// private or loopback address unless allowed.
///
/// The host is resolved once per hop, the addresses are checked, and the connection goes to the checked address
/// (async-http-client's `dnsOverride`, which keeps the host name for TLS and `Host`): a name that resolves to a public
/// address for the check and to a private one for the connection (DNS rebinding) has no second look-up to win.
struct PageFetcher: Sendable {
    let allowPrivate: Bool
    var timeout: TimeInterval = 5
    var maxBytes = 1 << 20
    var maxRedirects = 3
    /// The host's addresses, 4 or 16 bytes each; the system resolver unless a test stands in for it.
    var resolve: @Sendable (String) -> [[UInt8]] = PageFetcher.systemResolve
    var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    struct Failure: Error, Sendable {
        let code: String
        let message: String
    }

    func fetch(_ start: URL) async throws(Failure) -> (url: URL, body: Data) {
        var url = start
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout * 1_000_000_000))
        for _ in 0...maxRedirects {
            let address = try check(url)
            guard deadline > .now() else { throw Failure(code: "fetch_failed", message: "The page did not answer within \(seconds) s.") }
            let (status, location, body) = try await get(url, address: address, deadline: deadline)
            if (300..<400).contains(status) {
                guard let location, let next = URL(string: location, relativeTo: url)?.absoluteURL
                else { throw Failure(code: "fetch_failed", message: "\(url.absoluteString) redirects without a Location.") }
                url = next
                continue
            }
            guard (200..<300).contains(status) else {
                throw Failure(code: "fetch_failed", message: "\(url.absoluteString) answered \(status).")
            }
            return (url, body)
        }
        throw Failure(code: "fetch_failed", message: "\(start.absoluteString) redirects more than \(maxRedirects) times.")
    }

    private var seconds: Int { Int(timeout.rounded(.up)) }

    /// Refuses other schemes and, unless allowed, hosts that resolve to a private or loopback address; answers the
    /// address the connection must go to.
    func check(_ url: URL) throws(Failure) -> [UInt8] {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw Failure(code: "invalid_link", message: "Only http and https pages can be verified.")
        }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = CIDR.bytes(of: name).map { [$0] } ?? resolve(name)
        guard let first = addresses.first else { throw Failure(code: "fetch_failed", message: "\(host) does not resolve.") }
        if !allowPrivate, addresses.contains(where: { !AddressPolicy.isPublic($0) }) {
            throw Failure(code: "private_address", message: "\(host) resolves to a private or loopback address, which the service does not fetch.")
        }
        return first
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

    /// One GET to `address`, redirects not followed, the body cut off past `maxBytes`, all of it before `deadline`.
    private func get(_ url: URL, address: [UInt8], deadline: NIODeadline) async throws(Failure) -> (Int, String?, Data) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(seconds)), read: .seconds(Int64(seconds))),
            decompression: .disabled
        )
        if let host = url.host { configuration.dnsOverride = [host: Self.text(of: address)] }
        configuration.maximumUsesPerConnection = 1
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        let result: Result<(Int, String?, Data), Failure>
        do {
            result = .success(try await withDeadline(deadline) { try await self.exchange(client, url: url, deadline: deadline) })
        } catch let failure as Failure {
            result = .failure(failure)
        } catch {
            result = .failure(Failure(code: "fetch_failed", message: "\(url.absoluteString) could not be fetched: \(error)."))
        }
        try? await client.shutdown()
        return try result.get()
    }

    private func exchange(_ client: HTTPClient, url: URL, deadline: NIODeadline) async throws -> (Int, String?, Data) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "OptOutGate-site-verification/1")
        request.headers.add(name: "Accept", value: "text/html, */*;q=0.5")
        let response = try await client.execute(request, deadline: deadline)
        var body = Data()
        for try await chunk in response.body {
            body.append(contentsOf: chunk.readableBytesView)
            if body.count > maxBytes {
                throw Failure(code: "page_too_large", message: "The page is larger than \(maxBytes >> 20) MiB.")
            }
        }
        return (Int(response.status.code), response.headers.first(name: "Location"), body)
    }

    /// Runs `operation`, giving up at `deadline` whatever it is waiting for (a page that trickles its body included).
    private func withDeadline<T: Sendable>(_ deadline: NIODeadline, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let message = "The page did not finish within \(seconds) s."
        return try await withThrowingTaskGroup(of: T.self) { group in
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
