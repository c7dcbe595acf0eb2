/// A typed row id, so an artist id is never passed where a phrase id is due. `Entity` is only a tag (the store's
/// record types): the rules and the store pass ids of one kind, never bare integers.
public struct ID<Entity>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { String(rawValue) }
    /// A record not inserted yet: the insert leaves its id out and the database gives one (rows start at 1).
    public static var unsaved: ID { ID(0) }
}
