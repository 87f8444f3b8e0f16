import Foundation
import Logging
import PitcrewCore
@testable import PitcrewStore
import Testing

/// The write-ahead log stays bounded under writes that never stop (a bulk load): passive checkpoints alone never finish
/// then, and the log grew until the disk was full.
@Suite struct WALCheckpointerTests {
    @Test(arguments: [true, false])
    func theLogStaysBoundedUnderContinuousWrites(background: Bool) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-wal-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // Without the background task (as when it is starved of CPU) the writers' own checks must bound the log.
        let limits = WALCheckpointer.Limits(
            thresholdBytes: 256 << 10, writerPauseBytes: 2 << 20, maxWait: .milliseconds(200), background: background)
        let database = try await Database.open(.sqlite(path: path), logger: Logger(label: "test"), walLimits: limits)
        try await database.rawTransaction { raw in try await raw.run("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") }
        let chunk = String(repeating: "x", count: 4000)
        var largest = 0
        // 80 transactions of 2 MB each, back to back: 160 MB through the log.
        for round in 0..<80 {
            try await database.rawTransaction { raw in
                try await raw.insert("blobs", columns: ["body"], values: Array(repeating: .text(chunk), count: 500))
                try await raw.run("DELETE FROM blobs WHERE id <= ?", [.integer(Int64(round * 500))])
            }
            largest = max(largest, WALCheckpointer.size(path + "-wal"))
        }
        try await database.close()
        // The file is cut back to 64 MiB when the log restarts, and stays near that; without the paused checkpoint it held
        // everything written: 254–329 MB. (The background loop alone, starved of CPU by the whole suite, once let it reach
        // 246 MB: writers now check the log themselves before each transaction, so between transactions the bound holds however the
        // threads are scheduled: the run without the background task.)
        #expect(largest < 160 << 20, "the log grew to \(largest >> 20) MiB")
    }
}
