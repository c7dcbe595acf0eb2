/// A registry answered by two matchers: a large base built from a full load, and a small overlay of the phrases
/// changed since. A base phrase that changed is skipped (the overlay holds what it is now, or nothing when it
/// stopped being active); hits come in prompt order, then by phrase id.
public struct LayeredSearch: Sendable {
    /// A phrase found: which layer, the phrase's index in that layer, and where it was read.
    public struct Hit: Sendable {
        public let inOverlay: Bool
        public let match: PhraseMatch
        public let phraseId: Int64
    }

    public let base: PhraseMatcher
    public let baseIds: [Int64]
    public let overlay: PhraseMatcher
    public let overlayIds: [Int64]
    public let superseded: Set<Int64>

    public init(base: PhraseMatcher, baseIds: [Int64], overlay: PhraseMatcher, overlayIds: [Int64], superseded: Set<Int64>) {
        self.base = base
        self.baseIds = baseIds
        self.overlay = overlay
        self.overlayIds = overlayIds
        self.superseded = superseded
    }

    /// `complete` is false when the prompt ran out of either matcher's work budget before every view was read.
    public func search(_ prompt: String) -> (hits: [Hit], complete: Bool) {
        var hits: [Hit] = []
        let found = base.search(prompt)
        for match in found.matches where !superseded.contains(baseIds[match.phrase]) {
            hits.append(Hit(inOverlay: false, match: match, phraseId: baseIds[match.phrase]))
        }
        var complete = found.complete
        if overlay.phraseCount > 0 {
            let changed = overlay.search(prompt)
            complete = complete && changed.complete
            for match in changed.matches {
                hits.append(Hit(inOverlay: true, match: match, phraseId: overlayIds[match.phrase]))
            }
        }
        hits.sort { ($0.match.start, $0.match.end, $0.phraseId) < ($1.match.start, $1.match.end, $1.phraseId) }
        return (hits, complete)
    }
}
