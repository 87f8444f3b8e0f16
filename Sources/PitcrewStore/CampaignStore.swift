public import PitcrewCore
public import SQLKit

/// SQL for campaigns and channels.
public enum CampaignStore {
    static func campaign(from row: any SQLRow) throws -> Campaign {
        let budget = try row.optionalInt64("budget_minor").map { Money(minorUnits: $0, currency: try row.optionalString("currency") ?? "USD") }
        return Campaign(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            channelID: try row.optionalString("channel_id"), utmCampaign: try row.optionalString("utm_campaign"),
            status: CampaignStatus(rawValue: try row.string("status")) ?? .planned,
            startDate: try row.optionalString("start_date").flatMap(CalendarDate.init), endDate: try row.optionalString("end_date").flatMap(CalendarDate.init),
            budget: budget, ownerUserID: try row.optionalString("owner_user_id"), createdAt: try row.int64("created_at"),
            updatedAt: try row.int64("updated_at"))
    }

    static func channel(from row: any SQLRow) throws -> Channel {
        Channel(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            kind: ChannelKind(rawValue: try row.string("kind")) ?? .owned, createdAt: try row.int64("created_at"))
    }

    public static func campaigns(_ db: any SQLDatabase, workspaceID: String, page: PageRequest, status: CampaignStatus? = nil) async throws
        -> Page<Campaign>
    {
        let statusFilter: SQLQueryString = status.map { "AND status = \(bind: $0.rawValue)" } ?? ""
        let rows = try await db.raw(
            """
            SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: page.after ?? "") \(statusFilter)
            ORDER BY id LIMIT \(bind: page.limit + 1)
            """
        ).all()
        return page.page(try rows.map(campaign(from:)), id: \.id)
    }

    public static func campaign(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> Campaign? {
        try await db.raw("SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first().map(campaign(from:))
    }

    /// Another campaign of the workspace with this name in any case (reports and links compare names so, so two campaigns
    /// must not share one). (A UTM campaign may be shared: one initiative run as a campaign per channel.)
    static func other(_ db: any SQLDatabase, workspaceID: String, than id: String, name: String) async throws -> Campaign? {
        try await db.raw(
            """
            SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id <> \(bind: id) AND lower(name) = lower(\(bind: name))
            ORDER BY id LIMIT 1
            """
        ).first().map(campaign(from:))
    }

    /// The workspace's other campaigns with this UTM campaign in any case.
    static func others(_ db: any SQLDatabase, workspaceID: String, than id: String, utmCampaign: String) async throws -> [Campaign] {
        try await db.raw(
            """
            SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id <> \(bind: id)
                AND lower(utm_campaign) = lower(\(bind: utmCampaign)) ORDER BY id
            """
        ).all().map(campaign(from:))
    }

    public static func insert(_ db: any SQLDatabase, _ campaign: Campaign) async throws {
        try await db.raw(
            """
            INSERT INTO campaigns (id, workspace_id, name, channel_id, utm_campaign, status, start_date, end_date, budget_minor,
                                   currency, owner_user_id, created_at, updated_at)
            VALUES (\(bind: campaign.id), \(bind: campaign.workspaceID), \(bind: campaign.name), \(bind: campaign.channelID),
                    \(bind: campaign.utmCampaign), \(bind: campaign.status.rawValue), \(bind: campaign.startDate?.description),
                    \(bind: campaign.endDate?.description), \(bind: campaign.budget?.minorUnits), \(bind: campaign.budget?.currency),
                    \(bind: campaign.ownerUserID), \(bind: campaign.createdAt), \(bind: campaign.updatedAt))
            """
        ).run()
    }

    public static func update(_ db: any SQLDatabase, _ campaign: Campaign) async throws {
        try await db.raw(
            """
            UPDATE campaigns SET name = \(bind: campaign.name), channel_id = \(bind: campaign.channelID),
                utm_campaign = \(bind: campaign.utmCampaign), status = \(bind: campaign.status.rawValue),
                start_date = \(bind: campaign.startDate?.description), end_date = \(bind: campaign.endDate?.description),
                budget_minor = \(bind: campaign.budget?.minorUnits), currency = \(bind: campaign.budget?.currency),
                owner_user_id = \(bind: campaign.ownerUserID), updated_at = \(bind: campaign.updatedAt)
            WHERE workspace_id = \(bind: campaign.workspaceID) AND id = \(bind: campaign.id)
            """
        ).run()
    }

    /// What a campaign claims unlinked rows by: its UTM campaign, its name, or either.
    enum LinkMatch { case utm, name, either }

    /// Spend and touchpoints that arrived before the campaign existed (kept with the campaign as the file or the UTM
    /// wrote it) become the campaign's once a campaign of that name or UTM campaign exists, as if they had arrived after
    /// it: spend and imported (offline) touches by UTM campaign or name, tracked touches by UTM campaign only (as
    /// collection links them). Rows another campaign has keep it. A UTM campaign's rows divide among the campaigns that
    /// share it by channel (`CampaignChoice`); `relinking` moves rows those campaigns already have to the right one of
    /// them too (after a campaign joins them or changes channel), which reads every row of that UTM campaign; otherwise
    /// each link is a lookup in an index of the unlinked rows.
    /// (Compared with SQL's `lower()` on both sides: SQLite's folds ASCII only, so it must fold both.)
    static func linkUnlinked(_ db: any SQLDatabase, _ campaign: Campaign, matching: LinkMatch = .either, relinking: Bool = false) async throws {
        if matching != .name, let utm = campaign.utmCampaign {
            try await linkUTMCampaign(db, workspaceID: campaign.workspaceID, utm: utm, relinking: relinking)
        }
        guard matching != .utm else { return }
        let named: SQLQueryString = "campaign_id IS NULL AND campaign IS NOT NULL AND lower(campaign) = lower(\(bind: campaign.name))"
        try await db.raw("UPDATE spend SET campaign_id = \(bind: campaign.id) WHERE workspace_id = \(bind: campaign.workspaceID) AND \(named)").run()
        try await db.raw(
            "UPDATE touchpoints SET campaign_id = \(bind: campaign.id) WHERE workspace_id = \(bind: campaign.workspaceID) AND \(named) AND offline = TRUE"
        ).run()
    }

    /// Links the rows of one UTM campaign to the campaigns that share it, each channel's to its campaign.
    private static func linkUTMCampaign(_ db: any SQLDatabase, workspaceID: String, utm: String, relinking: Bool) async throws {
        let members = try await db.raw(
            """
            SELECT c.id, ch.name FROM campaigns c LEFT JOIN channels ch ON ch.id = c.channel_id
            WHERE c.workspace_id = \(bind: workspaceID) AND lower(c.utm_campaign) = lower(\(bind: utm)) ORDER BY c.id
            """
        ).all().map { row in CampaignChoice.Member(id: try row.decode(column: "id", as: String.self), channel: try row.decode(column: "name", as: String?.self)) }
        guard !members.isEmpty else { return }
        let (owners, rest) = CampaignChoice.division(members)
        // Rows that are free, or (relinking) that one of these campaigns has.
        let free: SQLQueryString =
            relinking && members.count > 1 ? "(campaign_id IS NULL OR campaign_id IN (\(binds: members.map(\.id))))" : "campaign_id IS NULL"
        for table in ["spend", "touchpoints"] {
            let rows: SQLQueryString = "workspace_id = \(bind: workspaceID) AND \(free) AND campaign IS NOT NULL AND lower(campaign) = lower(\(bind: utm))"
            for (channel, id) in owners {
                try await db.raw(
                    "UPDATE \(unsafeRaw: table) SET campaign_id = \(bind: id) WHERE \(rows) AND lower(channel) = lower(\(bind: channel))"
                ).run()
            }
            let claimed = owners.map { "lower(\(bind: $0.channel))" as SQLQueryString }
            let others: SQLQueryString = claimed.isEmpty ? "" : "AND (channel IS NULL OR lower(channel) NOT IN (\(claimed.joined(separator: ", "))))"
            try await db.raw("UPDATE \(unsafeRaw: table) SET campaign_id = \(bind: rest) WHERE \(rows) \(others)").run()
        }
    }

    /// Divides the rows of every UTM campaign that several campaigns share by channel (`CampaignChoice`), rows already
    /// linked included: what campaigns that shared one before rows were divided so (migration 0009) get.
    static func divideSharedUTMCampaigns(_ db: any SQLDatabase) async throws {
        let groups = try await db.raw(
            """
            SELECT workspace_id, MIN(utm_campaign) AS utm FROM campaigns WHERE utm_campaign IS NOT NULL
            GROUP BY workspace_id, lower(utm_campaign) HAVING COUNT(*) > 1
            """
        ).all()
        for group in groups {
            try await linkUTMCampaign(
                db, workspaceID: try group.decode(column: "workspace_id", as: String.self), utm: try group.decode(column: "utm", as: String.self),
                relinking: true)
        }
    }

    /// Links the unlinked rows of a workspace (or of every workspace) to its campaigns: by UTM campaign first, then by
    /// name (as imports link rows).
    public static func linkAllUnlinked(_ db: any SQLDatabase, workspaceID: String?) async throws {
        let filter: SQLQueryString = workspaceID.map { "WHERE workspace_id = \(bind: $0)" } ?? ""
        let campaigns = try await db.raw("SELECT * FROM campaigns \(filter) ORDER BY workspace_id, id").all().map(campaign(from:))
        var linked = Set<String>()
        for campaign in campaigns {
            guard let utm = campaign.utmCampaign, linked.insert(campaign.workspaceID + "\u{1F}" + utm.lowercased()).inserted else { continue }
            try await linkUnlinked(db, campaign, matching: .utm)
        }
        for campaign in campaigns { try await linkUnlinked(db, campaign, matching: .name) }
    }

    public static func delete(_ db: any SQLDatabase, workspaceID: String, id: String) async throws {
        try await db.raw("DELETE FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").run()
    }

    public static func channels(_ db: any SQLDatabase, workspaceID: String, page: PageRequest) async throws -> Page<Channel> {
        let rows = try await db.raw(
            """
            SELECT * FROM channels WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: page.after ?? "")
            ORDER BY id LIMIT \(bind: page.limit + 1)
            """
        ).all()
        return page.page(try rows.map(channel(from:)), id: \.id)
    }

    public static func channel(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> Channel? {
        try await db.raw("SELECT * FROM channels WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first().map(channel(from:))
    }

    public static func channel(_ db: any SQLDatabase, workspaceID: String, name: String) async throws -> Channel? {
        try await db.raw("SELECT * FROM channels WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)").first()
            .map(channel(from:))
    }

    public static func insert(_ db: any SQLDatabase, _ channel: Channel) async throws {
        try await db.raw(
            """
            INSERT INTO channels (id, workspace_id, name, kind, created_at)
            VALUES (\(bind: channel.id), \(bind: channel.workspaceID), \(bind: channel.name), \(bind: channel.kind.rawValue), \(bind: channel.createdAt))
            """
        ).run()
    }

    public static func update(_ db: any SQLDatabase, _ channel: Channel) async throws {
        try await db.raw(
            """
            UPDATE channels SET name = \(bind: channel.name), kind = \(bind: channel.kind.rawValue)
            WHERE workspace_id = \(bind: channel.workspaceID) AND id = \(bind: channel.id)
            """
        ).run()
    }

    public static func delete(_ db: any SQLDatabase, workspaceChannel channel: Channel) async throws {
        try await db.raw("DELETE FROM channels WHERE workspace_id = \(bind: channel.workspaceID) AND id = \(bind: channel.id)").run()
    }
}
