// The prompt gate's matcher benchmark: build time, bytes per phrase and check latency for 10k, 100k and 1M
// name-like phrases, on prompts of about 260 bytes made from real prompt fragments.
//
// Usage: optout-bench [--sizes 10000,100000,1000000] [--prompts N] [--dump DIR] [--eval DIR] [--scripts]
//        [--phrases FILE] [--budget-corpora FILE,FILE...] [--adversarial] [--without VIEW,...] [--no-japanese-names] [--no-quiet-words]
//        [--profile-script latin|cyrillic|greek|unspaced] [--profile-repeat N] [--profile-prompt FILE]
// With --dump, writes phrases-N.txt and prompts.txt for scripts/bench-matcher.sh to feed ahocorasick-rs.
import Foundation
import OptOutCore

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// One check, kept out of line so that a profiler can count it alone (`--profile-script`).
@inline(never)
func profiledCheck(_ matcher: PhraseMatcher, _ prompt: String, _ views: Views) -> Int {
    matcher.matches(in: prompt, views: views).count
}

func argument(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
    return CommandLine.arguments[index + 1]
}

let cyrillic: [Character: String] = [
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й", "k": "к", "l": "л", "m": "м",
    "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
]
let greek: [Character: String] = [
    "a": "α", "b": "β", "c": "κ", "d": "δ", "e": "ε", "f": "φ", "g": "γ", "h": "χ", "i": "ι", "j": "ι", "k": "κ", "l": "λ", "m": "μ",
    "n": "ν", "o": "ο", "p": "π", "q": "κ", "r": "ρ", "s": "σ", "t": "τ", "u": "υ", "v": "β", "w": "β", "x": "ξ", "y": "υ", "z": "ζ",
]

/// Latin text in Cyrillic or Greek letters, letter by letter.
func otherLetters(_ text: String, _ table: [Character: String]) -> String {
    text.map { character in
        let lower = Character(character.lowercased())
        guard let other = table[lower] else { return String(character) }
        return character.isUppercase ? other.uppercased() : other
    }.joined()
}

func runBenchmark() {
    let sizes = (argument("--sizes") ?? "10000,100000,1000000").split(separator: ",").compactMap { Int($0) }
    let promptCount = Int(argument("--prompts") ?? "20000") ?? 20000
    let evalDirectory = argument("--eval") ?? "Tests/OptOutCoreTests/Eval"
    let dumpDirectory = argument("--dump")
    var random = SplitMix64(seed: 20_261_126)

    // Name-like phrases: a first name and a surname made of syllables, about 15 bytes.
    let firstNames = [
        "anna", "boris", "clara", "david", "elena", "felix", "greta", "hugo", "irene", "jonas", "karin", "lucas", "maria", "nadia",
        "oscar", "paula", "quinn", "rosa", "simon", "tara", "ugo", "vera", "walter", "xenia", "yusuf", "zora", "akira", "bea",
        "carlo", "dina", "emil", "fatima", "gil", "hana", "ivan", "jade", "kofi", "lena", "mika", "nils",
    ]
    let syllables = [
        "ka", "ro", "vel", "min", "dor", "tas", "qui", "len", "bar", "sho", "zen", "fri", "mok", "ula", "pre", "gan", "tor", "wis",
        "nak", "lio", "ber", "cha", "dun", "esk", "fal", "gro", "hil", "jor", "kin", "lum", "mar", "nov", "ost", "pal", "rav",
    ]
    func surname() -> String {
        (0..<Int.random(in: 2...3, using: &random)).map { _ in syllables.randomElement(using: &random)! }.joined()
    }
    // With --scripts, one phrase in ten is written in another script: Cyrillic or Greek letters for the same
    // syllables, or three Hangul or Han characters.
    let scripts = CommandLine.arguments.contains("--scripts")
    func makePhrases(_ count: Int) -> [String] {
        var seen = Set<String>()
        var phrases: [String] = []
        phrases.reserveCapacity(count)
        while phrases.count < count {
            let first = firstNames.randomElement(using: &random)!
            var name = "\(first.prefix(1).uppercased())\(first.dropFirst()) \(surname().capitalized)"
            if scripts && phrases.count % 10 == 9 {
                switch phrases.count / 10 % 4 {
                case 0: name = otherLetters(name, cyrillic)
                case 1: name = otherLetters(name, greek)
                // A family name of the twenty most common, and a given name of two characters.
                case 2:
                    name =
                        String("김이박최정강조윤장임한오서신권황안송류홍".randomElement(using: &random)!)
                        + String(String.UnicodeScalarView((0..<2).map { _ in Unicode.Scalar(UInt32.random(in: 0xAC00...0xD7A3, using: &random))! }))
                default:
                    name =
                        String("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗".randomElement(using: &random)!)
                        + String(String.UnicodeScalarView((0..<2).map { _ in Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &random))! }))
                }
            }
            if seen.insert(name.lowercased()).inserted { phrases.append(name) }
        }
        return phrases
    }

    // Prompts of about 260 bytes from the dev set's ordinary prompts; one in ten also names a registered phrase.
    let ordinaryURL = URL(fileURLWithPath: evalDirectory).appendingPathComponent("ordinary.jsonl")
    guard let ordinaryData = try? Data(contentsOf: ordinaryURL) else {
        FileHandle.standardError.write(Data("optout-bench: cannot read \(ordinaryURL.path); run from the repository root\n".utf8))
        exit(1)
    }
    struct Row: Decodable { let prompt: String }
    let fragments = ordinaryData.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(Row.self, from: Data($0)).prompt }
        .flatMap { $0.components(separatedBy: ", ") }
    func makePrompts(_ count: Int, naming phrases: [String]) -> [String] {
        (0..<count).map { index in
            var prompt = ""
            var named = index % 10 != 0
            while prompt.utf8.count < 250 {
                if !named && prompt.utf8.count > 120 {
                    prompt += ", art by " + phrases.randomElement(using: &random)!
                    named = true
                }
                let fragment = fragments.randomElement(using: &random)!
                prompt += prompt.isEmpty ? fragment : ", " + fragment
            }
            return String(decoding: prompt.utf8.prefix(260), as: UTF8.self)
        }
    }

    // The server's word lists, read as it reads them (comments left out).
    func list(_ name: String) -> [String] {
        WordListText.entries((try? String(contentsOfFile: "Sources/OptOutServer/Resources/\(name).txt", encoding: .utf8)) ?? "")
    }
    let dictionary = list("english-words")
    // As the server builds them: English words and the everyday words, in their own letters, of the languages read in
    // Latin ones (Resources/world-words.txt).
    let worldWords = list("world-words")
    // And the readings of Japanese names: kanji names in romaji, Latin names in katakana (--no-japanese-names: without).
    let japaneseNames =
        CommandLine.arguments.contains("--no-japanese-names")
        ? JapaneseNames.none
        : JapaneseNames(lines: WordListText.substrings(list("kanji-name-readings") + list("katakana-names")))
    // And the single words of ordinary prompts, for the matcher's quiet words, as the server passes them
    // (--no-quiet-words: without).
    let promptWords =
        CommandLine.arguments.contains("--no-quiet-words")
        ? []
        : OrdinaryWords.promptWordCandidates(promptWords: list("prompt-words"), booruTags: list("booru-tags"), worldWords: worldWords)
    let ordinary = OrdinaryWords(
        dictionary,
        otherLanguages: OrdinaryWords.readLanguageWords(WordListText.substrings(worldWords)),
        japaneseNames: japaneseNames,
        promptWords: promptWords
    )
    print("ordinary words: \(ordinary.count); prompt fragments: \(fragments.count)")
    var views: Views = CommandLine.arguments.contains("--exact-words-only") ? .exactWords : .all
    // --without phonetic,fuzzy,...: what one view costs.
    let named: [String: Views] = [
        "leet": .leet, "fuzzy": .fuzzy, "run-together": .runTogether, "spaced-out": .spacedOut, "forms": .forms, "phonetic": .phonetic,
        "transliteration": .transliteration,
    ]
    for name in (argument("--without") ?? "").split(separator: ",") { views.subtract(named[String(name)] ?? []) }
    print(
        "views: \(views == .all ? "all (leet, fuzzy, run-together, spaced-out, forms, phonetic, transliteration)" : views == .exactWords ? "exact words only" : "all but --without \(argument("--without") ?? "")")"
    )
    print("phrases     build s   table B/phrase   RSS B/phrase   p50 us   p99 us   mean us   checks/s   blocked")

    // --phrases FILE: real-looking names (one a line) registered beside the generated ones, e.g. the 20,000 names
    // in 24 locales of scripts/make-budget-corpora.py.
    let extra = argument("--phrases").flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }?.split(separator: "\n").map(String.init) ?? []
    if !extra.isEmpty { print("also registered: \(extra.count) names from \(argument("--phrases")!)") }
    for size in sizes {
        let phrases = makePhrases(max(size - extra.count, 0)) + extra
        let prompts = makePrompts(promptCount, naming: phrases)
        if let dumpDirectory {
            try? phrases.joined(separator: "\n").write(toFile: "\(dumpDirectory)/phrases-\(size).txt", atomically: true, encoding: .utf8)
            try? prompts.joined(separator: "\n").write(toFile: "\(dumpDirectory)/prompts-\(size).txt", atomically: true, encoding: .utf8)
        }
        let rssBefore = residentBytes()
        let clock = ContinuousClock()
        let buildStart = clock.now
        let matcher = PhraseMatcher(phrases: phrases, ordinaryWords: ordinary)
        let buildTime = clock.now - buildStart
        let rssAfter = residentBytes()

        // Warm up, then time each check on its own.
        for prompt in prompts.prefix(1000) { _ = matcher.matches(in: prompt, views: views) }
        var latencies: [Double] = []
        latencies.reserveCapacity(prompts.count)
        var blocked = 0
        let runStart = clock.now
        for prompt in prompts {
            let start = clock.now
            let found = matcher.matches(in: prompt, views: views)
            let elapsed = clock.now - start
            latencies.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            if !found.isEmpty { blocked += 1 }
        }
        let runTime = clock.now - runStart
        latencies.sort()
        let runSeconds = Double(runTime.components.seconds) + Double(runTime.components.attoseconds) / 1e18
        let buildSeconds = Double(buildTime.components.seconds) + Double(buildTime.components.attoseconds) / 1e18
        print(
            String(
                format: "%8d   %7.3f   %14.1f   %12.1f   %6.2f   %6.2f   %7.2f   %8.0f   %7d",
                size,
                buildSeconds,
                Double(matcher.memoryBytes) / Double(size),
                Double(rssAfter - rssBefore) / Double(size),
                latencies[latencies.count / 2],
                latencies[latencies.count * 99 / 100],
                latencies.reduce(0, +) / Double(latencies.count),
                Double(prompts.count) / runSeconds,
                blocked
            )
        )
        print("  quiet words (prompt words the costly views skip): \(matcher.quietWordCount)")
        // The work budget: what typical prompts spend of it, and how many ran out (each would be refused).
        var spent: [Double] = []
        var exhausted = 0
        for prompt in prompts {
            let result = matcher.search(prompt, views: views)
            let allowance = PhraseMatcher.workBudget(bytes: prompt.utf8.count)
            spent.append(Double(result.work) / Double(allowance))
            if !result.complete { exhausted += 1 }
        }
        spent.sort()
        print(
            String(
                format: "  work budget spent by typical prompts: p50 %.1f%%, p99 %.1f%%, max %.1f%%; %d of %d ran out",
                spent[spent.count / 2] * 100,
                spent[spent.count * 99 / 100] * 100,
                spent.last! * 100,
                exhausted,
                prompts.count
            )
        )
        // --profile-prompt FILE: check the file's text 20 times through `profiledCheck`, for a profiler to count.
        if let file = argument("--profile-prompt"), let text = try? String(contentsOfFile: file, encoding: .utf8) {
            _ = matcher.search("warm", views: views)
            var found = 0
            for _ in 0..<20 { found += profiledCheck(matcher, text, views) }
            print("profiled \(file) 20 times: \(found) matches")
            exit(0)
        }
        if scripts {
            // Prompts in other scripts: the same fragments in Cyrillic or Greek letters, or Han, kana and Hangul text
            // from the world dev set, one in ten naming a registered phrase of another script.
            let worldURL = URL(fileURLWithPath: evalDirectory).appendingPathComponent("world/ordinary.jsonl")
            let unspaced = ((try? Data(contentsOf: worldURL)) ?? Data()).split(separator: UInt8(ascii: "\n"))
                .compactMap { try? JSONDecoder().decode(Row.self, from: Data($0)).prompt }
                .filter { $0.unicodeScalars.contains { Folding.isUnspaced($0.value) } }
            let others = phrases.enumerated().filter { $0.offset % 10 == 9 }.map(\.element)
            // The Latin prompts they are written from name a registered phrase one time in ten, as the Latin prompts
            // measured above do.
            let latinSources = makePrompts(promptCount, naming: phrases)
            var otherPrompts: [String] = []
            for index in 0..<promptCount {
                var prompt: String
                switch index % 3 {
                case 0: prompt = otherLetters(latinSources[index].lowercased(), cyrillic)
                case 1: prompt = otherLetters(latinSources[index].lowercased(), greek)
                default: prompt = (0..<4).map { _ in unspaced.randomElement(using: &random) ?? "新海誠風の夕焼け" }.joined(separator: "、")
                }
                if index % 10 == 0, let name = others.randomElement(using: &random) { prompt += ", " + name }
                otherPrompts.append(String(String.UnicodeScalarView(prompt.unicodeScalars.prefix(200))))
            }
            // --profile-script latin|cyrillic|greek|unspaced: check that kind's prompts through `profiledCheck`, for a
            // profiler to count: `valgrind --tool=callgrind --toggle-collect='*profiledCheck*'`.
            if let kind = argument("--profile-script") {
                let chosen =
                    kind == "latin"
                    ? prompts : otherPrompts.enumerated().filter { $0.offset % 3 == (["cyrillic": 0, "greek": 1][kind] ?? 2) }.map(\.element)
                _ = matcher.search(chosen[0], views: views)
                var found = 0
                // --profile-repeat N: check them N times, for a sampling profiler (`perf record`) to see past the build.
                for _ in 0..<(Int(argument("--profile-repeat") ?? "1") ?? 1) {
                    for prompt in chosen.prefix(1000) { found += profiledCheck(matcher, prompt, views) }
                }
                print("profiled \(min(chosen.count, 1000)) \(kind) prompts: \(found) matches")
                exit(0)
            }
            var otherLatencies: [Double] = []
            var byKind: [[Double]] = [[], [], []]
            var otherBlocked = 0
            for prompt in otherPrompts.prefix(1000) { _ = matcher.matches(in: prompt, views: views) }
            for (index, prompt) in otherPrompts.enumerated() {
                let start = clock.now
                let found = matcher.matches(in: prompt, views: views)
                let elapsed = clock.now - start
                let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
                otherLatencies.append(micros)
                byKind[index % 3].append(micros)
                if !found.isEmpty { otherBlocked += 1 }
            }
            otherLatencies.sort()
            let kindP50 = byKind.map { kind in kind.sorted()[kind.count / 2] }
            // Real text in those alphabets: the world dev set's ordinary prompts (Faker's words of their languages)
            // that are mostly Cyrillic or Greek, cut to 200 scalars as above, each checked 20 times.
            let world = ((try? Data(contentsOf: worldURL)) ?? Data()).split(separator: UInt8(ascii: "\n"))
                .compactMap { try? JSONDecoder().decode(Row.self, from: Data($0)).prompt }
            func mostly(_ prompt: String, _ range: ClosedRange<UInt32>) -> Bool {
                let letters = prompt.unicodeScalars.filter { $0.properties.isAlphabetic }
                return letters.count >= 20 && letters.filter { range.contains($0.value) }.count * 2 > letters.count
            }
            var realP50: [Double] = []
            for range: ClosedRange<UInt32> in [0x0400...0x04FF, 0x0370...0x03FF] {
                let texts = world.filter { mostly($0, range) }.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(200))) }
                var timings: [Double] = []
                for _ in 0..<20 {
                    for text in texts {
                        let start = clock.now
                        _ = matcher.matches(in: text, views: views)
                        let elapsed = clock.now - start
                        timings.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
                    }
                }
                timings.sort()
                realP50.append(timings.isEmpty ? 0 : timings[timings.count / 2])
            }
            let bytes = otherPrompts.reduce(0) { $0 + $1.utf8.count } / max(otherPrompts.count, 1)
            print(
                String(
                    format: "  non-Latin prompts (%d, about %d bytes; Cyrillic, Greek, Han/kana/Hangul): p50 %.2f us, p99 %.2f us, %d blocked",
                    otherPrompts.count,
                    bytes,
                    otherLatencies[otherLatencies.count / 2],
                    otherLatencies[otherLatencies.count * 99 / 100],
                    otherBlocked
                )
            )
            print(
                String(
                    format: "    p50 by script: Cyrillic %.2f us, Greek %.2f us, Han/kana/Hangul %.2f us; per byte, against Latin: %.2fx",
                    kindP50[0],
                    kindP50[1],
                    kindP50[2],
                    (otherLatencies[otherLatencies.count / 2] / Double(max(bytes, 1))) / (latencies[latencies.count / 2] / 260)
                )
            )
            print(
                String(
                    format:
                        "    real Cyrillic and Greek text (world set, up to 200 scalars): p50 %.2f us and %.2f us, %.2fx and %.2fx a Latin prompt",
                    realP50[0],
                    realP50[1],
                    realP50[0] / latencies[latencies.count / 2],
                    realP50[1] / latencies[latencies.count / 2]
                )
            )
        }
        if let corpora = argument("--budget-corpora") {
            budgetHeadroom(matcher: matcher, views: views, files: corpora.split(separator: ",").map(String.init))
        }
        if CommandLine.arguments.contains("--adversarial") {
            adversarial(matcher: matcher, phrases: phrases, views: views, typicalP50: latencies[latencies.count / 2])
        }
        withExtendedLifetime(matcher) {}
    }
}

/// The work budget's headroom on ordinary text: for each corpus (a file of one prompt a line, or JSON lines with a
/// `prompt`), the share of its budget a prompt spends (p50, p99, max) and how many ran out, by script.
func budgetHeadroom(matcher: PhraseMatcher, views: Views, files: [String]) {
    struct Row: Decodable { let prompt: String }
    print("  work budget on ordinary text (share of the prompt's budget spent; work units a byte at the max)")
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else {
            print("    \(file): cannot read")
            continue
        }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let prompts: [String] = lines.compactMap { line in
            if line.first == UInt8(ascii: "{") { return try? JSONDecoder().decode(Row.self, from: Data(line)).prompt }
            return String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\\n", with: "\n")
        }.filter { !$0.isEmpty }
        var shares: [Double] = []
        var perByte = 0.0
        var ranOut = 0
        var bytes = 0
        for prompt in prompts {
            let result = matcher.search(prompt, views: views)
            let budget = PhraseMatcher.workBudget(bytes: prompt.utf8.count)
            shares.append(Double(result.work) / Double(budget))
            perByte = max(perByte, Double(result.work) / Double(max(prompt.utf8.count, 1)))
            bytes += prompt.utf8.count
            if !result.complete { ranOut += 1 }
        }
        guard !shares.isEmpty else { continue }
        shares.sort()
        print(
            String(
                format: "    %-34@ %6d prompts, %5d B mean: p50 %5.1f%%  p99 %5.1f%%  max %5.1f%% (%4.1f a byte); %d ran out",
                (file as NSString).lastPathComponent as NSString,
                shares.count,
                bytes / shares.count,
                shares[shares.count / 2] * 100,
                shares[shares.count * 99 / 100] * 100,
                shares.last! * 100,
                perByte,
                ranOut
            )
        )
    }
}

/// Prompts of at most 4,000 scalars built to make the matcher work hard, each timed (median of repeated checks)
/// beside the typical prompt's p50.
func adversarial(matcher: PhraseMatcher, phrases: [String], views: Views, typicalP50: Double) {
    func repeated(_ unit: String, _ limit: Int = 4000) -> String {
        var text = ""
        var count = 0
        let size = unit.unicodeScalars.count
        while count + size <= limit {
            text += unit
            count += size
        }
        return text
    }
    let longest = phrases.max { $0.count < $1.count } ?? "Anna Karo"
    let spacedLongest = longest.map { String($0) }.joined(separator: " ")
    let nearName = String(longest.dropLast()) + "x"
    let words = phrases.prefix(200).flatMap { $0.lowercased().split(separator: " ") }
    var families: [(String, String)] = []
    for separator in [" ", "-", ".", "_", "/", "+", ",", "\u{200B}", "\u{00AD}", "\n"] {
        let shown = separator.unicodeScalars.map { $0.value < 0x80 && $0.value > 0x20 ? String($0) : String(format: "U+%04X", $0.value) }.joined()
        families.append(("single letters, separator \(shown)", repeated("a" + separator)))
    }
    families += [
        ("single letters a b c ... spaced", repeated("a b c d e f g h i j k l m n o p q r s t u v w x y z ")),
        ("single digits", repeated("1 ")),
        ("leet digits and symbols", repeated("4 3 1 0 5 7 @ $ ")),
        ("letters with marks", repeated("a\u{0301} ")),
        ("zero-width inside one word", repeated("a\u{200B}")),
        ("one word of 4,000 letters", repeated("a")),
        ("one word alternating", repeated("ab")),
        ("registered words run together", repeated(String(words.joined().prefix(2000)))),
        ("registered words run together, spaced", repeated(words.joined().prefix(1000).map { String($0) }.joined(separator: " "))),
        ("a near-name repeated", repeated(nearName + " ")),
        ("the longest name spaced out, repeated", repeated(spacedLongest + "  ")),
        ("the longest name, leet and spaced", repeated(spacedLongest.replacingOccurrences(of: "a", with: "4") + " , ")),
        ("emoji between letters", repeated("a\u{1F3A8}")),
        ("Han characters", repeated("新海誠風の夕焼け")),
    ]
    print("  adversarial prompts (4,000 scalars at most): median us per check, and x typical p50 (\(String(format: "%.2f", typicalP50)) us)")
    var worst = 0.0
    for (name, prompt) in families {
        for _ in 0..<3 { _ = matcher.matches(in: prompt, views: views) }
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<15 {
            let start = clock.now
            _ = matcher.matches(in: prompt, views: views)
            let elapsed = clock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        worst = max(worst, median)
        print(String(format: "    %-45@ %10.1f us  %8.1fx", name as NSString, median, median / typicalP50))
    }
    print(String(format: "  worst case: %.1f us, %.1fx the typical p50", worst, worst / typicalP50))
}

runBenchmark()
