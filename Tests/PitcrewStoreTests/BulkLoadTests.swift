import Foundation
import Logging
import PitcrewCore
@testable import PitcrewStore
import SQLKit
import Synchronization
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

    private func open(_ path: String, bulkLoad: Bool = false) async throws -> Database {
        try await Database.open(.sqlite(path: path), bulkLoad: bulkLoad, logger: Logger(label: "test"))
    }

    /// The journal state the database's writer found (nil: not SQLite).
    private func journalState(_ database: Database) -> NativeSQLite.JournalState? {
        guard case .sqlite(_, let native, _, _, _) = database.storage else { return nil }
        return native.journalState
    }

    private func items(_ database: Database) async throws -> Int? {
        try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) }
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
        let database = try await open(path, bulkLoad: true)
        #expect(journalState(database) == .loading)
        #expect(database.checkpointer == nil)
        try await load(database, rows: 5_000)
        // The pages went to the file itself: no log holds them.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal") || WALCheckpointer.size(path + "-wal") == 0)
        // Reads of the same process see the load.
        #expect(try await items(database) == 5_010)
        try await database.close()
        #expect(try fileJournalMode(path) == "wal")
        let stored = try await Database.with(.sqlite(path: path)) { database in try await items(database) }
        #expect(stored == 5_010)
    }

    @Test func aLoadWhileAnotherProcessHasTheFileOpenKeepsToTheWAL() async throws {
        let path = scratch()
        defer { remove(path) }
        // The server (another handle, as another process would be) has the file open and has read it.
        let server = try await open(path)
        try await load(server, rows: 10)
        let loader = try await open(path, bulkLoad: true)
        #expect(journalState(loader) == .wal)
        try await load(loader, rows: 1_000)
        // The server reads the load while the loader is still open, and writes on.
        #expect(try await items(server) == 1_010)
        try await load(server, rows: 1)
        try await loader.close()
        try await server.close()
        #expect(try fileJournalMode(path) == "wal")
    }

    @Test func aServerOpeningDuringALoadTakesTheFileBackToWAL() async throws {
        let path = scratch()
        defer { remove(path) }
        try await Database.with(.sqlite(path: path)) { database in try await load(database, rows: 10) }
        let loader = try await open(path, bulkLoad: true)
        let server = try await open(path)
        #expect(server.checkpointer != nil)
        #expect(try fileJournalMode(path) == "wal")
        // The loader's next transaction finds the file in WAL mode and writes through the log; the server reads it.
        try await load(loader, rows: 100)
        #expect(try await items(server) == 110)
        try await loader.close()
        try await server.close()
        #expect(try fileJournalMode(path) == "wal")
    }

    /// A server, a backup or a second import opening while an import is in the middle of its load would wait on its lock
    /// at every read: the open waits for the load to be done, and then finds the file in WAL mode.
    @Test func anOpenInTheMiddleOfALoadWaitsForIt() async throws {
        let path = scratch()
        defer { remove(path) }
        try await Database.with(.sqlite(path: path)) { database in try await load(database, rows: 10) }
        let loader = try await open(path, bulkLoad: true)
        let opened = Flag()
        let opening = try await loader.rawTransaction(checkingForeignKeys: false) { raw -> Task<(Database, Database), any Error> in
            try await raw.insert("items", columns: ["name"], values: (0..<1_000).map { SQLValue.text("loaded \($0)") })
            let opening = Task { [path, opened] in
                let server = try await open(path)
                let secondLoader = try await open(path, bulkLoad: true)
                opened.set()
                return (server, secondLoader)
            }
            try await Task.sleep(for: .milliseconds(600))
            #expect(!opened.isSet)
            return opening
        }
        #expect(!opened.isSet)
        try await loader.close()
        let (server, secondLoader) = try await opening.value
        #expect(server.checkpointer != nil)
        #expect(journalState(server) == .wal)
        #expect(try await items(server) == 1_010)
        // The second import found the server on the file: it loads through the WAL.
        #expect(journalState(secondLoader) == .wal)
        try await secondLoader.close()
        try await server.close()
        #expect(try fileJournalMode(path) == "wal")
    }
}

/// A flag one task sets and another reads.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
