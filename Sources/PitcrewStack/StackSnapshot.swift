public import PitcrewCore
public import PitcrewStore
import SQLKit

/// Everything the stack's analyses read, loaded at once: tools, contracts, integrations, per-user activity (interned),
/// campaign links, uptime rollups and open incidents. Overview, utilization, overlap and impact are computed from it.
public struct StackSnapshot: Sendable {
    public struct Activity: Sendable {
        public var user: Int32
        public var lastActive: Int64
        public var feature: String?
    }

    public struct UptimeDay: Sendable {
        public var checkID: String
        public var day: CalendarDate
        public var up: Int64
        public var total: Int64
        public var latencySum: Int64
    }

    public var today: CalendarDate
    public var currency: String
    public var tools: [Tool]
    public var contracts: [Contract]
    public var integrations: [Integration]
    /// Activity rows per tool id.
    public var activity: [String: [Activity]]
    public var userCount: Int
    public var campaignLinks: [(campaignID: String, toolID: String)]
    public var campaignNames: [String: String]
    /// Uptime checks: id → tool id.
    public var checks: [String: String]
    public var uptimeDays: [UptimeDay]
    public var openIncidents: [(toolID: String, openedAt: Int64, cause: String)]

    public static func load(_ database: Database, workspaceID: String, today: CalendarDate) async throws -> StackSnapshot {
        let since = today.adding(days: -90).description
        let (tools, contracts, integrations, links, campaigns, currency, checks, days, incidents) = try await database.read { db in
            let tools = try await StackStore.tools(db, workspaceID: workspaceID)
            let contracts = try await StackStore.contracts(db, workspaceID: workspaceID)
            let integrations = try await StackStore.integrations(db, workspaceID: workspaceID)
            let links = try await StackStore.campaignLinks(db, workspaceID: workspaceID)
            var campaigns: [String: String] = [:]
            if !links.isEmpty {
                for row in try await db.raw("SELECT id, name FROM campaigns WHERE workspace_id = \(bind: workspaceID)").all() {
                    campaigns[try row.string("id")] = try row.string("name")
                }
            }
            let currency = try await StackStore.currency(db, workspaceID: workspaceID)
            var checks: [String: String] = [:]
            for row in try await db.raw("SELECT id, tool_id FROM uptime_checks WHERE workspace_id = \(bind: workspaceID)").all() {
                checks[try row.string("id")] = try row.string("tool_id")
            }
            var days: [UptimeDay] = []
            if !checks.isEmpty {
                days = try await db.raw(
                    """
                    SELECT check_id, day, up_count, total, latency_sum FROM uptime_daily
                    WHERE workspace_id = \(bind: workspaceID) AND day > \(bind: since)
                    """
                ).all().map {
                    UptimeDay(
                        checkID: try $0.string("check_id"), day: CalendarDate(try $0.string("day")) ?? today, up: try $0.int64("up_count"),
                        total: try $0.int64("total"), latencySum: try $0.int64("latency_sum"))
                }
            }
            let incidents = try await db.raw(
                "SELECT tool_id, opened_at, cause FROM incidents WHERE workspace_id = \(bind: workspaceID) AND closed_at IS NULL"
            ).all().map { (toolID: try $0.string("tool_id"), openedAt: try $0.int64("opened_at"), cause: try $0.string("cause")) }
            return (tools, contracts, integrations, links, campaigns, currency, checks, days, incidents)
        }
        // Activity is the large table: read raw, users interned to integers.
        let rows = try await database.rawRead { raw in
            try await raw.rows("SELECT tool_id, user_email, last_active_at, feature FROM tool_usage WHERE workspace_id = ?", [.text(workspaceID)])
        }
        var users: [String: Int32] = [:]
        var activity: [String: [Activity]] = [:]
        for row in rows {
            guard case .text(let tool) = row[0], case .text(let email) = row[1], case .integer(let at) = row[2] else { continue }
            let user: Int32
            if let known = users[email] { user = known } else {
                user = Int32(users.count)
                users[email] = user
            }
            activity[tool, default: []].append(Activity(user: user, lastActive: at, feature: row[3].text))
        }
        return StackSnapshot(
            today: today, currency: currency, tools: tools, contracts: contracts, integrations: integrations, activity: activity,
            userCount: users.count, campaignLinks: links, campaignNames: campaigns, checks: checks, uptimeDays: days,
            openIncidents: incidents)
    }
}
