import Foundation
import Logging
import PitcrewCore
@testable import PitcrewStore
import SQLKit
import Testing

/// A bulk load (`pitcrew import`) alone with a SQLite file writes through a rollback journal and leaves the file in WAL
/// mode; with another connection on the file it keeps to the WAL, and both see each other's writes.
@Suite struct BulkLoadTests {
    private func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-bulk-\(UUID().uuidString).sqlite").path
    }

    private func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The journal mode recorded in the file: what a connection opened without asking for one finds.
    private func fileJournalMode(_ path: String) throws -> String? {
        let connection = try NativeSQLite(path: path, readOnly: true)
        defer { connection.close() }
        return try connection.rows("PRAGMA journal_mode", []).first?.first?.text
    }

    private func load(_ database: Database, rows: Int) async throws {
        try await database.rawTransaction(checkingForeignKeys: false) { raw in
            try await raw.run("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            try await raw.insert("items", columns: ["name"], values: (0..<rows).map { SQLValue.text("item \($0)") })
        }
    }

    @Test func aLoadAloneWritesThroughARollbackJournalAndLeavesTheFileInWALMode() async throws {
        let path = scratch()
        defer { remove(path) }
        try await Database.with(.sqlite(path: path)) { database in try await load(database, rows: 10) }
        #expect(try fileJournalMode(path) == "wal")
        let database = try await Database.open(.sqlite(path: path), bulkLoad: true, logger: Logger(label: "test"))
        guard case .sqlite(_, let native, _, _, _) = database.storage else { Issue.record("not SQLite"); return }
        #expect(native.loadsThroughRollbackJournal)
        #expect(database.checkpointer == nil)
        try await load(database, rows: 5_000)
        // The pages went to the file itself: no log holds them.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal") || WALCheckpointer.size(path + "-wal") == 0)
        // Reads of the same process see the load.
        let count = try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) }
        #expect(count == 5_010)
        try await database.close()
        #expect(try fileJournalMode(path) == "wal")
        try await Database.with(.sqlite(path: path)) { database in
            let count = try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 5_010)
        }
    }

    @Test func aLoadWhileAnotherProcessHasTheFileOpenKeepsToTheWAL() async throws {
        let path = scratch()
        defer { remove(path) }
        // The server (another handle, as another process would be) has the file open and has read it.
        let server = try await Database.open(.sqlite(path: path), logger: Logger(label: "test"))
        try await load(server, rows: 10)
        let loader = try await Database.open(.sqlite(path: path), bulkLoad: true, logger: Logger(label: "test"))
        guard case .sqlite(_, let native, _, _, _) = loader.storage else { Issue.record("not SQLite"); return }
        #expect(!native.loadsThroughRollbackJournal)
        try await load(loader, rows: 1_000)
        // The server reads the load while the loader is still open, and writes on.
        let seen = try await server.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) }
        #expect(seen == 1_010)
        try await load(server, rows: 1)
        try await loader.close()
        try await server.close()
        #expect(try fileJournalMode(path) == "wal")
    }

    @Test func aServerOpeningDuringALoadTakesTheFileBackToWAL() async throws {
        let path = scratch()
        defer { remove(path) }
        try await Database.with(.sqlite(path: path)) { database in try await load(database, rows: 10) }
        let loader = try await Database.open(.sqlite(path: path), bulkLoad: true, logger: Logger(label: "test"))
        let server = try await Database.open(.sqlite(path: path), logger: Logger(label: "test"))
        #expect(server.checkpointer != nil)
        #expect(try fileJournalMode(path) == "wal")
        // The loader's next transaction finds the file in WAL mode and writes through the log; the server reads it.
        try await load(loader, rows: 100)
        let seen = try await server.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) }
        #expect(seen == 110)
        try await loader.close()
        try await server.close()
        #expect(try fileJournalMode(path) == "wal")
    }
}
