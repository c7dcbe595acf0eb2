import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

#if canImport(Glibc)
import Glibc
#endif

struct ImportArtists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import artists from JSON Lines: {\"name\", \"aliases\", \"creations\", \"policy\", \"links\"}, one a line."
    )

    @OptionGroup var data: DataOptions
    @Argument(help: "The JSON Lines file, or - for stdin.")
    var file: String

    func run() async throws {
        let contents: Data
        if file == "-" {
            contents = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            contents = read
        }
        let tasks = try await reportingErrors { try await AdminTasks(configuration: try await data.configuration()) }
        let start = ContinuousClock.now
        // On a terminal, a progress line (lines, rate, share done, time left) rewritten at most five times a second;
        // elsewhere (a log, a pipe) only the summary below.
        let onTerminal = isatty(STDERR_FILENO) == 1
        var lastShown = ContinuousClock.now - .seconds(1)
        let progress: ((ArtistImporter.Progress) -> Void)? =
            onTerminal
            ? { step in
                let now = ContinuousClock.now
                guard now - lastShown >= .milliseconds(200) || step.bytes == step.totalBytes else { return }
                lastShown = now
                let elapsed = max((now - start).seconds, 0.001)
                let share = step.totalBytes > 0 ? Double(step.bytes) / Double(step.totalBytes) : 1
                let left = share > 0 ? elapsed * (1 - share) / share : 0
                let line = String(
                    format: "\r%d lines, %.0f lines/s, %.0f %% done, ETA %.0f s   ",
                    step.lines,
                    Double(step.lines) / elapsed,
                    share * 100,
                    left
                )
                FileHandle.standardError.write(Data(line.utf8))
            } : nil
        let summary = try await reportingErrors { try await tasks.importArtists(contents, progress: progress) }
        if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = (ContinuousClock.now - start).seconds
        let lines = summary.imported + summary.updated + summary.unchanged + summary.rejected.count
        for rejection in summary.rejected.prefix(1000) {
            print("rejected line \(rejection.line): \(rejection.reason)")
        }
        if summary.rejected.count > 1000 { print("... and \(summary.rejected.count - 1000) more rejected lines") }
        print(
            "imported \(summary.imported), updated \(summary.updated), unchanged \(summary.unchanged), "
                + "held for review \(summary.heldForReview) (\(summary.phrasesHeldForReview) phrases), rejected \(summary.rejected.count)"
        )
        print(String(format: "%d lines in %.2f s (%.0f artists/s)", lines, seconds, seconds > 0 ? Double(lines) / seconds : 0))
    }
}
