/// The event types a webhook endpoint may take.
package enum WebhookEvent: String, CaseIterable, Codable, Sendable {
    case registryChanged = "registry.changed"
    case phraseStatusChanged = "phrase.status_changed"
    case reportDecided = "report.decided"
    case generationTakenDown = "generation.taken_down"
    case generationRestored = "generation.restored"
    case rulingRequested = "ruling.requested"
}
