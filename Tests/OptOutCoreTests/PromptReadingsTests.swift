import Testing

@testable import OptOutCore

/// The prompt's Latin readings come from flat tables on the hot path; they must read every letter as the per-letter
/// reading (`Transliteration.readLetter`) does, with the same spans.
@Suite struct PromptReadingsTests {
    /// The reading letter by letter, as it was written before the flat tables.
    func letterByLetter(_ prompt: String, foreign: Bool) -> (text: String, starts: [Int32], ends: [Int32]) {
        let scalars = Array(prompt.unicodeScalars)
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        var index = 0
        func copy(_ scalar: Unicode.Scalar) {
            bytes += Array(String(scalar).utf8)
            starts.append(Int32(index))
            ends.append(Int32(index + 1))
        }
        while index < scalars.count {
            guard Transliteration.isTableScript(scalars[index].value) else {
                copy(scalars[index])
                index += 1
                continue
            }
            let (reading, consumed) = Transliteration.readLetter(scalars, at: index, foreign: foreign)
            switch reading {
            case .latin(let latin):
                bytes += latin
                for _ in latin {
                    starts.append(Int32(index))
                    ends.append(Int32(index + consumed))
                }
            case .copy: copy(scalars[index])
            case .drop: break
            }
            index += consumed
        }
        return (String(decoding: bytes, as: UTF8.self), starts, ends)
    }

    @Test func namesReadAsBefore() {
        let readings = Transliteration.promptReadings("Джон Νορμπέρτ, кошка")
        #expect(readings.map(\.text) == ["jon norbert, koshka", "jon normpert, koshka"])
        #expect(Transliteration.promptReadings("plain Latin, 新海誠").isEmpty)
        // ου alone does not ask for a second reading.
        #expect(Transliteration.promptReadings("Λούβρο").map(\.text) == ["luvro"])
    }

    @Test func everyLetterReadsAsTheLetterByLetterReading() {
        // Cyrillic and Greek blocks (accented, extended, marks, final sigma), with Latin, Han, emoji and spaces.
        let pool: [UInt32] =
            Array(0x0370..<0x0530) + Array(0x1F00..<0x2000) + Array(0x03B1...0x03C9) + Array(0x03B1...0x03C9) + [0x0483, 0x0301, 0x0308]
            + Array(0x61...0x7A) + [0x20, 0x2C, 0x4E00, 0x1F600, 0x00E9, 0x0436, 0x0434, 0x0434]
        var random = SplitMix64(seed: 77)
        for _ in 0..<3_000 {
            let length = Int(random.next() % 24) + 1
            var text = String.UnicodeScalarView()
            for _ in 0..<length {
                if let scalar = Unicode.Scalar(pool[Int(random.next() % UInt64(pool.count))]) { text.append(scalar) }
            }
            let prompt = String(text)
            let readings = Transliteration.promptReadings(prompt)
            let scalars = Array(prompt.unicodeScalars)
            guard scalars.contains(where: { Transliteration.isTableScript($0.value) }) else {
                #expect(readings.isEmpty)
                continue
            }
            let foreign = letterByLetter(prompt, foreign: true)
            #expect(readings.first?.text == foreign.text, "\(prompt.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(readings.first?.starts == foreign.starts)
            #expect(readings.first?.ends == foreign.ends)
            if readings.count == 2 {
                let standard = letterByLetter(prompt, foreign: false)
                #expect(readings[1].text == standard.text)
                #expect(readings[1].starts == standard.starts)
                #expect(readings[1].ends == standard.ends)
            }
            // A second reading exactly when a foreign digraph other than ου is in the prompt.
            let bases = scalars.map(Transliteration.base)
            let hasForeignPair = zip(bases, bases.dropFirst()).contains { pair in
                ["μπ", "ντ", "γκ", "τζ"].contains(String(String.UnicodeScalarView([pair.0, pair.1].compactMap(Unicode.Scalar.init))))
            }
            #expect((readings.count == 2) == hasForeignPair, "\(prompt)")
        }
    }
}
