import Foundation
import PitcrewCore
import PitcrewStack

/// A contract as the API shows it: money as `amount_minor` + `currency`, the decision date and annual cost worked out.
struct ContractDTO: Encodable, Sendable {
    var id: String
    var toolId: String
    var amountMinor: Int64
    var currency: String
    var billingPeriod: String
    var seats: Int64?
    var startDate: String
    var endDate: String
    var autoRenew: Bool
    var noticeDays: Int64
    var decisionDate: String
    var annualCostMinor: Int64
    var slaUptimePercent: String?
    var notes: String?

    init(_ c: Contract) {
        id = c.id
        toolId = c.toolID
        amountMinor = c.amount.minorUnits
        currency = c.amount.currency
        billingPeriod = c.billingPeriod.rawValue
        seats = c.seats
        startDate = c.startDate.description
        endDate = c.endDate.description
        autoRenew = c.autoRenew
        noticeDays = c.noticeDays
        decisionDate = c.decisionDate.description
        annualCostMinor = c.annualCost
        slaUptimePercent = c.slaUptimeBP.map { String(format: "%.2f", Double($0) / 100) }
        notes = c.notes
    }
}

/// A tool with the taxonomy's labels.
struct ToolDTO: Encodable, Sendable {
    var id: String
    var name: String
    var vendor: String?
    var website: String?
    var category: String
    var categoryLabel: String
    var subcategory: String?
    var subcategoryLabel: String?
    var capabilities: [String]
    var status: String
    var businessOwner: String?
    var technicalOwner: String?
    var teams: [String]
    var notes: String?
    var playbookLinks: [String]
    var createdAt: String
    var updatedAt: String

    init(_ t: Tool) {
        id = t.id
        name = t.name
        vendor = t.vendor
        website = t.website
        category = t.category
        categoryLabel = MartechTaxonomy.label(category: t.category)
        subcategory = t.subcategory
        subcategoryLabel = t.subcategory.map { MartechTaxonomy.label(subcategory: $0) }
        capabilities = t.capabilities
        status = t.status.rawValue
        businessOwner = t.businessOwner
        technicalOwner = t.technicalOwner
        teams = t.teams
        notes = t.notes
        playbookLinks = t.playbookLinks
        createdAt = Timestamp.iso8601(t.createdAt)
        updatedAt = Timestamp.iso8601(t.updatedAt)
    }
}

struct IntegrationDTO: Encodable, Sendable {
    var id: String
    var sourceToolId: String
    var targetToolId: String
    var direction: String
    var objects: [String]
    var cadence: String
    var owner: String?
    var status: String
    var notes: String?

    init(_ i: Integration) {
        id = i.id
        sourceToolId = i.sourceToolID
        targetToolId = i.targetToolID
        direction = i.direction.rawValue
        objects = i.objects
        cadence = i.cadence.rawValue
        owner = i.owner
        status = i.status.rawValue
        notes = i.notes
    }
}

struct ConsolidationDTO: Encodable, Sendable {
    var overlaps: [OverlapGroup]
    var consolidationCandidates: [ConsolidationCandidate]
    var retirementCandidates: [RetirementCandidate]
}

struct ItemsDTO<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
}
