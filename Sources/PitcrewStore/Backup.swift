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
    }
}
