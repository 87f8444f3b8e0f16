import PitcrewStore
public import PitcrewCore

/// Utilization of one tool.
public struct ToolUtilization: Sendable, Codable, Equatable {
    public var toolID: String
    public var seatsPurchased: Int64?
    public var usersKnown: Int
    public var active30: Int
    public var active90: Int
    /// Live contracts' cost per year, in the workspace currency (minor units).
    public var annualCost: Int64
    public var costPerActiveUser: Int64?
    public var unusedSeats: Int64
    public var unusedCost: Int64
    public var lastActivity: Int64?
    /// Feature → users active with it in 90 days.
    public var features: [String: Int]
}

public struct OverlapGroup: Sendable, Codable, Equatable {
    /// `subcategory` or `capabilities`.
    public var basis: String
    public var key: String
    public var toolIDs: [String]
    /// Users active in 90 days in more than one tool of the group.
    public var sharedUsers: Int
    public var annualCost: Int64

    /// `toolIds` so the API's snake-case encoder writes `tool_ids` (not `tool_i_ds`).
    enum CodingKeys: String, CodingKey { case basis, key, toolIDs = "toolIds", sharedUsers, annualCost }
}

public struct ConsolidationCandidate: Sendable, Codable, Equatable {
    public var toolID: String
    public var keepToolID: String
    public var subcategory: String
    public var annualSavings: Int64
    public var sharedUsers: Int
    public var usersToMove: Int
}

public struct RetirementCandidate: Sendable, Codable, Equatable {
    public var toolID: String
    public var reason: String
    public var annualCost: Int64
    public var lastActivity: Int64?
}

public struct Renewal: Sendable, Codable, Equatable {
    public var contractID: String
    public var toolID: String
    public var endDate: CalendarDate
    public var decisionDate: CalendarDate
    public var daysToDecision: Int
    public var autoRenew: Bool
    public var annualCost: Int64
    public var currency: String
}

public struct ToolUptime: Sendable, Codable, Equatable {
    public var toolID: String
    /// Basis points (9990 = 99.90 %); nil without results in the window.
    public var uptime7: Int64?
    public var uptime30: Int64?
    public var uptime90: Int64?
    public var averageLatencyMs30: Int64?
    public var slaBP: Int64?
    public var meetsSLA: Bool?
    public var openIncident: Bool
}

extension StackSnapshot {
    var activeStatuses: Set<ToolStatus> { [.evaluating, .active, .retiring] }

    func liveContracts(_ toolID: String) -> [Contract] { liveByTool[toolID] ?? [] }

    /// Annual cost of a tool's live contracts in the workspace currency.
    func annualCost(_ toolID: String) -> Int64 { costByTool[toolID] ?? 0 }

    /// Users active in the 90 days before today (worked out once, at load).
    func active90(_ toolID: String) -> Set<Int32> { active90ByTool[toolID] ?? [] }

    public func utilization(_ toolID: String) -> ToolUtilization {
        let stats = usageByTool[toolID] ?? UsageStats()
        let a90 = active90(toolID)
        let live = liveContracts(toolID)
        let seats: Int64? = live.compactMap(\.seats).isEmpty ? nil : live.compactMap(\.seats).reduce(0, +)
        let cost = annualCost(toolID)
        let unused = seats.map { max(0, $0 - Int64(a90.count)) } ?? 0
        let unusedCost = (seats ?? 0) > 0 ? Int64((Double(cost) * Double(unused) / Double(seats!)).rounded()) : 0
        return ToolUtilization(
            toolID: toolID, seatsPurchased: seats, usersKnown: stats.known, active30: stats.active30, active90: a90.count, annualCost: cost,
            costPerActiveUser: a90.isEmpty ? nil : cost / Int64(a90.count), unusedSeats: unused, unusedCost: unusedCost,
            lastActivity: stats.lastActive, features: stats.features)
    }

    /// Tools in use that share a subcategory, and pairs that share at least two capabilities, costliest first.
    public func overlaps() -> [OverlapGroup] { overlaps(top: nil).groups }

    /// The `top` costliest overlaps (all when nil) and how many there are. Candidates are found and ranked by cost
    /// first; keys and shared users are worked out only for those returned — a large stack has tens of thousands of
    /// capability pairs.
    public func overlaps(top: Int?) -> (groups: [OverlapGroup], total: Int) {
        /// A subcategory group (`sub` set) or a capability pair (tools `i` and `j` of `inUse`).
        struct Candidate {
            var cost: Int64
            var first: String
            var last: String
            var sub: String?
            var i: Int32
            var j: Int32
        }
        let inUse = tools.filter { activeStatuses.contains($0.status) }
        var candidates: [Candidate] = []
        var members: [String: [String]] = [:]
        for tool in inUse { if let sub = tool.subcategory { members[sub, default: []].append(tool.id) } }
        for (sub, ids) in members where ids.count > 1 {
            let sorted = ids.sorted()
            candidates.append(Candidate(cost: ids.reduce(0) { $0 + annualCost($1) }, first: sorted[0], last: sorted[sorted.count - 1], sub: sub, i: 0, j: 0))
        }
        // Capabilities as bit sets, so the all-pairs comparison is a few ANDs per pair.
        var bit: [String: Int] = [:]
        for tool in inUse { for capability in tool.capabilities where bit[capability] == nil { bit[capability] = bit.count } }
        let words = max(1, (bit.count + 63) / 64)
        var masks = [UInt64](repeating: 0, count: inUse.count * words)
        for (i, tool) in inUse.enumerated() {
            for capability in tool.capabilities { let index = bit[capability]!; masks[i * words + index / 64] |= 1 << UInt64(index % 64) }
        }
        let costs = inUse.map { annualCost($0.id) }
        for i in inUse.indices where inUse[i].capabilities.count >= 2 {
            let sub = inUse[i].subcategory
            for j in (i + 1)..<inUse.count where sub == nil || inUse[j].subcategory != sub {
                var common = 0
                for w in 0..<words { common += (masks[i * words + w] & masks[j * words + w]).nonzeroBitCount }
                guard common >= 2 else { continue }
                let (a, b) = inUse[i].id < inUse[j].id ? (inUse[i].id, inUse[j].id) : (inUse[j].id, inUse[i].id)
                candidates.append(Candidate(cost: costs[i] + costs[j], first: a, last: b, sub: nil, i: Int32(i), j: Int32(j)))
            }
        }
        // Costliest first; ties by basis and tools, so the order never depends on how the rows were read.
        candidates.sort {
            if $0.cost != $1.cost { return $0.cost > $1.cost }
            if ($0.sub == nil) != ($1.sub == nil) { return $0.sub != nil }
            return ($0.first, $0.last) < ($1.first, $1.last)
        }
        let chosen = top.map { candidates.prefix($0) } ?? candidates[...]
        let groups = chosen.map { c -> OverlapGroup in
            if let sub = c.sub { return group("subcategory", sub, members[sub]!.sorted()) }
            let (a, b) = (inUse[Int(c.i)], inUse[Int(c.j)])
            let key = Set(a.capabilities).intersection(b.capabilities).sorted().joined(separator: ",")
            return group("capabilities", key, [c.first, c.last])
        }
        return (groups, candidates.count)
    }

    private func group(_ basis: String, _ key: String, _ ids: [String]) -> OverlapGroup {
        var shared = Set<Int32>()
        if ids.count == 2 {
            let (a, b) = (active90(ids[0]), active90(ids[1]))
            shared = a.count < b.count ? a.intersection(b) : b.intersection(a)
        } else {
            var seen = Set<Int32>()
            for id in ids {
                for user in active90(id) where !seen.insert(user).inserted { shared.insert(user) }
            }
        }
        return OverlapGroup(basis: basis, key: key, toolIDs: ids, sharedUsers: shared.count, annualCost: ids.reduce(0) { $0 + annualCost($1) })
    }

    /// In each subcategory with several tools in use, keep the one with most active users; the others are candidates.
    public func consolidation() -> [ConsolidationCandidate] {
        var result: [ConsolidationCandidate] = []
        let inUse = tools.filter { activeStatuses.contains($0.status) }
        let bySub = Dictionary(grouping: inUse.filter { $0.subcategory != nil }, by: { $0.subcategory! })
        for (sub, members) in bySub where members.count > 1 {
            let group = (key: sub, toolIDs: members.map(\.id))
            // Keep a tool that is not on its way out, then the one with most active users, then the cheaper.
            let retiring = Set(members.filter { $0.status == .retiring }.map(\.id))
            let ranked = group.toolIDs.map { (id: $0, users: active90($0), cost: annualCost($0)) }
                .sorted {
                    (retiring.contains($0.id) ? 0 : 1, $0.users.count, -$0.cost, $0.id) > (retiring.contains($1.id) ? 0 : 1, $1.users.count, -$1.cost, $1.id)
                }
            guard let keep = ranked.first else { continue }
            for other in ranked.dropFirst() {
                let shared = other.users.intersection(keep.users).count
                result.append(
                    ConsolidationCandidate(
                        toolID: other.id, keepToolID: keep.id, subcategory: group.key, annualSavings: other.cost, sharedUsers: shared,
                        usersToMove: other.users.count - shared))
            }
        }
        return result.sorted { ($0.annualSavings, $0.toolID) > ($1.annualSavings, $1.toolID) }
    }

    /// Tools with no activity in `inactiveDays` (or none ever) while paid for, and retiring tools with a live contract.
    public func retirementCandidates(inactiveDays: Int = 90) -> [RetirementCandidate] {
        let since = today.adding(days: -inactiveDays).startMillis
        var result: [RetirementCandidate] = []
        for tool in tools {
            let cost = annualCost(tool.id)
            let last = usageByTool[tool.id]?.lastActive
            let live = !liveContracts(tool.id).isEmpty
            if tool.status == .retired {
                if liveContracts(tool.id).contains(where: \.autoRenew) {
                    result.append(RetirementCandidate(
                        toolID: tool.id, reason: "retired, but its contract renews automatically: cancel it", annualCost: cost, lastActivity: last))
                }
            } else if tool.status == .retiring && live {
                result.append(RetirementCandidate(toolID: tool.id, reason: "retiring with a live contract", annualCost: cost, lastActivity: last))
            } else if tool.status != .evaluating && (last ?? .min) < since {
                let reason = last == nil ? "no recorded activity" : "no activity in \(inactiveDays) days"
                result.append(RetirementCandidate(toolID: tool.id, reason: reason, annualCost: cost, lastActivity: last))
            }
        }
        return result.sorted { ($0.annualCost, $0.toolID) > ($1.annualCost, $1.toolID) }
    }

    /// Contracts whose decision date (end − notice) falls within `days` from today (overdue ones included, until the end).
    /// Auto-renewing contracts count with the term running today. Contracts of retired tools are left out unless they renew
    /// automatically: retiring a tool does not cancel its contract, and that is when the decision matters most.
    public func renewals(withinDays days: Int) -> [Renewal] {
        let retired = Set(tools.filter { $0.status == .retired }.map(\.id))
        return contracts.filter {
            !(retired.contains($0.toolID) && !$0.autoRenew) && $0.currentEnd(on: today) >= today && $0.decisionDate(on: today) <= today.adding(days: days)
        }
            .map {
                Renewal(
                    contractID: $0.id, toolID: $0.toolID, endDate: $0.currentEnd(on: today), decisionDate: $0.decisionDate(on: today),
                    daysToDecision: Int($0.decisionDate(on: today).daysSinceEpoch - today.daysSinceEpoch), autoRenew: $0.autoRenew,
                    annualCost: $0.annualCost, currency: $0.amount.currency)
            }
            .sorted { ($0.decisionDate, $0.contractID) < ($1.decisionDate, $1.contractID) }
    }

    public func uptime() -> [ToolUptime] {
        var byTool: [String: [UptimeDay]] = [:]
        for day in uptimeDays { if let tool = checks[day.checkID] { byTool[tool, default: []].append(day) } }
        let open = Set(openIncidents.map(\.toolID))
        return Set(checks.values).sorted().map { toolID in
            let days = byTool[toolID] ?? []
            func ratio(_ window: Int) -> Int64? {
                let from = today.adding(days: -window)
                let inWindow = days.filter { $0.day > from }
                let total = inWindow.reduce(0) { $0 + $1.total }
                return total == 0 ? nil : inWindow.reduce(0) { $0 + $1.up } * 10_000 / total
            }
            let last30 = days.filter { $0.day > today.adding(days: -30) }
            let total30 = last30.reduce(0) { $0 + $1.total }
            let sla = liveContracts(toolID).compactMap(\.slaUptimeBP).max()
            let u30 = ratio(30)
            return ToolUptime(
                toolID: toolID, uptime7: ratio(7), uptime30: u30, uptime90: ratio(90),
                averageLatencyMs30: total30 == 0 ? nil : last30.reduce(0) { $0 + $1.latencySum } / total30, slaBP: sla,
                meetsSLA: sla.flatMap { target in u30.map { $0 >= target } }, openIncident: open.contains(toolID))
        }
    }
}
