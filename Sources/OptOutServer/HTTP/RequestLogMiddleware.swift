import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers

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
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var logger = context.logger
        logger[metadataKey: CallerBox.metadataKey] = nil
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(context.endpointPath ?? "(no route)"),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.3f", milliseconds)),
        ]
        if let who = caller.value { metadata["caller"] = .string(who) }
        logger.info("request", metadata: metadata)
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
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
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

/// `--log-format json`: one JSON object a line on stderr (`time`, `level`, `message`, `logger`, then the metadata), for
/// log shippers.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    private static let lock = NIOLock()

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata extra: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        var fields: [(String, String)] = [
            ("time", Self.timestamp()), ("level", level.rawValue), ("message", "\(message)"), ("logger", label),
        ]
        var merged = metadata
        if let extra { merged.merge(extra) { $1 } }
        for key in merged.keys.sorted() where key != CallerBox.metadataKey {
            fields.append((key, Self.flatten(merged[key]!)))
        }
        var text = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { text += "," }
            text += JSONText.quoted(key) + ":" + JSONText.quoted(value)
        }
        text += "}\n"
        Self.lock.withLock { FileHandle.standardError.write(Data(text.utf8)) }
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let items): "{" + items.sorted { $0.key < $1.key }.map { "\($0.key): \(flatten($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// The log formats `serve --log-format` takes.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// Installs the format for the whole process (once, before anything logs).
    public func bootstrap(level: Logger.Level) {
        switch self {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
