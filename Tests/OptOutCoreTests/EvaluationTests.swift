import Foundation
import Testing

@testable import OptOutCore

/// The prompt gate's dev set (see scripts/make-eval-set.py and Eval/README.md): fails when recall or false
/// positives regress past the targets.
@Suite struct EvaluationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    struct Row: Decodable {
        let category: String?
        let artist: String?
        let prompt: String
    }

    static func rows(_ file: String) throws -> [Row] {
        let data = try Data(contentsOf: root.appendingPathComponent("Eval/\(file)"))
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Row.self, from: Data($0)) }
    }

    /// The registry under test: every artist the collision guard would let block at once.
    static func registry() throws -> (matcher: PhraseMatcher, phrases: [String]) {
        let dictionaryURL = root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/OptOutServer/Resources/english-words.txt")
        let dictionary = try String(contentsOf: dictionaryURL, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        let guardian = CollisionGuard(dictionary: dictionary)
        let names = try String(contentsOf: root.appendingPathComponent("Eval/phrases.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let phrases = names.filter { guardian.reviewReason(for: $0) == nil }
        return (PhraseMatcher(phrases: phrases, ordinaryWords: OrdinaryWords(dictionary)), phrases)
    }

    @Test func recallAndFalsePositivesMeetTheTargets() throws {
        let (matcher, phrases) = try Self.registry()
        let keys = phrases.map(PhraseKey.make)
        let indexByKey = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var hits: [String: Int] = [:]
        var totals: [String: Int] = [:]
        var misses: [String: [String]] = [:]
        for row in try Self.rows("disguised.jsonl") {
            guard let category = row.category, let artist = row.artist, let expected = indexByKey[PhraseKey.make(artist)] else { continue }
            totals[category, default: 0] += 1
            let found = matcher.matches(in: row.prompt).contains { keys[$0.phrase] == keys[expected] }
            if found {
                hits[category, default: 0] += 1
            } else if misses[category, default: []].count < 5 {
                misses[category, default: []].append(row.prompt)
            }
        }
        var refused = 0
        var examples: [String] = []
        let ordinary = try Self.rows("ordinary.jsonl")
        for row in ordinary {
            let found = matcher.matches(in: row.prompt)
            if !found.isEmpty {
                refused += 1
                if examples.count < 10 { examples.append("\(phrases[found[0].phrase]) in: \(row.prompt)") }
            }
        }
        let falsePositiveRate = Double(refused) / Double(ordinary.count)
        var report = "registry \(phrases.count) artists\n"
        for category in totals.keys.sorted() {
            let recall = Double(hits[category, default: 0]) / Double(totals[category]!)
            report += String(format: "%-14@ recall %.4f (%d/%d)\n", category as NSString, recall, hits[category, default: 0], totals[category]!)
            let target = category.contains("fuzzy") ? 0.80 : 0.99
            #expect(recall >= target, "\(category): recall \(recall) < \(target); missed e.g. \(misses[category] ?? [])")
        }
        report += String(format: "ordinary prompts refused %.4f%% (%d/%d)\n", falsePositiveRate * 100, refused, ordinary.count)
        print(report)
        #expect(falsePositiveRate <= 0.001, "false positives: \(examples)")
        #expect(totals.count == 11)
    }
}
