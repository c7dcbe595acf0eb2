import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import OptOutServer
@testable import OptOutStore

/// The site-verification fetch against a real local server: the connection goes to the address that was checked,
/// and the whole fetch, body included, ends at its deadline.
@Suite struct PageFetcherTests {
    /// A stand-in for DNS that counts its look-ups and answers one address for every name.
    final class Resolver: Sendable {
        let answer: [UInt8]
        let names = NIOLockedValueBox<[String]>([])
        init(_ answer: [UInt8]) { self.answer = answer }
        func resolve(_ name: String) -> [[UInt8]] {
            names.withLockedValue { $0.append(name) }
            return [answer]
        }
    }

    func withSite(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/page") { _, _ in "<p>hello</p>" }
        router.get("/hop") { request, _ -> Response in
            let host = request.head.authority ?? ""
            return Response(status: .found, headers: [.location: "http://second.test:\(host.split(separator: ":").last ?? "80")/page"])
        }
        router.get("/big") { _, _ in String(repeating: "x", count: 3 << 20) }
        router.get("/trickle") { _, _ -> Response in
            Response(
                status: .ok,
                body: .init { writer in
                    for _ in 0..<40 {
                        try await writer.write(ByteBuffer(string: "x"))
                        try await Task.sleep(for: .milliseconds(250))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        router.get("/host") { request, _ in request.head.authority ?? "" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    @Test func theConnectionGoesToTheAddressThatWasChecked() async throws {
        try await withSite { port in
            let resolver = Resolver([127, 0, 0, 1])
            let outbound = OutboundHTTP(resolve: { resolver.resolve($0) })
            defer { Task { await outbound.shutdown() } }
            var fetcher = PageFetcher(allowPrivate: true, outbound: outbound)
            // "artist.test" resolves nowhere but through the stand-in: the page arriving proves the connection used
            // the checked address and no second look-up.
            let page = try await fetcher.fetch(URL(string: "http://artist.test:\(port)/page")!)
            #expect(String(decoding: page.body, as: UTF8.self) == "<p>hello</p>")
            #expect(resolver.names.withLockedValue { $0 } == ["artist.test"])
            // The host name, not the address, is what the site is asked for.
            let host = try await fetcher.fetch(URL(string: "http://artist.test:\(port)/host")!)
            #expect(String(decoding: host.body, as: UTF8.self) == "artist.test:\(port)")
            // Each redirect is resolved and checked once, on its own.
            resolver.names.withLockedValue { $0 = [] }
            let hop = try await fetcher.fetch(URL(string: "http://first.test:\(port)/hop")!)
            #expect(hop.url.host == "second.test")
            #expect(resolver.names.withLockedValue { $0 } == ["first.test", "second.test"])
        }
    }

    @Test func aNameThatResolvesPrivatelyIsNotFetched() async throws {
        try await withSite { port in
            let resolver = Resolver([127, 0, 0, 1])
            let outbound = OutboundHTTP(resolve: { resolver.resolve($0) })
            defer { Task { await outbound.shutdown() } }
            var fetcher = PageFetcher(allowPrivate: false, outbound: outbound)
            do {
                _ = try await fetcher.fetch(URL(string: "http://artist.test:\(port)/page")!)
                Issue.record("a name resolving to loopback was fetched")
            } catch let error as PageFetcher.Failure {
                #expect(error.code == "private_address")
            }
        }
    }

    @Test func aTricklingPageEndsAtTheDeadlineAndALargeOneAtTheCap() async throws {
        try await withSite { port in
            var fetcher = PageFetcher(allowPrivate: true, outbound: OutboundHTTP())
            fetcher.timeout = 1
            let started = ContinuousClock.now
            do {
                _ = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/trickle")!)
                Issue.record("a page trickling for 10 s was read to the end")
            } catch let error as PageFetcher.Failure {
                #expect(error.code == "fetch_failed")
            }
            #expect(ContinuousClock.now - started < .seconds(4))
            fetcher.timeout = 5
            do {
                _ = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/big")!)
                Issue.record("a 3 MiB page was read whole")
            } catch let error as PageFetcher.Failure {
                #expect(error.code == "page_too_large")
            }
        }
    }

    @Test func addressesAreWrittenForTheOverride() {
        #expect(OutboundHTTP.text(of: [192, 0, 2, 1]) == "192.0.2.1")
        #expect(OutboundHTTP.text(of: CIDR.bytes(of: "2606:4700::1111")!) == "2606:4700::1111")
    }
}
