import Foundation
import NIOConcurrencyHelpers
import OptOutCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches an artist's listed page to verify it: http or https only, 5 s in all, 1 MiB at most, at most 3 redirects
/// (each followed by hand and checked like the first URL), and no private or loopback address unless allowed.
struct PageFetcher: Sendable {
    let allowPrivate: Bool
    var timeout: TimeInterval = 5
    var maxBytes = 1 << 20
    var maxRedirects = 3

    struct Failure: Error, Sendable {
        let code: String
        let message: String
    }

    func fetch(_ start: URL) async throws(Failure) -> (url: URL, body: Data) {
        var url = start
        let deadline = Date().addingTimeInterval(timeout)
        for _ in 0...maxRedirects {
            try check(url)
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw Failure(code: "fetch_failed", message: "The page did not answer within \(Int(timeout)) s.") }
            let (response, body) = try await get(url, timeout: remaining)
            if (300..<400).contains(response.statusCode) {
                guard let location = response.value(forHTTPHeaderField: "Location"), let next = URL(string: location, relativeTo: url)?.absoluteURL
                else { throw Failure(code: "fetch_failed", message: "\(url.absoluteString) redirects without a Location.") }
                url = next
                continue
            }
            guard (200..<300).contains(response.statusCode) else {
                throw Failure(code: "fetch_failed", message: "\(url.absoluteString) answered \(response.statusCode).")
            }
            return (url, body)
        }
        throw Failure(code: "fetch_failed", message: "\(start.absoluteString) redirects more than \(maxRedirects) times.")
    }

    /// Refuses other schemes and, unless allowed, hosts that resolve to a private or loopback address.
    func check(_ url: URL) throws(Failure) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw Failure(code: "invalid_link", message: "Only http and https pages can be verified.")
        }
        if allowPrivate { return }
        let addresses = Self.resolve(host)
        guard !addresses.isEmpty else { throw Failure(code: "fetch_failed", message: "\(host) does not resolve.") }
        if addresses.contains(where: { !AddressPolicy.isPublic($0) }) {
            throw Failure(code: "private_address", message: "\(host) resolves to a private or loopback address, which the service does not fetch.")
        }
    }

    static func resolve(_ host: String) -> [[UInt8]] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let literal = CIDR.bytes(of: name) { return [literal] }
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

    /// One GET, redirects not followed, the body cut off past `maxBytes`.
    private func get(_ url: URL, timeout: TimeInterval) async throws(Failure) -> (HTTPURLResponse, Data) {
        let collector = Collector(maxBytes: maxBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration, delegate: collector, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("OptOutGate-site-verification/1", forHTTPHeaderField: "User-Agent")
        request.setValue("text/html, */*;q=0.5", forHTTPHeaderField: "Accept")
        do {
            return try await withCheckedThrowingContinuation { continuation in
                collector.start(continuation)
                let task = session.dataTask(with: request)
                task.resume()
                // A whole-request deadline: URLSession's own timeouts restart with every byte, so a page that
                // trickles would hold the request for ever. Past the deadline the task is cancelled and the fetch fails.
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                    collector.expire(message: "\(url.absoluteString) did not finish within \(Int(self.timeout.rounded(.up))) s.")
                    task.cancel()
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: "fetch_failed", message: "\(url.absoluteString) could not be fetched: \(error.localizedDescription)")
        }
    }

    /// Gathers one response, refusing redirects (they are followed by hand) and bodies past the cap.
    final class Collector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let maxBytes: Int
        private let state = NIOLockedValueBox<
            (data: Data, response: HTTPURLResponse?, continuation: CheckedContinuation<(HTTPURLResponse, Data), any Error>?)
        >(
            (Data(), nil, nil)
        )

        init(maxBytes: Int) { self.maxBytes = maxBytes }

        func start(_ continuation: CheckedContinuation<(HTTPURLResponse, Data), any Error>) {
            state.withLockedValue { $0.continuation = continuation }
        }

        /// Fails the fetch (if it is still waiting) for running out of time.
        func expire(message: String) {
            finish(.failure(Failure(code: "fetch_failed", message: message)))
        }

        private func finish(_ result: Result<(HTTPURLResponse, Data), any Error>) {
            let continuation = state.withLockedValue { state in
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(with: result)
        }

        func urlSession(
            _ session: URLSession,
            task: URLSessionTask,
            willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest,
            completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }

        func urlSession(
            _ session: URLSession,
            dataTask: URLSessionDataTask,
            didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            state.withLockedValue { $0.response = response as? HTTPURLResponse }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let tooLarge = state.withLockedValue { state -> Bool in
                state.data.append(data)
                return state.data.count > maxBytes
            }
            if tooLarge {
                dataTask.cancel()
                finish(.failure(Failure(code: "page_too_large", message: "The page is larger than \(maxBytes >> 20) MiB.")))
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let (data, response) = state.withLockedValue { ($0.data, $0.response ?? task.response as? HTTPURLResponse) }
            if let error {
                finish(.failure(error))
            } else if let response {
                finish(.success((response, data)))
            } else {
                finish(.failure(Failure(code: "fetch_failed", message: "The page sent no HTTP response.")))
            }
        }
    }
}
