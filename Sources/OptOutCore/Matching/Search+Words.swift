extension Search {
    /// Adds what `word` can stand for: itself, its leet readings, and (when it is no ordinary word) the words it
    /// misspells and the words run together in it.
    mutating func addWordCandidates(
        _ word: UnsafeBufferPointer<UInt8>,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32,
        isASCII: Bool,
        hasLeet: Bool,
        expensive: Bool = true,
        token: Int? = nil,
        costlyOnly: Bool = false
    ) {
        var found = false
        // A prompt's word read through the costly views once: a word they found nothing in before is not read again
        // (long prompts repeat their words).
        var watchedFrom = -1
        var watchedHash: UInt64 = 0
        let wordHash = hashBytes(word)
        let (exact, ordinary) = matcher.lookUp(word, hash: wordHash)
        if ordinary && next == first + 1 { tokenFlags[first] |= 1 }
        if !costlyOnly, let id = exact, word.count > 1 || !matcher.initialOnlyWords.contains(id) || isInitial(first, next: next) {
            let plain = word.count == 1 && !isInitial(first, next: next)
            add(words: CollectionOfOne(id), first: first, next: next, via: plain ? via.union(.notInitial) : via, start: start, end: end)
            found = true
        }
        // Most words of a prompt are ordinary words with no leet digit: looked up, and no more.
        if !(hasLeet && views.contains(.leet)) && (ordinary || !expensive) {
            if found && next == first + 1 { tokenFlags[first] |= 2 }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(word.count, 1) * 2) { scratch in
            let soft = UnsafeMutableBufferPointer(rebasing: scratch[0..<word.count])
            let skeleton = UnsafeMutableBufferPointer(rebasing: scratch[word.count..<(word.count * 2)])
            var form = word
            var formVia = via
            var formOrdinary = ordinary
            if hasLeet && views.contains(.leet) {
                for index in 0..<word.count {
                    soft[index] = Self.softLeet(word[index])
                    skeleton[index] = soft[index] == UInt8(ascii: "l") ? UInt8(ascii: "i") : soft[index]
                }
                let softWord = UnsafeBufferPointer(soft)
                formVia.insert(.leet)
                let (softID, softOrdinary) = matcher.lookUp(softWord)
                formOrdinary = softOrdinary
                if let id = softID {
                    if !costlyOnly { add(words: CollectionOfOne(id), first: first, next: next, via: formVia, start: start, end: end) }
                    found = true
                }
                if let entry = matcher.leetWord(UnsafeBufferPointer(skeleton)) {
                    var id = matcher.leetFirst[Int(entry)]
                    while id >= 0 {
                        if !costlyOnly { add(words: CollectionOfOne(id), first: first, next: next, via: formVia, start: start, end: end) }
                        id = matcher.leetNext[Int(id)]
                    }
                    found = true
                }
                form = softWord
            }
            // Spellings that sound alike are read even when the word is itself a phrase word ("Erika" of one artist
            // may be "Erica" of another): the walk keeps an exact phrase over a phonetic one on the same words.
            if found && next == first + 1 { tokenFlags[first] |= 2 }
            guard expensive, !formOrdinary, !ordinary else { return }
            // A word of ordinary prompts in which the costly views found nothing when the matcher was built.
            if !hasLeet && exact == nil && matcher.quietWords.contains(word, hash: wordHash) {
                budget -= 1
                return
            }
            if let token, scan.tokens.count >= 48 {
                let hash = hashBytes(word) &+ (hasLeet ? 1 : 0)
                if let earlier = readBefore[hash] {
                    let other = scan.tokens[Int(earlier.token)]
                    if scan.bytes[Int(other.byteStart)..<Int(other.byteEnd)].elementsEqual(word)
                        && other.hasLeetDigit == scan.tokens[token].hasLeetDigit
                    {
                        // The same word read before: its candidates again, at this place.
                        budget -= 1 + Int(earlier.end - earlier.start)
                        for index in Int(earlier.start)..<Int(earlier.end) {
                            let candidate = candidates[index]
                            let words = candidateWords[Int(candidate.wordsStart)..<Int(candidate.wordsStart + candidate.wordCount)]
                            add(
                                words: Array(words),
                                first: first,
                                next: next,
                                via: candidate.via.subtracting(other.via).union(via),
                                start: start,
                                end: end
                            )
                        }
                        return
                    }
                }
                watchedFrom = candidates.count
                watchedHash = hash
            }
            if isASCII && views.contains(.phonetic) && form.count <= 64 && form.count >= 4 {
                // Spellings that sound alike: the word's phonetic skeleton is a phrase word's (one probe, behind a
                // filter).
                budget -= 2 + form.count / 8
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * form.count + 2 * matcher.maxWordBytes + 3) { buffer in
                    let query = UnsafeMutableBufferPointer(rebasing: buffer[0..<(2 * form.count + 1)])
                    let plain = UnsafeMutableBufferPointer(rebasing: buffer[(2 * form.count + 1)..<(4 * form.count + 2)])
                    let other = UnsafeMutableBufferPointer(rebasing: buffer[(4 * form.count + 2)...])
                    func probe(_ skeleton: UnsafeBufferPointer<UInt8>) {
                        matcher.skeletons.forEach(hash: hashBytes(skeleton)) { id in
                            guard id != exact, !phoneticHits.contains(id) else { return }
                            let same = matcher.words.word(id).withUnsafeBufferPointer { word -> Bool in
                                guard 2 * word.count + 1 <= other.count else { return false }
                                let count = Phonetic.skeleton(word, into: other)
                                return count == skeleton.count && UnsafeBufferPointer(rebasing: other[0..<count]).elementsEqual(skeleton)
                            }
                            if same { phoneticHits.append(id) }
                        }
                    }
                    probe(UnsafeBufferPointer(rebasing: query[0..<Phonetic.skeleton(form, into: query)]))
                    // Romaji in another spelling than the readings' ("Satou", "Satoh", "Kouzi"): a phrase word as
                    // Hepburn writes it is the same name, not one that sounds alike.
                    if let count = Phonetic.hepburn(form, into: plain) {
                        budget -= 1 + form.count / 8
                        if let id = matcher.phraseWord(UnsafeBufferPointer(rebasing: plain[0..<count])), id != exact {
                            add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(.transliteration), start: start, end: end)
                        }
                    }
                }
                for id in phoneticHits {
                    add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(.phonetic), start: start, end: end)
                }
                phoneticHits.removeAll(keepingCapacity: true)
            }
            guard !found, form.count >= 4 else { return }
            guard budget > 0 else {
                budget = -1
                return
            }
            if isASCII && views.contains(.fuzzy) && form.count <= 64 {
                budget -= form.count + 1
                matcher.fuzzyWords(form, into: &fuzzyScratch)
                for id in fuzzyScratch {
                    add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(slip(id)), start: start, end: end)
                }
            } else if !isASCII && views.contains(.fuzzy) && form.count <= 128 {
                // A slip in a word of another alphabet ("Веесловъ"), read letter by letter in its narrow form.
                if PhraseMatcher.narrowForm(form, into: &narrowScratch) {
                    budget -= narrowScratch.count + 1
                    narrowScratch.withUnsafeBufferPointer { matcher.fuzzyWords($0, narrow: true, into: &fuzzyScratch) }
                    for id in fuzzyScratch {
                        add(words: CollectionOfOne(id), first: first, next: next, via: formVia.union(.fuzzy), start: start, end: end)
                    }
                }
            }
            // A word with Cyrillic or Greek letters is read again in the prompt's Latin reading, through every view
            // (the phrases of those scripts are found in their Latin readings too): here only a slip in its own
            // letters is read, which the reading can make two or more ("мамчщур" is "mamchshchur").
            if !isASCII, let token, scan.tokens[token].readAgain, views.contains(.transliteration) { return }
            let leetSkeleton: UnsafeBufferPointer<UInt8>? = hasLeet ? UnsafeBufferPointer(skeleton) : nil
            runTogether(form, skeleton: leetSkeleton, first: first, next: next, via: formVia.union(.concatenation), start: start, end: end)
            guard views.contains(.forms), isASCII else { return }
            // Plural and derived forms ("Rutkowskis", "Rutkowskiesque"): a phrase word with a suffix people add.
            // A plural needs a stem of six letters or more ("muchas" is Spanish, not more than one Mucha).
            // A plural of a shorter stem ("the Kiss Péters") counts only when the rest of the phrase is exact.
            for suffix in Self.formSuffixes where form.count >= suffix.count + 4 && form.suffix(suffix.count).elementsEqual(suffix) {
                budget -= 1
                let stem = UnsafeBufferPointer(rebasing: form[0..<(form.count - suffix.count)])
                if let id = matcher.phraseWord(stem) {
                    let weak = suffix.count <= 2 && stem.count < 6
                    add(
                        words: CollectionOfOne(id),
                        first: first,
                        next: next,
                        via: formVia.union(weak ? [.form, .weakForm] : .form),
                        start: start,
                        end: end
                    )
                }
            }
            // Handles ("@gregrutkowskiofficial", "thegregrutkowski"): a run-together name with a prefix or suffix
            // accounts add.
            for affix in Self.handleSuffixes where form.count >= affix.count + 6 && form.suffix(affix.count).elementsEqual(affix) {
                let stem = UnsafeBufferPointer(rebasing: form[0..<(form.count - affix.count)])
                handle(stem, first: first, next: next, via: formVia, start: start, end: end)
            }
            for affix in Self.handlePrefixes where form.count >= affix.count + 6 && form.prefix(affix.count).elementsEqual(affix) {
                let stem = UnsafeBufferPointer(rebasing: form[affix.count...])
                handle(stem, first: first, next: next, via: formVia, start: start, end: end)
            }
            // Prompt words glued to a name ("gregrutkowskistyle", "artbygregrutkowski", "loishart").
            glued(form, prefixes: 0, suffixed: false, first: first, next: next, via: formVia, start: start, end: end)
        }
        if watchedFrom >= 0 && budget > 0 && candidates.count - watchedFrom <= 64, let token {
            readBefore[watchedHash] = (Int32(token), Int32(watchedFrom), Int32(candidates.count))
        }
    }

    /// Words prompts glue before a name ("artby", "inthestyleof") and after it ("style", "art"): stripped one at a
    /// time, at most four before and one after, and what is left read as a phrase word (five letters or more) or
    /// phrase words run together.
    static let gluePrefixes: [[UInt8]] = [
        "art", "by", "in", "the", "style", "of", "inspired", "painted", "drawn", "illustrated", "photo", "photographed", "made", "like",
        "artwork", "work", "works", "trending", "drawing", "painting", "portrait",
    ].map { Array($0.utf8) }
    static let glueSuffixes: [[UInt8]] = [
        "style", "styled", "styles", "art", "arts", "artstyle", "artwork", "artworks", "inspired", "painting", "paintings", "drawing",
        "drawings", "illustration", "portrait", "aesthetic", "fanart", "vibes", "vibe", "type", "core", "render", "lighting", "colors",
    ].map { Array($0.utf8) }

    mutating func glued(
        _ word: UnsafeBufferPointer<UInt8>,
        prefixes: Int,
        suffixed: Bool,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        guard budget > 0 else { return }
        if prefixes > 0 || suffixed {
            budget -= 1
            if word.count >= 5, let id = matcher.phraseWord(word) {
                add(words: CollectionOfOne(id), first: first, next: next, via: via.union([.concatenation, .handle]), start: start, end: end)
            }
            if word.count >= 8 {
                runTogether(word, skeleton: nil, first: first, next: next, via: via.union([.concatenation, .handle]), start: start, end: end)
            }
        }
        if prefixes < 4 {
            for affix in Self.gluePrefixes
            where word.count >= affix.count + 5 && word[0] == affix[0] && word.prefix(affix.count).elementsEqual(affix) {
                glued(
                    UnsafeBufferPointer(rebasing: word[affix.count...]),
                    prefixes: prefixes + 1,
                    suffixed: suffixed,
                    first: first,
                    next: next,
                    via: via,
                    start: start,
                    end: end
                )
            }
        }
        if !suffixed && prefixes == 0 {
            for affix in Self.glueSuffixes
            where word.count >= affix.count + 5 && word[word.count - 1] == affix[affix.count - 1]
                && word.suffix(affix.count).elementsEqual(affix)
            {
                glued(
                    UnsafeBufferPointer(rebasing: word[0..<(word.count - affix.count)]),
                    prefixes: 0,
                    suffixed: true,
                    first: first,
                    next: next,
                    via: via,
                    start: start,
                    end: end
                )
            }
        }
    }

    /// Whether the one-letter word at `first` is written as an initial: a capital, or followed by a full stop.
    func isInitial(_ first: Int, next: Int) -> Bool {
        guard next == first + 1 else { return false }
        if !scan.tokens[first].hasLower { return true }
        return next < scan.tokens.count && scan.tokens[next].mark & PromptScan.Mark.period != 0
    }

    /// The stem of a handle: one phrase word, or phrase words run together.
    mutating func handle(_ stem: UnsafeBufferPointer<UInt8>, first: Int, next: Int, via: Via, start: Int32, end: Int32) {
        guard budget > 0 else { return }
        budget -= 1
        if let id = matcher.phraseWord(stem) {
            add(words: CollectionOfOne(id), first: first, next: next, via: via.union(.handle), start: start, end: end)
        }
        runTogether(stem, skeleton: nil, first: first, next: next, via: via.union([.handle, .concatenation]), start: start, end: end)
    }

    /// Reads `word` as phrase words run together, within the view's own budget and the prompt's.
    mutating func runTogether(
        _ word: UnsafeBufferPointer<UInt8>,
        skeleton: UnsafeBufferPointer<UInt8>?,
        first: Int,
        next: Int,
        via: Via,
        start: Int32,
        end: Int32
    ) {
        // No run of at most eight phrase words is longer than eight of the longest.
        guard views.contains(.runTogether), word.count <= 8 * matcher.maxWordBytes, budget > 0 else { return }
        var path: [Int32] = []
        var budget = 400
        let before = candidates.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: DeadEnds.capacity) { storage in
            var deadEnds = DeadEnds(storage: storage)
            splitRunTogether(
                word,
                skeleton: skeleton,
                from: 0,
                path: &path,
                budget: &budget,
                deadEnds: &deadEnds,
                isASCII: true,
                first: first,
                next: next,
                via: via,
                start: start,
                end: end
            )
        }
        // Only when the word is not already a name run together as written.
        if skeleton == nil && candidates.count == before { splitWithFirstSlip(word, first: first, next: next, via: via, start: start, end: end) }
    }

    /// A name run together with a slip in its first word ("robetbeatty", "grgrutkowski", "vinceentpepi"; a slip in
    /// the last is read by ``splitRunTogether``): the rest of the word is one or two phrase words as written, and the
    /// first piece one slip from a word that comes before them in some phrase. A slip in a short word counts as one in
    /// a name written apart does (the walk keeps it only in a name of eleven letters or more). Every piece's hash
    /// comes from the word's prefix sums, so finding the rests costs a look-up a letter.
    mutating func splitWithFirstSlip(_ word: UnsafeBufferPointer<UInt8>, first: Int, next: Int, via: Via, start: Int32, end: Int32) {
        let shortest = PhraseMatcher.minimumShortSlipLength - 1
        let count = word.count
        // Eight letters at least: five or more with a slip and a rest of three, or a short slip in a name of eleven.
        // The powers once: a global's every read asks whether it is initialized (`swift_once`).
        let powers = hashPowers
        guard views.contains(.fuzzy), count >= 8, count < powers.count, budget > 0 else { return }
        budget -= 2 * count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count + 1) { prefix in
            prefix[0] = 0
            for index in 0..<count { prefix[index + 1] = prefix[index] &* hashMultiplier &+ UInt64(word[index]) &+ 1 }
            /// The phrase word `word[from..<to]`, if it is one.
            func piece(_ from: Int, _ to: Int) -> Int32? {
                guard to - from <= matcher.maxWordBytes else { return nil }
                let hash = finishHash(prefix[to] &- prefix[from] &* powers[to - from], length: to - from)
                guard matcher.vocabularyFilter.mayContain(hash) else { return nil }
                return matcher.words.find(UnsafeBufferPointer(rebasing: word[from..<to]), hash: hash)
            }
            // Where a phrase word ends the word (at most eight places kept).
            var tails: [(at: Int, id: Int32)] = []
            for at in stride(from: count - 3, through: shortest, by: -1) where tails.count < 8 {
                if let id = piece(at, count) { tails.append((at, id)) }
            }
            guard !tails.isEmpty else { return }
            for cut in shortest...(count - 3) {
                // The rest: one phrase word, or two.
                var rests: [(Int32, Int32?)] = []
                for tail in tails {
                    if tail.at == cut {
                        rests.append((tail.id, nil))
                    } else if tail.at >= cut + 2, let middle = piece(cut, tail.at), matcher.follows(middle, tail.id) {
                        rests.append((middle, tail.id))
                    }
                }
                guard !rests.isEmpty, budget > 0 else { continue }
                let slipped = UnsafeBufferPointer(rebasing: word[..<cut])
                budget -= slipped.count + 1
                if slipped.count < PhraseMatcher.minimumFuzzyLength - 1 {
                    matcher.shortSlipWords(slipped, into: &fuzzyScratch)
                } else {
                    matcher.fuzzyWords(slipped, into: &fuzzyScratch)
                    if slipped.count <= PhraseMatcher.minimumFuzzyLength {
                        var short: [Int32] = []
                        matcher.shortSlipWords(slipped, into: &short)
                        fuzzyScratch += short.filter { !fuzzyScratch.contains($0) }
                    }
                }
                for id in fuzzyScratch {
                    for (second, third) in rests where matcher.follows(id, second) {
                        let words = third.map { [id, second, $0] } ?? [id, second]
                        add(words: words, first: first, next: next, via: via.union(slip(id)), start: start, end: end)
                    }
                }
            }
        }
    }
}
