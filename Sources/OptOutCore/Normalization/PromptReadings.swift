extension Transliteration {
    /// A prompt's readings with its Cyrillic and Greek letters in Latin ones, and for each scalar of a reading the
    /// span of the prompt's scalars it came from; none when the prompt has no such letters. Greek μπ, ντ, γκ stand
    /// for a foreign b, d, g ("Νορμπερτ") as well as for mp, nt, gk ("Αντονέλλα"): a prompt that holds them is read
    /// both ways.
    public static func promptReadings(_ prompt: String) -> [(text: String, starts: [Int32], ends: [Int32])] {
        let scalars = Array(prompt.unicodeScalars)
        guard scalars.contains(where: { isTableScript($0.value) }) else { return [] }
        let foreign = promptReading(scalars, foreign: true)
        let hasPair = zip(scalars, scalars.dropFirst()).contains { pair in
            guard let index = PromptTables.pairIndex(base(pair.0), base(pair.1)) else { return false }
            // ου reads "u" in a foreign name but "ou" as often: alone it does not ask for the second reading.
            return PromptTables.standard.foreignPairs[index] != nil && index != PromptTables.pairIndex(0x03BF, 0x03C5)
        }
        return hasPair ? [foreign, promptReading(scalars, foreign: false)] : [foreign]
    }

    /// One reading of a prompt, written as UTF-8 bytes from dense tables (every table reading is ASCII): a scalar of
    /// the output a span of the input, as ``promptReadings(_:)`` promises.
    private static func promptReading(_ scalars: [Unicode.Scalar], foreign: Bool) -> (text: String, starts: [Int32], ends: [Int32]) {
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        bytes.reserveCapacity(scalars.count + scalars.count / 4)
        starts.reserveCapacity(scalars.count + scalars.count / 4)
        ends.reserveCapacity(scalars.count + scalars.count / 4)
        var index = 0
        /// ASCII bytes are a scalar each; `asOneScalar`: the bytes of one non-ASCII scalar.
        func emit(_ latin: [UInt8], from start: Int, to end: Int, asOneScalar: Bool = false) {
            bytes.append(contentsOf: latin)
            for _ in 0..<(asOneScalar ? 1 : latin.count) {
                starts.append(Int32(start))
                ends.append(Int32(end))
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard isTableScript(scalar.value) else {
                // Any other scalar is copied, one scalar of the output whatever its length in UTF-8.
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                    starts.append(Int32(index))
                    ends.append(Int32(index + 1))
                } else {
                    emit(Array(String(scalar).utf8), from: index, to: index + 1, asOneScalar: true)
                }
                index += 1
                continue
            }
            // One letter, or a digraph, at a time.
            let (reading, consumed) = readLetter(scalars, at: index, foreign: foreign)
            switch reading {
            case .latin(let latin): emit(latin, from: index, to: index + consumed)
            case .copy: emit(Array(String(scalar).utf8), from: index, to: index + 1, asOneScalar: true)
            case .drop: break
            }
            index += consumed
        }
        return (String(decoding: bytes, as: UTF8.self), starts, ends)
    }
}

/// What a letter of the Greek and Cyrillic blocks reads as: Latin bytes, itself (a letter with no table reading), or
/// nothing (a mark).
enum LetterReading {
    case latin([UInt8])
    case copy
    case drop
}

extension Transliteration {
    /// The letter at `index` (two for дж or a Greek digraph), by the tables: Cyrillic, then Greek digraphs (the foreign
    /// ones first when `foreign`), then single Greek letters; a mark is dropped, any other letter kept. Returns how
    /// many scalars it took.
    static func readLetter(_ scalars: [Unicode.Scalar], at index: Int, foreign: Bool) -> (LetterReading, consumed: Int) {
        let tables = PromptTables.standard
        let value = base(scalars[index])
        let next = index + 1 < scalars.count ? base(scalars[index + 1]) : nil
        if value == 0x0434, next == 0x0436 { return (.latin(tables.dzh), 2) }  // дж: how Cyrillic writes j ("Джон")
        if let next, let pair = PromptTables.pairIndex(value, next),
            let latin = foreign ? (tables.foreignPairs[pair] ?? tables.pairs[pair]) : tables.pairs[pair]
        {
            return (.latin(latin), 2)
        }
        if value >= 0x0370, value < 0x0530, let latin = tables.letters[Int(value - 0x0370)] { return (.latin(latin), 1) }
        let category = scalars[index].properties.generalCategory
        return (category == .nonspacingMark || category == .spacingMark ? .drop : .copy, 1)
    }
}

/// The letter tables, dense: a letter of the Greek and Cyrillic blocks (by its base, 0x0370 to 0x052F) to
/// its Latin bytes, and a pair of basic Greek letters (α to ω) to its digraph's, the same readings as
/// ``Transliteration/cyrillic``, ``Transliteration/greek`` and the pair tables.
struct PromptTables: Sendable {
    static let standard = PromptTables()
    let letters: [[UInt8]?]
    let pairs: [[UInt8]?]
    let foreignPairs: [[UInt8]?]
    let dzh = Array("j".utf8)

    private init() {
        var letters = [[UInt8]?](repeating: nil, count: 0x0530 - 0x0370)
        for (value, latin) in Transliteration.cyrillic.merging(Transliteration.greek, uniquingKeysWith: { first, _ in first })
        where value >= 0x0370 && value < 0x0530 {
            letters[Int(value - 0x0370)] = Array(latin.utf8)
        }
        self.letters = letters
        func dense(_ codes: [UInt32: String]) -> [[UInt8]?] {
            var table = [[UInt8]?](repeating: nil, count: 25 * 25)
            for (key, latin) in codes {
                if let index = PromptTables.pairIndex(key >> 16, key & 0xFFFF) { table[index] = Array(latin.utf8) }
            }
            return table
        }
        pairs = dense(Transliteration.greekPairCodes)
        foreignPairs = dense(Transliteration.greekForeignPairCodes)
    }

    /// Where the pair of basic Greek letters `first`, `second` (α to ω) is in the pair tables.
    @inline(__always)
    static func pairIndex(_ first: UInt32, _ second: UInt32) -> Int? {
        guard first >= 0x03B1, first <= 0x03C9, second >= 0x03B1, second <= 0x03C9 else { return nil }
        return Int(first - 0x03B1) * 25 + Int(second - 0x03B1)
    }
}
