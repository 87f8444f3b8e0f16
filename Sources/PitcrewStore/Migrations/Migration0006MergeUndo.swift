/// Undoing identity merges exactly: a merge also records which empty fields of the kept contact it filled from the
/// merged one (`filled_fields`, a JSON array of column names) and the rows it moved that no identity traces back — the
/// merged contact's opportunities and its touchpoints without an event (`moved_rows`, `{"opportunities": [...],
/// "touchpoints": [...]}`). Merges recorded before this migration have neither: undoing one keeps the kept contact's
/// fields and leaves those rows with it.
///
/// Spend rows keep the campaign name of the file (`spend.campaign`): rows of campaigns Pitcrew does not know are told
/// apart by it (before, they shared one key per day, channel and source, and each overwrote the last). Accounts are
/// looked up by name (companies of contacts with free-mail addresses).
enum Migration0006MergeUndo {
    static let migration = Migration(name: "0006_merge_undo") { _ in
        [
            "ALTER TABLE identity_merges ADD COLUMN filled_fields TEXT",
            "ALTER TABLE identity_merges ADD COLUMN moved_rows TEXT",
            "CREATE INDEX identity_merges_merged ON identity_merges (workspace_id, merged_contact_id)",
            // Bumped by every merge undo: processors on other nodes (PostgreSQL) see it change and drop their cached identities.
            "CREATE TABLE identity_epoch (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO identity_epoch (id, value) VALUES (1, 0)",
            "ALTER TABLE spend ADD COLUMN campaign TEXT",
            // Companies known by name only (free-mail contacts, opportunities by account name) are looked up by name.
            "CREATE INDEX accounts_name ON accounts (workspace_id, name)",
        ]
    }
}
