import PitcrewCore
import SQLKit

/// Imports count the rows that matched a record and changed nothing (`imports.unchanged`): a file imported again
/// reported every row as updated.
///
/// Tool names are unique per workspace in any case, in the database too: `tools.name_key` is the name as `NameKey`
/// gives it (canonically composed and lower-cased by Unicode rules, computed in Swift: SQLite's `lower()` folds only
/// ASCII and PostgreSQL's depends on the locale), under a unique index, so two concurrent creates of "HubSpot" and
/// "hubspot" cannot both succeed. Tools whose names differ only in case (possible before names were compared in any
/// case) keep their names: the oldest gets the key, each other one its key and `#` and its id, so the migration never
/// fails on existing data; such a tool gets its plain key when it is renamed (`StackStore.tool(name:)` finds it meanwhile).
enum Migration0007ImportUnchangedToolKeys {
    static let migration = Migration(
        name: "0007_import_unchanged_tool_keys",
        statements: { _ in
            ["ALTER TABLE imports ADD COLUMN unchanged BIGINT NOT NULL DEFAULT 0", "ALTER TABLE tools ADD COLUMN name_key TEXT"]
        },
        after: { db in
            try await fillToolKeys(db)
            try await db.raw("CREATE UNIQUE INDEX tools_name_key ON tools (workspace_id, name_key)").run()
        })

    /// Sets every tool's `name_key`, oldest first per workspace; a key taken by an older tool gets `#` and the id.
    static func fillToolKeys(_ db: any SQLDatabase) async throws {
        var taken = Set<String>()
        for row in try await db.raw("SELECT id, workspace_id, name FROM tools ORDER BY workspace_id, id").all() {
            let id = try row.decode(column: "id", as: String.self)
            let workspace = try row.decode(column: "workspace_id", as: String.self)
            var key = NameKey.of(try row.decode(column: "name", as: String.self))
            if !taken.insert(workspace + "\u{1F}" + key).inserted { key += "#" + id }
            try await db.raw("UPDATE tools SET name_key = \(bind: key) WHERE id = \(bind: id)").run()
        }
    }
}
