import Foundation

/// Unguessable identifiers and secrets: 32 bytes from the system's cryptographic random source, base64url without
/// padding (43 characters) after a prefix.
package enum RandomToken {
    package static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A generation's public id: `gen_` and 22 random characters (132 bits).
    package static func generationId() -> String {
        String(make(prefix: "gen_").prefix(26))
    }
}
