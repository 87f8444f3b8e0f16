public import Logging
public import PitcrewCore
public import SQLKit
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLiteKit
import SQLiteNIO
public import ServiceLifecycle
import Synchronization

/// The one handle on Pitcrew's storage. Stores get `any SQLDatabase` from `read` and `transaction` and write one SQL text
/// for both backends; `backend` is consulted only where the dialects truly differ.
public final class Database: Sendable, Service {
    public enum Backend: String, Sendable { case sqlite, postgres }

    public let backend: Backend
    public let location: DatabaseLocation
    let logger: Logger
    let storage: Storage
    let checkpointer: WALCheckpointer?

    enum Storage: Sendable {
        case sqlite(writer: SQLiteConnection, native: NativeSQLite, readers: [SQLiteConnection], writeLock: AsyncLock, next: ReaderCounter)
        case postgres(PostgresClient)
    }

    private init(backend: Backend, location: DatabaseLocation, logger: Logger, storage: Storage, checkpointer: WALCheckpointer? = nil) {
        self.backend = backend
        self.location = location
        self.logger = logger
        self.storage = storage
        self.checkpointer = checkpointer
    }

    /// Opens the database. For PostgreSQL the returned handle must be `run()` (it is a Service) before queries complete.
    /// `bulkLoad`: the process is about to write a large load (`pitcrew import`); on SQLite, when no other process has the
    /// file open, it writes through a rollback journal until it closes (see `NativeSQLite.Journal`).
    public static func open(_ location: DatabaseLocation, readers: Int = 3, bulkLoad: Bool = false, logger: Logger = Logger(label: "pitcrew.db"))
        async throws -> Database
    {
        try await open(location, readers: readers, bulkLoad: bulkLoad, logger: logger, walLimits: WALCheckpointer.Limits())
    }

    static func open(_ location: DatabaseLocation, readers: Int = 3, bulkLoad: Bool = false, logger: Logger, walLimits: WALCheckpointer.Limits)
        async throws -> Database
    {
        switch location {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                throw PitcrewError.invalid("database", "the folder \(directory) does not exist")
            }
            // The native writer first: a switch to a rollback journal needs the file to itself.
            let native = try await openNativeWriter(path: path, bulkLoad: bulkLoad, logger: logger)
            let wal = native.journalState != .loading
            let writer = try await openSQLite(path: path, wal: wal, logger: logger)
            var readerConnections: [SQLiteConnection] = []
            for _ in 0..<max(1, readers) { readerConnections.append(try await openSQLite(path: path, wal: wal, logger: logger)) }
            let writeLock = AsyncLock()
            var checkpointer: WALCheckpointer?
            if wal {
                checkpointer = WALCheckpointer(
                    databasePath: path, connection: try await openSQLite(path: path, wal: true, logger: logger), writeLock: writeLock,
                    limits: walLimits, logger: logger)
                checkpointer?.start()
            }
            return Database(
                backend: .sqlite, location: location, logger: logger,
                storage: .sqlite(writer: writer, native: native, readers: readerConnections, writeLock: writeLock, next: ReaderCounter()),
                checkpointer: checkpointer)
        case .postgres(let url):
            let tls: PostgresClient.Configuration.TLS
            switch url.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            var configuration = PostgresClient.Configuration(
                host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
            configuration.options.maximumConnections = 16
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return Database(backend: .postgres, location: location, logger: logger, storage: .postgres(client))
        }
    }

    /// The native writer, once the file is in WAL mode or this process has switched it to a rollback journal for a load.
    /// While another process loads through a rollback journal the file cannot be put back in WAL mode, and reading it
    /// would wait on that load's lock: the open waits for the load to be done (a server started meanwhile, a backup,
    /// another import), and gives up after ten minutes.
    private static func openNativeWriter(path: String, bulkLoad: Bool, logger: Logger) async throws -> NativeSQLite {
        let deadline = ContinuousClock.now + .seconds(600)
        // A journal left by a load that was killed: the first connection rolls it back (SQLite does that on opening).
        let leftJournal = WALCheckpointer.size(path + "-journal") > 0
        var told = false
        while true {
            let native = try NativeSQLite(path: path, journal: bulkLoad ? .rollbackWhenAlone : .wal)
            if native.journalState != .waitingForWAL {
                if leftJournal, !told, WALCheckpointer.size(path + "-journal") == 0 {
                    logger.notice("An import was interrupted before it finished: it was rolled back, and the database is as it was before it")
                }
                return native
            }
            native.close()
            guard ContinuousClock.now < deadline else {
                throw PitcrewError(.unavailable, "Another process (an import) has been loading data into \(path) for ten minutes; try again when it is done.")
            }
            if !told {
                logger.notice("Another process (an import) is loading data into the database; waiting for it to finish")
                told = true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// `wal: false` while the native writer loads through a rollback journal: asking for WAL would switch the file back.
    private static func openSQLite(path: String, wal: Bool, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        // WAL lets readers run while the single writer commits; NORMAL sync is durable in WAL mode
        // except for the last transactions on power loss — FULL is used so that a 200 means the data is on disk.
        // The busy timeout first: some pragmas read the file.
        _ = try await connection.query("PRAGMA busy_timeout=10000")
        if wal { _ = try await connection.query("PRAGMA journal_mode=WAL") }
        _ = try await connection.query("PRAGMA synchronous=FULL")
        _ = try await connection.query("PRAGMA foreign_keys=ON")
        // A 64 MiB page cache per connection keeps index pages of large tables in memory during bulk writes and scans
        // (SQLite's default is 2 MiB); memory-mapped reads avoid a copy per page.
        _ = try await connection.query("PRAGMA cache_size=-65536")
        _ = try await connection.query("PRAGMA mmap_size=268435456")
        _ = try await connection.query("PRAGMA temp_store=MEMORY")
        // Checkpoints run in the background (WALCheckpointer), not inside whichever commit crosses the threshold.
        _ = try await connection.query("PRAGMA wal_autocheckpoint=0")
        // When the log starts over after a checkpoint, its file is cut back to 64 MiB (a burst leaves no giant file).
        _ = try await connection.query("PRAGMA journal_size_limit=67108864")
        return connection
    }

    /// Runs the PostgreSQL pool until cancelled; for SQLite waits for shutdown and closes the connections.
    public func run() async throws {
        switch storage {
        case .postgres(let client):
            await client.run()
        case .sqlite:
            try? await gracefulShutdown()
            try await close()
        }
    }

    /// Runs `body` with the database open and (for PostgreSQL) its pool running; closes it afterwards.
    public static func with<T: Sendable>(
        _ location: DatabaseLocation, bulkLoad: Bool = false, logger: Logger = Logger(label: "pitcrew.db"),
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = try await open(location, bulkLoad: bulkLoad, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            if case .postgres(let client) = database.storage {
                group.addTask { await client.run() }
                // Let the pool's run loop start before the first lease (PostgresNIO warns about leases before run()).
                try await Task.sleep(for: .milliseconds(2))
            }
            do {
                let result = try await body(database)
                group.cancelAll()
                try? await database.close()
                return result
            } catch {
                group.cancelAll()
                try? await database.close()
                throw error
            }
        }
    }

    /// Closes SQLite connections (PostgreSQL closes when its `run()` task is cancelled).
    public func close() async throws {
        if case .sqlite(let writer, let native, let readers, let lock, _) = storage {
            await checkpointer?.stop()
            await lock.lock()
            for connection in [writer] + readers where !connection.isClosed { try? await connection.close() }
            // Last: a writer that loaded through a rollback journal can put the file back in WAL mode only alone.
            native.close()
            await lock.unlock()
        }
    }

    /// Runs read-only work. SQLite readers see the last committed state (WAL snapshot).
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch storage {
        case .sqlite(_, _, let readers, _, let next):
            return try await body(readers[next.next() % readers.count].sql())
        case .postgres(let client):
            return try await client.withConnection { connection in try await body(connection.sql()) }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch storage {
        case .sqlite(let writer, _, _, let lock, _):
            await lock.lock()
            await checkpointer?.checkpointIfOverdue()
            do {
                let result = try await Database.inTransaction(writer.sql(), begin: "BEGIN IMMEDIATE", body)
                await lock.unlock()
                return result
            } catch {
                await lock.unlock()
                throw error
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await Database.inTransaction(connection.sql(), begin: "BEGIN", body)
            }
        }
    }

    private static func inTransaction<T: Sendable>(
        _ db: any SQLDatabase, begin: String, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw Database.mapConstraintViolation(error)
        }
    }

    /// A unique-key violation that a concurrent writer caused after our existence check is a conflict, not a 500.
    static func mapConstraintViolation(_ error: any Error) -> any Error {
        if let sqlite = error as? SQLiteError, sqlite.reason == .constraintUniqueFailed || sqlite.reason == .constraintPrimaryKeyFailed {
            return PitcrewError(.conflict, "The record clashes with one that exists (\(sqlite.message)).")
        }
        if let native = error as? NativeSQLite.Failure, native.isUniqueViolation {
            return PitcrewError(.conflict, "The record clashes with one that exists (\(native.message)).")
        }
        if let postgres = error as? PSQLError, postgres.serverInfo?[.sqlState] == "23505" {
            return PitcrewError(.conflict, "The record clashes with one that exists (\(postgres.serverInfo?[.detail] ?? "unique key")).")
        }
        return error
    }

    /// Runs read-only work on one consistent snapshot (several statements see the same committed state).
    public func snapshot<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch storage {
        case .sqlite(_, _, let readers, _, let next):
            return try await Database.inTransaction(readers[next.next() % readers.count].sql(), begin: "BEGIN DEFERRED", body)
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await Database.inTransaction(connection.sql(), begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
            }
        }
    }

    /// True when the database answers a trivial query.
    public func isReady() async -> Bool {
        do {
            return try await read { db in try await db.raw("SELECT 1 AS ok").first() != nil }
        } catch {
            return false
        }
    }
}

/// Round-robin over SQLite reader connections.
final class ReaderCounter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value &+= 1
            return value & Int.max
        }
    }
}
