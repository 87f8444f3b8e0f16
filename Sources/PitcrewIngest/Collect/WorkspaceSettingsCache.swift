import Foundation
import PitcrewCore
import PitcrewStore
import Synchronization

/// What collection and imports need to know about a workspace: its default country (phone numbers) and currency, its
/// channel grouping, and its campaigns (which one a row that names a campaign belongs to).
struct WorkspaceSettings: Sendable {
    var defaultCountry: String?
    var currency = "USD"
    var classifier = WorkspaceSettings.defaultClassifier
    /// The stored grouping's JSON (nil: the default), to keep the classifier while it is unchanged.
    var groupingJSON: String?
    static let defaultClassifier = ChannelClassifier(.defaultGA4)
    var campaigns = CampaignChoice()

    /// Reads them; `previous` lends its classifier (and what it remembered) when the grouping is unchanged.
    static func load(_ raw: RawSQL, workspaceID: String, previous: WorkspaceSettings? = nil) async throws -> WorkspaceSettings {
        var settings = WorkspaceSettings()
        if let row = try await raw.rows("SELECT default_country, channel_grouping, currency FROM workspaces WHERE id = ?", [.text(workspaceID)]).first {
            settings.defaultCountry = row[0].text
            settings.groupingJSON = row[1].text
            settings.currency = row[2].text ?? "USD"
            if let previous, previous.groupingJSON == settings.groupingJSON {
                settings.classifier = previous.classifier
            } else if let json = row[1].text, let grouping = try? JSONDecoder().decode(ChannelGrouping.self, from: Data(json.utf8)) {
                settings.classifier = ChannelClassifier(grouping)
            }
        }
        settings.campaigns = CampaignChoice(rows: try await raw.rows(CampaignChoice.query, [.text(workspaceID)]).compactMap { row in
            row[0].text.map { (id: $0, utm: row[1].text, name: row[2].text, channel: row[3].text) }
        })
        return settings
    }
}

/// Workspace settings read at most every few seconds per workspace (a changed grouping applies within `maxAge`).
final class WorkspaceSettingsCache: Sendable {
    let database: Database
    let maxAge: Int64
    private let entries = Mutex<[String: (settings: WorkspaceSettings, at: Int64)]>([:])

    init(database: Database, maxAge: Int64 = 5_000) {
        self.database = database
        self.maxAge = maxAge
    }

    func invalidate(_ workspaceID: String) { _ = entries.withLock { $0.removeValue(forKey: workspaceID) } }

    func settings(for workspaceID: String) async throws -> WorkspaceSettings {
        let now = Timestamp.now()
        let cached = entries.withLock { $0[workspaceID] }
        if let cached, now - cached.at < maxAge { return cached.settings }
        let settings = try await database.rawRead { raw in
            try await WorkspaceSettings.load(raw, workspaceID: workspaceID, previous: cached?.settings)
        }
        entries.withLock { $0[workspaceID] = (settings, now) }
        return settings
    }
}
