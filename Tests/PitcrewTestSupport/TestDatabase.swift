import Foundation
import Logging
import SQLKit
public import PitcrewCore
public import PitcrewStore

/// The storage backends a test runs on: SQLite always, PostgreSQL when `PITCREW_TEST_POSTGRES_URL` is set.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The backends available in this run.
    public static let available: [TestBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    static let postgresURL: PostgresURL? = ProcessInfo.processInfo.environment["PITCREW_TEST_POSTGRES_URL"].flatMap { try? PostgresURL($0) }
}

/// Fresh, migrated databases for tests. PostgreSQL databases are cloned from a template migrated once per process
/// (`CREATE DATABASE … TEMPLATE`), which is much faster than migrating each one.
public enum TestDatabase {
    static let logger = Logger(label: "pitcrew.test")

    /// A new empty database location (SQLite: a temp file; PostgreSQL: a clone of the migrated template) and its cleanup.
    public static func fresh(_ backend: TestBackend) async throws -> (location: DatabaseLocation, cleanup: @Sendable () async -> Void) {
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-test-\(UUID().uuidString).sqlite").path
            return (.sqlite(path: path), {
                for suffix in ["", "-wal", "-shm", "-collect", "-collect-wal", "-collect-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            })
        case .postgres:
            guard let url = TestBackend.postgresURL else { throw PitcrewError(.unavailable, "PITCREW_TEST_POSTGRES_URL is not set") }
            let template = try await PostgresTemplate.shared.name(url)
            let name = "pitcrew_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await admin(url) { db in try await db.read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: template)").run() } }
            PostgresTemplate.markUsed()
            return (.postgres(url.with(database: name)), {
                try? await admin(url) { db in
                    try await db.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
                }
            })
        }
    }

    /// Runs `body` on a fresh migrated database, then deletes it.
    public static func with<T: Sendable>(_ backend: TestBackend, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        let (location, cleanup) = try await fresh(backend)
        do {
            let result = try await Database.with(location, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await body(database)
            }
            await cleanup()
            return result
        } catch {
            await cleanup()
            throw error
        }
    }

    static func admin<T: Sendable>(_ url: PostgresURL, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Database.with(.postgres(url), logger: logger, body)
    }
}

/// Creates the migrated template database once per test process.
actor PostgresTemplate {
    static let shared = PostgresTemplate()
    private var task: Task<String, any Error>?

    func name(_ url: PostgresURL) async throws -> String {
        if let task { return try await task.value }
        let task = Task<String, any Error> {
            let name = "pitcrew_template_\(ProcessInfo.processInfo.processIdentifier)"
            try await TestDatabase.admin(url) { db in
                try await db.read { sql in
                    try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name)").run()
                    try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
                }
            }
            try await Database.with(.postgres(url.with(database: name)), logger: TestDatabase.logger) { database in
                try await Migrator.migrate(database)
            }
            return name
        }
        self.task = task
        return try await task.value
    }

    /// CI checks this file to prove the PostgreSQL run really happened.
    nonisolated static func markUsed() {
        guard let path = ProcessInfo.processInfo.environment["PITCREW_TEST_POSTGRES_MARKER"] else { return }
        FileManager.default.createFile(atPath: path, contents: Data("used\n".utf8))
    }
}
