import Foundation
import NIOCore
import OptOutCore

/// Fetches an artist's listed page to verify it, through the application's ``OutboundHTTP`` (the address checked
/// and pinned): http or https only, 5 s in all (head and body, however the page trickles), 1 MiB at most, at most 3
/// redirects (each followed by hand and checked like the first URL), and no private or loopback address unless
/// allowed.
struct PageFetcher: Sendable {
    let allowPrivate: Bool
    let outbound: OutboundHTTP
    var timeout: TimeInterval = 5
    var maxBytes = 1 << 20
    var maxRedirects = 3

    typealias Failure = OutboundHTTP.Failure

    func fetch(_ start: URL) async throws(Failure) -> (url: URL, body: Data) {
        var url = start
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout * 1_000_000_000))
        for _ in 0...maxRedirects {
            guard deadline > .now() else {
                throw Failure(code: "fetch_failed", message: "The page did not answer within \(Int(timeout.rounded(.up))) s.")
            }
            let response = try await outbound.exchange(
                .GET,
                url,
                headers: [("User-Agent", "OptOutGate-site-verification/1"), ("Accept", "text/html, */*;q=0.5")],
                allowPrivate: allowPrivate,
                deadline: deadline,
                maxBytes: maxBytes
            )
            if (300..<400).contains(response.status) {
                guard let location = response.location, let next = URL(string: location, relativeTo: url)?.absoluteURL
                else { throw Failure(code: "fetch_failed", message: "\(url.absoluteString) redirects without a Location.") }
                url = next
                continue
            }
            guard (200..<300).contains(response.status) else {
                throw Failure(code: "fetch_failed", message: "\(url.absoluteString) answered \(response.status).")
            }
            return (url, response.body)
        }
        throw Failure(code: "fetch_failed", message: "\(start.absoluteString) redirects more than \(maxRedirects) times.")
    }
}
