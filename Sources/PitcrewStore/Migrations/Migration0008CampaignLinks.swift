import SQLKit

/// Touchpoints and spend that arrived before their campaign existed are linked to it when it is made or renamed
/// (`CampaignStore.linkUnlinked`): before, only spend was, by a scan of the workspace's spend, and touchpoints never were,
/// so a campaign made after its traffic showed none of it in campaign reports.
///
/// The partial indexes hold only the rows still waiting for a campaign (a UTM campaign or a file's campaign name that
/// no campaign had), so linking is a lookup, and rows with a campaign or none cost them nothing. The migration links
/// what existing campaigns already name: by UTM campaign first (by channel where several share one: `CampaignChoice`),
/// then by name (as imports link rows).
///
/// `touchpoints_unresolved` (an anonymous visitor's touches) gains the time, so the repeat-touch check reads a
/// visitor's touches near a time, not all of them.
enum Migration0008CampaignLinks {
    static let migration = Migration(
        name: "0008_campaign_links_touch_times",
        statements: { _ in
            [
                "CREATE INDEX touchpoints_unlinked_campaign ON touchpoints (workspace_id, lower(campaign)) WHERE campaign_id IS NULL AND campaign IS NOT NULL",
                "CREATE INDEX spend_unlinked_campaign ON spend (workspace_id, lower(campaign)) WHERE campaign_id IS NULL AND campaign IS NOT NULL",
                // An anonymous visitor's touches near a time (`RepeatTouches`), not all of them.
                "DROP INDEX touchpoints_unresolved",
                "CREATE INDEX touchpoints_unresolved ON touchpoints (workspace_id, anonymous_id, occurred_at) WHERE contact_id IS NULL",
            ]
        },
        after: { db in try await CampaignStore.linkAllUnlinked(db, workspaceID: nil) })
}
