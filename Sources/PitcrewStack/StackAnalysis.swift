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
    func millis(daysAgo days: Int) -> Int64 { today.adding(days: -days).startMillis }

    func liveContracts(_ toolID: String) -> [Contract] {
        contracts.filter { $0.toolID == toolID && $0.isLive(on: today) }
    }

    /// Annual cost of a tool's live contracts in the workspace currency.
    func annualCost(_ toolID: String) -> Int64 {
        liveContracts(toolID).filter { $0.amount.currency == currency }.reduce(0) { $0 + $1.annualCost }
    }

    func activeUsers(_ toolID: String, days: Int) -> Set<Int32> {
        let since = millis(daysAgo: days)
        return Set((activity[toolID] ?? []).lazy.filter { $0.lastActive >= since }.map(\.user))
    }

    public func utilization(_ toolID: String) -> ToolUtilization {
        let rows = activity[toolID] ?? []
        let since30 = millis(daysAgo: 30)
        let since90 = millis(daysAgo: 90)
        var all = Set<Int32>(), a30 = Set<Int32>(), a90 = Set<Int32>()
        var features: [String: Set<Int32>] = [:]
        var last: Int64?
        for row in rows {
            all.insert(row.user)
            if row.lastActive >= since30 { a30.insert(row.user) }
            if row.lastActive >= since90 {
                a90.insert(row.user)
                if let feature = row.feature { features[feature, default: []].insert(row.user) }
            }
            last = max(last ?? row.lastActive, row.lastActive)
        }
        let live = liveContracts(toolID)
        let seats: Int64? = live.compactMap(\.seats).isEmpty ? nil : live.compactMap(\.seats).reduce(0, +)
        let cost = annualCost(toolID)
        let unused = seats.map { max(0, $0 - Int64(a90.count)) } ?? 0
        let unusedCost = (seats ?? 0) > 0 ? cost * unused / seats! : 0
        return ToolUtilization(
            toolID: toolID, seatsPurchased: seats, usersKnown: all.count, active30: a30.count, active90: a90.count, annualCost: cost,
            costPerActiveUser: a90.isEmpty ? nil : cost / Int64(a90.count), unusedSeats: unused, unusedCost: unusedCost, lastActivity: last,
            features: features.mapValues(\.count))
    }

    /// Tools in use that share a subcategory, and pairs that share at least two capabilities.
    public func overlaps() -> [OverlapGroup] {
        let inUse = tools.filter { activeStatuses.contains($0.status) }
        var groups: [OverlapGroup] = []
        let bySub = Dictionary(grouping: inUse.filter { $0.subcategory != nil }, by: { $0.subcategory! })
        for (sub, members) in bySub where members.count > 1 {
            groups.append(group("subcategory", sub, members.map(\.id)))
        }
        for (i, a) in inUse.enumerated() where a.capabilities.count >= 2 {
            let capsA = Set(a.capabilities)
            for b in inUse[(i + 1)...] where b.subcategory != a.subcategory || a.subcategory == nil {
                let shared = capsA.intersection(b.capabilities)
                if shared.count >= 2 { groups.append(group("capabilities", shared.sorted().joined(separator: ","), [a.id, b.id])) }
            }
        }
        return groups.sorted { ($0.annualCost, $0.key) > ($1.annualCost, $1.key) }
    }

    private func group(_ basis: String, _ key: String, _ ids: [String]) -> OverlapGroup {
        var seen = Set<Int32>(), shared = Set<Int32>()
        for id in ids {
            for user in activeUsers(id, days: 90) where !seen.insert(user).inserted { shared.insert(user) }
        }
        return OverlapGroup(basis: basis, key: key, toolIDs: ids.sorted(), sharedUsers: shared.count, annualCost: ids.reduce(0) { $0 + annualCost($1) })
    }

    /// In each subcategory with several tools in use, keep the one with most active users; the others are candidates.
    public func consolidation() -> [ConsolidationCandidate] {
        var result: [ConsolidationCandidate] = []
        for group in overlaps() where group.basis == "subcategory" {
            let ranked = group.toolIDs.map { (id: $0, users: activeUsers($0, days: 90), cost: annualCost($0)) }
                .sorted { ($0.users.count, -$0.cost, $0.id) > ($1.users.count, -$1.cost, $1.id) }
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
        let since = millis(daysAgo: inactiveDays)
        var result: [RetirementCandidate] = []
        for tool in tools where tool.status != .retired {
            let cost = annualCost(tool.id)
            let last = (activity[tool.id] ?? []).map(\.lastActive).max()
            let live = !liveContracts(tool.id).isEmpty
            if tool.status == .retiring && live {
                result.append(RetirementCandidate(toolID: tool.id, reason: "retiring with a live contract", annualCost: cost, lastActivity: last))
            } else if live && tool.status != .evaluating && (last ?? .min) < since {
                let reason = last == nil ? "no recorded activity" : "no activity in \(inactiveDays) days"
                result.append(RetirementCandidate(toolID: tool.id, reason: reason, annualCost: cost, lastActivity: last))
            }
        }
        return result.sorted { ($0.annualCost, $0.toolID) > ($1.annualCost, $1.toolID) }
    }

    /// Contracts whose decision date (end − notice) falls within `days` from today (overdue ones included, until the end).
    public func renewals(withinDays days: Int) -> [Renewal] {
        contracts.filter { $0.endDate >= today && $0.decisionDate <= today.adding(days: days) }
            .map {
                Renewal(
                    contractID: $0.id, toolID: $0.toolID, endDate: $0.endDate, decisionDate: $0.decisionDate,
                    daysToDecision: Int($0.decisionDate.daysSinceEpoch - today.daysSinceEpoch), autoRenew: $0.autoRenew,
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
