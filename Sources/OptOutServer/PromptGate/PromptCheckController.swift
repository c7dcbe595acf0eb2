import Foundation
import Hummingbird
import OptOutCore

/// `POST /v1/prompts/check`: the gate image generators call before every generation. Read-only: it is not
/// metered and stores nothing about the prompt or its author.
struct PromptCheckController {
    let gate: PromptGate
    /// Counts checks by decision and matches by `via` (nil when metrics are off).
    var metrics: ServiceMetrics? = nil
    /// Counts what each check did for the artists it named.
    var activity: ActivityRecorder? = nil

    static let maxPromptScalars = 4000

    struct CheckRequest: Decodable {
        let prompt: String
    }

    struct MatchView: Encodable {
        let artistId: Int64
        let artistName: String
        let phrase: String
        let kind: PhraseKind
        let policy: Policy
        let start: Int
        let end: Int
        let via: [String]

        var json: String {
            "{\"artist_id\":\(artistId),\"artist_name\":\(JSONText.quoted(artistName)),\"end\":\(end),\"kind\":\"\(kind.rawValue)\","
                + "\"phrase\":\(JSONText.quoted(phrase)),\"policy\":\"\(policy.rawValue)\",\"start\":\(start),"
                + "\"via\":[\(via.map { "\"\($0)\"" }.joined(separator: ","))]}"
        }
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
        let prompt = try Self.validated(input.prompt)
        let (matches, version, complete) = try await gate.checkAnywhere(prompt)
        let views = Self.views(of: matches)
        let allowed = complete && !views.contains { $0.policy == .block }
        metrics?.recordCheck(allowed: allowed, complete: complete, credited: !views.isEmpty, via: views.map(\.via))
        activity?.record(
            matches: views.map { ($0.artistId, $0.policy) },
            allowed: allowed,
            complete: complete,
            caller: "key:\(key.id?.rawValue ?? 0)",
            prompt: prompt
        )
        return CheckResponse(
            allowed: allowed,
            matches: views,
            registryVersion: version,
            incomplete: !complete
        )
    }

    /// A prompt of 1 to 4,000 Unicode scalars.
    static func validated(_ prompt: String) throws -> String {
        let count = prompt.unicodeScalars.count
        guard count > 0 else {
            throw APIError(.unprocessableContent, code: "empty_prompt", message: "The prompt is empty.", field: "prompt")
        }
        guard count <= maxPromptScalars else {
            throw APIError(
                .unprocessableContent,
                code: "prompt_too_long",
                message: "A prompt has at most \(maxPromptScalars) characters (Unicode scalars); this one has \(count).",
                field: "prompt"
            )
        }
        return prompt
    }

    static func views(of matches: [GateMatch]) -> [MatchView] {
        matches.map {
            MatchView(
                artistId: $0.phrase.artistId,
                artistName: $0.phrase.artistName,
                phrase: $0.phrase.text,
                kind: $0.phrase.kind,
                policy: $0.phrase.policy,
                start: $0.match.start,
                end: $0.match.end,
                via: $0.match.via.names
            )
        }
    }
}

/// JSON string literals, for the responses written by hand.
enum JSONText {
    /// A date as the API writes it: ISO 8601, UTC, whole seconds.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
