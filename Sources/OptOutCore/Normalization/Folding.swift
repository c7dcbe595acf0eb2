/// What folding undid to reveal a word; the gate reports these as `via`.
public struct Via: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let caseFolded = Via(rawValue: 1 << 0)
    public static let marks = Via(rawValue: 1 << 1)
    public static let confusable = Via(rawValue: 1 << 2)
    public static let invisible = Via(rawValue: 1 << 3)
    /// Letters spaced out ("m u c h a"), or unusual white space between words.
    public static let spacing = Via(rawValue: 1 << 4)
    /// Words joined by punctuation ("greg_rutkowski").
    public static let separator = Via(rawValue: 1 << 5)
    /// Words run together ("gregrutkowski", "#GregRutkowski").
    public static let concatenation = Via(rawValue: 1 << 6)
    public static let leet = Via(rawValue: 1 << 7)
    /// A one-letter misspelling of a long word.
    public static let fuzzy = Via(rawValue: 1 << 8)
    /// The words of a name in another order: surname first ("Rutkowski, Greg").
    public static let order = Via(rawValue: 1 << 9)
    /// A plural or derived form ("the Rutkowskis", "Rutkowskiesque").
    public static let form = Via(rawValue: 1 << 10)
    /// A handle: a name with the prefix or suffix accounts add ("@gregrutkowskiofficial").
    public static let handle = Via(rawValue: 1 << 11)
    /// An emoji or other symbol inside a word ("Gr🎨eg").
    public static let symbol = Via(rawValue: 1 << 12)
    /// A phrase of a script written without spaces found inside a run of it ("新海誠風の夕焼け").
    public static let script = Via(rawValue: 1 << 13)
    /// The prompt's letters read in another script: transliterated to Latin and compared with the phrase's Latin
    /// reading ("Грег Рутковски", "Nikiforova" for "Никифорова").
    public static let transliteration = Via(rawValue: 1 << 14)
    /// A spelling that sounds the same: w/v, ph/f, ck/c/k, y/i, ou/u, doubled letters ("Rutkovsky").
    public static let phonetic = Via(rawValue: 1 << 15)
    /// What the generator's parser drops, or words set inside a name: weights (`(Greg:1.2)`, `Greg::1`), `AND` and
    /// `BREAK`, a middle initial ("Greg M. Rutkowski"), a short aside in brackets or quotes ("Greg (artist) Rutkowski").
    public static let syntax = Via(rawValue: 1 << 16)
    /// A given name written as its initial before a distinctive surname ("G. Rutkowski").
    public static let initials = Via(rawValue: 1 << 17)
    /// Internal: a slip in a word of four or five letters, which counts only when the rest of the phrase is exact.
    static let shortSlip = Via(rawValue: 1 << 24)
    /// Internal: a plural of a stem under six letters, which counts only when the rest of the phrase is exact.
    static let weakForm = Via(rawValue: 1 << 25)
    /// Internal: two slips in one word, which count only in a phrase of twelve letters or more.
    static let twoSlips = Via(rawValue: 1 << 26)
    /// Internal: the words were read across punctuation that ends a fragment (`,` `;` ...), which counts only for a
    /// phrase that holds such punctuation itself ("George Barret, Jr.").
    static let crossedBoundary = Via(rawValue: 1 << 27)
    /// Internal: a one-letter word written as a word, not as an initial ("a", not "A." or "A"), which no initials
    /// reading takes, and initials found run together in a longer word.
    static let notInitial = Via(rawValue: 1 << 28)
    /// Internal: a word of another script read as a phrase word it renders (Arabic or Hebrew letters for a Latin
    /// word), which counts only in a phrase of two words or more.
    static let rendered = Via(rawValue: 1 << 29)
    /// Internal: such a word whose rendering is no everyday word of its language: a phrase read from renderings needs
    /// one ("غريغ", Greg, is an everyday Arabic word; "روتكوفسكي" is not).
    static let renderedDistinct = Via(rawValue: 1 << 30)
    /// Internal: two words of the path stand either side of a hyphen ("Li-hua"), which a family name and a given name
    /// do not (``Search/cutsHyphenatedName(_:start:next:via:)``).
    static let hyphenBetween = Via(rawValue: 1 << 31)
    /// Internal: the views the API reports.
    static let reported = Via(rawValue: (1 << 18) - 1)

    /// The names the API uses, in a fixed order; `["exact"]` when nothing had to be undone.
    public var names: [String] {
        let all: [(Via, String)] = [
            (.caseFolded, "case"), (.marks, "marks"), (.confusable, "confusable"), (.invisible, "invisible"),
            (.spacing, "spacing"), (.separator, "separator"), (.concatenation, "concatenation"), (.leet, "leet"), (.fuzzy, "fuzzy"),
            (.order, "order"), (.form, "form"), (.handle, "handle"), (.symbol, "symbol"), (.script, "script"),
            (.transliteration, "transliteration"), (.phonetic, "phonetic"), (.syntax, "syntax"), (.initials, "initials"),
        ]
        let names = all.filter { contains($0.0) }.map(\.1)
        return names.isEmpty ? ["exact"] : names
    }
}

/// Folds one Unicode scalar the way the prompt gate compares text: compatibility decomposition, marks removed,
/// case folded, confusable letters mapped to the ASCII letters they imitate, invisible characters dropped.
///
/// The table for non-ASCII scalars is generated by `scripts/generate-fold-table.py`.
public enum Folding {
    /// How a scalar folds.
    public enum Result: Equatable {
        /// Part of a word: the folded scalars (one or more) and what was undone.
        case word(ContiguousArray<UInt32>, Via)
        /// Dropped without breaking the word: an invisible character or a combining mark.
        case dropped(Via)
        /// Between words: white space (`isSpace`) or punctuation.
        case separator(isSpace: Bool)
    }

    struct Entry {
        let via: Via
        let targetStart: Int32
        let targetCount: Int32
    }

    struct Table: @unchecked Sendable {
        var bmp: [Int32]
        var supplementary: [UInt32: Int32]
        var entries: [Entry]
        var targets: [UInt32]

        func entry(for scalar: UInt32) -> Entry? {
            let index = scalar < 0x10000 ? bmp[Int(scalar)] : (supplementary[scalar] ?? -1)
            return index < 0 ? nil : entries[Int(index)]
        }
    }

    static let table: Table = {
        var table = Table(bmp: [Int32](repeating: -1, count: 0x10000), supplementary: [:], entries: [], targets: [])
        for record in foldTableSource.split(separator: ";") {
            let fields = record.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, let scalar = UInt32(fields[0], radix: 16), let flags = UInt16(fields[1], radix: 16) else { continue }
            let targets = fields[2].split(separator: ",").compactMap { UInt32($0, radix: 16) }
            let index = Int32(table.entries.count)
            table.entries.append(
                Entry(via: Self.via(fromTableFlags: flags), targetStart: Int32(table.targets.count), targetCount: Int32(targets.count))
            )
            table.targets.append(contentsOf: targets)
            if scalar < 0x10000 { table.bmp[Int(scalar)] = index } else { table.supplementary[scalar] = index }
        }
        return table
    }()

    /// How each scalar of the first two planes folds, precomputed so the prompt scan neither allocates nor asks
    /// for Unicode properties: ``Kind`` raw values.
    static let kinds: [UInt8] = {
        var kinds = [UInt8](repeating: Kind.slow.rawValue, count: 0x20000)
        for value in UInt32(0x80)..<UInt32(0x20000) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let kind: Kind =
                switch fold(scalar) {
                case .word(let targets, let via):
                    targets.count == 1 && targets[0] == value && via.isEmpty ? .identity : table.entry(for: value) != nil ? .mapped : .slow
                case .dropped(let via): via == .marks ? .droppedMark : via == .invisible ? .droppedInvisible : .slow
                case .separator(let isSpace):
                    isSpace
                        ? .space
                        : [.otherSymbol, .modifierSymbol].contains(scalar.properties.generalCategory) ? .symbol : .punctuation
                }
            kinds[Int(value)] = kind.rawValue
        }
        return kinds
    }()

    /// A scalar's folding, as the prompt scan reads it.
    enum Kind: UInt8 {
        /// A letter or digit that folds to itself.
        case identity
        /// A letter whose folded scalars are in the table.
        case mapped
        case droppedMark
        case droppedInvisible
        case space
        case punctuation
        /// An emoji or other symbol: dropped between two letters of a word ("Gr🎨eg"), a space between words.
        case symbol
        /// Anything else: ask ``fold(_:)``.
        case slow
    }

    @inline(__always)
    static func kind(of value: UInt32) -> Kind {
        value < 0x20000 ? Kind(rawValue: kinds[Int(value)]) ?? .slow : .slow
    }

    /// The folded scalars and via of a ``Kind/mapped`` scalar.
    @inline(__always)
    static func mapped(_ value: UInt32) -> (targets: ArraySlice<UInt32>, via: Via) {
        let entry = table.entry(for: value)!
        return (table.targets[Int(entry.targetStart)..<Int(entry.targetStart + entry.targetCount)], entry.via)
    }

    /// Table flags: 1 case, 2 marks, 4 confusable, 8 invisible, 16 space.
    static func via(fromTableFlags flags: UInt16) -> Via {
        var via = Via()
        if flags & 1 != 0 { via.insert(.caseFolded) }
        if flags & 2 != 0 { via.insert(.marks) }
        if flags & 4 != 0 { via.insert(.confusable) }
        if flags & 8 != 0 { via.insert(.invisible) }
        if flags & 16 != 0 { via.insert(.spacing) }
        return via
    }

    /// Whether a folded scalar belongs to a word.
    @inline(__always)
    static func isWordScalar(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39)
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }

    /// Folds `scalar`.
    public static func fold(_ scalar: Unicode.Scalar) -> Result {
        let value = scalar.value
        if value < 0x80 {
            if value >= 0x41 && value <= 0x5A { return .word([value + 0x20], .caseFolded) }
            if isWordScalar(value) { return .word([value], []) }
            return .separator(isSpace: value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D)
        }
        if let entry = table.entry(for: value) {
            if entry.targetCount == 0 { return .dropped(entry.via) }
            let targets = ContiguousArray(table.targets[Int(entry.targetStart)..<Int(entry.targetStart + entry.targetCount)])
            if entry.via.contains(.spacing) { return .separator(isSpace: true) }
            if targets.allSatisfy(isWordScalar) { return .word(targets, entry.via) }
            return .separator(isSpace: false)
        }
        if isWordScalar(value) { return .word([value], []) }
        let category = scalar.properties.generalCategory
        if category == .format || scalar.properties.isDefaultIgnorableCodePoint { return .dropped(.invisible) }
        if category == .nonspacingMark || category == .spacingMark || category == .enclosingMark { return .dropped(.marks) }
        return .separator(isSpace: scalar.properties.isWhitespace)
    }

    /// An apostrophe (', ’, ʼ, ʹ, and Hebrew's geresh ׳, which marks a foreign sound: ג׳ is j): dropped between two
    /// letters of a word, punctuation elsewhere.
    @inline(__always)
    static func isApostrophe(_ value: UInt32) -> Bool {
        value == 0x27 || value == 0x2019 || value == 0x02BC || value == 0x02B9 || value == 0x05F3
    }

    /// Whether a folded scalar belongs to a script written without spaces between words (Han, kana, Hangul, Thai,
    /// Lao, Khmer, Myanmar): a phrase in such a script is found inside a run of it, and white space between two of
    /// its characters does not part words.
    @inline(__always)
    public static func isUnspaced(_ value: UInt32) -> Bool {
        if value < 0x0E00 { return false }
        switch value {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1100...0x11FF, 0x1780...0x17FF, 0x3040...0x30FF, 0x3130...0x318F,
            0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF,
            0xFF66...0xFF9F, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// The folded words of `text`, for registering phrases: "Grég  RUTKOWSKI" is `["greg", "rutkowski"]`. Words
    /// part where the text changes between a script written without spaces and another ("Yamazaki風" is two words),
    /// and white space between two characters of such a script joins them ("中島 零" is one word, `中島零`), as the
    /// prompt scan reads them.
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var lastUnspaced = false
        var spaceAfterUnspaced = false
        var apostrophe = false
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if isApostrophe(scalar.value) {
                // Between two letters an apostrophe is dropped ("O'Brien" is one word, `obrien`), but not before the
                // `s` of a possessive ("Mucha's").
                let possessive =
                    index + 1 < scalars.count && (scalars[index + 1] == "s" || scalars[index + 1] == "S")
                    && (index + 2 == scalars.count || !scalars[index + 2].properties.isAlphabetic)
                if current.isEmpty || apostrophe || possessive {
                    if !current.isEmpty && possessive {
                        words.append(String(current))
                        current = String.UnicodeScalarView()
                    }
                    continue
                }
                apostrophe = true
                continue
            }
            if apostrophe {
                apostrophe = false
                if case .word = fold(scalar) {
                } else if !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
            }
            switch fold(scalar) {
            case .word(let targets, _):
                for target in targets {
                    let unspaced = isUnspaced(target)
                    if !current.isEmpty && unspaced != lastUnspaced || spaceAfterUnspaced && !unspaced {
                        words.append(String(current))
                        current = String.UnicodeScalarView()
                    }
                    spaceAfterUnspaced = false
                    lastUnspaced = unspaced
                    current.append(Unicode.Scalar(target)!)
                }
            case .dropped:
                continue
            case .separator(let isSpace):
                if isSpace && lastUnspaced && !current.isEmpty {
                    spaceAfterUnspaced = true
                    continue
                }
                if !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
                spaceAfterUnspaced = false
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }
}
