extension Duration {
    /// The duration in seconds, fractions included.
    package var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// The duration in whole nanoseconds (HTTP timers, request logs, webhook attempts).
    package var inNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
