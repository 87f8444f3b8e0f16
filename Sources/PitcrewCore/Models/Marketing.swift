/// A marketing channel (Paid Search, Email, Events …) that campaigns, touchpoints and spend roll up to.
public struct Channel: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var name: String
    /// paid, owned or earned.
    public var kind: ChannelKind
    public var createdAt: Int64

    public init(id: String, workspaceID: String, name: String, kind: ChannelKind, createdAt: Int64) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.kind = kind
        self.createdAt = createdAt
    }
}

public enum ChannelKind: String, Sendable, Codable, CaseIterable {
    case paid, owned, earned
}

public enum CampaignStatus: String, Sendable, Codable, CaseIterable {
    case planned, active, paused, completed, cancelled
}

/// A campaign: the unit marketers plan, spend on and are measured by; linked to traffic by its UTM campaign value.
public struct Campaign: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var channelID: String?
    public var utmCampaign: String?
    public var status: CampaignStatus
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    public var budget: Money?
    public var ownerUserID: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String, workspaceID: String, name: String, channelID: String?, utmCampaign: String?, status: CampaignStatus,
        startDate: CalendarDate?, endDate: CalendarDate?, budget: Money?, ownerUserID: String?, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.channelID = channelID
        self.utmCampaign = utmCampaign
        self.status = status
        self.startDate = startDate
        self.endDate = endDate
        self.budget = budget
        self.ownerUserID = ownerUserID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The numbers on the home dashboard, all read from the workspace's own data.
public struct WorkspaceSummary: Sendable, Equatable {
    public var contacts: Int
    public var accounts: Int
    public var eventsLast30Days: Int
    public var spendThisQuarter: [Money]
    public var tools: Int
    public var campaigns: Int
    /// Events per day for the last 30 days, oldest first.
    public var eventsPerDay: [(day: CalendarDate, count: Int)]
    /// Spend this quarter per channel name, largest first, in the workspace's main currency.
    public var spendByChannel: [(channel: String, amount: Money)]

    public init(
        contacts: Int, accounts: Int, eventsLast30Days: Int, spendThisQuarter: [Money], tools: Int, campaigns: Int,
        eventsPerDay: [(day: CalendarDate, count: Int)], spendByChannel: [(channel: String, amount: Money)]
    ) {
        self.contacts = contacts
        self.accounts = accounts
        self.eventsLast30Days = eventsLast30Days
        self.spendThisQuarter = spendThisQuarter
        self.tools = tools
        self.campaigns = campaigns
        self.eventsPerDay = eventsPerDay
        self.spendByChannel = spendByChannel
    }

    public static func == (lhs: WorkspaceSummary, rhs: WorkspaceSummary) -> Bool {
        lhs.contacts == rhs.contacts && lhs.accounts == rhs.accounts && lhs.eventsLast30Days == rhs.eventsLast30Days
            && lhs.spendThisQuarter == rhs.spendThisQuarter && lhs.tools == rhs.tools && lhs.campaigns == rhs.campaigns
            && lhs.eventsPerDay.map(\.count) == rhs.eventsPerDay.map(\.count)
            && lhs.spendByChannel.map(\.amount) == rhs.spendByChannel.map(\.amount)
    }
}
