import Testing

@testable import OptOutCore

/// The prompt scan writes its folded bytes into a buffer sized from the prompt (``PromptScan/maximumExpansion``).
@Suite struct PromptScanTests {
    /// No scalar folds to more than ``PromptScan/maximumExpansion`` bytes a byte of its UTF-8, so a buffer of that
    /// many bytes a prompt byte always holds the scan.
    @Test func noScalarFoldsToMoreBytesThanTheBoundAllows() {
        var worst = 0.0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            let scan = PromptScan(prompt: text, leetSymbols: true)
            let ratio = Double(scan.bytes.count) / Double(text.utf8.count)
            worst = max(worst, ratio)
        }
        #expect(worst <= Double(PromptScan.maximumExpansion))
        #expect(worst > 2, "the bound is tight: U+FDF2 folds to eight bytes")
    }
}

extension PromptScanTests {
    /// Every scalar of two UTF-8 bytes, at the start, inside and at the end of a word, after an apostrophe, a symbol
    /// or white space: the scan with ``PromptScan/FastLetter`` gives the same words, bytes and flags as without.
    @Test func fastLettersReadAsTheGeneralPathDoes() {
        func summary(_ scan: PromptScan) -> [String] {
            scan.tokens.map { token in
                let word = scan.bytes[Int(token.byteStart)..<Int(token.byteEnd)].map { String($0) }.joined(separator: ".")
                return [
                    word, "\(token.scalarStart)-\(token.scalarEnd)/\(token.scalarCount)", "\(token.via.rawValue)", "\(token.gap)",
                    "\(token.hasLeetDigit)\(token.hasLetter)\(token.isASCII)\(token.hasLower)\(token.readAgain)\(token.unspaced)",
                    "\(token.mark)",
                ].joined(separator: " ")
            } + ["\(scan.sawOtherScript) \(scan.sawLeetSymbol)"]
        }
        var differences: [String] = []
        var fast = 0
        for value in UInt32(0x80)..<0x800 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if PromptScan.fastLetters[Int(value - 0x80)].count > 0 { fast += 1 }
            let letter = String(scalar)
            for text in [
                "ab\(letter)cd", "a\(letter)", "\(letter)b", "Gr\(letter)\(letter)g R", "o'\(letter)x", "a🎨\(letter)b", "新\(letter)a",
                "新 \(letter)", "x\u{0301}\(letter)", "ДЖ\(letter)", "a-\(letter)", "A\(letter)\(letter)",
            ] {
                let general = summary(PromptScan(prompt: text, leetSymbols: false, fastLetters: false))
                if summary(PromptScan(prompt: text, leetSymbols: false)) != general { differences.append(text) }
            }
        }
        #expect(fast > 1_000, "most two-byte letters take the fast path")
        #expect(differences.isEmpty, "\(differences.prefix(10))")
    }
}
