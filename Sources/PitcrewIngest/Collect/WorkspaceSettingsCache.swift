import Foundation
import PitcrewCore
import PitcrewStore
import Synchronization

/// What collection needs to know about a workspace: its default country (phone numbers), its channel grouping, and
/// its campaigns by UTM value.
struct WorkspaceSettings: Sendable {
    var defaultCountry: String?
    var classifier = WorkspaceSettings.defaultClassifier
    /// The stored grouping's JSON (nil: the default), to keep the classifier while it is unchanged.
    var groupingJSON: String?
    static let defaultClassifier = ChannelClassifier(.defaultGA4)
    var campaignsByUTM: [String: String] = [:]
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
            var settings = WorkspaceSettings()
            if let row = try await raw.rows("SELECT default_country, channel_grouping FROM workspaces WHERE id = ?", [.text(workspaceID)]).first {
                settings.defaultCountry = row[0].text
                settings.groupingJSON = row[1].text
                if let cached, cached.settings.groupingJSON == settings.groupingJSON {
                    // Unchanged: keep the classifier and what it remembered.
                    settings.classifier = cached.settings.classifier
                } else if let json = row[1].text, let grouping = try? JSONDecoder().decode(ChannelGrouping.self, from: Data(json.utf8)) {
                    settings.classifier = ChannelClassifier(grouping)
                }
            }
            for row in try await raw.rows(
                "SELECT utm_campaign, id FROM campaigns WHERE workspace_id = ? AND utm_campaign IS NOT NULL ORDER BY id", [.text(workspaceID)])
            {
                if let utm = row[0].text?.lowercased(), let id = row[1].text, settings.campaignsByUTM[utm] == nil { settings.campaignsByUTM[utm] = id }
            }
            return settings
        }
        entries.withLock { $0[workspaceID] = (settings, now) }
        return settings
    }
}
