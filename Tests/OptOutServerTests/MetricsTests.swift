import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OptOutCore
@testable import OptOutServer
@testable import OptOutStore

@Suite struct MetricsTests {
    /// The value of the sample `name{labels}` in a Prometheus text exposition (0 when absent).
    func sample(_ text: String, _ name: String, _ labels: String = "") -> Double {
        let prefix = labels.isEmpty ? name + " " : name + "{" + labels + "} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test func onlyAMetricsKeyScrapesAndCountersMoveWithTraffic() async throws {
        try await withApp { client, configuration in
            let tasks = try await AdminTasks(configuration: configuration)
            let metricsKey = try await tasks.createAPIKey(name: "prometheus", scopes: [.metrics])
            let checkKey = try await tasks.createAPIKey(name: "checker", scopes: [.check])
            let member = try await client.signUp("member@example.org")
            #expect(try await client.call(.get, "/metrics").status == .unauthorized)
            #expect(try await client.call(.get, "/metrics", token: checkKey).status == .forbidden)
            #expect(try await client.call(.get, "/metrics", token: member).status == .forbidden)

            let before = try await client.call(.get, "/metrics", token: metricsKey)
            #expect(before.status == .ok)
            #expect(before.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: before.body)

            let artist = try await client.signUp("artist@example.org")
            _ = try await client.createArtist(artist, name: "Greg Rutkowski")
            #expect(try await client.call(.post, "/v1/prompts/check", token: checkKey, json: ["prompt": "castle by Greg Rutkowski"]).status == .ok)
            #expect(try await client.call(.post, "/v1/prompts/check", token: checkKey, json: ["prompt": "castle by gr3g rutk0wski"]).status == .ok)
            #expect(try await client.call(.post, "/v1/prompts/check", token: checkKey, json: ["prompt": "a quiet harbour"]).status == .ok)
            _ = try await client.call(
                .post,
                "/v1/reports",
                token: member,
                json: ["artist_id": 1, "target": ["image_url": "https://x.example/a.png"], "category": "other"]
            )

            let after = String(buffer: try await client.call(.get, "/metrics", token: metricsKey).body)
            // Counters are process-wide (one swift-metrics backend), and other suites run alongside: compare by at least.
            #expect(
                sample(after, "optout_prompt_checks_total", "decision=\"blocked\"") >= sample(
                    text,
                    "optout_prompt_checks_total",
                    "decision=\"blocked\""
                ) + 2
            )
            #expect(
                sample(after, "optout_prompt_checks_total", "decision=\"allowed\"") >= sample(
                    text,
                    "optout_prompt_checks_total",
                    "decision=\"allowed\""
                ) + 1
            )
            #expect(sample(after, "optout_prompt_matches_total", "via=\"leet\"") >= sample(text, "optout_prompt_matches_total", "via=\"leet\"") + 1)
            let route = "http_route=\"/v1/prompts/check\",http_request_method=\"POST\",http_response_status_code=\"200\""
            #expect(sample(after, "http_server_request_duration_count", route) >= sample(text, "http_server_request_duration_count", route) + 3)
            #expect(sample(after, "optout_registry_version") >= 1)
            #expect(after.contains("# TYPE optout_queue_items gauge"))
            #expect(after.contains("optout_queue_items{kind=\"complaint\",status=\"open\"}"))
            #expect(after.contains("optout_snapshot_age_seconds "))
            #expect(after.contains("optout_group_commit_seconds_bucket"))
        }
    }

    @Test func signInThrottlesAreCounted() async throws {
        try await withApp { client, configuration in
            let metricsKey = try await AdminTasks(configuration: configuration).createAPIKey(name: "prometheus", scopes: [.metrics])
            let before = sample(String(buffer: try await client.call(.get, "/metrics", token: metricsKey).body), "optout_sign_in_throttled_total")
            var throttled = false
            for _ in 0..<30 where !throttled {
                let reply = try await client.call(.post, "/v1/sessions", json: ["email": "nobody@example.org", "password": "wrong password"])
                throttled = reply.status == .tooManyRequests
            }
            #expect(throttled)
            let after = sample(String(buffer: try await client.call(.get, "/metrics", token: metricsKey).body), "optout_sign_in_throttled_total")
            #expect(after >= before + 1)
        }
    }
}
