import Foundation
import Testing

@testable import OptOutCore

@Suite struct ImageLabelerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let label = AILabel(
        generationId: "gen_42",
        credits: ["Greg Rutkowski", "A & B <Studio>"],
        generator: "DreamUp",
        createdAt: "2026-11-26T12:00:00Z"
    )

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    @Test(arguments: ["small.png", "small.jpg", "with-xmp.jpg"])
    func labelsRoundTripAndReplaceEarlierPackets(_ name: String) throws {
        let image = try fixture(name)
        let labelled = try ImageLabeler.label(image, with: label)
        let found = try #require(try ImageLabeler.read(labelled))
        #expect(found.digitalSourceType == AILabel.digitalSourceType)
        #expect(found.generationId == "gen_42")
        #expect(found.credits == ["Greg Rutkowski", "A & B <Studio>"])
        // Labelling again replaces the packet instead of adding a second one.
        let twice = try ImageLabeler.label(labelled, with: AILabel(generationId: "gen_43", credits: [], generator: "x", createdAt: "y"))
        #expect(try ImageLabeler.read(twice)?.generationId == "gen_43")
        let packets = String(decoding: twice, as: UTF8.self).components(separatedBy: "<x:xmpmeta").count - 1
        #expect(packets == 1)
    }

    @Test func pngPixelChunksAreKeptByteForByte() throws {
        let image = try fixture("small.png")
        let labelled = try ImageLabeler.label(image, with: label)
        let before = try ImageLabeler.pngChunks(image).filter { !$0.isXMP }.map { Array($0.raw) }
        let after = try ImageLabeler.pngChunks(labelled).filter { !$0.isXMP }.map { Array($0.raw) }
        #expect(before == after)
    }

    @Test func jpegScanDataIsKeptByteForByte() throws {
        let image = try fixture("small.jpg")
        let labelled = try ImageLabeler.label(image, with: label)
        let before = try ImageLabeler.jpegSegments(image)
        let after = try ImageLabeler.jpegSegments(labelled)
        #expect(Array(image[before.scan...]) == Array(labelled[after.scan...]))
    }

    @Test func unlabelledImagesReadAsNoLabel() throws {
        #expect(try ImageLabeler.read(try fixture("small.png")) == nil)
        let foreign = try #require(try ImageLabeler.read(try fixture("with-xmp.jpg")))
        #expect(foreign.digitalSourceType == nil)
    }

    @Test func badImagesAreClearErrors() throws {
        let png = try fixture("small.png")
        let jpeg = try fixture("small.jpg")
        var badCRC = png
        badCRC[20] ^= 0xFF  // inside IHDR's data
        let cases: [([UInt8], String)] = [
            (Array("GIF89a....".utf8), "not_an_image"), ([], "not_an_image"), (Array(png.prefix(30)), "truncated_image"),
            (badCRC, "bad_png_crc"), (Array(jpeg.prefix(40)), "truncated_image"), (Array(jpeg.dropLast(2)), "truncated_image"),
        ]
        for (bytes, code) in cases {
            do {
                _ = try ImageLabeler.label(bytes, with: label)
                Issue.record("\(code): accepted")
            } catch {
                #expect(error.code == code)
            }
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }
}

/// The label as real tools read it: exiftool finds the digital source type, Pillow decodes the same pixels.
@Suite struct ImageLabelerToolTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var toolsInstalled: Bool {
        ((try? run(["exiftool", "-ver"]))?.status == 0) && ((try? run(["python3", "-c", "import PIL"]))?.status == 0)
    }

    @Test(.enabled(if: toolsInstalled), arguments: ["small.png", "small.jpg", "with-xmp.jpg"])
    func exiftoolReadsTheLabelAndPillowSeesTheSamePixels(_ name: String) throws {
        let source = ImageLabelerTests.fixtures.appendingPathComponent(name)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("label-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("labelled-" + name)
        let label = AILabel(generationId: "gen_7", credits: ["Greg Rutkowski"], generator: "DreamUp", createdAt: "2026-11-26T12:00:00Z")
        try Data(try ImageLabeler.label([UInt8](try Data(contentsOf: source)), with: label)).write(to: output)

        let exif = try Self.run(["exiftool", "-s", "-s", "-s", "-XMP-iptcExt:DigitalSourceType", output.path])
        #expect(exif.status == 0)
        #expect(exif.output.trimmingCharacters(in: .whitespacesAndNewlines) == AILabel.digitalSourceType)
        let warnings = try Self.run(["exiftool", "-validate", "-warning", "-a", output.path])
        #expect(!warnings.output.contains("Error"), "\(warnings.output)")

        let script =
            "import sys; from PIL import Image; "
            + "a, b = (Image.open(p).convert('RGB').tobytes() for p in sys.argv[1:]); sys.exit(0 if a == b else 1)"
        #expect(try Self.run(["python3", "-c", script, source.path, output.path]).status == 0)
    }
}
