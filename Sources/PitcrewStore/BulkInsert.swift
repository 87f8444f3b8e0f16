public import SQLKit

/// Multi-row INSERTs with bound parameters, chunked under both backends' parameter limits
/// (SQLite 32,766; PostgreSQL 65,535). Used by the demo generator and by imports.
public enum BulkInsert {
    static let maximumBinds = 30_000

    /// Inserts `rows` (each with one value per column) into `table`. With `ignoreConflicts`, rows that clash with a
    /// unique key are skipped (`ON CONFLICT DO NOTHING`), which makes re-sending a batch harmless.
    public static func insert(
        _ db: any SQLDatabase, into table: String, columns: [String], rows: [[any Encodable & Sendable]], ignoreConflicts: Bool = false
    ) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, maximumBinds / max(1, columns.count))
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            var builder = db.insert(into: table).columns(columns)
            for row in rows[start..<end] { builder = builder.values(row) }
            if ignoreConflicts { builder = builder.ignoringConflicts() }
            try await builder.run()
            start = end
        }
    }
}
