import Foundation
import GRDB
import Testing

@testable import OptOutServer
@testable import OptOutStore

@Suite struct BackupTests {
    @Test(.enabled(if: TestBackend.isSQLite, "reads SQLite's own file")) func aBackupRestoresAndRefusesWhatItShould() async throws {
        try await withApp { client, configuration in
            let artist = try await client.signUp("artist@example.org")
            _ = try await client.createArtist(artist, name: "Greg Rutkowski")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("copy.sqlite")
            let made = try DatabaseBackup.backup(dataDirectory: configuration.storage.dataDirectory, to: file)
            #expect(made.artists == 1 && made.registryVersion >= 1)
            // One file: no -wal or -shm beside it, and nothing left of the temporary copy.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["copy.sqlite"])
            #expect(throws: StartupError.self) { try DatabaseBackup.backup(dataDirectory: configuration.storage.dataDirectory, to: file) }
            #expect(throws: StartupError.self) {
                try DatabaseBackup.backup(dataDirectory: folder.appendingPathComponent("none"), to: folder.appendingPathComponent("x"))
            }

            let restored = folder.appendingPathComponent("restored")
            let summary = try DatabaseBackup.restore(from: file, dataDirectory: restored)
            #expect(summary.artists == 1 && summary.registryVersion == made.registryVersion)
            #expect(throws: StartupError.self) { try DatabaseBackup.restore(from: file, dataDirectory: restored) }
            let notADatabase = folder.appendingPathComponent("text.sqlite")
            try Data(repeating: 0x41, count: 4096).write(to: notADatabase)
            #expect(throws: StartupError.self) { try DatabaseBackup.restore(from: notADatabase, dataDirectory: folder.appendingPathComponent("r2")) }
            // An SQLite file that is not ours.
            let foreign = folder.appendingPathComponent("foreign.sqlite")
            let queue = try DatabaseQueue(path: foreign.path)
            try queue.inDatabase { db in try db.execute(sql: "CREATE TABLE t (x)") }
            try queue.close()
            #expect(throws: StartupError.self) { try DatabaseBackup.restore(from: foreign, dataDirectory: folder.appendingPathComponent("r3")) }

            // Issue 22: a backup whose schema is not what its migrations make is refused: a backdoor trigger, a
            // missing table, an extra view; naming what differs.
            for (index, change) in [
                "CREATE TRIGGER backdoor AFTER INSERT ON account BEGIN UPDATE account SET role = 'admin' WHERE id = NEW.id; END",
                "DROP TABLE queue_size",
                "CREATE VIEW everything AS SELECT * FROM account",
            ].enumerated() {
                let tampered = folder.appendingPathComponent("tampered-\(index).sqlite")
                try FileManager.default.copyItem(at: file, to: tampered)
                let queue = try DatabaseQueue(path: tampered.path)
                try queue.inDatabase { db in try db.execute(sql: change) }
                try queue.close()
                do {
                    _ = try DatabaseBackup.restore(from: tampered, dataDirectory: folder.appendingPathComponent("t\(index)"))
                    Issue.record("a tampered backup was restored: \(change)")
                } catch let error as StartupError {
                    #expect("\(error)".contains("schema"), "\(error)")
                }
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("t\(index)").path))
            }
        }
    }
}
