/// Indexes that let attribution stream touchpoints in unit-then-time order without sorting or table lookups:
/// covering indexes by account and by contact, carrying the channel and campaign.
enum Migration0002MeasureIndexes {
    static let migration = Migration(name: "0002_measure_indexes") { _ in
        [
            "CREATE INDEX touchpoints_account_time ON touchpoints (workspace_id, account_id, occurred_at, channel, campaign_id, offline)",
            "CREATE INDEX touchpoints_contact_time ON touchpoints (workspace_id, contact_id, occurred_at, channel, campaign_id, offline)",
            "DROP INDEX touchpoints_contact",
            "CREATE INDEX opportunities_closed ON opportunities (workspace_id, closed_at)",
        ]
    }
}
