/// The particles that belong to a surname ("van Gogh", "de la Tour", "von der Leyen", "da Vinci", "al-Hassan"),
/// lower case: a surname alone keeps them (``AliasSuggestions``), and a name written surname first moves them with it
/// or leaves them last (``PhraseMatcher/particleOrders(of:)``).
public enum NameParticles {
    public static let words: Set<String> = [
        "van", "von", "de", "da", "di", "del", "della", "dello", "dei", "degli", "der", "den", "des", "du", "le", "la", "ten",
        "ter", "dos", "das", "zu", "zur", "vom", "af", "al", "el", "bin", "ibn",
    ]
}
