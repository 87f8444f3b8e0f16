import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit
import Yams

/// The result of `stack apply`: the changes, in order, and whether they were written.
public struct StackPlan: Sendable, Codable, Equatable {
    public var changes: [String]
    /// Tools in the workspace that the file does not mention (kept; `prune` deletes them).
    public var unmanaged: [String]
    public var applied: Bool
    public var isEmpty: Bool { changes.isEmpty }
}

/// Stack as code: the workspace's tools (with contracts) and integrations as YAML. `export` writes every field that is
/// set, in a stable order; `apply` reads a file as the desired state (an absent field is unset), computes the changes by
/// making them in one transaction, and rolls back for a dry run or any error — so a plan is exactly what apply would do,
/// nothing is ever half-applied, and applying an export of the same workspace changes nothing.
public struct StackCode: Sendable {
    public let database: Database
    let tools: ToolService

    public init(database: Database) {
        self.database = database
        self.tools = ToolService(database: database)
    }

    // MARK: Export

    public func exportYAML(_ scope: AccessScope) async throws -> String {
        try scope.require(.read)
        let (all, contracts, integrations) = try await database.read { db in
            (
                try await StackStore.tools(db, workspaceID: scope.workspace.id), try await StackStore.contracts(db, workspaceID: scope.workspace.id),
                try await StackStore.integrations(db, workspaceID: scope.workspace.id)
            )
        }
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })
        var out = "# Pitcrew stack of workspace \(scope.workspace.slug). Apply with: pitcrew stack apply --workspace \(scope.workspace.slug) FILE\n"
        out += "tools:\n"
        for tool in all {
            out += "  - name: \(q(tool.name))\n"
            func line(_ key: String, _ value: String?) { if let value { out += "    \(key): \(q(value))\n" } }
            line("vendor", tool.vendor)
            line("website", tool.website)
            out += "    category: \(q(tool.category))\n"
            line("subcategory", tool.subcategory)
            out += "    status: \(tool.status.rawValue)\n"
            if !tool.capabilities.isEmpty { out += "    capabilities: \(list(tool.capabilities))\n" }
            line("business_owner", tool.businessOwner)
            line("technical_owner", tool.technicalOwner)
            if !tool.teams.isEmpty { out += "    teams: \(list(tool.teams))\n" }
            line("notes", tool.notes)
            if !tool.playbookLinks.isEmpty { out += "    playbook_links: \(list(tool.playbookLinks))\n" }
            let own = contracts.filter { $0.toolID == tool.id }
            if !own.isEmpty {
                out += "    contracts:\n"
                for c in own {
                    out += "      - start_date: \(q(c.startDate.description))\n"
                    out += "        end_date: \(q(c.endDate.description))\n"
                    out += "        amount_minor: \(c.amount.minorUnits)\n"
                    out += "        currency: \(q(c.amount.currency))\n"
                    out += "        billing_period: \(c.billingPeriod.rawValue)\n"
                    if let seats = c.seats { out += "        seats: \(seats)\n" }
                    out += "        auto_renew: \(c.autoRenew)\n"
                    out += "        notice_days: \(c.noticeDays)\n"
                    if let bp = c.slaUptimeBP { out += "        sla_uptime_percent: \(q(Self.percent(bp)))\n" }
                    if let notes = c.notes { out += "        notes: \(q(notes))\n" }
                }
            }
        }
        out += integrations.isEmpty ? "integrations: []\n" : "integrations:\n"
        for i in integrations {
            out += "  - source: \(q(names[i.sourceToolID] ?? i.sourceToolID))\n"
            out += "    target: \(q(names[i.targetToolID] ?? i.targetToolID))\n"
            out += "    direction: \(i.direction.rawValue)\n"
            out += "    objects: \(list(i.objects))\n"
            out += "    cadence: \(i.cadence.rawValue)\n"
            if let owner = i.owner { out += "    owner: \(q(owner))\n" }
            out += "    status: \(i.status.rawValue)\n"
            if let notes = i.notes { out += "    notes: \(q(notes))\n" }
        }
        return out
    }

    static func percent(_ bp: Int64) -> String {
        bp % 100 == 0 ? "\(bp / 100)" : String(format: "%lld.%02lld", bp / 100, bp % 100).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }

    /// A YAML double-quoted scalar: printable characters as they are; quotes, backslashes, controls, DEL, C1 controls,
    /// line and paragraph separators and the BOM escaped, so the value reads back exactly.
    func q(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func list(_ items: [String]) -> String { "[" + items.map(q).joined(separator: ", ") + "]" }

    // MARK: Apply

    struct DryRun: Error { var plan: StackPlan }

    public func apply(_ scope: AccessScope, yaml: String, dryRun: Bool, prune: Bool = false) async throws -> StackPlan {
        try scope.require(.write)
        return try await apply(scope, document: try Self.parse(yaml), dryRun: dryRun, prune: prune, toolsOnly: false)
    }

    /// Applies a document. `toolsOnly` (CSV files, which carry no contracts or integrations) leaves those alone.
    func apply(_ scope: AccessScope, document: StackDocument, dryRun: Bool, prune: Bool, toolsOnly: Bool) async throws -> StackPlan {
        do {
            return try await database.transaction { db in
                var changes: [String] = []
                // Tools by name in any case, as names are unique (a file saying "hubspot" updates "HubSpot", to the file's case).
                var byName: [String: Tool] = [:]
                for tool in try await StackStore.tools(db, workspaceID: scope.workspace.id) { byName[tool.name.lowercased()] = tool }
                let fileNames = Set(document.tools.map { $0.name.lowercased() })
                for spec in document.tools {
                    try await at(spec.path, spec.mark) {
                        if let current = byName[spec.name.lowercased()] {
                            let updated = try await tools.updateTool(db, scope, id: current.id, spec.input)
                            let fields = Self.changedFields(current, updated)
                            if !fields.isEmpty { changes.append("~ tool \(spec.name): \(fields.joined(separator: ", "))") }
                            byName[spec.name.lowercased()] = updated
                        } else {
                            byName[spec.name.lowercased()] = try await tools.createTool(db, scope, spec.input)
                            changes.append("+ tool \(spec.name)")
                        }
                    }
                    if toolsOnly { continue }
                    let tool = byName[spec.name.lowercased()]!
                    var existing = Dictionary(grouping: try await StackStore.contracts(db, workspaceID: scope.workspace.id, toolID: tool.id)) {
                        $0.startDate.description
                    }
                    for contract in spec.contracts {
                        try await at(contract.path, contract.mark) {
                            if let current = existing[contract.start]?.first {
                                existing[contract.start]?.removeFirst()
                                let updated = try await tools.updateContract(db, scope, id: current.id, contract.input)
                                if updated != current { changes.append("~ contract \(spec.name) from \(contract.start)") }
                            } else {
                                _ = try await tools.createContract(db, scope, toolID: tool.id, contract.input)
                                changes.append("+ contract \(spec.name) from \(contract.start)")
                            }
                        }
                    }
                    // In a fixed order: a plan and its application are compared line by line.
                    for leftover in existing.keys.sorted().flatMap({ existing[$0] ?? [] }) {
                        try await db.raw("DELETE FROM contracts WHERE id = \(bind: leftover.id)").run()
                        try await tools.audit(db, scope, "contract.delete", "contract", leftover.id, before: leftover)
                        changes.append("- contract \(spec.name) from \(leftover.startDate)")
                    }
                }
                if toolsOnly {
                    let plan = StackPlan(changes: changes, unmanaged: [], applied: !dryRun && !changes.isEmpty)
                    if dryRun { throw DryRun(plan: plan) }
                    return plan
                }
                var integrations = Dictionary(
                    uniqueKeysWithValues: try await StackStore.integrations(db, workspaceID: scope.workspace.id).map {
                        ("\($0.sourceToolID)>\($0.targetToolID)", $0)
                    })
                var seen = Set<String>()
                for spec in document.integrations {
                    try await at(spec.path, spec.mark) {
                        guard let source = byName[spec.source.lowercased()] else { throw PitcrewError.invalid("source", "no tool named \(spec.source)") }
                        guard let target = byName[spec.target.lowercased()] else { throw PitcrewError.invalid("target", "no tool named \(spec.target)") }
                        var input = spec.input
                        input.sourceToolID = .set(source.id)
                        input.targetToolID = .set(target.id)
                        let key = "\(source.id)>\(target.id)"
                        guard seen.insert(key).inserted else {
                            throw PitcrewError.conflict("target", "\(spec.source) → \(spec.target) is listed twice")
                        }
                        if let current = integrations[key] {
                            let updated = try await tools.updateIntegration(db, scope, id: current.id, input)
                            if updated != current { changes.append("~ integration \(spec.source) → \(spec.target)") }
                        } else {
                            let created = try await tools.createIntegration(db, scope, input)
                            integrations[key] = created
                            changes.append("+ integration \(spec.source) → \(spec.target)")
                        }
                    }
                }
                let names = Dictionary(uniqueKeysWithValues: byName.values.map { ($0.id, $0.name) })
                // An integration the file does not list goes only if one of its tools is in the file (tools the file does not
                // mention are not managed by it, nor are the integrations between them).
                let managed = Set(document.tools.compactMap { byName[$0.name.lowercased()]?.id })
                for (key, integration) in integrations.sorted(by: { $0.key < $1.key })
                where !seen.contains(key) && (prune || managed.contains(integration.sourceToolID) || managed.contains(integration.targetToolID)) {
                    try await db.raw("DELETE FROM integrations WHERE id = \(bind: integration.id)").run()
                    try await tools.audit(db, scope, "integration.delete", "integration", integration.id, before: integration)
                    changes.append("- integration \(names[integration.sourceToolID] ?? "?") → \(names[integration.targetToolID] ?? "?")")
                }
                var unmanaged: [String] = []
                for tool in byName.values.sorted(by: { $0.name < $1.name }) where !fileNames.contains(tool.name.lowercased()) {
                    if prune {
                        try await StackStore.deleteTool(db, workspaceID: scope.workspace.id, id: tool.id)
                        try await tools.audit(db, scope, "tool.delete", "tool", tool.id, before: tool)
                        changes.append("- tool \(tool.name)")
                    } else {
                        unmanaged.append(tool.name)
                    }
                }
                let plan = StackPlan(changes: changes, unmanaged: unmanaged, applied: !dryRun && !changes.isEmpty)
                if dryRun { throw DryRun(plan: plan) }
                return plan
            }
        } catch let dry as DryRun {
            return dry.plan
        }
    }

    /// Runs `body`, prefixing any field error with the item's path and position in the file.
    private func at(_ path: String, _ mark: Mark?, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PitcrewError {
            let position = mark.map { " (line \($0.line), column \($0.column))" } ?? ""
            var mapped = error
            mapped.fieldErrors = error.fieldErrors.map { FieldError(field: "\(path).\($0.field)\(position)", message: $0.message) }
            if mapped.fieldErrors.isEmpty { mapped.fieldErrors = [FieldError(field: path + position, message: error.detail)] }
            throw mapped
        }
    }

    static func changedFields(_ a: Tool, _ b: Tool) -> [String] {
        var fields: [String] = []
        if a.name != b.name { fields.append("name \(a.name) → \(b.name)") }
        if a.vendor != b.vendor { fields.append("vendor") }
        if a.website != b.website { fields.append("website") }
        if a.category != b.category { fields.append("category") }
        if a.subcategory != b.subcategory { fields.append("subcategory") }
        if a.status != b.status { fields.append("status \(a.status.rawValue) → \(b.status.rawValue)") }
        if a.capabilities != b.capabilities { fields.append("capabilities") }
        if a.businessOwner != b.businessOwner { fields.append("business_owner") }
        if a.technicalOwner != b.technicalOwner { fields.append("technical_owner") }
        if a.teams != b.teams { fields.append("teams") }
        if a.notes != b.notes { fields.append("notes") }
        if a.playbookLinks != b.playbookLinks { fields.append("playbook_links") }
        return fields
    }
}
