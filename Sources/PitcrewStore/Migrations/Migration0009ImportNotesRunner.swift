import SQLKit

/// An import's report keeps its notes and how each column was read (`imports.notes`, JSON: before, only the command or
/// page that ran it showed them), and the process that runs it (`imports.runner`: host, process id and start time), so
/// another process (the server, while the command line imports) tells an import still running from one whose process
/// died.
///
/// Spend keeps the ad account it was spent in (`spend.ad_account`): two accounts (US and EMEA) of one platform running a
/// campaign of one name spend separately; before, the second account's report replaced the first's rows.
///
/// Campaigns that share a UTM campaign divide its rows by channel (`CampaignChoice`); those that shared one before get
/// their rows divided so (before, the oldest had them all).
enum Migration0009ImportNotesRunner {
    static let migration = Migration(
        name: "0009_import_notes_runner_ad_accounts",
        statements: { _ in
            ["ALTER TABLE imports ADD COLUMN notes TEXT", "ALTER TABLE imports ADD COLUMN runner TEXT", "ALTER TABLE spend ADD COLUMN ad_account TEXT"]
        },
        after: { db in try await CampaignStore.divideSharedUTMCampaigns(db) })
}
