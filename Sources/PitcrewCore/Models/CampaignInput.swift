/// A field of a partial update: left as it is, cleared, or set.
public enum PatchField<Value: Sendable & Equatable>: Sendable, Equatable {
    case unchanged
    case clear
    case set(Value)

    /// Applies the patch to a current value.
    public func apply(to current: Value?) -> Value? {
        switch self {
        case .unchanged: current
        case .clear: nil
        case .set(let value): value
        }
    }
}

/// What a caller may set on a campaign. Every field is a patch, so the same type serves create and update.
public struct CampaignInput: Sendable, Equatable {
    public var name: PatchField<String> = .unchanged
    public var channelID: PatchField<String> = .unchanged
    public var utmCampaign: PatchField<String> = .unchanged
    public var status: PatchField<String> = .unchanged
    public var startDate: PatchField<String> = .unchanged
    public var endDate: PatchField<String> = .unchanged
    public var budgetAmount: PatchField<Int64> = .unchanged
    public var budgetCurrency: PatchField<String> = .unchanged
    public var ownerUserID: PatchField<String> = .unchanged

    public init() {}
}

/// What a caller may set on a channel.
public struct ChannelInput: Sendable, Equatable {
    public var name: String
    public var kind: String

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }
}
