import Foundation
import OptOutCore

/// Finds the folder that holds `Migrations/` and `Public/`.
public enum ResourceLocator {
    /// Looks in `$OPTOUT_ROOT`, the working directory, then beside the executable and up to four folders above it
    /// (so `swift run` from the repository and `/app` in the Docker image both work).
    public static func findRoot() throws -> URL {
        var candidates: [URL] = []
        if let root = ProcessInfo.processInfo.environment["OPTOUT_ROOT"] {
            candidates.append(URL(fileURLWithPath: root))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates where isRoot(candidate) {
            return candidate.standardizedFileURL
        }
        throw StartupError(
            "cannot find the Migrations/ and Public/ folders (looked in \(candidates.map(\.path).joined(separator: ", "))); "
                + "run from the repository or set OPTOUT_ROOT"
        )
    }

    package static func isRoot(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let migrations =
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Migrations").path, isDirectory: &isDirectory) && isDirectory.boolValue
        let publicFolder =
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Public").path, isDirectory: &isDirectory) && isDirectory.boolValue
        return migrations && publicFolder
    }
}
