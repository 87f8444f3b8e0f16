/// A confidence interval from the bootstrap.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// The credit one model gives one channel.
public struct ChannelCredit: Sendable, Hashable {
    /// The channel (or campaign) name.
    public var channel: String
    /// The model that computed this credit.
    public var model: AttributionModel
    /// Attributed conversions.
    public var conversions: Double
    /// Attributed conversion value.
    public var value: Double
    /// `markov`: share of converting chains that visit the channel (ChannelAttribution's removal effect).
    public var removalEffect: Double?
    /// `markov`: the removal effect weighted by conversion value.
    public var removalEffectValue: Double?
    /// `shapley_rate`: the Shapley value of the conversion-rate game before it is scaled to total conversions.
    public var rawScore: Double?
    /// `shapley_ordered`: conversions by the position where the channel first appears (last slot pools the rest).
    public var positionConversions: [Double]?
    /// Bootstrap interval of `conversions`.
    public var conversionsInterval: ConfidenceInterval?
    /// Bootstrap interval of `value`.
    public var valueInterval: ConfidenceInterval?
    /// Bootstrap interval of `removalEffect`.
    public var removalEffectInterval: ConfidenceInterval?

    public init(channel: String, model: AttributionModel, conversions: Double, value: Double) {
        self.channel = channel
        self.model = model
        self.conversions = conversions
        self.value = value
    }
}

/// One model's credits, one entry per channel in channel-name order.
public struct ModelAttribution: Sendable, Hashable {
    public var model: AttributionModel
    public var credits: [ChannelCredit]
    /// Bootstrap replicates that entered the intervals (replicates without any conversion are left out); nil without
    /// bootstrap.
    public var bootstrapReplicates: Int?
    /// The Markov order used, for `markov`.
    public var markovOrder: Int?

    public init(model: AttributionModel, credits: [ChannelCredit]) {
        self.model = model
        self.credits = credits
    }

    /// The credit of a channel by name.
    public func credit(for channel: String) -> ChannelCredit? { credits.first { $0.channel == channel } }
}
