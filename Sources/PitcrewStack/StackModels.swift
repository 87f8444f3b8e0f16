public import PitcrewCore

public enum ToolStatus: String, Sendable, Codable, CaseIterable { case evaluating, active, retiring, retired }

public struct Tool: Sendable, Codable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var vendor: String?
    public var website: String?
    public var category: String
    public var subcategory: String?
    public var capabilities: [String]
    public var status: ToolStatus
    public var businessOwner: String?
    public var technicalOwner: String?
    public var teams: [String]
    public var notes: String?
    public var playbookLinks: [String]
    public var createdAt: Int64
    public var updatedAt: Int64
}

public enum BillingPeriod: String, Sendable, Codable, CaseIterable {
    case monthly, quarterly, annual, multi_year

    /// How many times a year the amount is paid (a multi-year amount covers the contract's whole term).
    func annualMultiplier(termDays: Int64) -> Double {
        switch self {
        case .monthly: 12
        case .quarterly: 4
        case .annual: 1
        case .multi_year: 365.0 / Double(max(termDays, 365))
        }
    }
}

public struct Contract: Sendable, Codable, Equatable {
    public var id: String
    public var workspaceID: String
    public var toolID: String
    public var amount: Money
    public var billingPeriod: BillingPeriod
    public var seats: Int64?
    public var startDate: CalendarDate
    public var endDate: CalendarDate
    public var autoRenew: Bool
    public var noticeDays: Int64
    /// Uptime the vendor promises, in basis points (9990 = 99.90 %).
    public var slaUptimeBP: Int64?
    public var notes: String?
    public var createdAt: Int64

    /// The last day to cancel or renegotiate the recorded term: the end date less the notice period.
    public var decisionDate: CalendarDate { endDate.adding(days: -Int(noticeDays)) }

    /// Cost per year in minor units (amounts are capped on input, so this stays far inside Int64).
    public var annualCost: Int64 {
        let value = (Double(amount.minorUnits) * billingPeriod.annualMultiplier(termDays: endDate.daysSinceEpoch - startDate.daysSinceEpoch)).rounded()
        return Int64(exactly: value) ?? (value > 0 ? Int64.max / 1_024 : 0)
    }

    /// The end of the term running on `day`: an auto-renewing contract rolls forward by its term length after its end.
    public func currentEnd(on day: CalendarDate) -> CalendarDate {
        guard autoRenew, day > endDate else { return endDate }
        let term = max(1, endDate.daysSinceEpoch - startDate.daysSinceEpoch + 1)
        let terms = (day.daysSinceEpoch - endDate.daysSinceEpoch + term - 1) / term
        return endDate.adding(days: Int(terms * term))
    }

    /// The decision date of the term running on `day`.
    public func decisionDate(on day: CalendarDate) -> CalendarDate { currentEnd(on: day).adding(days: -Int(noticeDays)) }

    public func isLive(on day: CalendarDate) -> Bool { startDate <= day && day <= currentEnd(on: day) }
}

public enum IntegrationDirection: String, Sendable, Codable, CaseIterable { case one_way, two_way }
public enum IntegrationStatus: String, Sendable, Codable, CaseIterable { case active, planned, broken, disabled }
public enum IntegrationCadence: String, Sendable, Codable, CaseIterable { case real_time, hourly, daily, weekly, manual }

public struct Integration: Sendable, Codable, Equatable {
    public var id: String
    public var workspaceID: String
    public var sourceToolID: String
    public var targetToolID: String
    public var direction: IntegrationDirection
    /// What flows: contacts, leads, accounts, events, spend, … (free tags, lower-case).
    public var objects: [String]
    public var cadence: IntegrationCadence
    public var owner: String?
    public var status: IntegrationStatus
    public var notes: String?
    public var createdAt: Int64
    public var updatedAt: Int64
}
