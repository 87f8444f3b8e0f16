public import PitcrewCore
import Foundation
import SQLKit

extension Database {
    /// Writes a consistent copy of an SQLite database to `path` while the server keeps running (`VACUUM INTO` reads one
    /// snapshot). PostgreSQL deployments use `pg_dump`, which does the same for a server.
    public func backup(to path: String) async throws {
        guard backend == .sqlite else {
            throw PitcrewError.invalid("database", "backup copies SQLite databases; for PostgreSQL use pg_dump")
        }
        if FileManager.default.fileExists(atPath: path) {
            throw PitcrewError.invalid("to", "\(path) exists; choose a new file so nothing is overwritten")
        }
        try await read { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
        // Accepted events not yet processed wait in the collection log file beside the database: copied too, after the
        // database (an entry processed in between is then in both copies, and processing it again after a restore
        // changes nothing).
        if case .sqlite(let source) = location, FileManager.default.fileExists(atPath: source + Self.collectionLogSuffix) {
            let log = try NativeSQLite(path: source + Self.collectionLogSuffix)
            defer { log.close() }
            _ = try log.rows("VACUUM INTO ?", [.text(path + Self.collectionLogSuffix)], cache: false)
        }
    }

    /// The collection log's file beside a SQLite database (see `CollectionLog` in PitcrewIngest).
    public static let collectionLogSuffix = "-collect"
}
