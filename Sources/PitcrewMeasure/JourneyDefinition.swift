public import PitcrewCore

/// Whose journeys are attributed: each contact, or each account with the touches of all its contacts (B2B).
public enum JourneyUnit: String, Sendable, CaseIterable {
    case contact, account
}

/// What a touch is credited to.
public enum CreditDimension: String, Sendable, CaseIterable {
    /// The touchpoint's channel (Paid Search, Email …).
    case channel
    /// The campaign the touchpoint is linked to; a UTM campaign or file campaign no campaign in Pitcrew has counts as
    /// itself (lower case, marked "(no Pitcrew campaign)"), and touches naming none as `(no campaign)`.
    case campaign
}

/// What counts as a conversion.
public enum ConversionDefinition: Sendable, Equatable, CustomStringConvertible {
    /// An event with this name (for example `Demo Requested`); value 0.
    case event(String)
    /// An opportunity was created; its amount is the value, its creation time the conversion time.
    case opportunityCreated
    /// An opportunity whose current stage is this one (Pitcrew keeps the current stage, not the stage history);
    /// conversion time is the opportunity's creation, value its amount.
    case opportunityStage(String)
    /// A won opportunity; conversion time is its close date, value its amount.
    case wonOpportunity

    /// Parses `event:NAME`, `opportunity_created`, `stage:NAME` or `won`.
    public init(parsing text: String) throws(PitcrewError) {
        if text == "won" || text == "won_opportunity" {
            self = .wonOpportunity
        } else if text == "opportunity_created" {
            self = .opportunityCreated
        } else if text.hasPrefix("event:"), text.count > 6 {
            self = .event(String(text.dropFirst(6)))
        } else if text.hasPrefix("stage:"), text.count > 6 {
            self = .opportunityStage(String(text.dropFirst(6)))
        } else {
            throw .invalid("conversion", "must be won, opportunity_created, stage:NAME or event:NAME")
        }
    }

    public var description: String {
        switch self {
        case .event(let name): "event:\(name)"
        case .opportunityCreated: "opportunity_created"
        case .opportunityStage(let stage): "stage:\(stage)"
        case .wonOpportunity: "won"
        }
    }
}

/// How journeys are read from a workspace.
public struct JourneyDefinition: Sendable, Equatable {
    public var unit: JourneyUnit = .contact
    public var conversion: ConversionDefinition = .wonOpportunity
    /// Only touches in the `lookbackDays` before a conversion count toward it.
    public var lookbackDays: Int = 90
    /// Conversions (and, for journeys that did not convert, touches) from this day …
    public var from: CalendarDate
    /// … through this day, inclusive.
    public var to: CalendarDate
    public var dimension: CreditDimension = .channel
    /// Offline touches (events, trade shows, imported touchpoints) count unless this is false.
    public var includeOffline = true
    /// Keep touch times (needed by time_decay; costs memory because such journeys are not merged by path).
    public var keepTimestamps = false
    /// Mark each converting journey's lead- and opportunity-creation touches (needed by w_shaped and full_path).
    public var keepMilestones = false

    public init(from: CalendarDate, to: CalendarDate) {
        self.from = from
        self.to = to
    }

    public func validate() throws(PitcrewError) {
        var validator = Validator()
        validator.check(from <= to, "to", "must not be before from")
        validator.check((1...3650).contains(lookbackDays), "lookback_days", "must be between 1 and 3650")
        validator.check(to.daysSinceEpoch - from.daysSinceEpoch <= 3660, "from", "the period may be at most 10 years")
        try validator.finish()
    }

    /// First instant whose touches can matter.
    var touchesFrom: Int64 { from.startMillis - Int64(lookbackDays) * 86_400_000 }
    /// Last instant of the period.
    var periodEnd: Int64 { to.startMillis + 86_400_000 - 1 }
}
