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
    public var campaignLinks: [(campaignID: String, toolID: String)]
    public var campaignNames: [String: String]
    /// Uptime checks: id → tool id.
    public var checks: [String: String]
    public var uptimeDays: [UptimeDay]
    public var openIncidents: [(toolID: String, openedAt: Int64, cause: String)]
    /// Worked out once at load: live contracts, their annual cost (workspace currency) and users active in 90 days, per tool.
    var liveByTool: [String: [Contract]] = [:]
    var costByTool: [String: Int64] = [:]
    var active90ByTool: [String: Set<Int32>] = [:]
    var usageByTool: [String: UsageStats] = [:]

    struct UsageStats {
        var known = 0
        var active30 = 0
        var lastActive: Int64?
        var features: [String: Int] = [:]
    }
    /// Users active in 90 days of a tool whose activity was not loaded (impact analysis reads only that tool's).
    var active90Counts: [String: Int] = [:]

    mutating func index() {
        for contract in contracts where contract.isLive(on: today) {
            liveByTool[contract.toolID, default: []].append(contract)
            if contract.amount.currency == currency { costByTool[contract.toolID, default: 0] += contract.annualCost }
        }
        let since90 = today.adding(days: -90).startMillis
        let since30 = today.adding(days: -30).startMillis
        for (tool, rows) in activity {
            var all = Set<Int32>(), a30 = Set<Int32>(), a90 = Set<Int32>()
            var features: [String: Set<Int32>] = [:]
            var last = Int64.min
            for row in rows {
                all.insert(row.user)
                last = max(last, row.lastActive)
                guard row.lastActive >= since90 else { continue }
                a90.insert(row.user)
                if row.lastActive >= since30 { a30.insert(row.user) }
                if let feature = row.feature { features[feature, default: []].insert(row.user) }
            }
            active90ByTool[tool] = a90
            usageByTool[tool] = UsageStats(
                known: all.count, active30: a30.count, lastActive: rows.isEmpty ? nil : last, features: features.mapValues(\.count))
        }
    }

    /// Loads the workspace's stack. Without `activity`, per-user rows are not read (the large table); `activeFor` then
    /// names one tool whose active-user count is read instead.
    public static func load(_ database: Database, workspaceID: String, today: CalendarDate, activity loadActivity: Bool = true,
                            activeFor: String? = nil) async throws -> StackSnapshot {
        let since = today.adding(days: -90).description
        // Activity is the large table: read raw (users interned to integers below), on another reader connection while
        // the rest is read.
        // One row per tool with its activity packed by the database (the covering index streams in tool order): tens of
        // thousands of small rows cost far more to hand over one by one than to pack and split.
        let pack = database.backend == .postgres
            ? "string_agg(user_email || chr(31) || CAST(last_active_at AS TEXT) || chr(31) || COALESCE(feature, ''), chr(30))"
            : "group_concat(user_email || char(31) || last_active_at || char(31) || COALESCE(feature, ''), char(30))"
        async let activityRows: [[SQLValue]] = loadActivity ? database.rawRead { raw in
            try await raw.rows("SELECT tool_id, \(pack) FROM tool_usage WHERE workspace_id = ? GROUP BY tool_id", [.text(workspaceID)])
        } : []
        // Tools, contracts and integrations: thousands of rows in a large stack, read raw on another reader.
        async let lists = database.rawRead { raw in
            return (
                try await StackStore.all(raw, "tools", StackStore.toolColumns, order: "name", workspaceID: workspaceID, StackStore.tool(from:)),
                try await StackStore.all(raw, "contracts", StackStore.contractColumns, order: "start_date, id", workspaceID: workspaceID, StackStore.contract(from:)),
                try await StackStore.all(raw, "integrations", StackStore.integrationColumns, order: "id", workspaceID: workspaceID, StackStore.integration(from:))
            )
        }
        let (links, campaigns, currency, checks, days, incidents) = try await database.read { db in
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
            return (links, campaigns, currency, checks, days, incidents)
        }
        var counts: [String: Int] = [:]
        if let tool = activeFor {
            let since = today.adding(days: -90).startMillis
            counts[tool] = Int(try await database.rawRead { raw in
                try await raw.rows(
                    "SELECT COUNT(DISTINCT user_email) FROM tool_usage WHERE workspace_id = ? AND tool_id = ? AND last_active_at >= ?",
                    [.text(workspaceID), .text(tool), .integer(since)])
            }.first?.first?.integer ?? 0)
        }
        let rows = try await activityRows
        let (tools, contracts, integrations) = try await lists
        var interner = ActivityInterner()
        var activity: [String: [Activity]] = [:]
        for row in rows {
            guard case .text(let tool) = row[0], case .text(var packed) = row[1] else { continue }
            activity[tool] = packed.withUTF8 { interner.parse($0) }
        }
        var snapshot = StackSnapshot(
            today: today, currency: currency, tools: tools, contracts: contracts, integrations: integrations, activity: activity,
            campaignLinks: links, campaignNames: campaigns, checks: checks, uptimeDays: days,
            openIncidents: incidents)
        snapshot.active90Counts = counts
        snapshot.index()
        return snapshot
    }
}

/// Splits packed activity (`email US last_active US feature`, records separated by RS) and interns users and features
/// to small integers without making a String per row: keys are FNV-1a hashes of the bytes, checked against the bytes
/// first seen under that hash (a collision falls back to exact String keys, so counts stay exact).
struct ActivityInterner {
    private var users: [UInt64: (id: Int32, bytes: [UInt8])] = [:]
    private var collided: [String: Int32] = [:]
    private var features: [UInt64: String] = [:]
    private(set) var userCount = 0

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [StackSnapshot.Activity] {
        var result: [StackSnapshot.Activity] = []
        var start = 0
        let end = bytes.count
        while start < end {
            var recordEnd = start
            while recordEnd < end && bytes[recordEnd] != 30 { recordEnd += 1 }
            var first = start
            while first < recordEnd && bytes[first] != 31 { first += 1 }
            var second = first + 1
            while second < recordEnd && bytes[second] != 31 { second += 1 }
            if second < recordEnd {
                var at: Int64 = 0
                var valid = second > first + 1
                for index in (first + 1)..<second {
                    let digit = bytes[index] &- 48
                    if digit > 9 { valid = false; break }
                    at = at &* 10 &+ Int64(digit)
                }
                if valid {
                    let user = intern(UnsafeBufferPointer(rebasing: bytes[start..<first]))
                    let feature = second + 1 < recordEnd ? featureName(UnsafeBufferPointer(rebasing: bytes[(second + 1)..<recordEnd])) : nil
                    result.append(StackSnapshot.Activity(user: user, lastActive: at, feature: feature))
                }
            }
            start = recordEnd + 1
        }
        return result
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let key = Self.hash(bytes)
        if let known = users[key] {
            if known.bytes.elementsEqual(bytes) { return known.id }
            let text = String(decoding: bytes, as: UTF8.self)
            if let id = collided[text] { return id }
            let id = Int32(userCount)
            userCount += 1
            collided[text] = id
            return id
        }
        let id = Int32(userCount)
        userCount += 1
        users[key] = (id, Array(bytes))
        return id
    }

    private mutating func featureName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let key = Self.hash(bytes)
        if let known = features[key], known.utf8.elementsEqual(bytes) { return known }
        let name = String(decoding: bytes, as: UTF8.self)
        features[key] = name
        return name
    }
}
