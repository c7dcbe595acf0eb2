/// Aliases the opt-out form offers an artist instead of the gate matching them silently (issue 23, items 5 and 6): a
/// distinctive surname alone ("art by Rutkowski", "Mucha-style" name the artist in practice) and the name with a
/// cognate of its given name in another language ("Grzegorz Rutkowski" for Greg Rutkowski). The artist decides; a
/// suggestion the artist adds is an alias like any other, and the collision guard judges it as it judges every phrase.
public struct AliasSuggestion: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case surname
        case givenNameCognate = "given_name_cognate"
    }

    public let phrase: String
    public let kind: Kind
    public let reason: String
}

/// Given names that are one name in several languages, by group ("Greg, Gregory, Grzegorz, Gregor ...").
public struct GivenNameCognates: Sendable {
    let groups: [[String]]
    let groupOf: [String: [Int]]

    /// - Parameter groups: each group's names, any case.
    public init(groups: [[String]]) {
        self.groups = groups
        var index: [String: [Int]] = [:]
        for (number, group) in groups.enumerated() {
            for name in group { index[PhraseKey.make(name), default: []].append(number) }
        }
        groupOf = index
    }

    /// Lines of comma-separated names, `#` starting a comment.
    public init(lines: some Sequence<Substring>) {
        self.init(
            groups: lines.filter { !$0.hasPrefix("#") }.map { line in
                line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }.filter { $0.count >= 2 }
        )
    }

    /// The other names of the groups `name` is in, in the groups' order.
    public func cognates(of name: String) -> [String] {
        let key = PhraseKey.make(name)
        var seen: Set<String> = [key]
        var result: [String] = []
        for group in groupOf[key] ?? [] {
            for other in groups[group] where seen.insert(PhraseKey.make(other)).inserted { result.append(other) }
        }
        return result
    }

    public static let none = GivenNameCognates(groups: [])
}

public enum AliasSuggestions {
    /// The most cognate suggestions one name gets.
    public static let maxCognates = 6

    /// Suggestions for an artist registered as `name` with `phrases` already (name, aliases and works, any case).
    /// - Parameter isCommon: whether a phrase is ordinary prompt text (the collision guard would hold it): such a
    ///   surname alone is not suggested, since it would refuse ordinary prompts ("Brown", "Hill").
    public static func suggest(
        name: String,
        phrases: [String],
        cognates: GivenNameCognates,
        isCommon: (String) -> Bool
    ) -> [AliasSuggestion] {
        let words = name.split(whereSeparator: { $0 == " " }).map(String.init)
        guard words.count >= 2 else { return [] }
        var taken = Set(phrases.map(PhraseKey.make))
        taken.insert(PhraseKey.make(name))
        var result: [AliasSuggestion] = []
        var surnameStart = words.count - 1
        while surnameStart > 1 && NameParticles.words.contains(words[surnameStart - 1].lowercased()) { surnameStart -= 1 }
        let surname = words[surnameStart...].joined(separator: " ")
        let given = words[0]
        let letters = Folding.words(of: surname).joined().unicodeScalars.count
        if letters >= 5, !isCommon(surname), taken.insert(PhraseKey.make(surname)).inserted {
            result.append(
                AliasSuggestion(
                    phrase: surname,
                    kind: .surname,
                    reason: "Prompts name artists by surname alone (\"art by \(surname)\"); no ordinary prompt uses \"\(surname)\"."
                )
            )
        }
        for cognate in cognates.cognates(of: given).prefix(maxCognates) {
            let phrase = ([cognate] + words.dropFirst()).joined(separator: " ")
            guard taken.insert(PhraseKey.make(phrase)).inserted else { continue }
            result.append(
                AliasSuggestion(
                    phrase: phrase,
                    kind: .givenNameCognate,
                    reason: "\(cognate) is \(given) in another language; prompts may use either."
                )
            )
        }
        return result
    }
}
