import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct C2PADevCert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "c2pa-dev-cert",
        abstract: "Make a development key and certificate chain for signing C2PA manifests (validators report them untrusted)."
    )

    @Option(help: "Where to write the PEM private key.")
    var key = "c2pa-dev-key.pem"
    @Option(help: "Where to write the PEM certificate chain (signing certificate, then its root).")
    var cert = "c2pa-dev-cert.pem"
    @Option(help: "The organization named in the certificates.")
    var organization = "OptOutGate development"

    func run() async throws {
        try await reportingErrors {
            try C2PADevelopmentCertificate.write(key: URL(fileURLWithPath: key), chain: URL(fileURLWithPath: cert), organization: organization)
        }
        print("wrote \(key) and \(cert); serve with --c2pa-key \(key) --c2pa-cert \(cert)")
    }
}
