import PitcrewStore
import Foundation
import PitcrewCore
public import SQLKit

/// SQL for tools, contracts and integrations.
public enum StackStore {
    static func json(_ list: [String]) -> String { String(decoding: try! JSONEncoder().encode(list), as: UTF8.self) }
    static func list(_ text: String?) -> [String] {
        guard let text, let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return list
    }

    static func tool(from row: any SQLRow) throws -> Tool { try tool(from: KitRow(row: row)) }
    static func contract(from row: any SQLRow) throws -> Contract { try contract(from: KitRow(row: row)) }
    static func integration(from row: any SQLRow) throws -> Integration { try integration(from: KitRow(row: row)) }

    static func tool(from row: some StackRow) throws -> Tool {
        Tool(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            vendor: try row.optionalString("vendor"), website: try row.optionalString("website"), category: try row.string("category"),
            subcategory: try row.optionalString("subcategory"), capabilities: list(try row.optionalString("capabilities")),
            status: ToolStatus(rawValue: try row.string("status")) ?? .active, businessOwner: try row.optionalString("business_owner"),
            technicalOwner: try row.optionalString("technical_owner"), teams: list(try row.optionalString("teams")),
            notes: try row.optionalString("notes"), playbookLinks: list(try row.optionalString("playbook_links")),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
    }

    static func contract(from row: some StackRow) throws -> Contract {
        Contract(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), toolID: try row.string("tool_id"),
            amount: Money(minorUnits: try row.int64("amount_minor"), currency: try row.string("currency")),
            billingPeriod: BillingPeriod(rawValue: try row.string("billing_period")) ?? .annual, seats: try row.optionalInt64("seats"),
            startDate: CalendarDate(try row.string("start_date")) ?? CalendarDate(millis: 0),
            endDate: CalendarDate(try row.string("end_date")) ?? CalendarDate(millis: 0), autoRenew: try row.bool("auto_renew"),
            noticeDays: try row.int64("notice_days"), slaUptimeBP: try row.optionalInt64("sla_uptime_bp"),
            notes: try row.optionalString("notes"), createdAt: try row.int64("created_at"))
    }

    static func integration(from row: some StackRow) throws -> Integration {
        Integration(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), sourceToolID: try row.string("source_tool_id"),
            targetToolID: try row.string("target_tool_id"), direction: IntegrationDirection(rawValue: try row.string("direction")) ?? .one_way,
            objects: list(try row.optionalString("objects")), cadence: IntegrationCadence(rawValue: try row.string("cadence")) ?? .daily,
            owner: try row.optionalString("owner"), status: IntegrationStatus(rawValue: try row.string("status")) ?? .active,
            notes: try row.optionalString("notes"), createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
    }

    // MARK: Whole-workspace reads on a raw reader (the snapshot: thousands of rows, decoded by position)

    static let toolColumns = [
        "id", "workspace_id", "name", "vendor", "website", "category", "subcategory", "capabilities", "status", "business_owner", "technical_owner",
        "teams", "notes", "playbook_links", "created_at", "updated_at",
    ]
    static let contractColumns = [
        "id", "workspace_id", "tool_id", "amount_minor", "currency", "billing_period", "seats", "start_date", "end_date", "auto_renew",
        "notice_days", "sla_uptime_bp", "notes", "created_at",
    ]
    static let integrationColumns = [
        "id", "workspace_id", "source_tool_id", "target_tool_id", "direction", "objects", "cadence", "owner", "status", "notes", "created_at",
        "updated_at",
    ]

    static func all<T>(_ raw: RawSQL, _ table: String, _ columns: [String], order: String, workspaceID: String, _ map: (RawRow) throws -> T) async throws
        -> [T]
    {
        let names = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        let rows = try await raw.rows("SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE workspace_id = ? ORDER BY \(order)", [.text(workspaceID)])
        return try rows.map { try map(RawRow(names: names, values: $0)) }
    }

    // MARK: Tools

    public static func tools(_ db: any SQLDatabase, workspaceID: String) async throws -> [Tool] {
        try await db.raw("SELECT * FROM tools WHERE workspace_id = \(bind: workspaceID) ORDER BY name").all().map(tool(from:))
    }

    public static func tool(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> Tool? {
        try await db.raw("SELECT * FROM tools WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first().map(tool(from:))
    }

    /// The tool of this name in any case ("HubSpot" is "hubspot": usage files and people write both), the exact one first.
    /// (A tool whose name differed only in case from an older one's before migration 0007 has its key and `#id`.)
    public static func tool(_ db: any SQLDatabase, workspaceID: String, name: String) async throws -> Tool? {
        let key = NameKey.of(name)
        let twin = key + "#"
        return try await db.raw(
            """
            SELECT * FROM tools WHERE workspace_id = \(bind: workspaceID)
                AND (name_key = \(bind: key) OR name = \(bind: name) OR substr(name_key, 1, CAST(\(bind: twin.unicodeScalars.count) AS INTEGER)) = \(bind: twin))
            ORDER BY CASE WHEN name = \(bind: name) THEN 0 WHEN name_key = \(bind: key) THEN 1 ELSE 2 END, id LIMIT 1
            """
        ).first().map(tool(from:))
    }

    static func insert(_ db: any SQLDatabase, _ t: Tool) async throws {
        try await db.raw(
            """
            INSERT INTO tools (id, workspace_id, name, vendor, website, category, subcategory, status, business_owner, technical_owner,
                               capabilities, teams, notes, playbook_links, created_at, updated_at, name_key)
            VALUES (\(bind: t.id), \(bind: t.workspaceID), \(bind: t.name), \(bind: t.vendor), \(bind: t.website), \(bind: t.category),
                    \(bind: t.subcategory), \(bind: t.status.rawValue), \(bind: t.businessOwner), \(bind: t.technicalOwner),
                    \(bind: json(t.capabilities)), \(bind: json(t.teams)), \(bind: t.notes), \(bind: json(t.playbookLinks)),
                    \(bind: t.createdAt), \(bind: t.updatedAt), \(bind: NameKey.of(t.name)))
            """
        ).run()
    }

    static func update(_ db: any SQLDatabase, _ t: Tool) async throws {
        try await db.raw(
            """
            UPDATE tools SET name_key = CASE WHEN name = \(bind: t.name) THEN name_key ELSE \(bind: NameKey.of(t.name)) END, name = \(bind: t.name), vendor = \(bind: t.vendor), website = \(bind: t.website), category = \(bind: t.category),
                subcategory = \(bind: t.subcategory), status = \(bind: t.status.rawValue), business_owner = \(bind: t.businessOwner),
                technical_owner = \(bind: t.technicalOwner), capabilities = \(bind: json(t.capabilities)), teams = \(bind: json(t.teams)),
                notes = \(bind: t.notes), playbook_links = \(bind: json(t.playbookLinks)), updated_at = \(bind: t.updatedAt)
            WHERE workspace_id = \(bind: t.workspaceID) AND id = \(bind: t.id)
            """
        ).run()
    }

    static func deleteTool(_ db: any SQLDatabase, workspaceID: String, id: String) async throws {
        try await db.raw("DELETE FROM tools WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").run()
    }

    // MARK: Contracts

    public static func contracts(_ db: any SQLDatabase, workspaceID: String, toolID: String? = nil) async throws -> [Contract] {
        let filter: SQLQueryString = toolID.map { "AND tool_id = \(bind: $0)" } ?? ""
        return try await db.raw("SELECT * FROM contracts WHERE workspace_id = \(bind: workspaceID) \(filter) ORDER BY start_date, id").all()
            .map(contract(from:))
    }

    static func contract(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> Contract? {
        try await db.raw("SELECT * FROM contracts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first().map(contract(from:))
    }

    static func insert(_ db: any SQLDatabase, _ c: Contract) async throws {
        try await db.raw(
            """
            INSERT INTO contracts (id, workspace_id, tool_id, amount_minor, currency, billing_period, seats, start_date, end_date,
                                   auto_renew, notice_days, sla_uptime_bp, notes, created_at)
            VALUES (\(bind: c.id), \(bind: c.workspaceID), \(bind: c.toolID), \(bind: c.amount.minorUnits), \(bind: c.amount.currency),
                    \(bind: c.billingPeriod.rawValue), \(bind: c.seats), \(bind: c.startDate.description), \(bind: c.endDate.description),
                    \(bind: c.autoRenew), \(bind: c.noticeDays), \(bind: c.slaUptimeBP), \(bind: c.notes), \(bind: c.createdAt))
            """
        ).run()
    }

    static func update(_ db: any SQLDatabase, _ c: Contract) async throws {
        try await db.raw(
            """
            UPDATE contracts SET amount_minor = \(bind: c.amount.minorUnits), currency = \(bind: c.amount.currency),
                billing_period = \(bind: c.billingPeriod.rawValue), seats = \(bind: c.seats), start_date = \(bind: c.startDate.description),
                end_date = \(bind: c.endDate.description), auto_renew = \(bind: c.autoRenew), notice_days = \(bind: c.noticeDays),
                sla_uptime_bp = \(bind: c.slaUptimeBP), notes = \(bind: c.notes)
            WHERE workspace_id = \(bind: c.workspaceID) AND id = \(bind: c.id)
            """
        ).run()
    }

    static func deleteContract(_ db: any SQLDatabase, workspaceID: String, id: String) async throws {
        try await db.raw("DELETE FROM contracts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").run()
    }

    // MARK: Integrations

    public static func integrations(_ db: any SQLDatabase, workspaceID: String) async throws -> [Integration] {
        try await db.raw("SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) ORDER BY id").all().map(integration(from:))
    }

    static func integration(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> Integration? {
        try await db.raw("SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
            .map(integration(from:))
    }

    static func integration(_ db: any SQLDatabase, workspaceID: String, source: String, target: String) async throws -> Integration? {
        try await db.raw(
            """
            SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) AND source_tool_id = \(bind: source)
            AND target_tool_id = \(bind: target)
            """
        ).first().map(integration(from:))
    }

    static func insert(_ db: any SQLDatabase, _ i: Integration) async throws {
        try await db.raw(
            """
            INSERT INTO integrations (id, workspace_id, source_tool_id, target_tool_id, direction, objects, cadence, owner, status, notes,
                                      created_at, updated_at)
            VALUES (\(bind: i.id), \(bind: i.workspaceID), \(bind: i.sourceToolID), \(bind: i.targetToolID), \(bind: i.direction.rawValue),
                    \(bind: json(i.objects)), \(bind: i.cadence.rawValue), \(bind: i.owner), \(bind: i.status.rawValue), \(bind: i.notes),
                    \(bind: i.createdAt), \(bind: i.updatedAt))
            """
        ).run()
    }

    static func update(_ db: any SQLDatabase, _ i: Integration) async throws {
        try await db.raw(
            """
            UPDATE integrations SET source_tool_id = \(bind: i.sourceToolID), target_tool_id = \(bind: i.targetToolID),
                direction = \(bind: i.direction.rawValue), objects = \(bind: json(i.objects)), cadence = \(bind: i.cadence.rawValue),
                owner = \(bind: i.owner), status = \(bind: i.status.rawValue), notes = \(bind: i.notes), updated_at = \(bind: i.updatedAt)
            WHERE workspace_id = \(bind: i.workspaceID) AND id = \(bind: i.id)
            """
        ).run()
    }

    static func deleteIntegration(_ db: any SQLDatabase, workspaceID: String, id: String) async throws {
        try await db.raw("DELETE FROM integrations WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").run()
    }

    /// Hosts an admin allowed outbound requests to reach at private addresses.
    static func allowedHosts(_ db: any SQLDatabase, workspaceID: String) async throws -> Set<String> {
        Set(try await db.raw("SELECT host FROM outbound_allowed_hosts WHERE workspace_id = \(bind: workspaceID)").all().map { try $0.string("host") })
    }

    /// The workspace's reporting currency.
    public static func currency(_ db: any SQLDatabase, workspaceID: String) async throws -> String {
        try await db.raw("SELECT currency FROM workspaces WHERE id = \(bind: workspaceID)").first()?.string("currency") ?? "USD"
    }

    // MARK: Campaign links

    public static func campaignLinks(_ db: any SQLDatabase, workspaceID: String) async throws -> [(campaignID: String, toolID: String)] {
        try await db.raw("SELECT campaign_id, tool_id FROM campaign_tools WHERE workspace_id = \(bind: workspaceID)").all()
            .map { (try $0.string("campaign_id"), try $0.string("tool_id")) }
    }
}

/// What the row mappers read: a column by name, as SQLKit rows and raw rows both provide.
protocol StackRow {
    func string(_ column: String) throws -> String
    func optionalString(_ column: String) throws -> String?
    func int64(_ column: String) throws -> Int64
    func optionalInt64(_ column: String) throws -> Int64?
    func bool(_ column: String) throws -> Bool
}

struct KitRow: StackRow {
    let row: any SQLRow
    func string(_ column: String) throws -> String { try row.string(column) }
    func optionalString(_ column: String) throws -> String? { try row.optionalString(column) }
    func int64(_ column: String) throws -> Int64 { try row.int64(column) }
    func optionalInt64(_ column: String) throws -> Int64? { try row.optionalInt64(column) }
    func bool(_ column: String) throws -> Bool { try row.bool(column) }
}

struct RawRow: StackRow {
    struct Missing: Error { var column: String }
    let names: [String: Int]
    let values: [SQLValue]

    func value(_ column: String) throws -> SQLValue {
        guard let index = names[column], index < values.count else { throw Missing(column: column) }
        return values[index]
    }
    func string(_ column: String) throws -> String {
        guard let text = try value(column).text else { throw Missing(column: column) }
        return text
    }
    func optionalString(_ column: String) throws -> String? { try value(column).text }
    func int64(_ column: String) throws -> Int64 {
        guard let number = try value(column).integer else { throw Missing(column: column) }
        return number
    }
    func optionalInt64(_ column: String) throws -> Int64? { try value(column).integer }
    func bool(_ column: String) throws -> Bool {
        switch try value(column) {
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        case .text(let text): return text == "true" || text == "t" || text == "1"
        case .null: throw Missing(column: column)
        }
    }
}
