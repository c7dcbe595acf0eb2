import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// The site's Really Simple Licensing 1.0 document (`/license.xml`, `application/rsl+xml`): the site's content is not
/// licensed for AI training, and neither is any work an artist listed in the registry (one `<content>` per live link,
/// covering it and everything below it, as robots.txt paths do). Built once per version of the registry's links.
final class RSLLicense: Sendable {
    static let mediaType = "application/rsl+xml"
    static let namespace = "https://rslstandard.org/rsl"
    /// The usages RSL 1.0 names (`<permits type="usage">`, `<prohibits type="usage">`).
    static let usages: Set<String> = ["all", "ai-all", "ai-train", "ai-input", "ai-index", "search"]

    private let links: LinkIndex
    private let publicURL: String
    private let cached = NIOLockedValueBox<(version: Int64, body: String)?>(nil)

    init(links: LinkIndex, publicURL: String) {
        self.links = links
        self.publicURL = publicURL
    }

    /// The document for the current links, and the version of the links it lists (its ETag).
    func document() async throws -> (version: Int64, body: String) {
        let (version, index) = try await links.currentWithVersion()
        if let cached = cached.withLockedValue({ $0 }), cached.version == version { return cached }
        // Thousands of works: written on NIO's thread pool, away from the cooperative threads.
        let body = try await NIOThreadPool.singleton.runIfActive { Self.document(works: index.links.sorted()) }
        cached.withLockedValue { $0 = (version, body) }
        return (version, body)
    }

    /// The absolute address of the document, as robots.txt and the `Link` header name it.
    var address: String { publicURL + "/license.xml" }

    /// The document: the whole site, then each listed work, prohibiting AI training (`ai-train`) and, for the works,
    /// their use as a model's input (`ai-input`) too.
    static func document(works: [String]) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rsl xmlns="\(namespace)">
              <!-- OptOutGate: this site's content and the works its artists listed are not licensed for AI training. -->
              <content url="/">
                <license>
                  <prohibits type="usage">ai-train</prohibits>
                </license>
              </content>

            """
        out.reserveCapacity(out.utf8.count + works.count * 160)
        for work in works {
            out += """
                  <content url="\(escaped(robotsSafe(work)))">
                    <license>
                      <prohibits type="usage">ai-train,ai-input</prohibits>
                    </license>
                      </content>

                """
        }
        out += "</rsl>\n"
        return out
    }

    /// A URL whose `*` and `$` (wildcards in RFC 9309's matching, which RSL's `url` follows) are percent-encoded.
    static func robotsSafe(_ url: String) -> String {
        url.replacingOccurrences(of: "*", with: "%2A").replacingOccurrences(of: "$", with: "%24")
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even as references.
                if character.value < 0x20, character != "\t", character != "\n", character != "\r" { continue }
                out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
