/// Lookups of attribution reports:
/// - conversions defined by an event name (`event:Demo Requested`) read events by name and time; the index carries
///   contact_id so the read never touches the table;
/// - splitting a workspace's contacts or accounts into equal slices by id (for parallel reads) walks (workspace_id, id).
enum Migration0003EventNameIndex {
    static let migration = Migration(name: "0003_measure_lookup_indexes") { _ in
        [
            "CREATE INDEX events_name_time ON events (workspace_id, name, occurred_at, contact_id)",
            "CREATE INDEX contacts_workspace_id ON contacts (workspace_id, id)",
            "CREATE INDEX accounts_workspace_id ON accounts (workspace_id, id)",
        ]
    }
}
