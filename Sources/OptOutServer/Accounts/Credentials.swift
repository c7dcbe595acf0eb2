import Crypto
import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// bcrypt hashing, run on NIO's thread pool so a slow hash never blocks an event loop.
struct PasswordHasher: Sendable {
    /// bcrypt's cost; production never goes below 11.
    let cost: UInt8

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    private let decoy = NIOLockedValueBox<String?>(nil)

    init(cost: UInt8) {
        self.cost = cost
    }

    /// A hash to check against when the account does not exist, so a miss takes as long as a wrong password.
    /// Made on first use (about 0.15 s at cost 11), so commands that never sign anyone in do not pay for it.
    func decoyHash() async throws -> String {
        if let made = decoy.withLockedValue({ $0 }) { return made }
        let made = try await hash("decoy-password-never-matches")
        return decoy.withLockedValue { stored in
            if let stored { return stored }
            stored = made
            return made
        }
    }
}
