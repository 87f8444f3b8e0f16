import PitcrewStore
import PitcrewCore

public struct ImpactReport: Sendable, Codable, Equatable {
    public struct AffectedIntegration: Sendable, Codable, Equatable {
        public var integrationID: String
        public var sourceToolID: String
        public var targetToolID: String
        /// `outbound` (leaves the tool), `inbound` (loses its destination) or `downstream` (further along the flow).
        public var relation: String
        /// Objects that stop flowing through it.
        public var objects: [String]
        public var depth: Int
    }

    public struct AffectedTool: Sendable, Codable, Equatable {
        public var toolID: String
        public var objectsLost: [String]
        public var depth: Int
    }

    public struct AffectedCampaign: Sendable, Codable, Equatable {
        public var campaignID: String
        public var name: String
    }

    public var toolID: String
    public var integrations: [AffectedIntegration]
    public var downstreamTools: [AffectedTool]
    public var objectsStopped: [String]
    public var campaigns: [AffectedCampaign]
    public var liveContracts: Int
    public var annualCost: Int64
    public var activeUsers90: Int
    /// True when data leaving the tool comes back to it (a cycle in the map).
    public var inCycle: Bool
}

extension StackSnapshot {
    /// What breaks if `toolID` is retired. Data is followed along active integrations (two-way ones in both directions).
    /// First every tool the tool's objects can reach is taken to lose them; then a tool keeps an object if another source
    /// that still has it sends it there, repeated until nothing changes (so a cycle back through the retired tool does not
    /// keep anything alive, and a second source does). Integrations that carry a lost object are listed with what stops.
    public func impact(of toolID: String) -> ImpactReport {
        struct Edge {
            var integration: Integration
            var from: String
            var to: String
        }
        var outgoing: [String: [Edge]] = [:]
        var incoming: [String: [Edge]] = [:]
        for integration in integrations where integration.status == .active {
            var legs = [Edge(integration: integration, from: integration.sourceToolID, to: integration.targetToolID)]
            if integration.direction == .two_way {
                legs.append(Edge(integration: integration, from: integration.targetToolID, to: integration.sourceToolID))
            }
            for leg in legs {
                outgoing[leg.from, default: []].append(leg)
                incoming[leg.to, default: []].append(leg)
            }
        }
        // Reach: everything the retired tool's objects can flow to (an over-estimate of what is lost).
        let sent = Set((outgoing[toolID] ?? []).flatMap(\.integration.objects))
        var lost: [String: Set<String>] = [toolID: sent]
        var queue = [toolID]
        while let tool = queue.popLast() {
            let objects = lost[tool] ?? []
            for edge in outgoing[tool] ?? [] where edge.to != toolID {
                let carried = objects.intersection(edge.integration.objects)
                let before = lost[edge.to] ?? []
                if !carried.isSubset(of: before) {
                    lost[edge.to] = before.union(carried)
                    queue.append(edge.to)
                }
            }
        }
        // Keep what another source still supplies: a tool keeps X if an integration carrying X reaches it from a tool
        // (other than the retired one) that has not lost X.
        var changed = true
        while changed {
            changed = false
            for (tool, objects) in lost where tool != toolID {
                var kept = Set<String>()
                for edge in incoming[tool] ?? [] where edge.from != toolID {
                    for object in objects where edge.integration.objects.contains(object) && !(lost[edge.from]?.contains(object) ?? false) {
                        kept.insert(object)
                    }
                }
                if !kept.isEmpty {
                    lost[tool] = objects.subtracting(kept)
                    changed = true
                }
            }
        }
        // Depth: hops from the retired tool along integrations that carry something lost.
        var depthOf: [String: Int] = [toolID: 0]
        var frontier = [toolID]
        while !frontier.isEmpty {
            var next: [String] = []
            for tool in frontier {
                for edge in outgoing[tool] ?? [] where depthOf[edge.to] == nil {
                    let carried = (lost[tool] ?? []).intersection(edge.integration.objects).intersection(lost[edge.to] ?? [])
                    guard !carried.isEmpty else { continue }
                    depthOf[edge.to] = depthOf[tool]! + 1
                    next.append(edge.to)
                }
            }
            frontier = next
        }
        var affected: [String: ImpactReport.AffectedIntegration] = [:]
        for integration in integrations where integration.targetToolID == toolID || integration.sourceToolID == toolID {
            let outbound = integration.sourceToolID == toolID || integration.direction == .two_way
            affected[integration.id] = ImpactReport.AffectedIntegration(
                integrationID: integration.id, sourceToolID: integration.sourceToolID, targetToolID: integration.targetToolID,
                relation: outbound ? "outbound" : "inbound", objects: outbound && integration.status == .active ? integration.objects.sorted() : [],
                depth: 1)
        }
        for (tool, objects) in lost where tool != toolID && !objects.isEmpty {
            for edge in outgoing[tool] ?? [] where edge.to != toolID && affected[edge.integration.id] == nil {
                let carried = objects.intersection(edge.integration.objects)
                guard !carried.isEmpty else { continue }
                affected[edge.integration.id] = ImpactReport.AffectedIntegration(
                    integrationID: edge.integration.id, sourceToolID: edge.integration.sourceToolID, targetToolID: edge.integration.targetToolID,
                    relation: "downstream", objects: carried.sorted(), depth: (depthOf[tool] ?? 0) + 1)
            }
        }
        let tools = lost.filter { $0.key != toolID && !$0.value.isEmpty }
            .map { ImpactReport.AffectedTool(toolID: $0.key, objectsLost: $0.value.sorted(), depth: depthOf[$0.key] ?? 1) }
            .sorted { ($0.depth, $0.toolID) < ($1.depth, $1.toolID) }
        let campaigns = campaignLinks.filter { $0.toolID == toolID }
            .map { ImpactReport.AffectedCampaign(campaignID: $0.campaignID, name: campaignNames[$0.campaignID] ?? $0.campaignID) }
            .sorted { ($0.name, $0.campaignID) < ($1.name, $1.campaignID) }
        let cycles = cycleIntegrationIDs(touching: toolID)
        return ImpactReport(
            toolID: toolID,
            integrations: affected.values.sorted { ($0.depth, $0.integrationID) < ($1.depth, $1.integrationID) },
            downstreamTools: tools, objectsStopped: Array(Set(tools.flatMap(\.objectsLost))).sorted(), campaigns: campaigns,
            liveContracts: liveContracts(toolID).count, annualCost: annualCost(toolID),
            activeUsers90: active90Counts[toolID] ?? active90(toolID).count,
            inCycle: !cycles.isEmpty)
    }

    /// Integrations on a cycle: data can leave one end and come back to it through at least one other integration
    /// (a single two-way sync is not a cycle by itself). Disabled integrations carry nothing and are left out.
    /// `touching` limits the check to the integrations of one tool.
    public func cycleIntegrationIDs(touching tool: String? = nil) -> Set<String> {
        let live = integrations.filter { $0.status != .disabled }
        var adjacency: [String: [(to: String, id: String)]] = [:]
        for integration in live {
            adjacency[integration.sourceToolID, default: []].append((integration.targetToolID, integration.id))
            if integration.direction == .two_way { adjacency[integration.targetToolID, default: []].append((integration.sourceToolID, integration.id)) }
        }
        /// Whether `from` reaches `to` without using integration `skip`.
        func reaches(_ from: String, _ to: String, skipping skip: String) -> Bool {
            var seen: Set<String> = [from]
            var stack = [from]
            while let node = stack.popLast() {
                for next in adjacency[node] ?? [] where next.id != skip {
                    if next.to == to { return true }
                    if seen.insert(next.to).inserted { stack.append(next.to) }
                }
            }
            return false
        }
        var result = Set<String>()
        for integration in live where tool == nil || integration.sourceToolID == tool || integration.targetToolID == tool {
            let (a, b) = (integration.sourceToolID, integration.targetToolID)
            if reaches(b, a, skipping: integration.id) || (integration.direction == .two_way && reaches(a, b, skipping: integration.id)) {
                result.insert(integration.id)
            }
        }
        return result
    }
}
