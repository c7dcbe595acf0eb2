import Foundation
import Testing

@testable import OptOutCore

/// The word lists' reader (``WordListText``) splits on bytes; these tests hold it to what splitting by `Character`
/// gives on every list the server ships, and the ASCII short cut of ``OrdinaryWords`` to the fold.
@Suite struct WordListTextTests {
    /// What the server read before: lines by `Character`, comments out, fields by `Character`.
    static func byCharacters(_ text: String, column: Int? = nil) -> [String] {
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let column else { return lines.map(String.init) }
        return lines.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            return column < fields.count ? String(fields[column]) : nil
        }
    }

    static func shipped(_ name: String) throws -> String {
        try String(contentsOf: EvaluationTests.resources.appendingPathComponent("\(name).txt"), encoding: .utf8)
    }

    @Test func everyShippedListReadsAsByCharacters() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: EvaluationTests.resources.path)
            .filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }
        #expect(names.count >= 10)
        for name in names {
            let text = try Self.shipped(name)
            let entries = WordListText.entries(text)
            #expect(entries == Self.byCharacters(text), "\(name)")
            #expect(!entries.isEmpty, "\(name)")
            // The second field: the one some lines lack.
            if text.utf8.contains(UInt8(ascii: "\t")) {
                #expect(WordListText.entries(text, column: 1) == Self.byCharacters(text, column: 1), "\(name)")
            }
        }
        let world = WordListText.entries(try Self.shipped("world-words"))
        for language in ["en", "ja", "ru"] {
            let expected = world.filter { $0.hasPrefix("\(language)\t") }.map { String($0.dropFirst(language.count + 1)) }
            #expect(WordListText.words(of: language, in: world) == expected)
            #expect(!expected.isEmpty)
        }
        #expect(WordListText.lastFields(world) == world.compactMap { $0.split(separator: "\t").last.map(String.init) })
    }

    @Test func edgesOfTheFormat() {
        #expect(WordListText.entries("a\r\nb\n\n# note\nc") == ["a", "b", "c"])
        #expect(WordListText.entries("x\ty\nonly\n\tz\n", column: 1) == ["y", "z"])
        #expect(WordListText.entries("x\t\ty", column: 1) == [""])
        #expect(WordListText.entries("") == [])
        #expect(WordListText.words(of: "en", in: ["en\tcat", "eng\tno", "en", "ru\tкот"]) == ["cat"])
        #expect(WordListText.lastFields(["a\tb", "a\t", "a", "", "\tc"]) == ["b", "a", "a", "c"])
    }

    /// A plain lower-case ASCII word is taken as its own fold: true of every word of the lists, and the others
    /// are folded as before.
    @Test func theASCIIShortCutFoldsAsTheFold() throws {
        let words =
            WordListText.entries(try Self.shipped("english-words")) + WordListText.lastFields(WordListText.entries(try Self.shipped("world-words")))
            + ["Greg", "café", "long_hair", "a b", "", "artist's"]
        var plain = 0
        for word in words {
            let parts = Folding.words(of: word)
            #expect(OrdinaryWords.foldedWord(word) == (parts.count == 1 ? parts[0] : nil), "\(word)")
            if word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { plain += 1 }
        }
        #expect(plain > 50_000)
    }
}
