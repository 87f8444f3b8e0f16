/// Which campaign a row that names a campaign belongs to. One initiative is often run as a campaign per channel that
/// share a UTM campaign (`spring_sale` on Google Ads and on Meta): a row of a UTM campaign goes to the oldest of those
/// campaigns of the row's channel, else to the oldest of no channel, else to the oldest. Names are unique (in any case),
/// so a name names one campaign. Spend and imported touches are found by UTM campaign first, then by name.
public struct CampaignChoice: Sendable {
    /// A workspace's campaigns with their channel's name, oldest first; one bind: the workspace id.
    public static let query = """
        SELECT c.id, c.utm_campaign, c.name, ch.name FROM campaigns c LEFT JOIN channels ch ON ch.id = c.channel_id
        WHERE c.workspace_id = ? ORDER BY c.id
        """

    struct Member: Sendable {
        var id: String
        /// The channel's name (lowercased where `CampaignChoice` compares them in Swift; SQL compares with `lower()`).
        var channel: String?
    }

    private var byUTM: [String: [Member]] = [:]
    private var byName: [String: String] = [:]

    public init() {}

    /// From the rows of `query`, in its order.
    public init(rows: [(id: String, utm: String?, name: String?, channel: String?)]) {
        for row in rows {
            if let utm = row.utm?.lowercased() { byUTM[utm, default: []].append(Member(id: row.id, channel: row.channel?.lowercased())) }
            if let name = row.name?.lowercased(), byName[name] == nil { byName[name] = row.id }
        }
    }

    /// The campaign of a tracked touch (by its UTM campaign).
    public func forUTM(_ utm: String?, channel: String?) -> String? {
        guard let utm, let members = byUTM[utm.lowercased()] else { return nil }
        return Self.pick(members, channel: channel?.lowercased()).id
    }

    /// The campaign of spend or an imported touch: by UTM campaign, else by name.
    public func forValue(_ value: String?, channel: String?) -> String? {
        guard let value else { return nil }
        return forUTM(value, channel: channel) ?? byName[value.lowercased()]
    }

    /// `channel` lowercased; `members` not empty, oldest first.
    static func pick(_ members: [Member], channel: String?) -> Member {
        members.first { $0.channel != nil && $0.channel == channel } ?? members.first { $0.channel == nil } ?? members[0]
    }

    /// How a UTM campaign's rows divide among the campaigns that share it: the campaign that takes the rows of every
    /// channel but the others' (and of none), and each other campaign's channel.
    static func division(_ members: [Member]) -> (owners: [(channel: String, id: String)], rest: String) {
        let rest = pick(members, channel: nil).id
        var owners: [(channel: String, id: String)] = []
        var seen = Set<String>()
        // A channel's rows go to its oldest campaign (as `pick`); the rest's own channel is among the rest's.
        for member in members {
            if let channel = member.channel, seen.insert(channel).inserted, member.id != rest { owners.append((channel, member.id)) }
        }
        return (owners, rest)
    }
}
