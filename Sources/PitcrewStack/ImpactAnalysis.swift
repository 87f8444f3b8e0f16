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
    /// What breaks if `toolID` is retired. Data is followed along active integrations (two-way ones in both directions):
    /// each object the tool sends is lost at its targets, and from there at every tool those targets pass the same object
    /// on to — so cycles end once every tool has lost all it can lose.
    public func impact(of toolID: String) -> ImpactReport {
        struct Edge {
            var integration: Integration
            var from: String
            var to: String
        }
        var outgoing: [String: [Edge]] = [:]
        for integration in integrations where integration.status == .active {
            outgoing[integration.sourceToolID, default: []].append(Edge(integration: integration, from: integration.sourceToolID, to: integration.targetToolID))
            if integration.direction == .two_way {
                outgoing[integration.targetToolID, default: []].append(
                    Edge(integration: integration, from: integration.targetToolID, to: integration.sourceToolID))
            }
        }
        var affected: [String: ImpactReport.AffectedIntegration] = [:]
        for integration in integrations where integration.targetToolID == toolID || integration.sourceToolID == toolID {
            let outbound = integration.sourceToolID == toolID || integration.direction == .two_way
            affected[integration.id] = ImpactReport.AffectedIntegration(
                integrationID: integration.id, sourceToolID: integration.sourceToolID, targetToolID: integration.targetToolID,
                relation: outbound ? "outbound" : "inbound", objects: outbound && integration.status == .active ? integration.objects : [],
                depth: 1)
        }
        var lost: [String: Set<String>] = [:]
        var depthOf: [String: Int] = [:]
        var inCycle = false
        var frontier: [(tool: String, objects: Set<String>, depth: Int)] = [(toolID, Set(outgoing[toolID]?.flatMap(\.integration.objects) ?? []), 0)]
        while !frontier.isEmpty {
            var next: [(tool: String, objects: Set<String>, depth: Int)] = []
            for (tool, objects, depth) in frontier {
                for edge in outgoing[tool] ?? [] {
                    let carried = objects.intersection(edge.integration.objects)
                    guard !carried.isEmpty else { continue }
                    if edge.to == toolID {
                        inCycle = true
                        continue
                    }
                    if tool != toolID {
                        var entry = affected[edge.integration.id] ?? ImpactReport.AffectedIntegration(
                            integrationID: edge.integration.id, sourceToolID: edge.integration.sourceToolID,
                            targetToolID: edge.integration.targetToolID, relation: "downstream", objects: [], depth: depth + 1)
                        entry.objects = Array(Set(entry.objects).union(carried)).sorted()
                        affected[edge.integration.id] = entry
                    }
                    let before = lost[edge.to] ?? []
                    let added = carried.subtracting(before)
                    guard !added.isEmpty else { continue }
                    lost[edge.to] = before.union(added)
                    if depthOf[edge.to] == nil { depthOf[edge.to] = depth + 1 }
                    next.append((edge.to, added, depth + 1))
                }
            }
            frontier = next
        }
        let tools = lost.map { ImpactReport.AffectedTool(toolID: $0.key, objectsLost: $0.value.sorted(), depth: depthOf[$0.key] ?? 1) }
            .sorted { ($0.depth, $0.toolID) < ($1.depth, $1.toolID) }
        let campaigns = campaignLinks.filter { $0.toolID == toolID }
            .map { ImpactReport.AffectedCampaign(campaignID: $0.campaignID, name: campaignNames[$0.campaignID] ?? $0.campaignID) }
            .sorted { ($0.name, $0.campaignID) < ($1.name, $1.campaignID) }
        return ImpactReport(
            toolID: toolID,
            integrations: affected.values.sorted { ($0.depth, $0.integrationID) < ($1.depth, $1.integrationID) },
            downstreamTools: tools, objectsStopped: Array(Set(lost.values.flatMap { $0 })).sorted(), campaigns: campaigns,
            liveContracts: liveContracts(toolID).count, annualCost: annualCost(toolID),
            activeUsers90: active90Counts[toolID] ?? activeUsers(toolID, days: 90).count,
            inCycle: inCycle)
    }

    /// Integrations that are part of a cycle (strongly connected components of the active flow graph).
    public func cycleIntegrationIDs() -> Set<String> {
        var graph: [String: [String]] = [:]
        for integration in integrations where integration.status != .disabled {
            graph[integration.sourceToolID, default: []].append(integration.targetToolID)
            if integration.direction == .two_way { graph[integration.targetToolID, default: []].append(integration.sourceToolID) }
        }
        // Tarjan's algorithm, iterative.
        var index = 0
        var indices: [String: Int] = [:], lowlink: [String: Int] = [:], onStack = Set<String>(), stack: [String] = []
        var component: [String: Int] = [:]
        var componentCount = 0
        for root in graph.keys.sorted() where indices[root] == nil {
            var work: [(node: String, next: Int)] = [(root, 0)]
            indices[root] = index; lowlink[root] = index; index += 1
            stack.append(root); onStack.insert(root)
            while let (node, nextStart) = work.popLast() {
                let neighbours = graph[node] ?? []
                var next = nextStart
                if next < neighbours.count {
                    let target = neighbours[next]
                    next += 1
                    work.append((node, next))
                    if indices[target] == nil {
                        indices[target] = index; lowlink[target] = index; index += 1
                        stack.append(target); onStack.insert(target)
                        work.append((target, 0))
                    } else if onStack.contains(target) {
                        lowlink[node] = min(lowlink[node]!, indices[target]!)
                    }
                } else {
                    if let parent = work.last { lowlink[parent.node] = min(lowlink[parent.node]!, lowlink[node]!) }
                    if lowlink[node] == indices[node] {
                        while let member = stack.popLast() {
                            onStack.remove(member)
                            component[member] = componentCount
                            if member == node { break }
                        }
                        componentCount += 1
                    }
                }
            }
        }
        return Set(integrations.filter { integration in
            guard integration.status != .disabled else { return false }
            if integration.direction == .two_way { return true }
            return component[integration.sourceToolID] != nil && component[integration.sourceToolID] == component[integration.targetToolID]
        }.map(\.id))
    }
}
