/// A prompt folded and split into words, with each word's place in the original text.
struct PromptScan {
    struct Token {
        var byteStart: Int32
        var byteEnd: Int32
        var scalarStart: Int32
        var scalarEnd: Int32
        var scalarCount: Int32
        var via: Via
        /// What stood between this word and the one before: nothing, one space, other white space, punctuation.
        var gap: Gap
        var hasLeetDigit: Bool
        var hasLetter: Bool
        var isASCII: Bool
        /// A run of a script written without spaces (``Folding/isUnspaced(_:)``): phrases are found inside it.
        var unspaced: Bool = false
        /// For an unspaced run: where its bytes' scalar offsets start in ``PromptScan/origins``.
        var originStart: Int32 = 0
        /// Whether a letter was written lower case (`AND` and `BREAK` are the generators' keywords, "and" is a word).
        var hasLower: Bool = false
        /// The punctuation of the gap before the word that generators' syntax uses (``Mark``).
        var mark: UInt8 = 0
        /// Whether the word holds a Cyrillic or Greek letter: the prompt's Latin reading (``Transliteration/promptReadings(_:)``)
        /// reads it again, through every view.
        var readAgain: Bool = false
    }

    /// Punctuation in a gap, as bits: what the syntax and insertion readings look for.
    enum Mark {
        static let open: UInt8 = 1
        static let close: UInt8 = 2
        static let colon: UInt8 = 4
        static let doubleColon: UInt8 = 8
        static let quote: UInt8 = 16
        static let period: UInt8 = 32
        static let hyphen: UInt8 = 64

        @inline(__always)
        static func of(_ value: UInt32) -> UInt8 {
            switch value {
            case 0x28, 0x5B, 0x7B, 0xFF08, 0xFF3B, 0xFF5B: open
            case 0x29, 0x5D, 0x7D, 0xFF09, 0xFF3D, 0xFF5D: close
            case 0x3A, 0xFF1A: colon
            case 0x22, 0x201C, 0x201D, 0x201E, 0x00AB, 0x00BB, 0x300C, 0x300D, 0x300E, 0x300F, 0xFF02: quote
            case 0x2E: period
            case 0x2D, 0x2010, 0x2011, 0x2012, 0x2013: hyphen
            default: 0
            }
        }
    }

    enum Gap: UInt8 {
        case none
        case space
        case whitespace
        case punctuation
        /// Punctuation that ends a fragment of a prompt (`,` `;` `:` `!` `?` `|` and their CJK forms): a phrase is
        /// not read across it, except a name written surname first ("Rutkowski, Greg").
        case boundary

        var isPunctuation: Bool { self == .punctuation || self == .boundary }
    }

    var bytes: [UInt8] = []
    /// Where the scan writes its folded bytes, ``maximumExpansion`` bytes a prompt byte; copied to ``bytes`` at the end.
    private var out = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var written = 0
    /// The most bytes a scalar folds to, a byte of its UTF-8 (U+FDF2, three bytes, folds to eight; checked for every
    /// scalar by `PromptScanTests`).
    static let maximumExpansion = 3
    var tokens: [Token] = []
    /// Whether the prompt holds `@` or `$`, which a second scan reads as letters.
    var sawLeetSymbol = false
    /// Whether the prompt holds Greek or Cyrillic letters, which the transliterated reading reads again.
    var sawOtherScript = false
    /// Per byte of an unspaced run, the offset of the scalar it came from.
    var origins: [Int32] = []
    /// Per byte of an unspaced run, beside ``origins``: whether a katakana word may start at that byte, or end just
    /// before it (the byte starts a scalar that begins the run, follows white space or `・`, or is or follows a
    /// character that is not katakana).
    var kanaBreaks: [Bool] = []
    /// Whether the last scalar of the open unspaced run was katakana, and whether the next follows a join.
    var lastKatakana = false
    var joined = false

    var open = false
    var current = Token(
        byteStart: 0,
        byteEnd: 0,
        scalarStart: 0,
        scalarEnd: 0,
        scalarCount: 0,
        via: [],
        gap: .none,
        hasLeetDigit: false,
        hasLetter: false,
        isASCII: true
    )
    var pendingVia = Via()
    /// A symbol followed the open word: it joins the word if a letter comes next, or acts as a space.
    var symbolPending = false
    /// An apostrophe followed the open word: dropped if a letter comes next ("Krasil'nikova", "O'Brien"), or
    /// punctuation.
    var apostrophePending = false
    var gapSpaces = 0
    var gapOther = false
    var gapBoundary = false
    var gapMark: UInt8 = 0
    var gapOddSpace = false
    var seenToken = false
    /// White space seen after an open unspaced run: it joins the run if another character of such a script
    /// follows, and parts words otherwise.
    var unspacedSpaces = 0
    var unspacedOddSpace = false
    var index: Int32 = 0
    let leetSymbols: Bool

    /// - Parameters:
    ///   - leetSymbols: read `@` and `$` as letters (`a`, `s`) rather than punctuation.
    ///   - fastLetters: add two-byte letters inside a word by ``FastLetter`` (off only in the test that checks it
    ///     reads as the general path does).
    init(prompt: String, leetSymbols: Bool, fastLetters: Bool = true) {
        self.leetSymbols = leetSymbols
        tokens.reserveCapacity(prompt.utf8.count / 4)
        var prompt = prompt
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prompt.utf8.count * Self.maximumExpansion + 8) { buffer in
            out = buffer
            prompt.withUTF8 { utf8 in
                if fastLetters {
                    Self.fastLetters.withUnsafeBufferPointer { scan(utf8, fastLetters: $0) }
                } else {
                    scan(utf8, fastLetters: UnsafeBufferPointer(start: nil, count: 0))
                }
            }
            close()
            bytes = Array(UnsafeBufferPointer(rebasing: buffer[0..<written]))
            out = UnsafeMutableBufferPointer(start: nil, count: 0)
        }
    }

    func gap() -> Gap {
        if !seenToken { return .none }
        if gapBoundary { return .boundary }
        if gapOther { return .punctuation }
        if gapSpaces == 1 && !gapOddSpace { return .space }
        return gapSpaces == 0 ? .none : .whitespace
    }

    @inline(__always)
    mutating func append(_ value: UInt32, via: Via) {
        let unspaced = value >= 0x0E00 && Folding.isUnspaced(value)
        if open && unspaced != current.unspaced {
            // A change between a script written without spaces and another parts words ("Yamazaki風").
            close()
        } else if open && unspacedSpaces > 0 {
            // White space between two characters of a script written without spaces: they join.
            unspacedSpaces = 0
            unspacedOddSpace = false
            current.via.insert(.spacing)
            joined = true
        }
        apostrophePending = false
        if symbolPending {
            // A symbol between two letters of a word: dropped, and said.
            symbolPending = false
            current.via.insert(.symbol)
        }
        if !open {
            open = true
            current = Token(
                byteStart: Int32(written),
                byteEnd: 0,
                scalarStart: index,
                scalarEnd: index + 1,
                scalarCount: 0,
                via: pendingVia,
                gap: gap(),
                hasLeetDigit: false,
                hasLetter: false,
                isASCII: true,
                unspaced: unspaced,
                originStart: Int32(origins.count),
                mark: gapMark
            )
            pendingVia = []
        }
        extend(value, via: via, unspaced: unspaced)
    }

    /// Adds `value` to the open word: what ``append(_:via:)`` does once the word is open and no pending state is left.
    @inline(__always)
    mutating func extend(_ value: UInt32, via: Via, unspaced: Bool) {
        current.via.formUnion(via)
        current.scalarEnd = index + 1
        current.scalarCount += 1
        if value < 0x80 {
            emit(UInt8(value))
            switch UInt8(value) {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "7"),
                UInt8(ascii: "@"), UInt8(ascii: "$"):
                current.hasLeetDigit = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                current.hasLetter = true
                if !via.contains(.caseFolded) { current.hasLower = true }
            default:
                break
            }
        } else {
            current.isASCII = false
            current.hasLetter = true
            current.hasLower = true
            if Transliteration.isTableScript(value) { current.readAgain = true }
            if unspaced {
                let count = value < 0x800 ? 2 : value < 0x10000 ? 3 : 4
                let katakana = value >= 0x30A1 && value <= 0x30FA
                kanaBreaks.append(current.scalarCount == 1 || joined || !katakana || !lastKatakana)
                for _ in 0..<count { origins.append(index) }
                for _ in 1..<count { kanaBreaks.append(false) }
                lastKatakana = katakana
                joined = false
            }
            if value < 0x800 {
                emit(UInt8(0xC0 | (value >> 6)))
                emit(UInt8(0x80 | (value & 0x3F)))
            } else if value < 0x10000 {
                emit(UInt8(0xE0 | (value >> 12)))
                emit(UInt8(0x80 | ((value >> 6) & 0x3F)))
                emit(UInt8(0x80 | (value & 0x3F)))
            } else {
                emit(UInt8(0xF0 | (value >> 18)))
                emit(UInt8(0x80 | ((value >> 12) & 0x3F)))
                emit(UInt8(0x80 | ((value >> 6) & 0x3F)))
                emit(UInt8(0x80 | (value & 0x3F)))
            }
        }
    }

    /// Writes one folded byte.
    @inline(__always)
    private mutating func emit(_ byte: UInt8) {
        precondition(written < out.count)
        out.baseAddress.unsafelyUnwrapped[written] = byte
        written += 1
    }

    mutating func close() {
        guard open else { return }
        open = false
        current.byteEnd = Int32(written)
        tokens.append(current)
        seenToken = true
        gapSpaces = unspacedSpaces
        gapOther = apostrophePending
        gapBoundary = false
        gapMark = 0
        apostrophePending = false
        gapOddSpace = unspacedOddSpace
        unspacedSpaces = 0
        unspacedOddSpace = false
        if symbolPending {
            // A symbol that ended a word stands between words: a space.
            symbolPending = false
            gapSpaces = 1
            gapOddSpace = true
        }
    }

    /// Punctuation that ends a fragment of a prompt: `,` `;` `:` `!` `?` `|`, and the CJK comma, enumeration comma,
    /// full stop and their fullwidth forms.
    @inline(__always)
    static func endsFragment(_ value: UInt32) -> Bool {
        switch value {
        case 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x7C, 0x3001, 0x3002, 0xFF0C, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F: true
        default: false
        }
    }

    /// Whether the bytes at `offset` are an `s` that ends a word: after an apostrophe, a possessive ("Mucha's").
    @inline(__always)
    static func isPossessiveEnding(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset < utf8.count, utf8[offset] | 0x20 == UInt8(ascii: "s") else { return false }
        guard offset + 1 < utf8.count else { return true }
        let next = utf8[offset + 1] | 0x20
        return next < 0x80 && !(next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z"))
    }

    mutating func apostrophe(possessive: Bool) {
        if open && !symbolPending && !possessive {
            apostrophePending = true
        } else {
            close()
            gapOther = true
        }
    }

    /// White space: it ends the open word, unless that word is a run of a script written without spaces, which the
    /// next character may continue.
    @inline(__always)
    mutating func space(odd: Bool) {
        if open && current.unspaced && !symbolPending {
            unspacedSpaces += 1
            unspacedOddSpace = unspacedOddSpace || odd
            return
        }
        close()
        gapSpaces += 1
        if odd { gapOddSpace = true }
    }

    /// The rest of an ASCII word whose first letter was just appended: the word is open, of a spaced script, and in
    /// no pending state, so each further letter or digit only extends it (what ``append(_:via:)`` would do, without
    /// its checks; most of a prompt's bytes come this way).
    @inline(__always)
    mutating func extendASCIIWord(_ utf8: UnsafeBufferPointer<UInt8>, _ offset: inout Int) {
        let from = offset
        var lower = false
        var upper = false
        var leet = false
        while offset < utf8.count {
            let byte = utf8[offset]
            if byte >= 0x61 && byte <= 0x7A {
                lower = true
            } else if byte >= 0x41 && byte <= 0x5A {
                upper = true
            } else if byte >= 0x30 && byte <= 0x39 {
                if byte != 0x32 && byte != 0x36 && byte != 0x38 && byte != 0x39 { leet = true }
            } else {
                break
            }
            offset += 1
        }
        guard offset > from else { return }
        precondition(written + offset - from <= out.count)
        let target = out.baseAddress.unsafelyUnwrapped + written
        if upper {
            current.via.insert(.caseFolded)
            for position in from..<offset {
                let byte = utf8[position]
                target[position - from] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
        } else {
            target.update(from: utf8.baseAddress.unsafelyUnwrapped + from, count: offset - from)
        }
        written += offset - from
        if lower || upper { current.hasLetter = true }
        if lower { current.hasLower = true }
        if leet { current.hasLeetDigit = true }
        let added = Int32(offset - from)
        index += added
        current.scalarEnd = index
        current.scalarCount += added
    }

    /// A scalar of two UTF-8 bytes (U+0080 to U+07FF: Latin letters with marks, Greek, Cyrillic, Armenian, Hebrew,
    /// Arabic) that folds to one or two scalars below U+0800, none of them in a script written without spaces: its
    /// targets and via, for ``scan(_:)`` to add inside an open word without asking ``Folding`` (a Greek or Cyrillic
    /// prompt's letters mostly come this way). `count` 0: not such a scalar.
    struct FastLetter {
        var first: UInt16 = 0
        var second: UInt16 = 0
        var count: UInt8 = 0
        var via = Via()
    }

    static let fastLetters: [FastLetter] = (UInt32(0x80)..<0x800).map { value in
        guard !Folding.isApostrophe(value) else { return FastLetter() }
        switch Folding.kind(of: value) {
        case .identity:
            return FastLetter(first: UInt16(value), count: 1)
        case .mapped:
            let (targets, via) = Folding.mapped(value)
            guard targets.count >= 1, targets.count <= 2, targets.allSatisfy({ $0 < 0x800 }) else { return FastLetter() }
            return FastLetter(first: UInt16(targets.first!), second: UInt16(targets.last!), count: UInt8(targets.count), via: via)
        default:
            return FastLetter()
        }
    }

    mutating func scan(_ utf8: UnsafeBufferPointer<UInt8>, fastLetters: UnsafeBufferPointer<FastLetter>) {
        var offset = 0
        let count = utf8.count
        while offset < count {
            let lead = utf8[offset]
            if lead < 0x80 {
                offset += 1
                let value = UInt32(lead)
                if value >= 0x61 && value <= 0x7A || value >= 0x30 && value <= 0x39 || value >= 0x41 && value <= 0x5A {
                    let upper = value <= 0x5A && value >= 0x41
                    append(upper ? value + 0x20 : value, via: upper ? .caseFolded : [])
                    index += 1
                    extendASCIIWord(utf8, &offset)
                    continue
                } else if value == 0x40 || value == 0x24 {
                    sawLeetSymbol = true
                    if leetSymbols {
                        append(value, via: [])
                    } else {
                        close()
                        gapOther = true
                    }
                } else if value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D {
                    space(odd: value != 0x20)
                } else if value == 0x27 {
                    apostrophe(possessive: Self.isPossessiveEnding(utf8, at: offset))
                } else {
                    close()
                    gapOther = true
                    gapMark |= Mark.of(value)
                    if value == 0x3A && (offset < count && utf8[offset] == 0x3A || offset >= 2 && utf8[offset - 2] == 0x3A) {
                        // "::" is Midjourney's weight, not the end of a fragment.
                        gapMark |= Mark.doubleColon
                    } else if Self.endsFragment(value) {
                        gapBoundary = true
                    }
                }
            } else {
                if lead >= 0xC2 && lead < 0xE0 && open && !symbolPending && unspacedSpaces == 0 && !current.unspaced && !fastLetters.isEmpty {
                    // A letter of two bytes inside an open word (``FastLetter``): what `append` would do, without its checks.
                    let value = UInt32(lead & 0x1F) << 6 | UInt32(utf8[offset + 1] & 0x3F)
                    let letter = fastLetters[Int(value - 0x80)]
                    if letter.count > 0 {
                        offset += 2
                        if Transliteration.isTableScript(value) { sawOtherScript = true }
                        apostrophePending = false
                        extend(UInt32(letter.first), via: letter.via, unspaced: false)
                        if letter.count == 2 { extend(UInt32(letter.second), via: letter.via, unspaced: false) }
                        index += 1
                        continue
                    }
                }
                let value = decodeMultibyteScalar(utf8, lead: lead, at: &offset)
                if Transliteration.isTableScript(value) { sawOtherScript = true }
                if Folding.isApostrophe(value) {
                    apostrophe(possessive: Self.isPossessiveEnding(utf8, at: offset))
                    index += 1
                    continue
                }
                let kind = Folding.kind(of: value)
                switch kind {
                case .identity:
                    append(value, via: [])
                    index += 1
                    continue
                case .mapped:
                    let (targets, via) = Folding.mapped(value)
                    for target in targets { append(target, via: via) }
                    index += 1
                    continue
                case .droppedMark, .droppedInvisible:
                    let via: Via = kind == .droppedMark ? .marks : .invisible
                    if open { current.via.formUnion(via) } else { pendingVia.formUnion(via) }
                    index += 1
                    continue
                case .space:
                    space(odd: true)
                    index += 1
                    continue
                case .punctuation:
                    close()
                    gapOther = true
                    gapMark |= Mark.of(value)
                    if Self.endsFragment(value) { gapBoundary = true }
                    index += 1
                    continue
                case .symbol:
                    if open {
                        symbolPending = true
                    } else {
                        gapSpaces += 1
                        gapOddSpace = true
                    }
                    index += 1
                    continue
                case .slow:
                    break
                }
                switch Folding.fold(Unicode.Scalar(value) ?? "\u{FFFD}") {
                case .word(let targets, let via):
                    for target in targets { append(target, via: via) }
                case .dropped(let via):
                    if open { current.via.formUnion(via) } else { pendingVia.formUnion(via) }
                case .separator(let isSpace):
                    if isSpace {
                        space(odd: true)
                    } else {
                        close()
                        gapOther = true
                        gapMark |= Mark.of(value)
                    }
                }
            }
            index += 1
        }
    }
}
