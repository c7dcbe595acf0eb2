import Foundation
import Logging
import NIOConcurrencyHelpers
import OptOutCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// stderr, buffered: see ``ServiceLogHandler``. The executable makes one and installs the handler with it; the
/// application runs it as a service of its group, which writes what it holds every 200 ms and once more at shutdown.
public final class LogOutput: Service, Sendable {
    private let buffer = NIOLockedValueBox<[UInt8]>([])
    private let writing = NIOLock()
    let clock = LogClock()
    static let limit = 32 << 10

    public init() {}

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            flush()
        }
        flush()
    }

    func append(_ line: String, urgent: Bool) {
        let full = buffer.withLockedValue { buffer -> Bool in
            buffer.append(contentsOf: line.utf8)
            return buffer.count >= Self.limit
        }
        if full || urgent { flush() }
    }

    /// Writes what the buffer holds now.
    public func flush() {
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

    /// One line in `format`, the fields in the order given.
    func line(
        format: ServiceLogHandler.Format,
        level: Logger.Level,
        message: String,
        label: String,
        source: String,
        fields: [(String, String)]
    ) -> String {
        var text: String
        switch format {
        case .json:
            text = "{\"time\":" + JSONText.quoted(clock.timestamp(iso: true)) + ",\"level\":\"" + level.rawValue
            text += "\",\"message\":" + JSONText.quoted(message) + ",\"logger\":" + JSONText.quoted(label)
            for (key, value) in fields { text += "," + JSONText.quoted(key) + ":" + JSONText.quoted(value) }
            text += "}\n"
        case .text:
            text = clock.timestamp(iso: false) + " " + level.rawValue + " " + label + ":"
            for (key, value) in fields { text += " " + key + "=" + value }
            text += " [" + source + "] " + message + "\n"
        }
        return text
    }
}

/// The formatted time of the current second, made once a second rather than once a line.
final class LogClock: Sendable {
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
