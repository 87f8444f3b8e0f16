import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit

/// Tools, their contracts and the integrations between them: the rules for changing them and the audit trail.
/// Each write has a form that runs inside a caller's transaction, so `stack apply` changes everything or nothing.
public struct ToolService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Tools

    public func tools(_ scope: AccessScope, status: ToolStatus? = nil, category: String? = nil) async throws -> [Tool] {
        try scope.require(.read)
        let all = try await database.read { db in try await StackStore.tools(db, workspaceID: scope.workspace.id) }
        return all.filter { (status == nil || $0.status == status) && (category == nil || $0.category == category) }
    }

    public func tool(_ scope: AccessScope, id: String) async throws -> Tool {
        try scope.require(.read)
        guard Identifier.isValid(id), let tool = try await database.read({ db in try await StackStore.tool(db, workspaceID: scope.workspace.id, id: id) })
        else { throw PitcrewError.notFound("Tool") }
        return tool
    }

    public func createTool(_ scope: AccessScope, _ input: ToolInput) async throws -> Tool {
        try scope.require(.write)
        return try await database.transaction { db in try await createTool(db, scope, input) }
    }

    public func updateTool(_ scope: AccessScope, id: String, _ input: ToolInput) async throws -> Tool {
        try scope.require(.write)
        return try await database.transaction { db in try await updateTool(db, scope, id: id, input) }
    }

    public func deleteTool(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(id), let current = try await StackStore.tool(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Tool")
            }
            try await StackStore.deleteTool(db, workspaceID: scope.workspace.id, id: id)
            try await audit(db, scope, "tool.delete", "tool", id, before: current)
        }
    }

    func createTool(_ db: any SQLDatabase, _ scope: AccessScope, _ input: ToolInput) async throws -> Tool {
        var validator = Validator()
        if case .unchanged = input.name { validator.add("name", "is required") }
        if case .unchanged = input.category { validator.add("category", "is required") }
        try validator.finish()
        let now = Timestamp.now()
        let blank = Tool(
            id: Identifier.make(), workspaceID: scope.workspace.id, name: "", vendor: nil, website: nil, category: "", subcategory: nil,
            capabilities: [], status: .active, businessOwner: nil, technicalOwner: nil, teams: [], notes: nil, playbookLinks: [],
            createdAt: now, updatedAt: now)
        let tool = try await apply(input, to: blank, isNew: true, db: db, scope: scope)
        try await StackStore.insert(db, tool)
        try await audit(db, scope, "tool.create", "tool", tool.id, after: tool)
        return tool
    }

    func updateTool(_ db: any SQLDatabase, _ scope: AccessScope, id: String, _ input: ToolInput) async throws -> Tool {
        guard Identifier.isValid(id), let current = try await StackStore.tool(db, workspaceID: scope.workspace.id, id: id) else {
            throw PitcrewError.notFound("Tool")
        }
        var updated = try await apply(input, to: current, isNew: false, db: db, scope: scope)
        guard updated != current else { return current }
        updated.updatedAt = Timestamp.now()
        try await StackStore.update(db, updated)
        try await audit(db, scope, "tool.update", "tool", id, before: current, after: updated)
        return updated
    }

    private func apply(_ input: ToolInput, to current: Tool, isNew: Bool, db: any SQLDatabase, scope: AccessScope) async throws -> Tool {
        var tool = current
        var validator = Validator()
        switch input.name {
        case .set(let name): tool.name = Validation.name(name, field: "name", into: &validator)
        case .clear: validator.add("name", "must not be empty")
        case .unchanged: break
        }
        tool.vendor = input.vendor.trimmed.apply(to: current.vendor)
        tool.website = input.website.trimmed.apply(to: current.website)
        if let website = tool.website, input.website != .unchanged {
            validator.check(Validation.isHTTPURL(website), "website", "must be an http(s) URL")
        }
        switch input.category.trimmed {
        case .set(let key):
            if MartechTaxonomy.category(key) != nil {
                tool.category = key
            } else {
                validator.add("category", "unknown category \(key); one of \(MartechTaxonomy.categories.map(\.key).joined(separator: ", "))")
            }
        case .clear: validator.add("category", "must not be empty")
        case .unchanged: break
        }
        tool.subcategory = input.subcategory.trimmed.apply(to: current.subcategory)
        if let sub = tool.subcategory, !tool.category.isEmpty, MartechTaxonomy.category(tool.category) != nil,
            !MartechTaxonomy.isSubcategory(sub, of: tool.category)
        {
            let known = MartechTaxonomy.category(tool.category)!.subcategories.map(\.key).joined(separator: ", ")
            validator.add("subcategory", "unknown subcategory \(sub) of \(tool.category); one of \(known)")
        }
        switch input.status {
        case .set(let text):
            if let status = ToolStatus(rawValue: text) { tool.status = status } else {
                validator.add("status", "must be one of \(ToolStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case .clear: validator.add("status", "must not be null")
        case .unchanged: break
        }
        tool.businessOwner = input.businessOwner.trimmed.apply(to: current.businessOwner)
        tool.technicalOwner = input.technicalOwner.trimmed.apply(to: current.technicalOwner)
        tool.notes = input.notes.apply(to: current.notes)
        if let notes = tool.notes { validator.check(notes.count <= 10_000, "notes", "must be at most 10,000 characters") }
        tool.capabilities = Self.tags(input.capabilities.apply(to: current.capabilities) ?? [])
        tool.teams = Self.cleanList(input.teams.apply(to: current.teams) ?? [])
        tool.playbookLinks = Self.cleanList(input.playbookLinks.apply(to: current.playbookLinks) ?? [])
        for (index, link) in tool.playbookLinks.enumerated() {
            validator.check(Validation.isHTTPURL(link), "playbook_links[\(index)]", "must be an http(s) URL")
        }
        try validator.finish()
        if isNew || tool.name != current.name, let other = try await StackStore.tool(db, workspaceID: scope.workspace.id, name: tool.name),
            other.id != tool.id
        {
            throw PitcrewError.conflict("name", "A tool named \(other.name) exists in this workspace (id \(other.id)); tool names are compared without case.")
        }
        return tool
    }

    /// Capabilities are tags: trimmed, lower-case, unique, sorted.
    static func tags(_ list: [String]) -> [String] {
        Array(Set(list.map { $0.trimmingASCIIWhitespace().lowercased() }.filter { !$0.isEmpty })).sorted()
    }

    static func cleanList(_ list: [String]) -> [String] {
        var seen = Set<String>()
        return list.map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    // MARK: Contracts

    public func contracts(_ scope: AccessScope, toolID: String) async throws -> [Contract] {
        _ = try await tool(scope, id: toolID)
        return try await database.read { db in try await StackStore.contracts(db, workspaceID: scope.workspace.id, toolID: toolID) }
    }

    public func createContract(_ scope: AccessScope, toolID: String, _ input: ContractInput) async throws -> Contract {
        try scope.require(.write)
        return try await database.transaction { db in try await createContract(db, scope, toolID: toolID, input) }
    }

    public func updateContract(_ scope: AccessScope, id: String, _ input: ContractInput) async throws -> Contract {
        try scope.require(.write)
        return try await database.transaction { db in try await updateContract(db, scope, id: id, input) }
    }

    public func deleteContract(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(id), let current = try await StackStore.contract(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Contract")
            }
            try await StackStore.deleteContract(db, workspaceID: scope.workspace.id, id: id)
            try await audit(db, scope, "contract.delete", "contract", id, before: current)
        }
    }

    func createContract(_ db: any SQLDatabase, _ scope: AccessScope, toolID: String, _ input: ContractInput) async throws -> Contract {
        guard Identifier.isValid(toolID), try await StackStore.tool(db, workspaceID: scope.workspace.id, id: toolID) != nil else {
            throw PitcrewError.notFound("Tool")
        }
        var validator = Validator()
        for (field, present) in [
            ("amount_minor", input.amountMinor != .unchanged), ("billing_period", input.billingPeriod != .unchanged),
            ("start_date", input.startDate != .unchanged), ("end_date", input.endDate != .unchanged),
        ] where !present {
            validator.add(field, "is required")
        }
        try validator.finish()
        let day = CalendarDate(millis: 0)
        let blank = Contract(
            id: Identifier.make(), workspaceID: scope.workspace.id, toolID: toolID, amount: Money(minorUnits: 0, currency: try await StackStore.currency(db, workspaceID: scope.workspace.id)),
            billingPeriod: .annual, seats: nil, startDate: day, endDate: day, autoRenew: false, noticeDays: 0, slaUptimeBP: nil, notes: nil,
            createdAt: Timestamp.now())
        let contract = try Self.apply(input, to: blank)
        try await StackStore.insert(db, contract)
        try await audit(db, scope, "contract.create", "contract", contract.id, after: contract)
        return contract
    }

    func updateContract(_ db: any SQLDatabase, _ scope: AccessScope, id: String, _ input: ContractInput) async throws -> Contract {
        guard Identifier.isValid(id), let current = try await StackStore.contract(db, workspaceID: scope.workspace.id, id: id) else {
            throw PitcrewError.notFound("Contract")
        }
        let updated = try Self.apply(input, to: current)
        guard updated != current else { return current }
        try await StackStore.update(db, updated)
        try await audit(db, scope, "contract.update", "contract", id, before: current, after: updated)
        return updated
    }

    static func apply(_ input: ContractInput, to current: Contract) throws -> Contract {
        var contract = current
        var validator = Validator()
        switch input.amountMinor {
        case .set(let amount):
            validator.check(amount >= 0, "amount_minor", "must not be negative")
            validator.check(amount <= Self.maximumAmountMinor, "amount_minor", "must be at most \(Self.maximumAmountMinor) (100 billion in major units)")
            contract.amount.minorUnits = min(max(amount, 0), Self.maximumAmountMinor)
        case .clear: validator.add("amount_minor", "must not be null")
        case .unchanged: break
        }
        if case .set(let code) = input.currency {
            let upper = code.uppercased()
            validator.check(Money.isCurrencyCode(upper), "currency", "must be an ISO 4217 code such as USD")
            contract.amount.currency = upper
        }
        switch input.billingPeriod {
        case .set(let text):
            if let period = BillingPeriod(rawValue: text) { contract.billingPeriod = period } else {
                validator.add("billing_period", "must be one of \(BillingPeriod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case .clear: validator.add("billing_period", "must not be null")
        case .unchanged: break
        }
        contract.seats = input.seats.apply(to: current.seats)
        if let seats = contract.seats {
            validator.check((0...Self.maximumSeats).contains(seats), "seats", "must be between 0 and \(Self.maximumSeats)")
        }
        for (field, patch, keyPath) in [("start_date", input.startDate, \Contract.startDate), ("end_date", input.endDate, \Contract.endDate)] {
            switch patch {
            case .set(let text):
                if let date = CalendarDate(text) { contract[keyPath: keyPath] = date } else { validator.add(field, "must be a date as YYYY-MM-DD") }
            case .clear: validator.add(field, "must not be null")
            case .unchanged: break
            }
        }
        validator.check(contract.endDate >= contract.startDate, "end_date", "must not be before start_date (\(contract.startDate))")
        if case .set(let flag) = input.autoRenew { contract.autoRenew = flag }
        switch input.noticeDays {
        case .set(let days):
            validator.check((0...730).contains(days), "notice_days", "must be between 0 and 730")
            contract.noticeDays = days
        case .clear: contract.noticeDays = 0
        case .unchanged: break
        }
        let term = contract.endDate.daysSinceEpoch - contract.startDate.daysSinceEpoch
        validator.check(
            term < 0 || contract.noticeDays <= term, "notice_days",
            "is longer than the contract's term (\(term) days): its decision date would fall before it starts")
        switch input.slaUptimePercent {
        case .set(let text):
            if let bp = Self.basisPoints(text), (0...10_000).contains(bp) { contract.slaUptimeBP = bp } else {
                validator.add("sla_uptime_percent", "must be a percentage between 0 and 100 with at most two decimals, such as 99.9")
            }
        case .clear: contract.slaUptimeBP = nil
        case .unchanged: break
        }
        contract.notes = input.notes.apply(to: current.notes)
        try validator.finish()
        return contract
    }

    /// Bounds that keep every sum and product of the reports inside Int64.
    static let maximumAmountMinor: Int64 = 10_000_000_000_000
    static let maximumSeats: Int64 = 10_000_000

    /// "99.95" → 9995.
    static func basisPoints(_ text: String) -> Int64? {
        let parts = text.trimmingASCIIWhitespace().split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...3).contains(parts[0].count), parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
            let whole = Int64(parts[0])
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), let value = Int64(parts[1])
            else { return nil }
            fraction = parts[1].count == 1 ? value * 10 : value
        }
        return whole * 100 + fraction
    }

    // MARK: Integrations

    public func integrations(_ scope: AccessScope) async throws -> [Integration] {
        try scope.require(.read)
        return try await database.read { db in try await StackStore.integrations(db, workspaceID: scope.workspace.id) }
    }

    public func createIntegration(_ scope: AccessScope, _ input: IntegrationInput) async throws -> Integration {
        try scope.require(.write)
        return try await database.transaction { db in try await createIntegration(db, scope, input) }
    }

    public func updateIntegration(_ scope: AccessScope, id: String, _ input: IntegrationInput) async throws -> Integration {
        try scope.require(.write)
        return try await database.transaction { db in try await updateIntegration(db, scope, id: id, input) }
    }

    public func deleteIntegration(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(id), let current = try await StackStore.integration(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Integration")
            }
            try await StackStore.deleteIntegration(db, workspaceID: scope.workspace.id, id: id)
            try await audit(db, scope, "integration.delete", "integration", id, before: current)
        }
    }

    func createIntegration(_ db: any SQLDatabase, _ scope: AccessScope, _ input: IntegrationInput) async throws -> Integration {
        var validator = Validator()
        if input.sourceToolID == .unchanged { validator.add("source_tool_id", "is required") }
        if input.targetToolID == .unchanged { validator.add("target_tool_id", "is required") }
        try validator.finish()
        let now = Timestamp.now()
        let blank = Integration(
            id: Identifier.make(), workspaceID: scope.workspace.id, sourceToolID: "", targetToolID: "", direction: .one_way, objects: [],
            cadence: .daily, owner: nil, status: .active, notes: nil, createdAt: now, updatedAt: now)
        let integration = try await apply(input, to: blank, db: db, scope: scope)
        try await StackStore.insert(db, integration)
        try await audit(db, scope, "integration.create", "integration", integration.id, after: integration)
        return integration
    }

    func updateIntegration(_ db: any SQLDatabase, _ scope: AccessScope, id: String, _ input: IntegrationInput) async throws -> Integration {
        guard Identifier.isValid(id), let current = try await StackStore.integration(db, workspaceID: scope.workspace.id, id: id) else {
            throw PitcrewError.notFound("Integration")
        }
        var updated = try await apply(input, to: current, db: db, scope: scope)
        guard updated != current else { return current }
        updated.updatedAt = Timestamp.now()
        try await StackStore.update(db, updated)
        try await audit(db, scope, "integration.update", "integration", id, before: current, after: updated)
        return updated
    }

    private func apply(_ input: IntegrationInput, to current: Integration, db: any SQLDatabase, scope: AccessScope) async throws -> Integration {
        var integration = current
        var validator = Validator()
        for (field, patch, keyPath) in [
            ("source_tool_id", input.sourceToolID, \Integration.sourceToolID), ("target_tool_id", input.targetToolID, \Integration.targetToolID),
        ] {
            switch patch {
            case .set(let id):
                let exists = Identifier.isValid(id) ? try await StackStore.tool(db, workspaceID: scope.workspace.id, id: id) != nil : false
                validator.check(exists, field, "no tool with this id in this workspace")
                integration[keyPath: keyPath] = id
            case .clear: validator.add(field, "must not be null")
            case .unchanged: break
            }
        }
        validator.check(
            integration.sourceToolID != integration.targetToolID || integration.sourceToolID.isEmpty, "target_tool_id",
            "must differ from source_tool_id")
        func pick<E: RawRepresentable & CaseIterable>(_ patch: PatchField<String>, _ field: String, _ keyPath: WritableKeyPath<Integration, E>)
        where E.RawValue == String {
            switch patch {
            case .set(let text):
                if let value = E(rawValue: text) { integration[keyPath: keyPath] = value } else {
                    validator.add(field, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            case .clear: validator.add(field, "must not be null")
            case .unchanged: break
            }
        }
        pick(input.direction, "direction", \.direction)
        pick(input.cadence, "cadence", \.cadence)
        pick(input.status, "status", \.status)
        integration.objects = Self.tags(input.objects.apply(to: current.objects) ?? [])
        integration.owner = input.owner.trimmed.apply(to: current.owner)
        integration.notes = input.notes.apply(to: current.notes)
        try validator.finish()
        if integration.sourceToolID != current.sourceToolID || integration.targetToolID != current.targetToolID,
            let other = try await StackStore.integration(
                db, workspaceID: scope.workspace.id, source: integration.sourceToolID, target: integration.targetToolID),
            other.id != integration.id
        {
            throw PitcrewError.conflict("target_tool_id", "An integration from this source to this target exists (id \(other.id)).")
        }
        return integration
    }

    // MARK: Campaign links

    /// Sets the tools a campaign uses (impact analysis lists the campaigns a retired tool would break).
    public func setCampaignTools(_ scope: AccessScope, campaignID: String, toolIDs: [String]) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(campaignID),
                try await CampaignStore.campaign(db, workspaceID: scope.workspace.id, id: campaignID) != nil
            else { throw PitcrewError.notFound("Campaign") }
            var validator = Validator()
            for (index, id) in toolIDs.enumerated() {
                let exists = Identifier.isValid(id) ? try await StackStore.tool(db, workspaceID: scope.workspace.id, id: id) != nil : false
                validator.check(exists, "tool_ids[\(index)]", "no tool with this id in this workspace")
            }
            try validator.finish()
            try await db.raw("DELETE FROM campaign_tools WHERE workspace_id = \(bind: scope.workspace.id) AND campaign_id = \(bind: campaignID)").run()
            for id in Set(toolIDs) {
                try await db.raw(
                    "INSERT INTO campaign_tools (workspace_id, campaign_id, tool_id) VALUES (\(bind: scope.workspace.id), \(bind: campaignID), \(bind: id))"
                ).run()
            }
            try await audit(db, scope, "campaign.tools", "campaign", campaignID, after: toolIDs.sorted())
        }
    }

    func audit(
        _ db: any SQLDatabase, _ scope: AccessScope, _ action: String, _ entity: String, _ id: String, before: (any Encodable)? = nil,
        after: (any Encodable)? = nil
    ) async throws {
        try await AuditLog.record(
            db, workspaceID: scope.workspace.id, actor: scope.actor, action: action, entity: entity, entityID: id, before: before, after: after)
    }
}
