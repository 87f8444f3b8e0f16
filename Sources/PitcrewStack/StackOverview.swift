import PitcrewStore
import PitcrewCore

public struct StackOverview: Sendable, Codable, Equatable {
    public struct CategoryRow: Sendable, Codable, Equatable {
        public var key: String
        public var label: String
        public var tools: Int
        public var annualCost: Int64
    }

    public var currency: String
    public var toolsByStatus: [String: Int]
    public var categories: [CategoryRow]
    /// Annual cost per team; a tool used by several teams is split evenly between them.
    public var annualCostByTeam: [String: Int64]
    public var totalAnnualCost: Int64
    public var renewals: [Renewal]
    /// The 50 costliest overlaps (all of them: `/consolidation`), and how many there are.
    public var overlaps: [OverlapGroup]
    public var overlapCount: Int
    public var unusedLicenceSpend: Int64
    public var topUnused: [ToolUtilization]
    public var consolidationSavings: Int64
    public var retirementCandidates: Int
    public var uptime: [ToolUptime]
    public var openIncidents: Int
    /// Live contracts in another currency than the workspace's: not in the cost figures above (no exchange rates yet).
    public var otherCurrencyContracts: Int
}

extension StackSnapshot {
    public func overview(renewalDays: Int = 120) -> StackOverview {
        var byStatus: [String: Int] = [:]
        for status in ToolStatus.allCases { byStatus[status.rawValue] = 0 }
        var categories: [String: StackOverview.CategoryRow] = [:]
        for category in MartechTaxonomy.categories {
            categories[category.key] = .init(key: category.key, label: category.label, tools: 0, annualCost: 0)
        }
        var byTeam: [String: Int64] = [:]
        var total: Int64 = 0
        var utilizations: [ToolUtilization] = []
        for tool in tools {
            byStatus[tool.status.rawValue, default: 0] += 1
            let usage = utilization(tool.id)
            utilizations.append(usage)
            categories[tool.category, default: .init(key: tool.category, label: tool.category, tools: 0, annualCost: 0)].tools += 1
            categories[tool.category]!.annualCost += usage.annualCost
            total += usage.annualCost
            let teams = tool.teams.isEmpty ? ["Unassigned"] : tool.teams
            for (index, team) in teams.enumerated() {
                // Even split; the remainder goes to the first teams so the parts add up to the whole.
                let share = usage.annualCost / Int64(teams.count) + (Int64(index) < usage.annualCost % Int64(teams.count) ? 1 : 0)
                byTeam[team, default: 0] += share
            }
        }
        let overlaps = overlaps(top: 50)
        let consolidation = consolidation()
        return StackOverview(
            currency: currency, toolsByStatus: byStatus,
            categories: MartechTaxonomy.categories.compactMap { categories[$0.key] }
                + categories.values.filter { MartechTaxonomy.category($0.key) == nil }.sorted { $0.key < $1.key },
            annualCostByTeam: byTeam, totalAnnualCost: total, renewals: renewals(withinDays: renewalDays), overlaps: overlaps.groups,
            overlapCount: overlaps.total,
            unusedLicenceSpend: utilizations.reduce(0) { $0 + $1.unusedCost },
            topUnused: Array(utilizations.filter { $0.unusedCost > 0 }.sorted { ($0.unusedCost, $0.toolID) > ($1.unusedCost, $1.toolID) }.prefix(10)),
            consolidationSavings: consolidation.reduce(0) { $0 + $1.annualSavings },
            retirementCandidates: retirementCandidates().count, uptime: uptime(), openIncidents: openIncidents.count,
            otherCurrencyContracts: liveByTool.values.joined().filter { $0.amount.currency != currency }.count)
    }
}
