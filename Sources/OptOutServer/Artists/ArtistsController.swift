import Foundation
import Hummingbird
import OptOutCore
import OptOutStore

/// The opt-out form's API: an artist's own profile, edited by its owner or a moderator.
struct ArtistsController {
    let repository: ArtistRepository
    /// Refreshed after each change, so the artist's own edits block (or stop blocking) before the response.
    let gate: PromptGate
    /// Fetches the pages artists verify.
    let fetcher: PageFetcher
    /// The collision guard and the given-name cognates, for the suggested aliases.
    let wordLists: WordLists
    /// The service's own address as artists' pages link to it (`--public-url`), without a trailing slash.
    let publicURL: String

    struct ArtistInput: Decodable {
        let name: String
        let aliases: [String]?
        let creations: [String]?
        let policy: Policy?
        let links: [String]?
    }

    struct ArtistEdit: Decodable {
        let name: String?
        let aliases: [String]?
        let creations: [String]?
        let policy: Policy?
        let links: [String]?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.post("/v1/artists", use: create)
        routes.get("/v1/artists/me", use: mine)
        routes.get("/v1/artists/find", use: find)
        routes.get("/v1/artists/:id", use: show)
        routes.get("/v1/artists/:id/suggestions", use: suggestions)
        routes.patch("/v1/artists/:id", use: update)
        routes.delete("/v1/artists/:id", use: withdraw)
        routes.post("/v1/artists/:id/verify", use: verify)
        routes.get("/v1/artists/:id/links/verify", use: verificationInstructions)
        routes.post("/v1/artists/:id/links/verify", use: verifyLink)
        routes.post("/v1/artists/:id/phrases/:phrase/contest", use: contest)
        routes.get("/v1/moderation/artists/:id", use: record)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ArtistView> {
        let account = try context.requireAccount()
        var request = request
        let input = try await request.decodeJSON(as: ArtistInput.self, context: context)
        let submission = ArtistSubmission(
            name: input.name,
            aliases: input.aliases ?? [],
            creations: input.creations ?? [],
            policy: input.policy ?? .block,
            links: input.links ?? []
        )
        let artist = try await repository.create(account: account.id, submission: submission)
        try await gate.refreshInBackground()
        return EditedResponse(status: .created, headers: [.location: "/v1/artists/\(artist.id)"], response: artist)
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let account = try context.requireAccount()
        guard let artist = try await repository.liveArtist(account: account.id), let view = try await repository.view(of: artist.id) else {
            throw APIError(.notFound, code: "no_artist_profile", message: "This account has no artist profile yet; create one with POST /v1/artists.")
        }
        return view
    }

    /// `GET /v1/artists/find?name=...`: the opted-out artists a text names, found by the prompt gate (so disguised
    /// spellings find them too), for a reporter who knows a name but not an id. Signed-in people only.
    @Sendable func find(_ request: Request, context: AppRequestContext) async throws -> Items<FoundArtist> {
        _ = try context.requireAccount()
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        guard (1...200).contains(name.unicodeScalars.count) else {
            throw APIError(.unprocessableContent, code: "invalid_name", message: "name is 1 to 200 characters.", field: "name")
        }
        var seen = Set<Int64>()
        let items: [FoundArtist] = gate.check(name).matches.compactMap { match in
            guard seen.insert(match.phrase.artistId).inserted else { return nil }
            return FoundArtist(
                artistId: match.phrase.artistId,
                artistName: match.phrase.artistName,
                phrase: match.phrase.text,
                kind: match.phrase.kind.rawValue
            )
        }
        return Items(items: items)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist)
        return try await repository.view(of: artist.id)!
    }

    struct Suggestions: ResponseEncodable {
        let suggestions: [AliasSuggestion]
    }

    /// `GET /v1/artists/{id}/suggestions`: aliases the form offers the artist (a distinctive surname alone, the name
    /// with a cognate of its given name), for the owner or a moderator. The gate never matches them unless added.
    @Sendable func suggestions(_ request: Request, context: AppRequestContext) async throws -> Suggestions {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist)
        guard let view = try await repository.view(of: artist.id) else { throw APIError.notFound("Artist \(artist.id)") }
        guard let words = try? wordLists.collisionGuard() else {
            throw APIError(.serviceUnavailable, code: "not_ready", message: "The word lists are still loading; try again in a moment.")
        }
        let cognates = (try? wordLists.givenNameCognates()) ?? .none
        return Suggestions(
            suggestions: AliasSuggestions.suggest(
                name: view.name,
                phrases: view.phrases.map(\.text),
                cognates: cognates,
                isCommon: { words.reviewReason(for: $0) != nil }
            )
        )
    }

    /// `GET /v1/moderation/artists/{id}`: any artist, withdrawn ones included, for moderators keeping the audit trail.
    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        _ = try context.requireRole(.moderator)
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "artist")
        guard let view = try await repository.view(of: id) else { throw APIError.notFound("Artist \(id)") }
        return view
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let artist = try await ownedArtist(request, context: context)
        var request = request
        let input = try await request.decodeJSON(as: ArtistEdit.self, context: context)
        try Self.requireLive(artist)
        let updated = try await repository.update(
            id: artist.id,
            edit: .init(name: input.name, aliases: input.aliases, creations: input.creations, policy: input.policy, links: input.links)
        )
        try await gate.refreshInBackground()
        return updated
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist, already: true)
        let withdrawn = try await repository.withdraw(id: artist.id)
        try await gate.refreshInBackground()
        return withdrawn
    }

    struct LinkVerification: Decodable {
        let url: String
    }

    /// Where an artist's profile lives on this service: the `rel="me"` target of a verified page.
    func profileURL(_ artist: ID<ArtistRecord>) -> String {
        "\(publicURL)/artists/\(artist)"
    }

    /// `GET /v1/artists/{id}/links/verify`: how to prove a listed page is the artist's own.
    @Sendable func verificationInstructions(_ request: Request, context: AppRequestContext) async throws -> VerificationInstructions {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist)
        let token = try await repository.verificationToken(artist: artist.id)
        return try await VerificationInstructions(
            profileUrl: profileURL(artist.id),
            token: token,
            verifiedLinks: try repository.verifiedLinks(artist: artist.id),
            instructions: "Put <a rel=\"me\" href=\"\(profileURL(artist.id))\"> or the token on a page you list, then POST its URL here."
        )
    }

    /// `POST /v1/artists/{id}/links/verify {url}`: fetches a listed page and accepts it when it links back to the
    /// artist's profile with `rel="me"` or carries the artist's token.
    @Sendable func verifyLink(_ request: Request, context: AppRequestContext) async throws -> VerifiedLink {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist)
        var request = request
        let input = try await request.decodeJSON(as: LinkVerification.self, context: context)
        let url = input.url.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try await repository.view(of: artist.id)?.links ?? []
        guard listed.contains(url), let target = URL(string: url) else {
            throw APIError(
                .unprocessableContent,
                code: "link_not_listed",
                message: "Only a link on the artist's profile can be verified; add it to links first.",
                field: "url"
            )
        }
        let token = try await repository.verificationToken(artist: artist.id)
        let page: (url: URL, body: Data)
        do {
            page = try await fetcher.fetch(target)
        } catch {
            throw APIError(.unprocessableContent, code: error.code, message: error.message, field: "url")
        }
        let html = String(decoding: page.body, as: UTF8.self)
        guard let method = SiteProof.method(in: html, profileURL: profileURL(artist.id), token: token) else {
            throw APIError(
                .unprocessableContent,
                code: "link_not_verified",
                message: "The page carries neither a rel=\"me\" link to \(profileURL(artist.id)) nor the token \(token).",
                field: "url",
                extra: ["profile_url": .string(profileURL(artist.id)), "token": .string(token)]
            )
        }
        let view = try await repository.recordVerifiedLink(artist: artist.id, url: url, method: method)
        try await gate.refreshInBackground()
        return VerifiedLink(verified: true, url: url, host: LinkRules.host(of: url) ?? "", method: method.rawValue, artistId: view.id.rawValue)
    }

    struct Contest: Decodable {
        let note: String?
    }

    /// `POST /v1/artists/{id}/phrases/{phrase}/contest {note?}`: the artist whose phrase a name dispute superseded
    /// (without a moderator's decision) asks a moderator to decide; the phrase waits as disputed meanwhile.
    @Sendable func contest(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let artist = try await ownedArtist(request, context: context)
        try Self.requireLive(artist)
        guard let phrase = context.parameters.get("phrase", as: Int64.self), phrase > 0 else {
            throw APIError(.notFound, code: "not_found", message: "There is no such phrase.")
        }
        var request = request
        let input = try await request.decodeJSON(as: Contest.self, context: context)
        let note = try ReportLimits.text(input.note ?? "", field: "note", maxLength: ReportLimits.maxNoteLength, required: false) ?? ""
        let view = try await repository.contest(artist: artist.id, phrase: ID(phrase), note: note, by: try context.requireAccount().id)
        try await gate.refreshInBackground()
        return view
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> ArtistView {
        let moderator = try context.requireRole(.moderator)
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "artist")
        let verified = try await repository.setVerified(id: id, by: moderator.id)
        try await gate.refreshInBackground()
        return verified
    }

    /// A 404 `artist_withdrawn` for an artist who withdrew: to its owner it is gone.
    private static func requireLive(_ artist: ArtistRecord, already: Bool = false) throws {
        guard artist.withdrawnAt == nil else {
            throw APIError(.notFound, code: "artist_withdrawn", message: "Artist \(artist.id) was \(already ? "already " : "")withdrawn.")
        }
    }

    /// The artist named by the path, if the caller owns it or moderates: 401 anonymous, 404 missing, 403 otherwise.
    private func ownedArtist(_ request: Request, context: AppRequestContext) async throws -> ArtistRecord {
        let account = try context.requireAccount()
        let id: ID<ArtistRecord> = try Input.pathID(context, noun: "artist")
        guard let artist = try await repository.artist(id: id) else { throw APIError.notFound("Artist \(id)") }
        guard artist.accountId == account.id || account.role >= .moderator else {
            throw APIError.forbidden("Only the artist's own account or a moderator may see or change artist \(id).")
        }
        return artist
    }
}

extension ArtistView: ResponseEncodable {}

/// An artist a reporter's search found, by the phrase that matched.
struct FoundArtist: Encodable, Sendable {
    let artistId: Int64
    let artistName: String
    let phrase: String
    let kind: String
}

/// A listed page the artist proved their own.
struct VerifiedLink: ResponseEncodable, Sendable {
    let verified: Bool
    let url: String
    let host: String
    let method: String
    let artistId: Int64
}

/// How to prove a listed page is the artist's own.
struct VerificationInstructions: ResponseEncodable, Sendable {
    let profileUrl: String
    let token: String
    let verifiedLinks: [String]
    let instructions: String
}
