import Foundation
import OptOutCore
import OptOutStore

/// `optout-gate evaluate`: a platform measures the gate on its own data, with the server's folding, views and
/// collision guard, and no database.
public enum GateEvaluation {
    /// One line of the registry file: an artist as `import-artists` reads it.
    struct Artist: Decodable {
        let name: String
        let aliases: [String]?
        let creations: [String]?
    }

    /// One line of the prompts file: a prompt that names `artist` (in the disguise `category`), or none.
    struct Labelled: Decodable {
        let prompt: String
        let artist: String?
        let category: String?
    }

    public struct Report: Sendable {
        /// Per disguise: prompts, and how many the gate refused for the artist they name.
        public var caught: [String: (total: Int, caught: Int)] = [:]
        public var ordinary = 0
        public var ordinaryRefused = 0
        public var refusedExamples: [String] = []
        public var missedExamples: [String: [String]] = [:]
        public var phrases = 0
        public var heldByGuard = 0
        /// Phrases the guard held, with its reason (up to `--examples`, at least 10 when any).
        public var heldExamples: [String] = []
        public var rejectedLines: [String] = []
        /// Per registry line (one artist, as one account would register it): the ordinary prompts its phrases refused.
        public var refusedByArtist: [String: Int] = [:]
        /// Per phrase: the ordinary prompts it refused.
        public var refusedByPhrase: [String: Int] = [:]
        /// How many of the most refusing artists and phrases the report lists.
        public var worst = 0
        /// Per reading the gate undid (`case`, `syntax`, `initials` ...; `exact` when none): the named prompts caught
        /// through it.
        public var caughtVia: [String: Int] = [:]

        static func row(_ category: String, _ count: Int, _ hits: Int) -> String {
            category.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %8d   %6.2f %%\n", count, 100 * Double(hits) / Double(max(count, 1)))
        }

        /// The report as the command prints it.
        public var text: String {
            var out = "registry: \(phrases) phrases block, \(heldByGuard) held by the collision guard (as the server would)\n"
            for example in heldExamples { out += "    held: \(example)\n" }
            for line in rejectedLines.prefix(20) { out += "skipped \(line)\n" }
            out += "disguise            prompts   recall\n"
            var total = (0, 0)
            for category in caught.keys.sorted() {
                let (count, hits) = caught[category]!
                total = (total.0 + count, total.1 + hits)
                out += Self.row(category, count, hits)
                for example in missedExamples[category, default: []] { out += "    missed: \(example)\n" }
            }
            if total.0 > 0 {
                out += Self.row("all", total.0, total.1)
                out +=
                    "caught through: "
                    + caughtVia.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
            }
            out += String(
                format: "ordinary prompts refused: %d of %d (%.3f %%)\n",
                ordinaryRefused,
                ordinary,
                100 * Double(ordinaryRefused) / Double(max(ordinary, 1))
            )
            for example in refusedExamples { out += "    refused: \(example)\n" }
            if worst > 0 {
                func share(_ count: Int) -> String { String(format: "%d (%.3f %%)", count, 100 * Double(count) / Double(max(ordinary, 1))) }
                let phrases = refusedByPhrase.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                out += "worst phrase: " + (phrases.first.map { "\($0.key) refuses \(share($0.value))" } ?? "none refuses an ordinary prompt") + "\n"
                for (phrase, count) in phrases.prefix(worst) { out += "    phrase \(phrase): \(share(count))\n" }
                let artists = refusedByArtist.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                out += "worst artist (all its phrases): " + (artists.first.map { "\($0.key) refuses \(share($0.value))" } ?? "none") + "\n"
                for (artist, count) in artists.prefix(worst) { out += "    artist \(artist): \(share(count))\n" }
            }
            return out
        }
    }

    /// Evaluates the gate: `registry` and `prompts` are JSON Lines.
    public static func run(
        registry: Data,
        prompts: Data,
        examples: Int = 3,
        worst: Int = 0,
        wordLists: WordLists = WordLists()
    ) throws -> Report {
        let words = (ordinary: try wordLists.ordinary(), collisionGuard: try wordLists.collisionGuard())
        let decoder = JSONDecoder()
        var report = Report()
        report.worst = worst
        var texts: [String] = []
        var owners: [String] = []
        var names: [String] = []
        var orderable: [Bool] = []
        for (number, line) in registry.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            guard let artist = try? decoder.decode(Artist.self, from: Data(line)) else {
                report.rejectedLines.append("registry line \(number + 1): not an artist object")
                continue
            }
            let phrases = [(artist.name, true)] + (artist.aliases ?? []).map { ($0, true) } + (artist.creations ?? []).map { ($0, false) }
            for (text, isName) in phrases {
                if let reason = words.collisionGuard.reviewReason(for: text) {
                    report.heldByGuard += 1
                    if report.heldExamples.count < max(examples, 10) { report.heldExamples.append("\(text): \(reason)") }
                    continue
                }
                texts.append(text)
                owners.append(PhraseKey.make(artist.name))
                names.append(artist.name)
                orderable.append(isName)
            }
        }
        report.phrases = texts.count
        let matcher = PhraseMatcher(phrases: texts, ordinaryWords: words.ordinary, wordOrder: orderable)
        for (number, line) in prompts.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            guard let row = try? decoder.decode(Labelled.self, from: Data(line)) else {
                report.rejectedLines.append("prompts line \(number + 1): not {\"prompt\", \"artist\", \"category\"}")
                continue
            }
            let result = matcher.search(row.prompt)
            if let artist = row.artist, !artist.isEmpty {
                let category = row.category ?? "named"
                let key = PhraseKey.make(artist)
                let hit = result.matches.first { owners[$0.phrase] == key }
                report.caught[category, default: (0, 0)].total += 1
                if let hit {
                    report.caught[category]!.caught += 1
                    for name in hit.via.names { report.caughtVia[name, default: 0] += 1 }
                } else if report.missedExamples[category, default: []].count < examples {
                    report.missedExamples[category, default: []].append(row.prompt)
                }
            } else {
                report.ordinary += 1
                for phrase in Set(result.matches.map { texts[$0.phrase] }) { report.refusedByPhrase[phrase, default: 0] += 1 }
                for artist in Set(result.matches.map { names[$0.phrase] }) { report.refusedByArtist[artist, default: 0] += 1 }
                if !result.matches.isEmpty || !result.complete {
                    report.ordinaryRefused += 1
                    if report.refusedExamples.count < max(examples, 10) {
                        let why = result.matches.first.map { texts[$0.phrase] } ?? "(work budget)"
                        report.refusedExamples.append("\(why) in: \(row.prompt)")
                    }
                }
            }
        }
        return report
    }
}
