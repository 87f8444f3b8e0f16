import CPitcrew
import PitcrewCore

/// A SQLite connection driven through the C API with prepared statements kept for reuse: the write path of event
/// collection and imports, where SQLiteNIO's per-query thread hop and re-preparation cost more than the insert itself.
/// Calls run synchronously on the caller's thread; `Database` serializes them with its write lock (the same lock its
/// SQLiteNIO writer uses, so the two writer connections never wait on each other inside SQLite).
final class NativeSQLite: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    static let statementCacheLimit = 512

    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let message: String
        var description: String { "SQLite error \(code): \(message)" }
        /// SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
        var isUniqueViolation: Bool { code == 2067 || code == 1555 }
        /// SQLITE_BUSY or SQLITE_LOCKED, with any extended code.
        var isBusyOrLocked: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
    }

    /// How a writing connection journals its transactions. `.wal` (the default): readers run while the writer commits,
    /// and the log is copied into the file by a checkpoint later. `.rollbackWhenAlone`: for a bulk load by a process that
    /// has the file to itself (`pitcrew import`), pages are written to the file once, with only the pages a transaction
    /// changes in place saved aside first (none for the new pages a load appends); copying a 500 MB log into the file
    /// took a 1M-contact import 2–3 s of its 13. The switch needs every other connection closed, so while another
    /// process has the file open the connection stays in WAL mode. `close()` puts the file back in WAL mode.
    enum Journal { case wal, rollbackWhenAlone }

    /// What the connection found when it set its journal mode.
    enum JournalState: Equatable {
        /// The file is in WAL mode.
        case wal
        /// This connection switched the file to a rollback journal for a load (and switches it back on close).
        case loading
        /// Another process is loading through a rollback journal: the file cannot be switched to WAL until it is done,
        /// and the connection is not set up (`Database.open` closes it and tries again).
        case waitingForWAL
    }

    private(set) var journalState = JournalState.wal

    /// `readOnly`: a connection for scans (`query_only`, so it can never write).
    init(path: String, readOnly: Bool = false, journal: Journal = .wal) throws {
        var db: OpaquePointer?
        let rc = pitcrew_sqlite_open(path, &db)
        handle = db
        guard rc == PITCREW_SQLITE_OK else {
            let failure = Failure(code: rc, message: db.map { String(cString: pitcrew_sqlite_errmsg($0)) } ?? "cannot open \(path)")
            _ = pitcrew_sqlite_close(db)
            throw failure
        }
        if !readOnly {
            journalState = try Self.setJournal(journal, on: self)
            if journalState == .waitingForWAL { return }
        }
        let mode = readOnly ? ["PRAGMA query_only=1"] : ["PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"]
        // The busy timeout first: some pragmas read the file. A loader waits for the readers of other processes to finish
        // rather than give up a whole load at its commit (through a rollback journal, a commit needs every reader gone).
        for pragma in [journalState == .loading ? "PRAGMA busy_timeout=600000" : "PRAGMA busy_timeout=10000"] + mode + [
            "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=0", "PRAGMA journal_size_limit=67108864",
            // The writer keeps the hot index pages of large tables (a random message id touches one leaf of a big index)
            // in a 256 MiB cache; a scan reads each page once and needs little. Both read through a memory map rather than
            // a read() per page.
            readOnly ? "PRAGMA cache_size=-16384" : "PRAGMA cache_size=-262144", "PRAGMA mmap_size=1073741824",
        ] {
            _ = try rows(pragma, [], cache: false)
        }
    }

    /// Sets the journal mode before `busy_timeout` is set, so that a switch another process prevents fails at once
    /// (SQLITE_BUSY) instead of waiting. WAL first, always: switching to it fails while another process is in the middle
    /// of a transaction through a rollback journal, while asking for a rollback journal when the file already has one
    /// would succeed even then. So a loader claims the file only from WAL mode, and only when no other connection is
    /// open on it (the second switch fails otherwise). Errors other than busy or locked are thrown.
    private static func setJournal(_ journal: Journal, on connection: NativeSQLite) throws -> JournalState {
        func mode(_ pragma: String) throws -> String? {
            do {
                return try connection.rows(pragma, [], cache: false).first?.first?.text
            } catch let failure as Failure where failure.isBusyOrLocked {
                return nil
            }
        }
        guard try mode("PRAGMA journal_mode=WAL") == "wal" else { return .waitingForWAL }
        if journal == .rollbackWhenAlone, try mode("PRAGMA journal_mode=DELETE") == "delete" { return .loading }
        return .wal
    }

    /// Closes the connection; one that loaded through a rollback journal first puts the file back in WAL mode (when
    /// another connection opened it meanwhile that fails, and the next connection to open it does it).
    func close() {
        for statement in statements.values { pitcrew_sqlite_finalize(statement) }
        statements.removeAll()
        if handle != nil, journalState == .loading { _ = try? rows("PRAGMA journal_mode=WAL", [], cache: false) }
        if let handle { _ = pitcrew_sqlite_close(handle) }
        handle = nil
    }

    deinit { close() }

    private func failure() -> Failure {
        Failure(code: pitcrew_sqlite_extended_errcode(handle), message: String(cString: pitcrew_sqlite_errmsg(handle)))
    }

    private func statement(_ sql: String, cache: Bool) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sql.withCString { pitcrew_sqlite_prepare(handle, $0, -1, &statement) }
        guard rc == PITCREW_SQLITE_OK, let statement else { throw failure() }
        if cache {
            if statements.count >= Self.statementCacheLimit {
                for cached in statements.values { pitcrew_sqlite_finalize(cached) }
                statements.removeAll()
            }
            statements[sql] = statement
        }
        return statement
    }

    /// Runs one statement (`?` placeholders) and returns its rows.
    func rows(_ sql: String, _ binds: [SQLValue], cache: Bool = true) throws -> [[SQLValue]] {
        let statement = try statement(sql, cache: cache)
        defer {
            if cache { pitcrew_sqlite_reset(statement) } else { pitcrew_sqlite_finalize(statement) }
        }
        try bind(statement, binds)
        var result: [[SQLValue]] = []
        let columns = pitcrew_sqlite_column_count(statement)
        while true {
            let rc = pitcrew_sqlite_step(statement)
            if rc == PITCREW_SQLITE_DONE { break }
            guard rc == PITCREW_SQLITE_ROW else { throw failure() }
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch pitcrew_sqlite_column_type(statement, column) {
                case PITCREW_SQLITE_INTEGER, PITCREW_SQLITE_FLOAT: row.append(.integer(pitcrew_sqlite_column_int64(statement, column)))
                case PITCREW_SQLITE_NULL: row.append(.null)
                default:
                    let count = Int(pitcrew_sqlite_column_bytes(statement, column))
                    if let text = pitcrew_sqlite_column_text(statement, column) {
                        row.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)))
                    } else {
                        row.append(.text(""))
                    }
                }
            }
            result.append(row)
        }
        return result
    }

    /// Runs one query (not cached) and hands each row to `body` in place: no allocation per row.
    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (ScanRow) throws -> Void) throws {
        let statement = try statement(sql, cache: false)
        defer { pitcrew_sqlite_finalize(statement) }
        try bind(statement, binds)
        while true {
            let rc = pitcrew_sqlite_step(statement)
            if rc == PITCREW_SQLITE_DONE { return }
            guard rc == PITCREW_SQLITE_ROW else { throw failure() }
            try body(ScanRow(statement: statement))
        }
    }

    /// Runs one statement for each row of values (a prepared INSERT executed many times); returns, per row, whether
    /// it changed anything (false for a row an `ON CONFLICT DO NOTHING` skipped).
    @discardableResult
    func run(_ sql: String, rows values: [SQLValue], columns: Int) throws -> [Bool] {
        let statement = try statement(sql, cache: true)
        var changed: [Bool] = []
        changed.reserveCapacity(values.count / max(columns, 1))
        var start = 0
        while start + columns <= values.count {
            defer { pitcrew_sqlite_reset(statement) }
            try bind(statement, values[start..<(start + columns)])
            guard pitcrew_sqlite_step(statement) == PITCREW_SQLITE_DONE else { throw failure() }
            changed.append(pitcrew_sqlite_changes(handle) > 0)
            start += columns
        }
        return changed
    }

    private func bind(_ statement: OpaquePointer, _ binds: some Collection<SQLValue>) throws {
        var index: Int32 = 1
        for value in binds {
            let rc: Int32
            switch value {
            case .text(var text):
                rc = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        // An empty string has no buffer; bind it from a C literal (still the empty text, not NULL).
                        guard let base = chars.baseAddress else { return "".withCString { pitcrew_sqlite_bind_text(statement, index, $0, 0) } }
                        return pitcrew_sqlite_bind_text(statement, index, base, Int64(chars.count))
                    }
                }
            case .integer(let number): rc = pitcrew_sqlite_bind_int64(statement, index, number)
            case .bool(let flag): rc = pitcrew_sqlite_bind_int64(statement, index, flag ? 1 : 0)
            case .null: rc = pitcrew_sqlite_bind_null(statement, index)
            }
            guard rc == PITCREW_SQLITE_OK else { throw failure() }
            index += 1
        }
    }
}
