import Foundation
import Hummingbird
import NIOPosix
import OptOutCore
import OptOutStore

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
    /// IETF AI Preferences (draft-ietf-aipref-attach): `Content-Usage` on every response and in robots.txt.
    public var contentUsage = true
    /// Cloudflare's Content Signals: `Content-Signal` in robots.txt, with the reservation of rights under Article 4 of
    /// the EU DSM Directive.
    public var contentSignal = true
    /// Really Simple Licensing 1.0: `/license.xml`, robots.txt's `License:` line, a `Link` header and
    /// `<link rel="license">` in every page.
    public var rsl = true
    /// The `Content-Usage` value: an RFC 9651 dictionary of AIPREF categories (`train-ai`, `search`) to `y` or `n`.
    public private(set) var contentUsageValue = "train-ai=n"
    /// The `Content-Signal` value: `search`, `ai-train`, `ai-input` to `yes` or `no`.
    public private(set) var contentSignalValue = "search=yes, ai-train=no, ai-input=no"

    public init() {}

    /// The names `--disable-signal` and `OPTOUT_DISABLE_SIGNALS` take.
    public static let names = ["x-robots-tag", "tdm-header", "meta", "tdmrep", "robots-txt", "ai-txt", "content-usage", "content-signal", "rsl"]

    /// AIPREF's vocabulary (draft-ietf-aipref-vocab-08).
    public static let contentUsageCategories: Set<String> = ["train-ai", "search"]
    public static let contentSignalCategories: Set<String> = ["search", "ai-train", "ai-input"]

    /// Sets the `Content-Usage` value, checked as an RFC 9651 dictionary whose keys are AIPREF categories and whose
    /// values are the tokens `y` or `n` (parameters are not used); written back in canonical form.
    /// - Throws: `StartupError` naming what is wrong.
    public mutating func setContentUsage(_ text: String) throws {
        contentUsageValue = try Self.canonical(
            text,
            flag: "--content-usage",
            keys: Self.contentUsageCategories,
            keyNoun: "an AI Preferences category",
            values: ["y", "n"]
        )
    }

    /// Sets the `Content-Signal` value: `search`, `ai-train`, `ai-input` to `yes` or `no`.
    public mutating func setContentSignal(_ text: String) throws {
        contentSignalValue = try Self.canonical(
            text,
            flag: "--content-signal",
            keys: Self.contentSignalCategories,
            keyNoun: "a content signal",
            values: ["yes", "no"]
        )
    }

    /// `text` as a dictionary of `keys` to `values` (the first value named first in errors), written back canonically.
    static func canonical(_ text: String, flag: String, keys: Set<String>, keyNoun: String, values: [String]) throws -> String {
        let members = try members(of: text, flag: flag)
        for (key, value) in members {
            guard keys.contains(key) else {
                throw StartupError("\(flag): \(key) is not \(keyNoun) (\(keys.sorted().joined(separator: ", ")))")
            }
            guard values.contains(value) else {
                throw StartupError("\(flag): \(key) must be \(values.joined(separator: " or ")), not \(value)")
            }
        }
        return members.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    /// The members of a dictionary `key=token, key=token` (RFC 9651 keys: a lower-case letter or `*`, then lower-case
    /// letters, digits, `_ - . *`; tokens: a letter, then token characters), each key once.
    static func members(of text: String, flag: String) throws -> [(key: String, value: String)] {
        var members: [(key: String, value: String)] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let member = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            let parts = member.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let first = parts[0].unicodeScalars.first,
                first == "*" || ("a"..."z").contains(first),
                parts[0].unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_-.*".unicodeScalars.contains($0) }),
                let lead = parts[1].unicodeScalars.first, ("a"..."z").contains(lead) || ("A"..."Z").contains(lead),
                parts[1].unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
            else {
                throw StartupError("\(flag): \"\(member)\" is not key=value (a dictionary such as \"train-ai=n\")")
            }
            guard !members.contains(where: { $0.key == parts[0] }) else { throw StartupError("\(flag): \(parts[0]) is given twice") }
            members.append((parts[0], parts[1]))
        }
        guard !members.isEmpty else { throw StartupError("\(flag) is empty") }
        return members
    }

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
            case "content-usage": contentUsage = false
            case "content-signal": contentSignal = false
            case "rsl": rsl = false
            default: throw StartupError("unknown signal \(raw); the signals are \(Self.names.joined(separator: ", "))")
            }
        }
    }
}

/// `/robots.txt`, `/ai.txt`, `/.well-known/tdmrep.json` and `/license.xml`.
struct TrainingSignalsController {
    let signals: TrainingSignals
    let crawlers: [String]
    let license: RSLLicense

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        if signals.rsl {
            let license = self.license
            // Built once per version of the links, which is also its ETag: a reader that has it gets a 304.
            routes.get("/license.xml") { request, _ in
                let document = try await license.document()
                let etag = "\"links-\(document.version)\""
                if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
                    return Response(status: .notModified, headers: [.eTag: etag])
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "\(RSLLicense.mediaType); charset=utf-8", .eTag: etag, .cacheControl: "public, max-age=300"],
                    body: .init(byteBuffer: ByteBuffer(string: document.body))
                )
            }
        }
        if signals.robotsTxt {
            let body = Self.robotsTxt(crawlers: crawlers, signals: signals, license: signals.rsl ? license.address : nil)
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

    /// AI training crawlers may fetch nothing; everyone else may fetch the pages but not the API. The group for
    /// everyone carries the AI Preferences (`Content-Usage`) and Content Signals (`Content-Signal`) lines, which
    /// crawlers that do not know them ignore.
    static func robotsTxt(crawlers: [String], signals: TrainingSignals = TrainingSignals(), license: String? = nil) -> String {
        var out = "# OptOutGate: this site's content may not be used to train AI models.\n"
        if signals.contentSignal {
            out += """
                #
                # As a condition of accessing this website, you agree to abide by the following content signals:
                # (a) If a content-signal = yes, you may collect content for the corresponding use.
                # (b) If a content-signal = no, you may not collect content for the corresponding use.
                # (c) If the website operator does not include a content signal for a corresponding use, the website
                #     operator neither grants nor restricts permission via content signal with respect to the corresponding use.
                # The content signals and their meanings are:
                # search: building a search index and providing search results (e.g., returning hyperlinks and short
                #     excerpts from your website's contents). Search does not include providing AI-generated search summaries.
                # ai-input: inputting content into one or more AI models (e.g., retrieval augmented generation, grounding,
                #     or other real-time taking of content for generative AI search answers).
                # ai-train: training or fine-tuning AI models.
                # ANY RESTRICTIONS EXPRESSED VIA CONTENT SIGNALS ARE EXPRESS RESERVATIONS OF RIGHTS UNDER ARTICLE 4 OF THE
                # EUROPEAN UNION DIRECTIVE 2019/790 ON COPYRIGHT AND RELATED RIGHTS IN THE DIGITAL SINGLE MARKET.

                """
        }
        out += "# AI training crawlers (the list: Sources/OptOutServer/Resources/ai-crawlers.txt)\n"
        for crawler in crawlers { out += "User-agent: \(crawler)\n" }
        out += "Disallow: /\n\n"
        out += "# Ordinary search engines and everyone else\nUser-agent: *\n"
        if signals.contentSignal { out += "Content-Signal: \(signals.contentSignalValue)\n" }
        if signals.contentUsage { out += "Content-Usage: \(signals.contentUsageValue)\n" }
        if let license { out += "License: \(license)\n" }
        out += "Allow: /\nDisallow: /v1/\n"
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
