/// Data in (issue #3): the collection log, sources with write keys, identities and their merges, typed custom fields, imports, and the
/// columns collection needs on events and touchpoints.
/// - `event_counts` holds per-type totals (kept in the same transaction as the events they count).
/// - `events_unresolved` is partial (anonymous events only), so stitching an anonymous id on identify is an index
///   lookup while identified traffic pays nothing for it.
enum Migration0004Ingest {
    static let migration = Migration(name: "0004_ingest") { backend in
        [
            // The collection log: each accepted request, committed before the 200; processed into events in order.
            """
            CREATE TABLE ingest_log (
                seq \(backend == .postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"),
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, source_id TEXT NOT NULL,
                received_at BIGINT NOT NULL, kind TEXT NOT NULL, messages BIGINT NOT NULL, body TEXT NOT NULL, id_seed TEXT NOT NULL)
            """,
            // Log entries that could not be read again (e.g. after an upgrade tightened validation): kept, never dropped.
            """
            CREATE TABLE ingest_dead_letters (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, source_id TEXT NOT NULL,
                received_at BIGINT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, id_seed TEXT NOT NULL, reason TEXT NOT NULL,
                at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sources (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, write_key_hash TEXT NOT NULL UNIQUE, write_key_prefix TEXT NOT NULL,
                created_by TEXT, created_at BIGINT NOT NULL, rotated_at BIGINT, revoked_at BIGINT, last_event_at BIGINT,
                UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE identities (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL,
                contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, kind, value))
            """,
            "CREATE INDEX identities_contact ON identities (workspace_id, contact_id)",
            """
            CREATE TABLE identity_merges (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kept_contact_id TEXT NOT NULL, merged_contact_id TEXT NOT NULL, merged_contact TEXT NOT NULL,
                moved_identities TEXT NOT NULL, reason TEXT NOT NULL, message_id TEXT, at BIGINT NOT NULL, undone_at BIGINT)
            """,
            "CREATE INDEX identity_merges_kept ON identity_merges (workspace_id, kept_contact_id)",
            """
            CREATE TABLE custom_fields (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, entity TEXT NOT NULL, key TEXT NOT NULL,
                label TEXT NOT NULL, type TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, entity, key))
            """,
            """
            CREATE TABLE imports (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL, file_name TEXT NOT NULL, preset TEXT, status TEXT NOT NULL, dry_run BOOLEAN NOT NULL,
                skip_bad_rows BOOLEAN NOT NULL, rows_read BIGINT NOT NULL DEFAULT 0, rows_bad BIGINT NOT NULL DEFAULT 0,
                inserted BIGINT NOT NULL DEFAULT 0, updated BIGINT NOT NULL DEFAULT 0, problems TEXT, message TEXT,
                created_by TEXT, created_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "CREATE INDEX imports_workspace ON imports (workspace_id, id)",
            "ALTER TABLE workspaces ADD COLUMN default_country TEXT",
            "ALTER TABLE workspaces ADD COLUMN channel_grouping TEXT",
            "ALTER TABLE events ADD COLUMN source_id TEXT",
            "ALTER TABLE events ADD COLUMN sent_at BIGINT",
            "CREATE INDEX events_unresolved ON events (workspace_id, anonymous_id) WHERE contact_id IS NULL",
            // Per-type totals kept by every writer of events, so `/api/v1/events/stats` never scans the events.
            """
            CREATE TABLE event_counts (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, type TEXT NOT NULL,
                total BIGINT NOT NULL, PRIMARY KEY (workspace_id, type))
            """,
            "INSERT INTO event_counts (workspace_id, type, total) SELECT workspace_id, type, COUNT(*) FROM events GROUP BY workspace_id, type",
            "ALTER TABLE touchpoints ADD COLUMN anonymous_id TEXT",
            "ALTER TABLE touchpoints ADD COLUMN referrer TEXT",
            "ALTER TABLE touchpoints ADD COLUMN click_id TEXT",
            "CREATE INDEX touchpoints_unresolved ON touchpoints (workspace_id, anonymous_id) WHERE contact_id IS NULL",
            "CREATE INDEX contacts_external ON contacts (workspace_id, external_id)",
            "CREATE INDEX accounts_external ON accounts (workspace_id, external_id)",
            "CREATE INDEX opportunities_external ON opportunities (workspace_id, external_id)",
        ]
    }
}
