import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// `POST /v1/prompts/check`: the gate image generators call before every generation. Read-only: it is not
/// metered and stores nothing about the prompt or its author.
struct PromptCheckController {
    let gate: PromptGate
    /// Counts checks by decision and matches by `via` (nil when metrics are off).
    var metrics: ServiceMetrics? = nil
    /// Counts what each check did for the artists it named.
    var activity: ActivityRecorder? = nil

    struct CheckRequest: Decodable {
        let prompt: String
    }

    /// Written by hand: the generic encoder's snake-case conversion cost more than the match itself.
    struct CheckResponse: ResponseGenerator {
        let allowed: Bool
        let matches: [MatchView]
        let registryVersion: Int64
        /// True when the prompt ran out of the matcher's work budget: refused, as it could not be read through.
        var incomplete = false

        var json: String {
            var out = "{\"allowed\":\(allowed),"
            if incomplete {
                out += "\"incomplete\":true,\"reason\":\"prompt_too_complex\","
            }
            out += "\"matches\":["
            for (index, match) in matches.enumerated() {
                if index > 0 { out += "," }
                out += match.json
            }
            out += "],\"registry_version\":\(registryVersion)}"
            return out
        }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            Response.json(body: ByteBuffer(string: json))
        }
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/prompts/check", use: check)
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> CheckResponse {
        let key = try context.requireScope(.check)
        var request = request
        // The body has one key with no underscore: a plain decoder skips the snake-case conversion.
        let input = try await request.decodeJSON(as: CheckRequest.self, context: context, decoder: JSONDecoder())
        let prompt = try PromptRules.validated(input.prompt)
        let (matches, version, complete) = try await gate.checkAnywhere(prompt)
        let views = matches.map(MatchView.init)
        let allowed = GateVerdict.allowed(complete: complete, policies: views.map(\.policy))
        metrics?.recordCheck(allowed: allowed, complete: complete, credited: !views.isEmpty, via: views.map(\.via))
        activity?.record(
            matches: views.map { ($0.artistId, $0.policy) },
            allowed: allowed,
            complete: complete,
            caller: "key:\(key.id.rawValue ?? 0)",
            prompt: prompt
        )
        return CheckResponse(
            allowed: allowed,
            matches: views,
            registryVersion: version,
            incomplete: !complete
        )
    }
}
