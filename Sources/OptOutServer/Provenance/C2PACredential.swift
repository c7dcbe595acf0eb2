import Crypto
import Foundation
import OptOutCore
import OptOutStore
import SwiftASN1
import X509

/// The key and certificate chain that sign C2PA manifests: ES256 (ECDSA P-256 with SHA-256), an end-entity
/// certificate first and the certificates that issued it after, as C2PA's `x5chain` carries them.
struct C2PACredential: Sendable {
    let key: P256.Signing.PrivateKey
    /// DER, end entity first.
    let chain: [[UInt8]]
    let commonName: String
    let organization: String?

    /// Reads a PEM private key (PKCS#8 or SEC 1) and a PEM certificate chain, and checks that they belong together
    /// and that the certificate may sign C2PA claims: not a CA, `digitalSignature` key usage when the extension is
    /// there, an extended key usage C2PA accepts (email protection or document signing) when it is there, and valid now.
    /// - Throws: `StartupError` naming the problem.
    static func load(keyPEM: String, certificatePEM: String, now: Date = Date()) throws -> C2PACredential {
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw StartupError("--c2pa-key: not a PEM ECDSA P-256 private key (C2PA signing here is ES256)")
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: certificatePEM).filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw StartupError("--c2pa-cert: not a PEM certificate chain")
        }
        guard let first = documents.first else { throw StartupError("--c2pa-cert holds no certificate") }
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: first.derBytes)
            for document in documents.dropFirst() { _ = try Certificate(derEncoded: document.derBytes) }
        } catch {
            throw StartupError("--c2pa-cert: a certificate cannot be read (\(error))")
        }
        guard P256.Signing.PublicKey(leaf.publicKey)?.rawRepresentation == key.publicKey.rawRepresentation else {
            throw StartupError("--c2pa-key does not match the first certificate of --c2pa-cert")
        }
        if let constraints = try? leaf.extensions.basicConstraints, constraints != .notCertificateAuthority {
            throw StartupError("--c2pa-cert: the signing certificate is a CA certificate; C2PA signs with an end-entity certificate")
        }
        if let usage = try? leaf.extensions.keyUsage, !usage.digitalSignature {
            throw StartupError("--c2pa-cert: the signing certificate's key usage lacks digitalSignature")
        }
        if let extended = try? leaf.extensions.extendedKeyUsage,
            !extended.contains(where: { $0 == .emailProtection || $0 == Self.documentSigning || $0 == .any })
        {
            throw StartupError("--c2pa-cert: the signing certificate's extended key usage has neither emailProtection nor documentSigning")
        }
        guard leaf.notValidBefore <= now, now < leaf.notValidAfter else {
            throw StartupError("--c2pa-cert: the signing certificate is not valid now (\(leaf.notValidBefore) to \(leaf.notValidAfter))")
        }
        return C2PACredential(
            key: key,
            chain: documents.map(\.derBytes),
            commonName: Self.attribute(RDNAttributeType.commonName, of: leaf.subject) ?? leaf.subject.description,
            organization: Self.attribute(RDNAttributeType.organizationName, of: leaf.subject)
        )
    }

    /// id-kp-documentSigning (RFC 9336).
    static let documentSigning = ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 5, 5, 7, 3, 36])

    typealias RDNAttributeType = ASN1ObjectIdentifier.RDNAttributeType

    static func attribute(_ type: ASN1ObjectIdentifier, of name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                return String(describing: attribute.value)
            }
        }
        return nil
    }

    /// A development pair, for trying the service out: a self-made root certificate and a signing certificate it
    /// issued (C2PA validators refuse a self-signed end-entity certificate, and report this root as untrusted).
    /// Returns the signing key and the chain (signing certificate, then root) as PEM.
    static func makeDevelopmentPair(organization: String = "OptOutGate development", now: Date = Date()) throws -> (keyPEM: String, chainPEM: String)
    {
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName {
            CommonName("\(organization) root")
            OrganizationName(organization)
        }
        let start = now.addingTimeInterval(-3600)
        let root = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(rootKey.publicKey),
            notValidBefore: start,
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: rootName,
            subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(rootKey.publicKey))
            },
            issuerPrivateKey: .init(rootKey)
        )
        let signingKey = P256.Signing.PrivateKey()
        let signing = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(signingKey.publicKey),
            notValidBefore: start,
            notValidAfter: now.addingTimeInterval(2 * 365 * 86_400),
            issuer: rootName,
            subject: try DistinguishedName {
                CommonName("\(organization) C2PA signer")
                OrganizationName(organization)
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.emailProtection])
                SubjectKeyIdentifier(hash: Certificate.PublicKey(signingKey.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: Certificate.PublicKey(rootKey.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(rootKey)
        )
        let chain = try signing.serializeAsPEM().pemString + "\n" + root.serializeAsPEM().pemString + "\n"
        return (signingKey.pemRepresentation, chain)
    }
}

extension C2PACredential {
    /// The credential `serve` signs with: the platform's (`--c2pa-key`, `--c2pa-cert`), or else a development pair
    /// kept in `<data-dir>/c2pa/` (made on the first start), which validators report as untrusted.
    static func forService(_ configuration: AppConfiguration) throws -> (credential: C2PACredential, development: Bool) {
        if let key = configuration.labels.c2paKeyPEM, let chain = configuration.labels.c2paCertificatePEM {
            return (try load(keyPEM: key, certificatePEM: chain), false)
        }
        let folder = configuration.storage.dataDirectory.appendingPathComponent("c2pa")
        let keyFile = folder.appendingPathComponent("development-key.pem")
        let chainFile = folder.appendingPathComponent("development-chain.pem")
        if let key = try? String(contentsOf: keyFile, encoding: .utf8), let chain = try? String(contentsOf: chainFile, encoding: .utf8),
            let credential = try? load(keyPEM: key, certificatePEM: chain)
        {
            return (credential, true)
        }
        let pair = try makeDevelopmentPair()
        try write(pair, key: keyFile, chain: chainFile)
        return (try load(keyPEM: pair.keyPEM, certificatePEM: pair.chainPEM), true)
    }

    /// Writes a pair: the key readable by its owner only.
    static func write(_ pair: (keyPEM: String, chainPEM: String), key: URL, chain: URL) throws {
        try FileManager.default.createDirectory(at: key.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: chain.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: key.path, contents: Data(pair.keyPEM.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StartupError("cannot write \(key.path)")
        }
        try Data(pair.chainPEM.utf8).write(to: chain)
    }
}

/// `optout-gate c2pa-dev-cert`: writes a development signing key and its certificate chain for trying C2PA out.
public enum C2PADevelopmentCertificate {
    /// Writes the key (PEM, PKCS#8, mode 0600) and the chain (signing certificate then its root, PEM); refuses to
    /// overwrite either file.
    public static func write(key: URL, chain: URL, organization: String) throws {
        for file in [key, chain] where FileManager.default.fileExists(atPath: file.path) {
            throw StartupError("\(file.path) exists; remove it or choose another path")
        }
        let pair = try C2PACredential.makeDevelopmentPair(organization: organization)
        try C2PACredential.write(pair, key: key, chain: chain)
    }
}
