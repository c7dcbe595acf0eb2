import Foundation
import OptOutCore
import OptOutStore

/// A phrase found in a prompt, as the prompt check, the generations and the look-up answer it.
struct MatchView: Encodable {
    let artistId: Int64
    let artistName: String
    let phrase: String
    let kind: PhraseKind
    let policy: Policy
    let start: Int
    let end: Int
    let via: [String]

    var json: String {
        "{\"artist_id\":\(artistId),\"artist_name\":\(JSONText.quoted(artistName)),\"end\":\(end),\"kind\":\"\(kind.rawValue)\","
            + "\"phrase\":\(JSONText.quoted(phrase)),\"policy\":\"\(policy.rawValue)\",\"start\":\(start),"
            + "\"via\":[\(via.map { "\"\($0)\"" }.joined(separator: ","))]}"
    }

    init(_ match: GateMatch) {
        artistId = match.phrase.artistId
        artistName = match.phrase.artistName
        phrase = match.phrase.text
        kind = match.phrase.kind
        policy = match.phrase.policy
        start = match.match.start
        end = match.match.end
        via = match.match.via.names
    }
}
