/// The text of the shipped word lists: one entry a line, lines that start with `#` are comments, fields are separated
/// by a tab. Read here, in the core, which is compiled optimized in every build: the service reads about 800,000 of
/// these lines at each start. Lines and fields are split on their UTF-8 bytes: splitting by `Character` reads grapheme
/// clusters, several times slower.
public enum WordListText {
    /// The entries of `text`, comments left out; `column`: that tab-separated field of each line (a line without it is
    /// left out).
    public static func entries(_ text: String, column: Int? = nil) -> [String] {
        var entries: [String] = []
        for line in lines(of: text) where line.utf8.first != UInt8(ascii: "#") {
            guard let column else {
                entries.append(String(line))
                continue
            }
            if let field = field(column, of: line) { entries.append(String(field)) }
        }
        return entries
    }

    /// The words of `language` in lines of language<TAB>word (world-words.txt).
    public static func words(of language: String, in lines: [String]) -> [String] {
        let prefix = Array((language + "\t").utf8)
        return lines.compactMap { line in
            line.utf8.starts(with: prefix) ? String(line[line.utf8.index(line.startIndex, offsetBy: prefix.count)...]) : nil
        }
    }

    /// The last tab-separated field of each line that has one that is not empty.
    public static func lastFields(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            let utf8 = line.utf8
            let start = utf8.lastIndex(of: UInt8(ascii: "\t")).map { utf8.index(after: $0) } ?? utf8.startIndex
            if start == utf8.endIndex {
                // "word\t": the last field that is not empty is the one before.
                let fields = line.split(separator: "\t")
                return fields.last.map(String.init)
            }
            return String(line[start...])
        }
    }

    /// The lines as substrings, for the readers that take them (``JapaneseNames``, ``OrdinaryWords/readLanguageWords(_:)``).
    public static func substrings(_ lines: [String]) -> [Substring] {
        lines.map { Substring($0) }
    }

    /// The lines of `text` that are not empty, without a carriage return at their end.
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var last = end
            if last > start, utf8[utf8.index(before: last)] == UInt8(ascii: "\r") { last = utf8.index(before: last) }
            if last > start { lines.append(text[start..<last]) }
            start = end == utf8.endIndex ? end : utf8.index(after: end)
        }
        return lines
    }

    /// Field `index` of a tab-separated line (empty fields count), or nil when the line has fewer fields.
    static func field(_ index: Int, of line: Substring) -> Substring? {
        let utf8 = line.utf8
        var start = utf8.startIndex
        var number = 0
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\t")) ?? utf8.endIndex
            if number == index { return line[start..<end] }
            guard end < utf8.endIndex else { return nil }
            start = utf8.index(after: end)
            number += 1
        }
    }
}
