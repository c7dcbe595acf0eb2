extension Transliteration {
    /// A prompt's readings with its Cyrillic and Greek letters in Latin ones, and for each scalar of a reading the
    /// span of the prompt's scalars it came from; none when the prompt has no such letters. Greek μπ, ντ, γκ stand
    /// for a foreign b, d, g ("Νορμπερτ") as well as for mp, nt, gk ("Αντονέλλα"): a prompt that holds them is read
    /// both ways. Letters are read as ``readLetter(_:at:foreign:)`` reads them, from ``PromptTables``' flat tables:
    /// every prompt of Cyrillic or Greek text is read this way before it is searched, so this is on the hot path.
    public static func promptReadings(_ prompt: String) -> [(text: String, starts: [Int32], ends: [Int32])] {
        // The scalars and their bases, decoded from the UTF-8 in one pass (Swift strings hold valid UTF-8).
        var prompt = prompt
        var hasTableScript = false
        var bases: [UInt32] = []
        let values = prompt.withUTF8 { utf8 in
            [UInt32](unsafeUninitializedCapacity: utf8.count) { values, count in
                var offset = 0
                while offset < utf8.count {
                    let lead = utf8[offset]
                    let value: UInt32
                    if lead < 0x80 {
                        value = UInt32(lead)
                        offset += 1
                    } else {
                        value = decodeMultibyteScalar(utf8, lead: lead, at: &offset)
                    }
                    if isTableScript(value) { hasTableScript = true }
                    values[count] = value
                    count += 1
                }
            }
        }
        guard hasTableScript else { return [] }
        bases = values.map { base(value: $0) }
        let tables = PromptTables.standard
        let foreign = tables.reading(values, bases, foreign: true)
        // ου reads "u" in a foreign name but "ou" as often: alone it does not ask for the second reading.
        let ou = PromptTables.pairIndex(0x03BF, 0x03C5)
        let hasPair = bases.withUnsafeBufferPointer { bases in
            bases.indices.dropLast().contains { index in
                guard let pair = PromptTables.pairIndex(bases[index], bases[index + 1]) else { return false }
                return tables.foreignPairs[pair] >= 0 && pair != ou
            }
        }
        return hasPair ? [foreign, tables.reading(values, bases, foreign: false)] : [foreign]
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
        func bytes(_ start: Int32, _ length: UInt8) -> LetterReading { .latin(Array(tables.latin[Int(start)..<Int(start) + Int(length)])) }
        let value = base(scalars[index])
        let next = index + 1 < scalars.count ? base(scalars[index + 1]) : nil
        if value == 0x0434, next == 0x0436 { return (bytes(tables.dzh, 1), 2) }  // дж: how Cyrillic writes j ("Джон")
        if let next, let pair = PromptTables.pairIndex(value, next) {
            if foreign && tables.foreignPairs[pair] >= 0 { return (bytes(tables.foreignPairs[pair], tables.foreignPairLengths[pair]), 2) }
            if tables.pairs[pair] >= 0 { return (bytes(tables.pairs[pair], tables.pairLengths[pair]), 2) }
        }
        if value >= 0x0370, value < 0x0530, tables.letters[Int(value - 0x0370)] >= 0 {
            return (bytes(tables.letters[Int(value - 0x0370)], tables.letterLengths[Int(value - 0x0370)]), 1)
        }
        let category = scalars[index].properties.generalCategory
        return (category == .nonspacingMark || category == .spacingMark ? .drop : .copy, 1)
    }
}

/// The letter tables, flat: a letter of the Greek and Cyrillic blocks (by its base, 0x0370 to 0x052F) to its Latin
/// bytes, and a pair of basic Greek letters (α to ω) to its digraph's, the same readings as
/// ``Transliteration/cyrillic``, ``Transliteration/greek`` and the pair tables. Each reading is a range of `latin`:
/// `start[i]` (−1 when there is none) to `start[i] + length[i]`.
struct PromptTables: Sendable {
    static let standard = PromptTables()
    /// Every reading's bytes, one after another.
    let latin: [UInt8]
    let letters: [Int32]
    let letterLengths: [UInt8]
    let pairs: [Int32]
    let pairLengths: [UInt8]
    let foreignPairs: [Int32]
    let foreignPairLengths: [UInt8]
    /// Per scalar of 0x0370 to 0x052F, then of 0x1F00 to 0x1FFF (``blockIndex(_:)``): whether it is a combining mark
    /// (dropped when no table reads it).
    let marks: [Bool]
    let dzh: Int32

    private init() {
        var latin: [UInt8] = []
        func store(_ text: String) -> (Int32, UInt8) {
            let start = Int32(latin.count)
            latin.append(contentsOf: text.utf8)
            return (start, UInt8(text.utf8.count))
        }
        var letters = [Int32](repeating: -1, count: 0x0530 - 0x0370)
        var letterLengths = [UInt8](repeating: 0, count: 0x0530 - 0x0370)
        for (value, reading) in Transliteration.cyrillic.merging(Transliteration.greek, uniquingKeysWith: { first, _ in first }).sorted(by: {
            $0.key < $1.key
        })
        where value >= 0x0370 && value < 0x0530 {
            (letters[Int(value - 0x0370)], letterLengths[Int(value - 0x0370)]) = store(reading)
        }
        func dense(_ codes: [UInt32: String]) -> ([Int32], [UInt8]) {
            var table = [Int32](repeating: -1, count: 25 * 25)
            var lengths = [UInt8](repeating: 0, count: 25 * 25)
            for (key, reading) in codes.sorted(by: { $0.key < $1.key }) {
                if let index = PromptTables.pairIndex(key >> 16, key & 0xFFFF) { (table[index], lengths[index]) = store(reading) }
            }
            return (table, lengths)
        }
        (pairs, pairLengths) = dense(Transliteration.greekPairCodes)
        (foreignPairs, foreignPairLengths) = dense(Transliteration.greekForeignPairCodes)
        dzh = store("j").0
        self.letters = letters
        self.letterLengths = letterLengths
        self.latin = latin
        let values = Array(UInt32(0x0370)..<0x0530) + Array(UInt32(0x1F00)..<0x2000)
        marks = values.map { value in
            guard let category = Unicode.Scalar(value)?.properties.generalCategory else { return false }
            return category == .nonspacingMark || category == .spacingMark
        }
    }

    /// Where the pair of basic Greek letters `first`, `second` (α to ω) is in the pair tables.
    @inline(__always)
    static func pairIndex(_ first: UInt32, _ second: UInt32) -> Int? {
        guard first >= 0x03B1, first <= 0x03C9, second >= 0x03B1, second <= 0x03C9 else { return nil }
        return Int(first - 0x03B1) * 25 + Int(second - 0x03B1)
    }

    /// Where a scalar of the Greek and Cyrillic blocks is in ``marks``.
    @inline(__always)
    static func blockIndex(_ value: UInt32) -> Int? {
        if value >= 0x0370 && value < 0x0530 { return Int(value - 0x0370) }
        if value >= 0x1F00 && value < 0x2000 { return Int(value - 0x1F00 + 0x01C0) }
        return nil
    }

    /// One reading of a prompt's scalars (`values`, and their ``base(_:)``), as UTF-8 bytes: a scalar of the output
    /// a span of the input, as ``Transliteration/promptReadings(_:)`` promises. A letter is read as
    /// ``Transliteration/readLetter(_:at:foreign:)`` reads it; any other scalar is copied, one scalar of the output
    /// whatever its length in UTF-8.
    func reading(_ values: [UInt32], _ bases: [UInt32], foreign: Bool) -> (text: String, starts: [Int32], ends: [Int32]) {
        // No letter reads as more than four bytes, and no scalar is more than four.
        let capacity = values.count * 4
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        // One span a scalar of the output: a Latin byte each, or a copied scalar whatever its length in UTF-8.
        let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        let ends = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        defer {
            output.deallocate()
            starts.deallocate()
            ends.deallocate()
        }
        var count = 0
        var spans = 0
        let (pairs, pairLengths) = foreign ? (foreignPairs, foreignPairLengths) : (self.pairs, self.pairLengths)
        self.latin.withUnsafeBufferPointer { latin in
            self.letters.withUnsafeBufferPointer { letters in
                values.withUnsafeBufferPointer { values in
                    bases.withUnsafeBufferPointer { bases in
                        var index = 0
                        while index < values.count {
                            let value = values[index]
                            var start: Int32 = -1
                            var length = 0
                            var consumed = 1
                            if Transliteration.isTableScript(value) {
                                let base = bases[index]
                                let next = index + 1 < values.count ? bases[index + 1] : 0
                                if base == 0x0434 && next == 0x0436 {
                                    // дж: how Cyrillic writes j ("Джон").
                                    (start, length, consumed) = (dzh, 1, 2)
                                } else if let pair = Self.pairIndex(base, next), pairs[pair] >= 0 || self.pairs[pair] >= 0 {
                                    (start, length, consumed) =
                                        pairs[pair] >= 0
                                        ? (pairs[pair], Int(pairLengths[pair]), 2) : (self.pairs[pair], Int(self.pairLengths[pair]), 2)
                                } else if base >= 0x0370 && base < 0x0530 && letters[Int(base - 0x0370)] >= 0 {
                                    (start, length) = (letters[Int(base - 0x0370)], Int(letterLengths[Int(base - 0x0370)]))
                                } else if let block = Self.blockIndex(value), marks[block] {
                                    // A mark no table reads is dropped.
                                    index += 1
                                    continue
                                }
                            }
                            if start >= 0 {
                                for offset in 0..<length {
                                    output[count] = latin[Int(start) + offset]
                                    starts[spans] = Int32(index)
                                    ends[spans] = Int32(index + consumed)
                                    count += 1
                                    spans += 1
                                }
                                index += consumed
                                continue
                            }
                            // Any other scalar is copied: one scalar of the output, whatever its length in UTF-8.
                            starts[spans] = Int32(index)
                            ends[spans] = Int32(index + 1)
                            spans += 1
                            if value < 0x80 {
                                output[count] = UInt8(value)
                                count += 1
                            } else if value < 0x800 {
                                output[count] = UInt8(0xC0 | (value >> 6))
                                output[count + 1] = UInt8(0x80 | (value & 0x3F))
                                count += 2
                            } else if value < 0x10000 {
                                output[count] = UInt8(0xE0 | (value >> 12))
                                output[count + 1] = UInt8(0x80 | ((value >> 6) & 0x3F))
                                output[count + 2] = UInt8(0x80 | (value & 0x3F))
                                count += 3
                            } else {
                                output[count] = UInt8(0xF0 | (value >> 18))
                                output[count + 1] = UInt8(0x80 | ((value >> 12) & 0x3F))
                                output[count + 2] = UInt8(0x80 | ((value >> 6) & 0x3F))
                                output[count + 3] = UInt8(0x80 | (value & 0x3F))
                                count += 4
                            }
                            index += 1
                        }
                    }
                }
            }
        }
        return (
            String(decoding: UnsafeBufferPointer(rebasing: output[0..<count]), as: UTF8.self),
            Array(UnsafeBufferPointer(rebasing: starts[0..<spans])),
            Array(UnsafeBufferPointer(rebasing: ends[0..<spans]))
        )
    }
}
