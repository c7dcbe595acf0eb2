import Foundation
import GRDB
import OptOutCore

/// Shared column naming: Swift camelCase properties, snake_case columns.
public protocol SnakeCaseRecord: Codable, FetchableRecord, MutablePersistableRecord, SQLRecord {}

extension SnakeCaseRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// A typed row id, so an artist id is never passed where a phrase id is due.
public struct ID<Entity>: Hashable, Sendable, Codable, CustomStringConvertible, DatabaseValueConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { String(rawValue) }
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ID? { Int64.fromDatabaseValue(dbValue).map(ID.init) }
}

public struct AccountRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "account"
    public var id: ID<AccountRecord>?
    public var email: String
    public var passwordHash: String
    public var displayName: String
    public var role: Role
    public var createdAt: Date
    /// ``AccountRules/emailKey(_:)`` of the email: one account per address as a person reads it.
    public var emailKey: String?
    /// The client address and network an account was opened from, for the sign-up throttle (nil for staff made on
    /// the command line).
    public var signupAddress: String?
    public var signupNetwork: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

public struct SessionRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "session"
    public var id: Int64?
    public var tokenHash: Data
    public var accountId: ID<AccountRecord>
    public var createdAt: Date
    public var expiresAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct APIKeyRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "api_key"
    public var id: ID<APIKeyRecord>?
    public var name: String
    public var keyHash: Data
    /// Space-separated ``APIScope`` raw values.
    public var scopes: String
    public var createdAt: Date
    public var revokedAt: Date?

    /// Whether the key holds `scope`, without allocating: every generator request asks.
    public func holds(_ scope: APIScope) -> Bool {
        let wanted = scope.rawValue.utf8
        var word = scopes.utf8.startIndex
        let all = scopes.utf8
        while word < all.endIndex {
            let end = all[word...].firstIndex(of: 0x20) ?? all.endIndex
            if all[word..<end].elementsEqual(wanted) { return true }
            word = end < all.endIndex ? all.index(after: end) : end
        }
        return false
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

public struct ArtistRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "artist"
    public var id: ID<ArtistRecord>?
    public var accountId: ID<AccountRecord>?
    public var name: String
    public var nameKey: String
    public var policy: Policy
    public var verified: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var withdrawnAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

public struct ArtistLinkRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "artist_link"
    public var id: Int64?
    public var artistId: ID<ArtistRecord>
    public var url: String
    public var position: Int
}

public struct PhraseRecord: SnakeCaseRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "phrase"
    public var id: ID<PhraseRecord>?
    public var artistId: ID<ArtistRecord>
    public var text: String
    public var normalized: String
    public var kind: PhraseKind
    public var position: Int
    public var status: PhraseStatus
    public var reviewReason: String?
    public var reviewedBy: ID<AccountRecord>?
    public var createdAt: Date
    public var releasedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}
