import Foundation
import OptOutCore

/// Shared column naming: Swift camelCase properties, snake_case columns.
public protocol SnakeCaseRecord: Codable, SQLRecord {}

public struct AccountRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "account"
    public var id: ID<AccountRecord>
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

    package init(
        id: ID<AccountRecord> = .unsaved,
        email: String,
        passwordHash: String,
        displayName: String,
        role: Role,
        createdAt: Date,
        emailKey: String? = nil,
        signupAddress: String? = nil,
        signupNetwork: String? = nil
    ) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.displayName = displayName
        self.role = role
        self.createdAt = createdAt
        self.emailKey = emailKey
        self.signupAddress = signupAddress
        self.signupNetwork = signupNetwork
    }
}

public struct SessionRecord: SnakeCaseRecord, Sendable {
    public static let databaseTableName = "session"
    public var id: Int64?
    public var tokenHash: Data
    public var accountId: ID<AccountRecord>
    public var createdAt: Date
    public var expiresAt: Date
}

public struct APIKeyRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "api_key"
    public var id: ID<APIKeyRecord>
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

    package init(id: ID<APIKeyRecord> = .unsaved, name: String, keyHash: Data, scopes: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.keyHash = keyHash
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

public struct ArtistRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "artist"
    public var id: ID<ArtistRecord>
    public var accountId: ID<AccountRecord>?
    public var name: String
    public var nameKey: String
    public var policy: Policy
    public var verified: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var withdrawnAt: Date?

    package init(
        id: ID<ArtistRecord> = .unsaved,
        accountId: ID<AccountRecord>? = nil,
        name: String,
        nameKey: String,
        policy: Policy,
        verified: Bool,
        createdAt: Date,
        updatedAt: Date,
        withdrawnAt: Date? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.name = name
        self.nameKey = nameKey
        self.policy = policy
        self.verified = verified
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.withdrawnAt = withdrawnAt
    }
}

public struct ArtistLinkRecord: SnakeCaseRecord, Sendable {
    public static let databaseTableName = "artist_link"
    public var id: Int64?
    public var artistId: ID<ArtistRecord>
    public var url: String
    public var position: Int
}

public struct PhraseRecord: SnakeCaseRecord, Sendable, Equatable {
    public static let databaseTableName = "phrase"
    public var id: ID<PhraseRecord>
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

    package init(
        id: ID<PhraseRecord> = .unsaved,
        artistId: ID<ArtistRecord>,
        text: String,
        normalized: String,
        kind: PhraseKind,
        position: Int,
        status: PhraseStatus,
        reviewReason: String? = nil,
        reviewedBy: ID<AccountRecord>? = nil,
        createdAt: Date,
        releasedAt: Date? = nil
    ) {
        self.id = id
        self.artistId = artistId
        self.text = text
        self.normalized = normalized
        self.kind = kind
        self.position = position
        self.status = status
        self.reviewReason = reviewReason
        self.reviewedBy = reviewedBy
        self.createdAt = createdAt
        self.releasedAt = releasedAt
    }
}
