/// What the gate accepts as a prompt (and the look-up as a name).
public enum PromptRules {
    /// The longest prompt, in Unicode scalars.
    public static let maxScalars = 4000

    /// A prompt of 1 to 4,000 Unicode scalars.
    public static func validated(_ prompt: String, field: String = "prompt") throws(DomainError) -> String {
        let count = prompt.unicodeScalars.count
        guard count > 0 else { throw .invalid(field, code: "empty_prompt", "The prompt is empty.") }
        guard count <= maxScalars else {
            throw .invalid(
                field,
                code: "prompt_too_long",
                "A prompt has at most \(maxScalars) characters (Unicode scalars); this one has \(count)."
            )
        }
        return prompt
    }
}

/// What the gate answers for a prompt.
public enum GateVerdict {
    /// A prompt is allowed when it was read through within the work limit and names no artist whose policy is
    /// block (a credit match allows it, with the credit owed).
    public static func allowed(complete: Bool, policies: some Sequence<Policy>) -> Bool {
        complete && !policies.contains(.block)
    }
}
