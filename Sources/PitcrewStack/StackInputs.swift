public import PitcrewCore

/// What a caller may set on a tool; every field is a patch, so the same type serves create, update and `stack apply`.
public struct ToolInput: Sendable, Equatable {
    public var name: PatchField<String> = .unchanged
    public var vendor: PatchField<String> = .unchanged
    public var website: PatchField<String> = .unchanged
    public var category: PatchField<String> = .unchanged
    public var subcategory: PatchField<String> = .unchanged
    public var capabilities: PatchField<[String]> = .unchanged
    public var status: PatchField<String> = .unchanged
    public var businessOwner: PatchField<String> = .unchanged
    public var technicalOwner: PatchField<String> = .unchanged
    public var teams: PatchField<[String]> = .unchanged
    public var notes: PatchField<String> = .unchanged
    public var playbookLinks: PatchField<[String]> = .unchanged
    public init() {}
}

public struct ContractInput: Sendable, Equatable {
    public var amountMinor: PatchField<Int64> = .unchanged
    public var currency: PatchField<String> = .unchanged
    public var billingPeriod: PatchField<String> = .unchanged
    public var seats: PatchField<Int64> = .unchanged
    public var startDate: PatchField<String> = .unchanged
    public var endDate: PatchField<String> = .unchanged
    public var autoRenew: PatchField<Bool> = .unchanged
    public var noticeDays: PatchField<Int64> = .unchanged
    public var slaUptimePercent: PatchField<String> = .unchanged
    public var notes: PatchField<String> = .unchanged
    public init() {}
}

public struct IntegrationInput: Sendable, Equatable {
    public var sourceToolID: PatchField<String> = .unchanged
    public var targetToolID: PatchField<String> = .unchanged
    public var direction: PatchField<String> = .unchanged
    public var objects: PatchField<[String]> = .unchanged
    public var cadence: PatchField<String> = .unchanged
    public var owner: PatchField<String> = .unchanged
    public var status: PatchField<String> = .unchanged
    public var notes: PatchField<String> = .unchanged
    public init() {}
}

extension PatchField where Value == String {
    /// Trimmed; empty text counts as clearing the field.
    var trimmed: PatchField<String> {
        if case .set(let text) = self {
            let value = text.trimmingASCIIWhitespace()
            return value.isEmpty ? .clear : .set(value)
        }
        return self
    }
}
