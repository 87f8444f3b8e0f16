/// Settings of the attribution models; every field has a standard default.
public struct AttributionOptions: Sendable {
    /// Markov chain order, 1–4 (states are the last `markovOrder` channels, as in ChannelAttribution).
    public var markovOrder: Int = 1
    /// How the Markov linear systems are solved.
    public var markovSolver: MarkovSolver = .automatic
    /// `time_decay`: credit halves every `halfLifeDays` days before the conversion.
    public var halfLifeDays: Double = 7
    /// `time_decay`: what to do when touches have no timestamps.
    public var timeDecayFallback: TimeDecayFallback = .reject
    /// `position_based`: shares of first touch, all middle touches together, and last touch (sum 1).
    public var positionBased = PositionShares(first: 0.4, middle: 0.2, last: 0.4)
    /// `custom`: relative weight of the first touch, of each middle touch, and of the last touch.
    public var custom = PositionShares(first: 1, middle: 1, last: 1)
    /// `last_non_direct`: channel names (compared case-insensitively) that count as direct visits.
    public var directChannelNames: Set<String> = ["direct", "(direct)"]
    /// `shapley_ordered`: number of position slots; first appearances at this position or later share the last slot.
    public var orderedShapleyPositions: Int = 4
    /// Bootstrap confidence intervals for `markov` and the Shapley models; nil for none.
    public var bootstrap: BootstrapOptions?

    public init() {}

    func validate() throws {
        guard (1...4).contains(markovOrder) else {
            throw AttributionError.unsupportedInput(model: "markov", reason: "order must be between 1 and 4, got \(markovOrder)")
        }
        guard halfLifeDays.isFinite && halfLifeDays > 0 else {
            throw AttributionError.invalidOption(reason: "half-life must be a positive number of days, got \(halfLifeDays)")
        }
        try positionBased.validate(name: "position_based", mustSumToOne: true)
        try custom.validate(name: "custom", mustSumToOne: false)
        guard orderedShapleyPositions >= 1 else { throw AttributionError.invalidOption(reason: "shapley_ordered needs at least 1 position") }
        try bootstrap?.validate()
    }
}

/// Weights of the first, middle and last touches.
public struct PositionShares: Sendable, Hashable {
    public var first: Double
    public var middle: Double
    public var last: Double

    public init(first: Double, middle: Double, last: Double) {
        self.first = first
        self.middle = middle
        self.last = last
    }

    func validate(name: String, mustSumToOne: Bool) throws {
        for w in [first, middle, last] where !(w.isFinite && w >= 0) {
            throw AttributionError.invalidOption(reason: "\(name) weights must be finite and not negative")
        }
        if mustSumToOne && abs(first + middle + last - 1) > 1e-9 {
            throw AttributionError.invalidOption(reason: "\(name) shares must sum to 1, got \(first + middle + last)")
        }
        if first + middle + last <= 0 { throw AttributionError.invalidOption(reason: "\(name) weights are all zero") }
    }
}

/// What `time_decay` does when the journeys have no timestamps (path files never have them).
public enum TimeDecayFallback: String, Sendable {
    /// Throw `AttributionError.unsupportedInput`.
    case reject
    /// Treat touch positions as days: the last touch is 0 days before the conversion, the one before it 1 day, …
    case positionAsDays
}

/// How the absorbing-chain equations of the Markov model are solved. Every choice is exact to rounding.
public enum MarkovSolver: String, Sendable {
    /// Direct dense solve for small chains, Gauss–Seidel to machine precision for large ones.
    case automatic
    /// Dense LU factorisation (cubic in the number of states).
    case direct
    /// Sparse Gauss–Seidel sweeps until nothing changes beyond rounding.
    case iterative
}

/// Seeded bootstrap: `replicates` resamples of the journeys, percentile intervals at `level`.
///
/// Each resample gives every distinct path Poisson-distributed conversion and null counts with the observed counts as
/// means (the Poisson bootstrap, which approximates resampling journeys with replacement). The random numbers for a path
/// are derived from the seed, the replicate number and the path's channel names, so the intervals are identical for the
/// same seed whatever the row order of the input.
public struct BootstrapOptions: Sendable, Hashable {
    public var replicates: Int
    public var seed: UInt64
    /// Confidence level of the percentile interval, e.g. 0.95.
    public var level: Double

    public init(replicates: Int, seed: UInt64, level: Double = 0.95) {
        self.replicates = replicates
        self.seed = seed
        self.level = level
    }

    func validate() throws {
        guard replicates >= 2 else { throw AttributionError.invalidOption(reason: "bootstrap needs at least 2 replicates") }
        guard level > 0 && level < 1 else { throw AttributionError.invalidOption(reason: "bootstrap level must be between 0 and 1") }
    }
}
