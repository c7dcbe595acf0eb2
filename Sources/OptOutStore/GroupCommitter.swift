internal import GRDB
import NIOConcurrencyHelpers
import NIOPosix

/// Writes many requests' transactions as one, so acknowledged-means-on-disk (`synchronous=FULL`) costs one fsync a
/// batch rather than one a request.
///
/// Leader and followers: a request that finds no batch being written becomes the leader and writes every queued
/// job, in its own savepoint each, in one transaction, then the next batch, until the queue is empty. Every job's
/// caller is answered only after the commit that holds its write.
package final class GroupCommitter<Outcome: Sendable>: Sendable {
    package final class Job: Sendable {
        let work: @Sendable (Database) throws -> Outcome
        package let answer = Awaited<Outcome>()

        init(work: @escaping @Sendable (Database) throws -> Outcome) {
            self.work = work
        }

        package func fulfil(_ result: Result<Outcome, any Error>) { answer.fulfil(result) }
    }

    private let database: AppDatabase
    private let queue = LeaderQueue<Job>()
    private let metrics: CommitMetrics

    package init(database: AppDatabase, metrics: CommitMetrics = .none) {
        self.database = database
        self.metrics = metrics
    }

    /// Runs `work` inside a shared write transaction and returns once that transaction is committed.
    func write(_ work: @escaping @Sendable (Database) throws -> Outcome) async throws -> Outcome {
        let job = Job(work: work)
        if queue.enqueue(job) {
            try await NIOThreadPool.singleton.runIfActive { self.drain() }
        }
        return try await job.answer.value()
    }

    private func drain() {
        while true {
            let batch = queue.nextBatch()
            if batch.isEmpty { return }
            var results: [Result<Outcome, any Error>] = []
            let started = ContinuousClock.now
            defer { metrics.record(batch: batch.count, since: started) }
            do {
                try database.write { db in
                    results.removeAll()
                    for job in batch {
                        do {
                            var outcome: Outcome?
                            try db.inSavepoint {
                                outcome = try job.work(db)
                                return .commit
                            }
                            results.append(.success(outcome!))
                        } catch {
                            results.append(.failure(error))
                        }
                    }
                }
                for (job, result) in zip(batch, results) { job.fulfil(result) }
            } catch {
                for job in batch { job.fulfil(.failure(error)) }
            }
        }
    }
}

/// Jobs waiting to be written, and who writes them: the caller that queues a job while nobody is writing leads, and
/// takes batches until none is left; everyone else just waits for their job's answer.
package struct LeaderQueue<Job: Sendable>: Sendable {
    private let state = NIOLockedValueBox<(jobs: [Job], writing: Bool)>(([], false))

    /// Queues `job`; true when the caller must lead (take ``nextBatch()`` until it comes back empty).
    package func enqueue(_ job: Job) -> Bool {
        state.withLockedValue { state in
            state.jobs.append(job)
            if state.writing { return false }
            state.writing = true
            return true
        }
    }

    /// Every job queued since the last batch; empty when none is, and then the leader is done.
    package func nextBatch() -> [Job] {
        state.withLockedValue { state in
            let jobs = state.jobs
            state.jobs.removeAll()
            if jobs.isEmpty { state.writing = false }
            return jobs
        }
    }
}

/// A result that one task sets and another awaits, whichever comes first.
package final class Awaited<Outcome: Sendable>: Sendable {
    private let state = NIOLockedValueBox<
        (result: Result<Outcome, any Error>?, waiter: CheckedContinuation<Outcome, any Error>?)
    >(
        (nil, nil)
    )

    package init() {}

    package func fulfil(_ result: Result<Outcome, any Error>) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Outcome, any Error>? in
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    package func value() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<Outcome, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
