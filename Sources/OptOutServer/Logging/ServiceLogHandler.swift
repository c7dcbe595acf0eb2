import Foundation
import Logging
import OptOutCore

/// The service's log handler: one line a log, `text` (swift-log's stream format) or `json` (one object a line, for log
/// shippers: `time`, `level`, `message`, `logger`, then the metadata as strings). Lines go through the application's ``LogOutput`` on
/// stderr, written when it holds 32 KiB, when a line at `notice` or above arrives, and at least every 200 ms: a line a
/// request would otherwise cost a `write(2)` and a lock each (measured: a quarter of the prompt check's throughput).
public struct ServiceLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: Format
    let output: LogOutput

    public init(label: String, format: Format, output: LogOutput) {
        self.label = label
        self.format = format
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
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
        output.append(
            output.line(format: format, level: level, message: "\(message)", label: label, source: source, fields: fields),
            urgent: level >= .notice
        )
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

/// The service's own log handler and where it writes, for the request log's direct path.
public struct LogDestination: Sendable {
    public let format: ServiceLogHandler.Format
    public let output: LogOutput

    public init(format: ServiceLogHandler.Format, output: LogOutput) {
        self.format = format
        self.output = output
    }

    /// The handler factory for `LoggingSystem.bootstrap`, which only an executable calls (once, before anything logs).
    public func handlers(level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        { [format, output] label in
            var handler = ServiceLogHandler(label: label, format: format, output: output)
            handler.logLevel = level
            return handler
        }
    }
}
