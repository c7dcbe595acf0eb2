import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import OptOutCore
import OptOutStore

/// One log line per request at `info`, written when the response is ready: method, the route's path template (never
/// the path's values or the query), status, duration, the caller (`account:<id>` or `api_key:<id>`, never a secret)
/// and the request id. Never a body: a prompt's text stays out of the logs.
///
/// Also the request id: `X-Request-Id` as sent (1 to 128 of `A-Z a-z 0-9 . _ : -`) or a new one, in the logger's
/// metadata of the whole request (so every line logged for it carries it), echoed in the response and in every
/// error body (`request_id`). Hummingbird's `LogRequestsMiddleware` logs when a request starts, without its status,
/// duration or caller, so this one stands outermost instead.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var metadataKey: String { "request_id" }
    /// The service's own log output when its handler is installed (`serve`): the request line goes straight into it,
    /// without building and merging metadata dictionaries on every request. Nil (as in tests): through the logger.
    var direct: LogDestination? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = Self.requestId(from: request.headers[.xRequestId])
        var context = context
        // One id a request: ours replaces Hummingbird's own in every line logged for it.
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: Self.metadataKey] = .string(id)
        let caller = CallerBox()
        context.logger[metadataKey: CallerBox.metadataKey] = .stringConvertible(caller)
        do {
            var response = try await next(request, context)
            response.headers[.xRequestId] = id
            log(request, context: context, status: response.status.code, caller: caller, start: start)
            return response
        } catch {
            log(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, caller: caller, start: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, caller: CallerBox, start: ContinuousClock.Instant) {
        guard context.logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        // Microseconds written as milliseconds with three decimals, without String(format:), which costs on every request.
        let micros = elapsed.inNanoseconds / 1000
        let fraction = String(micros % 1000)
        let milliseconds = String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
        let path = context.endpointPath ?? "(no route)"
        let who = caller.value
        if let direct {
            // The service's own handler: the line goes straight into its buffer, in its format, without building and
            // merging metadata dictionaries on every request.
            var fields: [(String, String)] = []
            if let who { fields.append(("caller", who)) }
            fields += [("duration_ms", milliseconds), ("method", request.method.rawValue), ("path", path)]
            if case .string(let id)? = context.logger[metadataKey: Self.metadataKey] { fields.append(("request_id", id)) }
            fields.append(("status", String(status)))
            let line = direct.output.line(
                format: direct.format,
                level: .info,
                message: "request",
                label: context.logger.label,
                source: "OptOutServer",
                fields: fields
            )
            direct.output.append(line, urgent: false)
            return
        }
        // The caller box itself stays in the logger's metadata: the log handler leaves it out of the line.
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(path),
            "status": .stringConvertible(status),
            "duration_ms": .string(milliseconds),
        ]
        if let who { metadata["caller"] = .string(who) }
        context.logger.info("request", metadata: metadata)
    }

    /// The id the client sent when it is one we can echo safely, or a new random one.
    static func requestId(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || ".-_:".utf8.contains(byte)
            })
        {
            return header
        }
        // 128 random bits: an id tells nothing of how many requests came before or when it was made.
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(32)
        for _ in 0..<2 {
            var word = generator.next()
            for _ in 0..<16 {
                hex.append(digits[Int(word >> 60)])
                word <<= 4
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Where ``AuthMiddleware``, further in, leaves who the caller is, for the outer request log line. It travels in the
/// logger's metadata (the only part of the context an inner middleware's changes share with an outer one's copy) and
/// is taken out before the line is written.
final class CallerBox: CustomStringConvertible, Sendable {
    static var metadataKey: String { "_caller" }
    private let box = NIOLockedValueBox<String?>(nil)
    var value: String? { box.withLockedValue { $0 } }
    func set(_ caller: String) { box.withLockedValue { $0 = caller } }
    var description: String { value ?? "" }

    /// The box of the request `logger` belongs to.
    static func of(_ logger: Logger) -> CallerBox? {
        if case .stringConvertible(let box as CallerBox) = logger[metadataKey: metadataKey] { return box }
        return nil
    }
}

extension HTTPField.Name {
    static var xRequestId: Self { .init("X-Request-Id")! }
}
