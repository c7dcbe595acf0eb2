import Crypto
import Foundation
import OptOutCore

/// Bearer secrets: session tokens and API keys. 256 random bits, shown once, stored only as SHA-256.
package enum BearerSecret {
    package static let sessionPrefix = "ogs_"
    package static let apiKeyPrefix = "ogk_"

    /// A new secret with `prefix`, from the system's cryptographic random source.
    package static func generate(prefix: String) -> String {
        RandomToken.make(prefix: prefix)
    }

    package static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}
