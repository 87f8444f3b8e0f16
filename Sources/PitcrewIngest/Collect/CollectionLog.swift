import Foundation
import PitcrewCore
import PitcrewStore
import Synchronization

/// Where accepted requests wait for the processor: the `ingest_log` table.
///
/// On PostgreSQL it is a table of the database, and the processor moves entries into events in one transaction. On
/// SQLite it lives in a file of its own beside the database (`<file>-collect`), with its own writer: SQLite has one writer
/// per file, and with the log in the database file the request path's commits queued behind the processor's
/// transactions (32k accepted events/s measured, against 196k with nothing in their way). Across two files the
/// processor's write and its delete from the log are two commits; a crash between them processes the entry again, which
/// changes nothing (processing is idempotent: events by message id, identity messages against stored ids, touchpoints
/// and counters only for new events).
final class CollectionLog: Sendable {
    let main: Database

    init(main: Database) { self.main = main }

    /// The SQLite log file of a database file.
    static func path(of databasePath: String) -> String { databasePath + Database.collectionLogSuffix }

    static let schema = """
        CREATE TABLE IF NOT EXISTS ingest_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, source_id TEXT NOT NULL, received_at BIGINT NOT NULL,
            kind TEXT NOT NULL, messages BIGINT NOT NULL, body TEXT NOT NULL, id_seed TEXT NOT NULL)
        """

    /// Log files opened in this process, by path: one handle (one writer) per file, kept open for the life of the process
    /// (the server's, or a command's), whichever service asks for it.
    private static let opened = Mutex<[String: Task<Database, any Error>]>([:])

    /// The database holding the log: the main one on PostgreSQL; on SQLite the log file, opened on first use.
    func database() async throws -> Database {
        guard case .sqlite(let path) = main.location else { return main }
        let logPath = Self.path(of: path)
        let main = self.main
        let task = Self.opened.withLock { opened in
            if let task = opened[logPath] { return task }
            let opening = Task { try await Self.open(path: logPath, main: main) }
            opened[logPath] = opening
            return opening
        }
        do {
            return try await task.value
        } catch {
            Self.opened.withLock { if $0[logPath] == task { $0[logPath] = nil } }  // try again next time
            throw error
        }
    }

    private static func open(path: String, main: Database) async throws -> Database {
        // Two readers: the processor's reads never queue behind a `waiting` count scanning the log.
        let log = try await Database.open(.sqlite(path: path), readers: 2)
        do {
            try await log.rawTransaction { raw in try await raw.run(schema) }
            try await adoptEntries(from: main, into: log)
            return log
        } catch {
            try? await log.close()
            throw error
        }
    }

    /// Messages in the log (accepted, not yet processed): all of them, or one workspace's.
    func waitingMessages(workspaceID: String?) async throws -> Int64 {
        let filter = workspaceID.map { (" WHERE workspace_id = ?", [SQLValue.text($0)]) } ?? ("", [])
        return try await database().rawRead { raw in
            try await raw.rows("SELECT CAST(COALESCE(SUM(messages), 0) AS BIGINT) FROM ingest_log" + filter.0, filter.1)
        }.first?.first?.integer ?? 0
    }

    /// Entries an earlier version accepted into the database file's own `ingest_log` move to the log file, oldest first
    /// (copied, then deleted: a crash between leaves a copy that is processed twice, harmlessly).
    private static func adoptEntries(from main: Database, into log: Database) async throws {
        let columns = ["workspace_id", "source_id", "received_at", "kind", "messages", "body", "id_seed"]
        while true {
            let rows = try await main.rawRead { raw in
                try await raw.rows("SELECT seq, \(columns.joined(separator: ", ")) FROM ingest_log ORDER BY seq LIMIT 200")
            }
            guard let last = rows.last?[0].integer else { return }
            try await log.rawTransaction { raw in try await raw.insert("ingest_log", columns: columns, values: rows.flatMap { $0.dropFirst() }) }
            try await main.rawTransaction { raw in try await raw.run("DELETE FROM ingest_log WHERE seq <= ?", [.integer(last)]) }
        }
    }
}
