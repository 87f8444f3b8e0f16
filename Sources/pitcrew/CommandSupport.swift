import ArgumentParser
import Foundation
import PitcrewCore
import PitcrewStore
import PitcrewWeb

extension DatabaseOption {
    /// Opens the database, applies pending migrations, and runs `body` with the services every command shares.
    /// A SQLite file that does not exist is refused (a mistyped path would otherwise become a new, empty database):
    /// `migrate`, `demo` and `serve` create one. `bulkLoad`: the command writes a large load (see `Database.open`).
    func withServices<T: Sendable>(bulkLoad: Bool = false, _ body: @Sendable (AppServices) async throws -> T) async throws -> T {
        let location = try location()
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no database at \(path): create one with `pitcrew migrate --database \(path)` (or `pitcrew demo`), or check the path")
        }
        return try await Database.with(location, bulkLoad: bulkLoad) { database in
            try await Migrator.migrate(database)
            return try await body(AppServices(database: database))
        }
    }
}

extension AccessService {
    /// The CLI acts as the system, with `role`, in the workspace named by `slug` (a usage error when there is none).
    func commandLineScope(slug: String, role: Role = .owner) async throws -> AccessScope {
        guard let workspace = try await workspace(slug: slug) else { throw PitcrewError.invalid("workspace", "no workspace \(slug)") }
        return AccessScope(workspace: workspace, actor: .system("cli"), role: role)
    }
}

/// Exit codes beyond 0 (success), 1 (failure) and 2 (usage).
enum CommandExit {
    /// An import with `--skip-bad-rows` wrote the good rows and skipped some: scripts can tell it from a clean import.
    static let importedWithSkippedRows: Int32 = 3
}
