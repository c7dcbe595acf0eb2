import Foundation
import Hummingbird
import OptOutCore

/// The training opt-out signals the service publishes, all on by default; a platform may turn each off.
public struct TrainingSignals: Sendable, Equatable {
    /// `X-Robots-Tag: noai, noimageai` on every response.
    public var xRobotsTag = true
    /// `tdm-reservation: 1` on every response (TDMRep).
    public var tdmHeader = true
    /// `<meta name="robots" content="noai, noimageai">` and `<meta name="tdm-reservation" content="1">` in every page.
    public var metaTags = true
    /// `/.well-known/tdmrep.json`.
    public var tdmrepJSON = true
    /// `/robots.txt` disallowing AI training crawlers.
    public var robotsTxt = true
    /// `/ai.txt` in Spawning's format.
    public var aiTxt = true
    /// A TDMRep policy URL, published as `tdm-policy` when set.
    public var tdmPolicy: String?

    public init() {}

    /// The names `--disable-signal` and `OPTOUT_DISABLE_SIGNALS` take.
    public static let names = ["x-robots-tag", "tdm-header", "meta", "tdmrep", "robots-txt", "ai-txt"]

    /// Turns off the named signals.
    /// - Throws: `StartupError` for a name that is not one of ``names``.
    public mutating func disable(_ names: some Sequence<String>) throws {
        for raw in names {
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "": continue
            case "x-robots-tag": xRobotsTag = false
            case "tdm-header": tdmHeader = false
            case "meta": metaTags = false
            case "tdmrep": tdmrepJSON = false
            case "robots-txt": robotsTxt = false
            case "ai-txt": aiTxt = false
            default: throw StartupError("unknown signal \(raw); the signals are \(Self.names.joined(separator: ", "))")
            }
        }
    }
}

/// `/robots.txt`, `/ai.txt` and `/.well-known/tdmrep.json`.
struct TrainingSignalsController {
    let signals: TrainingSignals
    let crawlers: [String]

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        if signals.robotsTxt {
            let body = Self.robotsTxt(crawlers: crawlers)
            routes.get("/robots.txt") { _, _ in Self.text(body) }
        }
        if signals.aiTxt {
            let body = Self.aiTxt
            routes.get("/ai.txt") { _, _ in Self.text(body) }
        }
        if signals.tdmrepJSON {
            let body = Self.tdmrep(policy: signals.tdmPolicy)
            routes.get("/.well-known/tdmrep.json") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// AI training crawlers may fetch nothing; everyone else may fetch the pages but not the API.
    static func robotsTxt(crawlers: [String]) -> String {
        var out = "# OptOutGate: this site's content may not be used to train AI models.\n"
        out += "# AI training crawlers (the list: Sources/OptOutServer/Resources/ai-crawlers.txt)\n"
        for crawler in crawlers { out += "User-agent: \(crawler)\n" }
        out += "Disallow: /\n\n"
        out += "# Ordinary search engines and everyone else\nUser-agent: *\nAllow: /\nDisallow: /v1/\n"
        return out
    }

    /// Spawning's ai.txt: no file type of this site may go into an AI training set.
    static let aiTxt = """
        # Spawning AI
        # This site's content may not be used to train AI models.
        # Prevent datasets from using the following file types

        User-Agent: *
        Disallow: /
        Disallow: *.jpg
        Disallow: *.jpeg
        Disallow: *.png
        Disallow: *.gif
        Disallow: *.webp
        Disallow: *.avif
        Disallow: *.svg
        Disallow: *.bmp
        Disallow: *.tif
        Disallow: *.tiff
        Disallow: *.html
        Disallow: *.txt
        Disallow: *.pdf
        Disallow: *.json

        """

    /// TDMRep's well-known file: a JSON array of rules, here one reserving text and data mining everywhere.
    static func tdmrep(policy: String?) -> String {
        var rule = "{\"location\": \"/*\", \"tdm-reservation\": 1"
        if let policy { rule += ", \"tdm-policy\": \(JSONText.quoted(policy))" }
        return "[\n  " + rule + "}\n]\n"
    }
}

enum CrawlerList {
    static func load() throws -> [String] {
        guard let url = Bundle.module.url(forResource: "ai-crawlers", withExtension: "txt") else {
            throw StartupError("the ai-crawlers.txt resource is missing from the build")
        }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
