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
