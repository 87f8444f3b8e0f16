/// Imports count the rows that matched a record and changed nothing (`imports.unchanged`): a file imported again
/// reported every row as updated.
///
/// Tool names are unique per workspace in any case, in the database too: `tools.name_key` is the name case-folded by
/// Pitcrew (`ToolName.key`, Unicode-aware, which SQLite's ASCII-only `lower()` is not) under a unique index, so two
/// concurrent creates of "HubSpot" and "hubspot" cannot both succeed. Existing tools get `lower(name)`; of tools whose
/// names differ only in case (possible before names were compared in any case) the oldest keeps the key and the others
/// get their id appended, so the migration never fails on existing data.
enum Migration0007ImportUnchangedToolKeys {
    static let migration = Migration(name: "0007_import_unchanged_tool_keys") { _ in
        [
            "ALTER TABLE imports ADD COLUMN unchanged BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE tools ADD COLUMN name_key TEXT",
            "UPDATE tools SET name_key = lower(name)",
            """
            UPDATE tools SET name_key = name_key || '#' || id
            WHERE EXISTS (SELECT 1 FROM tools older WHERE older.workspace_id = tools.workspace_id AND lower(older.name) = lower(tools.name)
                          AND older.id < tools.id)
            """,
            "CREATE UNIQUE INDEX tools_name_key ON tools (workspace_id, name_key)",
        ]
    }
}
