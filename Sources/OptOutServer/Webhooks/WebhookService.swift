import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// How webhooks are retried: exponential back-off from `base` (doubling, at most an hour between attempts), and the
/// endpoint disabled once its deliveries have failed for `giveUpAfter` (24 hours).
struct WebhookPolicy: Sendable {
    var base: TimeInterval = 5
    var maxDelay: TimeInterval = 3600
    var giveUpAfter: TimeInterval = 24 * 3600
    var timeout: TimeInterval = 10
    var interval: Duration = .milliseconds(250)

    func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(maxDelay, base * pow(2, Double(max(0, attempt - 1))))
    }
}

/// Sends what the outbox holds: makes a delivery for each endpoint that takes a message's type, then posts the due
/// ones, signed (Standard Webhooks), several at a time. At least once: a delivery is marked delivered only after a
/// 2xx; a crash before that means it is sent again (receivers deduplicate by `webhook-id`).
struct WebhookService: Service {
    let repository: WebhookRepository
    let policy: WebhookPolicy
    let outbound: OutboundHTTP
    var runner: JobRunner = .thisProcess
    let logger: Logger

    func run() async throws {
        let sender = WebhookSender(outbound: outbound, timeout: policy.timeout)
        let lastPrune = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        await runner.run(every: policy.interval, logger: logger, failure: "webhook delivery failed") { [repository, policy] in
            if lastPrune.withLockedValue({ $0.map { ContinuousClock.now - $0 > .seconds(3600) } ?? true }) {
                try await repository.prune()
                lastPrune.withLockedValue { $0 = ContinuousClock.now }
            }
            _ = try await repository.dispatch()
            let due = try await repository.due()
            guard !due.isEmpty else { return }
            await withTaskGroup(of: Void.self) { group in
                for delivery in due {
                    group.addTask {
                        let started = ContinuousClock.now
                        let result = await sender.send(delivery)
                        let elapsed = ContinuousClock.now - started
                        let retryAt = Date().addingTimeInterval(policy.delay(afterAttempt: delivery.attempts + 1))
                        try? await repository.record(
                            delivery,
                            status: result.status,
                            error: result.error,
                            duration: elapsed,
                            retryAt: retryAt,
                            giveUpAfter: policy.giveUpAfter
                        )
                    }
                }
            }
        }
    }
}

/// Posts one signed message through the application's ``OutboundHTTP`` (the endpoint's address resolved once and
/// pinned, redirects not followed, the whole exchange within `timeout`).
struct WebhookSender: Sendable {
    let outbound: OutboundHTTP
    let timeout: TimeInterval

    func send(_ delivery: WebhookRepository.Due) async -> (status: Int?, error: String?) {
        guard let url = URL(string: delivery.url) else { return (nil, "the endpoint's URL cannot be read") }
        let body = Data(delivery.payload.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let signature = WebhookSignature.sign(secret: delivery.secret, id: delivery.messageId, timestamp: timestamp, body: body)
        do {
            let response = try await outbound.exchange(
                .POST,
                url,
                headers: [
                    ("Content-Type", "application/json"), ("User-Agent", "optout-gate-webhooks"), ("webhook-id", delivery.messageId),
                    ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature),
                ],
                body: body,
                // Endpoints are registered by admins, and may be on the platform's own network.
                allowPrivate: true,
                deadline: NIODeadline.now() + TimeAmount.nanoseconds(Int64(timeout * 1_000_000_000)),
                // The answer's body is not used: read a little of it, no more.
                maxBytes: 64 << 10
            )
            return (response.status, nil)
        } catch let failure as OutboundHTTP.Failure {
            return (nil, failure.message)
        } catch {
            return (nil, "\(error)")
        }
    }
}
