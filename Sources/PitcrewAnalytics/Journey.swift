public import Foundation

/// One marketing touch of a journey.
public struct Touch: Sendable, Hashable {
    /// The unit of attribution (a channel such as `paid_search`, or a campaign name).
    public var channel: String
    /// When the touch happened; needed by `time_decay`.
    public var timestamp: Date?
    /// This touch created the lead (a W-shaped / full-path milestone).
    public var isLeadCreation: Bool
    /// This touch created the opportunity (a W-shaped / full-path milestone).
    public var isOpportunityCreation: Bool

    public init(channel: String, timestamp: Date? = nil, isLeadCreation: Bool = false, isOpportunityCreation: Bool = false) {
        self.channel = channel
        self.timestamp = timestamp
        self.isLeadCreation = isLeadCreation
        self.isOpportunityCreation = isOpportunityCreation
    }
}

/// What a journey (or a group of identical journeys) led to.
///
/// Counts are `Double` so that aggregated rows and weighted journeys share one type; they must be finite and not
/// negative. `nulls` counts the journeys that did not convert (ChannelAttribution's `total_null`).
public struct Outcome: Sendable, Hashable {
    public var conversions: Double
    public var value: Double
    public var nulls: Double

    public init(conversions: Double, value: Double = 0, nulls: Double = 0) {
        self.conversions = conversions
        self.value = value
        self.nulls = nulls
    }

    /// One journey that converted with `value`.
    public static func converted(value: Double = 0) -> Outcome { Outcome(conversions: 1, value: value, nulls: 0) }
    /// One journey that did not convert.
    public static let notConverted = Outcome(conversions: 0, value: 0, nulls: 1)
}

/// A per-contact (or per-account) journey: ordered touches and what they led to.
public struct Journey: Sendable, Hashable {
    /// Touches in time order, oldest first.
    public var touches: [Touch]
    public var outcome: Outcome
    /// When the conversion happened; `time_decay` measures touch age from here. When nil, the last touch's time is used.
    public var conversionTime: Date?

    public init(touches: [Touch], outcome: Outcome, conversionTime: Date? = nil) {
        self.touches = touches
        self.outcome = outcome
        self.conversionTime = conversionTime
    }
}
