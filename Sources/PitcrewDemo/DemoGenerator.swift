public import PitcrewCore
public import PitcrewStore
import Foundation
import SQLKit

/// Options of one demo organization. The same options always give the same data.
public struct DemoOptions: Sendable {
    public var seed: UInt64 = 42
    public var contacts: Int = 10_000
    /// Average events per contact; 10 gives 100k contacts → ~1M events.
    public var eventsPerContact: Int = 10
    /// The day the demo's year of history ends (defaults to today, so "last 30 days" has data).
    public var today: CalendarDate = CalendarDate(millis: Timestamp.now())
    public var slug = "demo"
    public var ownerEmail = "demo@pitcrew.local"
    public var ownerPassword = "pitcrew-demo"

    public init() {}
}

/// How much was written, by table.
public struct DemoResult: Sendable {
    public var workspace: Workspace
    public var ownerEmail: String
    public var ownerPassword: String
    public var counts: [(table: String, rows: Int)]

    public var totalRows: Int { counts.reduce(0) { $0 + $1.rows } }
}

/// Generates a realistic B2B marketing organization: channels and ~40 campaigns with UTMs, ~60 martech tools with
/// contracts and usage, accounts and contacts, a year of web, email and ad events with touchpoints, opportunities, and
/// daily spend. Workspace, owner, channels and campaigns go through the same services as the API; the high-volume
/// tables through the stores' bulk inserts.
public struct DemoGenerator: Sendable {
    public let database: Database
    public let access: AccessService
    public let campaigns: CampaignService

    public init(database: Database, access: AccessService, campaigns: CampaignService) {
        self.database = database
        self.access = access
        self.campaigns = campaigns
    }

    /// Creates (or replaces) the demo workspace. `progress` is called with a phase name and a fraction done.
    public func generate(_ options: DemoOptions, progress: @Sendable (String, Double) -> Void = { _, _ in }) async throws -> DemoResult {
        var rng = SeededGenerator(seed: options.seed)
        let actor = Actor.system("demo")
        progress("workspace", 0)
        if let existing = try await access.workspace(slug: options.slug) {
            // Only ever replace a workspace this generator made: a real workspace that happens to use the slug is kept.
            let madeByDemo = try await database.read { db in
                try await db.raw(
                    """
                    SELECT id FROM audit_log WHERE workspace_id = \(bind: existing.id) AND action = 'workspace.create'
                      AND actor_kind = 'system' AND actor_id = 'demo'
                    """
                ).first() != nil
            }
            guard madeByDemo else {
                throw PitcrewError.conflict(
                    "slug", "A workspace '\(options.slug)' exists that the demo generator did not create; it is left alone. Use another database.")
            }
            try await database.transaction { db in try await TenancyStore.deleteWorkspace(db, id: existing.id) }
        }
        let owner: User
        if let user = try await access.user(email: options.ownerEmail) {
            try await access.setPassword(email: options.ownerEmail, password: options.ownerPassword, actor: actor)
            owner = user
        } else {
            owner = try await access.createUser(email: options.ownerEmail, name: "Dana Demo", password: options.ownerPassword, actor: actor)
        }
        let workspace = try await access.createWorkspace(slug: options.slug, name: "Northwind Demo Co.", owner: owner, actor: actor)
        let scope = AccessScope(workspace: workspace, actor: actor, role: .owner)
        var counts: [(String, Int)] = []

        var channelIDs: [String: String] = [:]
        for spec in DemoCatalog.channels {
            channelIDs[spec.name] = try await campaigns.createChannel(scope, ChannelInput(name: spec.name, kind: spec.kind)).id
        }
        counts.append(("channels", channelIDs.count))

        let campaignList = try await makeCampaigns(scope, channelIDs: channelIDs, today: options.today, rng: &rng)
        counts.append(("campaigns", campaignList.count))
        progress("tools", 0.02)
        let (toolCounts, toolIDs) = try await writeTools(workspace: workspace, today: options.today, rng: &rng)
        counts += toolCounts
        var stackRNG = SeededGenerator(seed: options.seed ^ 0x57AC)
        counts += try await DemoStack(database: database, scope: scope, toolIDs: toolIDs, today: options.today)
            .write(campaigns: campaignList, rng: &stackRNG)
        let writer = DemoDataWriter(database: database, workspaceID: workspace.id, today: options.today)
        counts += try await writer.write(options: options, campaigns: campaignList, rng: &rng, progress: progress)
        progress("done", 1)
        return DemoResult(workspace: workspace, ownerEmail: options.ownerEmail, ownerPassword: options.ownerPassword, counts: counts)
    }

    /// ~40 campaigns: each theme on each of its channels, in the quarters of the past year.
    private func makeCampaigns(_ scope: AccessScope, channelIDs: [String: String], today: CalendarDate, rng: inout SeededGenerator) async throws
        -> [DemoCampaign]
    {
        var result: [DemoCampaign] = []
        let quarters = (0..<4).map { today.quarterStart.adding(days: -91 * (3 - $0)).quarterStart }
        for (themeIndex, theme) in DemoCatalog.themes.enumerated() {
            for (channelIndex, channelName) in theme.channels.enumerated() {
                let runs = theme.channels.count == 1 ? 3 : 2
                for run in 0..<runs {
                    let quarter = quarters[(themeIndex + channelIndex + run) % quarters.count]
                    let start = quarter.adding(days: rng.int(0...20))
                    let end = start.adding(days: rng.int(45...85))
                    let label = "\(quarter.year)-Q\((quarter.month - 1) / 3 + 1)"
                    var input = CampaignInput()
                    input.name = .set("\(label) \(theme.name) · \(channelName)")
                    input.channelID = .set(channelIDs[channelName]!)
                    let utm = "\(label.lowercased().replacingOccurrences(of: "-", with: "_"))_\(theme.utm)"
                    input.utmCampaign = .set(utm)
                    input.status = .set(end < today ? "completed" : (start > today ? "planned" : "active"))
                    input.startDate = .set(start.description)
                    input.endDate = .set(end.description)
                    let paid = DemoCatalog.channels.first { $0.name == channelName }?.paid ?? false
                    input.budgetAmount = .set(Int64(paid ? rng.int(8...60) * 1_000_00 : rng.int(1...6) * 1_000_00))
                    input.budgetCurrency = .set("USD")
                    let campaign = try await campaigns.createCampaign(scope, input)
                    let spec = DemoCatalog.channels.first { $0.name == channelName }!
                    result.append(DemoCampaign(id: campaign.id, utm: utm, channel: spec, start: start, end: end, budgetMinor: campaign.budget?.minorUnits ?? 0))
                }
            }
        }
        return result
    }

    private func writeTools(workspace: Workspace, today: CalendarDate, rng: inout SeededGenerator) async throws
        -> ([(String, Int)], [String: String])
    {
        var toolIDs: [String: String] = [:]
        // Stack details draw from their own stream, so the rest of the demo stays as it was.
        var extra = SeededGenerator(seed: 0x57AC_0005)
        var tools: [[any Encodable & Sendable]] = []
        var contracts: [[any Encodable & Sendable]] = []
        var usage: [[any Encodable & Sendable]] = []
        let now = today.startMillis
        let teams = ["Marketing Ops", "Demand Gen", "Content", "Sales", "RevOps", "Customer Success"]
        for (index, tool) in DemoCatalog.tools.enumerated() {
            let (name, vendor, category, subcategory, annualCost, seats, used) = tool
            let id = Identifier.make(millis: UInt64(now - Int64(index)), using: &rng)
            toolIDs[name] = id
            let capabilities = (DemoStack.capabilities[subcategory] ?? []).sorted()  // stored as the API stores tags: sorted
            let status = used ? "active" : (rng.chance(0.3) ? "retiring" : "active")
            let team = rng.pick(teams)
            tools.append([
                id, workspace.id, name, vendor, "https://www.\(vendor.lowercased().filter { $0.isLetter || $0.isNumber }).com", category, subcategory,
                status, "\(rng.pick(DemoCatalog.firstNames)) \(rng.pick(DemoCatalog.lastNames))",
                "\(extra.pick(DemoCatalog.firstNames)) \(extra.pick(DemoCatalog.lastNames))",
                "[" + capabilities.map { "\"\($0)\"" }.joined(separator: ",") + "]", "[\"\(team)\"]", now, now, NameKey.of(name),
            ])
            if annualCost > 0 {
                // Spread end dates so some renew within 30, 90 and 120 days.
                let end = today.adding(days: rng.int(10...400))
                let start = end.adding(days: -365)
                contracts.append([
                    Identifier.make(millis: UInt64(now), using: &rng), workspace.id, id, Int64(annualCost) * 100, "USD", "annual", Int64(seats),
                    start.description, end.description, rng.chance(0.7), Int64(rng.pick([30, 60, 90])),
                    DemoStack.slaTools.contains(name) ? Int64(extra.pick([9_950, 9_990, 9_995])) : nil as Int64?, now,
                ])
            }
            if used {
                let active = max(1, Int(Double(seats) * Double(rng.int(35...100)) / 100))
                for seat in 0..<active {
                    let lastActive = now - Int64(rng.int(0...120)) * 86_400_000
                    let feature: String? = capabilities.isEmpty || extra.chance(0.4) ? nil : extra.pick(capabilities)
                    usage.append([Identifier.make(millis: UInt64(lastActive), using: &rng), workspace.id, id, "user\(seat)@northwind.example", lastActive, feature])
                }
            }
        }
        try await database.transaction { [tools, contracts, usage] db in
            try await BulkInsert.insert(
                db, into: "tools",
                columns: ["id", "workspace_id", "name", "vendor", "website", "category", "subcategory", "status", "business_owner", "technical_owner",
                          "capabilities", "teams", "created_at", "updated_at", "name_key"], rows: tools)
            try await BulkInsert.insert(
                db, into: "contracts",
                columns: ["id", "workspace_id", "tool_id", "amount_minor", "currency", "billing_period", "seats", "start_date", "end_date", "auto_renew",
                          "notice_days", "sla_uptime_bp", "created_at"], rows: contracts)
            try await BulkInsert.insert(
                db, into: "tool_usage", columns: ["id", "workspace_id", "tool_id", "user_email", "last_active_at", "feature"], rows: usage)
        }
        return ([("tools", tools.count), ("contracts", contracts.count), ("tool_usage", usage.count)], toolIDs)
    }
}

/// A campaign as the data writer needs it.
struct DemoCampaign: Sendable {
    var id: String
    var utm: String
    var channel: DemoCatalog.ChannelSpec
    var start: CalendarDate
    var end: CalendarDate
    var budgetMinor: Int64
}
