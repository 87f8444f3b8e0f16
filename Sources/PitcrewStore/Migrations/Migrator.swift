public import PitcrewCore
public import SQLKit

/// One named, append-only schema change. Never edit a migration after it has shipped: add a new one.
public struct Migration: Sendable {
    public let name: String
    /// Statements in order; each is plain SQL valid on SQLite and PostgreSQL. `{{…}}` markers are not used:
    /// where the dialects differ, `statements(for:)` is given the backend.
    public let statements: @Sendable (Database.Backend) -> [String]
    /// Work SQL cannot do the same way on both databases (keys computed in Swift), run after `statements` in the same
    /// transaction.
    public let after: (@Sendable (any SQLDatabase) async throws -> Void)?

    public init(
        name: String, statements: @escaping @Sendable (Database.Backend) -> [String],
        after: (@Sendable (any SQLDatabase) async throws -> Void)? = nil
    ) {
        self.name = name
        self.statements = statements
        self.after = after
    }
}

/// Applies migrations in order, each in its own transaction, and records them in `schema_migrations`.
public enum Migrator {
    /// Every migration this binary knows, in order.
    public static let all: [Migration] = [
        Migration0001Foundation.migration,
        Migration0002MeasureIndexes.migration,
        Migration0003EventNameIndex.migration,
        Migration0004Ingest.migration,
        Migration0005Stack.migration,
        Migration0006MergeUndo.migration,
        Migration0007ImportUnchangedToolKeys.migration,
        Migration0008CampaignLinks.migration,
        Migration0009ImportNotesRunner.migration,
    ]

    /// Applies what is missing; returns the names applied. Refuses a database that has migrations this binary does not know
    /// (it was migrated by a newer Pitcrew), because running old code on a newer schema can lose data.
    @discardableResult
    public static func migrate(_ database: Database, migrations: [Migration] = Migrator.all) async throws -> [String] {
        try await database.transaction { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
            ).run()
        }
        let applied = try await appliedNames(database)
        let known = Set(migrations.map(\.name))
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw PitcrewError(
                .unavailable,
                "The database has migrations this version of Pitcrew does not know (\(unknown.sorted().joined(separator: ", "))). "
                    + "Upgrade Pitcrew; refusing to run on a newer schema.")
        }
        var newlyApplied: [String] = []
        let backend = database.backend
        for migration in migrations where !applied.contains(migration.name) {
            let statements = migration.statements(database.backend)
            let name = migration.name
            let after = migration.after
            let didApply = try await database.transaction { db in
                // Several `serve` nodes may start together on one PostgreSQL: one applies, the others wait and skip.
                if backend == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7250001)").run() }
                if try await db.raw("SELECT name FROM schema_migrations WHERE name = \(bind: name)").first() != nil { return false }
                for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
                try await after?(db)
                try await db.raw("INSERT INTO schema_migrations (name, applied_at) VALUES (\(bind: name), \(bind: Timestamp.now()))").run()
                return true
            }
            if didApply { newlyApplied.append(name) }
        }
        return newlyApplied
    }

    /// Names of the migrations recorded in the database.
    public static func appliedNames(_ database: Database) async throws -> Set<String> {
        try await database.read { db in
            Set(try await db.raw("SELECT name FROM schema_migrations").all().map { try $0.decode(column: "name", as: String.self) })
        }
    }
}
