import Metrics

/// What the group commits record when the service keeps metrics: each batch's size and how long its commit took.
/// The application passes its own (made through its metrics factory); `.none` records nothing.
package struct CommitMetrics: Sendable {
    package let batch: Recorder?
    package let duration: Timer?

    package init(batch: Recorder?, duration: Timer?) {
        self.batch = batch
        self.duration = duration
    }

    package static var none: CommitMetrics { CommitMetrics(batch: nil, duration: nil) }

    package func record(batch size: Int, since started: ContinuousClock.Instant) {
        batch?.record(size)
        duration?.record(duration: ContinuousClock.now - started)
    }
}
