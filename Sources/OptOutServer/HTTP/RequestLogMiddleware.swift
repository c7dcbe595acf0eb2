import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

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
        guard context.logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        // Microseconds written as milliseconds with three decimals, without String(format:), which costs on every request.
        let micros = elapsed.inNanoseconds / 1000
        let fraction = String(micros % 1000)
        let milliseconds = String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
        let path = context.endpointPath ?? "(no route)"
        let who = caller.value
        if let format = LogFormat.installed {
            // The service's own handler: the line goes straight into its buffer, in its format, without building and
            // merging metadata dictionaries on every request.
            var fields: [(String, String)] = []
            if let who { fields.append(("caller", who)) }
            fields += [("duration_ms", milliseconds), ("method", request.method.rawValue), ("path", path)]
            if case .string(let id)? = context.logger[metadataKey: Self.metadataKey] { fields.append(("request_id", id)) }
            fields.append(("status", String(status)))
            let line = ServiceLogHandler.line(
                format: format,
                level: .info,
                message: "request",
                label: context.logger.label,
                source: "OptOutServer",
                fields: fields
            )
            LogBuffer.shared.append(line, urgent: false)
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

/// The service's log handler: one line a log, `text` (swift-log's stream format) or `json` (one object a line, for log
/// shippers: `time`, `level`, `message`, `logger`, then the metadata as strings). Lines go through a shared buffer on
/// stderr, written when it holds 32 KiB, when a line at `notice` or above arrives, and at least every 200 ms: a line a
/// request would otherwise cost a `write(2)` and a lock each (measured: a quarter of the prompt check's throughput).
struct ServiceLogHandler: LogHandler {
    enum Format: Sendable { case text, json }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    let format: Format

    init(label: String, format: Format) {
        self.label = label
        self.format = format
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
        var merged = metadata
        if let extra { merged.merge(extra) { $1 } }
        merged[CallerBox.metadataKey] = nil
        let fields = merged.keys.sorted().map { ($0, Self.flatten(merged[$0]!)) }
        LogBuffer.shared.append(
            Self.line(format: format, level: level, message: "\(message)", label: label, source: source, fields: fields),
            urgent: level >= .notice
        )
    }

    /// One line in `format`, the fields in the order given.
    static func line(format: Format, level: Logger.Level, message: String, label: String, source: String, fields: [(String, String)]) -> String {
        var text: String
        switch format {
        case .json:
            text = "{\"time\":" + JSONText.quoted(LogClock.shared.timestamp(iso: true)) + ",\"level\":\"" + level.rawValue
            text += "\",\"message\":" + JSONText.quoted(message) + ",\"logger\":" + JSONText.quoted(label)
            for (key, value) in fields { text += "," + JSONText.quoted(key) + ":" + JSONText.quoted(value) }
            text += "}\n"
        case .text:
            text = LogClock.shared.timestamp(iso: false) + " " + level.rawValue + " " + label + ":"
            for (key, value) in fields { text += " " + key + "=" + value }
            text += " [" + source + "] " + message + "\n"
        }
        return text
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let items): "{" + items.sorted { $0.key < $1.key }.map { "\($0.key): \(flatten($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}

/// The formatted time of the current second, made once a second rather than once a line.
final class LogClock: Sendable {
    static let shared = LogClock()
    private let cached = NIOLockedValueBox<(second: Int, iso: String, text: String)>((-1, "", ""))

    func timestamp(iso: Bool) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = now.tv_sec
        let entry = cached.withLockedValue { entry -> (second: Int, iso: String, text: String) in
            if entry.second != second {
                let date = Date(timeIntervalSince1970: TimeInterval(second))
                let utc = TimeZone(identifier: "UTC")!
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = utc
                let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
                func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
                let stem = "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
                entry = (second, stem, stem + "+0000")
            }
            return entry
        }
        guard iso else { return entry.text }
        let millis = now.tv_nsec / 1_000_000
        return entry.iso + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + String(millis) + "Z"
    }
}

/// stderr, buffered: see ``ServiceLogHandler``.
final class LogBuffer: Sendable {
    static let shared = LogBuffer()
    private let buffer = NIOLockedValueBox<[UInt8]>([])
    private let writing = NIOLock()
    static let limit = 32 << 10

    private init() {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.2)
                flush()
            }
        }
    }

    func append(_ line: String, urgent: Bool) {
        let full = buffer.withLockedValue { buffer -> Bool in
            buffer.append(contentsOf: line.utf8)
            return buffer.count >= Self.limit
        }
        if full || urgent { flush() }
    }

    func flush() {
        writing.withLock {
            let bytes = buffer.withLockedValue { buffer -> [UInt8] in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            guard !bytes.isEmpty else { return }
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(2, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}

/// The log formats `serve --log-format` takes.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// The format of the service's own handler when it is installed (nil: another handler, as in tests).
    static var installed: ServiceLogHandler.Format? { installedFormat.withLockedValue { $0 } }
    private static let installedFormat = NIOLockedValueBox<ServiceLogHandler.Format?>(nil)

    /// Installs the format for the whole process (once, before anything logs).
    public func bootstrap(level: Logger.Level) {
        Self.installedFormat.withLockedValue { $0 = self == .json ? .json : .text }
        switch self {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = ServiceLogHandler(label: label, format: .text)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = ServiceLogHandler(label: label, format: .json)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// Writes what the log buffer holds (at shutdown).
    public static func flush() {
        LogBuffer.shared.flush()
    }
}
