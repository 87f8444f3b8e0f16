/// Journeys in a compact, column-wise layout that every engine reads.
///
/// Channels are interned: a touch is an `Int32` index into `channels`. A row is either one distinct path with the
/// summed outcome of all journeys that followed it (path files, journeys without timestamps or milestones), or one
/// detailed journey that keeps per-touch ages and milestone markers. Build one with `JourneySetBuilder` or
/// `PathFileParser`.
///
/// The layout is canonical: channels are sorted by name and rows by path, so the same journeys in any input order give
/// bit-identical results.
public struct JourneySet: Sendable {
    /// Channel names; a channel's id is its index here. Sorted, so ids do not depend on the order of the input.
    public let channels: [String]
    /// Row `i`'s touches are `touches[pathStart[i] ..< pathStart[i + 1]]`.
    public let pathStart: [Int]
    /// Channel ids of all rows, concatenated.
    public let touches: [Int32]
    /// Conversions per row.
    public let conversions: [Double]
    /// Conversion value per row.
    public let values: [Double]
    /// Non-converting journeys per row.
    public let nulls: [Double]
    /// Age of each touch in days before its journey's conversion (parallel to `touches`); nil when no journey carried
    /// timestamps. NaN marks a touch without a timestamp.
    public let touchAgeDays: [Double]?
    /// Per row, the index within its path of the lead-creation touch, or -1; nil when no journey had milestones.
    public let leadTouch: [Int32]?
    /// Per row, the index within its path of the opportunity-creation touch, or -1; nil when no journey had milestones.
    public let opportunityTouch: [Int32]?
    /// True when no two rows share a path (so path-level models can use the rows as they are).
    public let rowsAreDistinctPaths: Bool
    /// Journeys left out because they had no touches (`EmptyJourneyPolicy.skip`); reported, never silently lost.
    public let skippedEmptyJourneys: Double
    /// Conversions of the skipped empty journeys: they are not attributed to any channel.
    public let skippedConversions: Double

    init(
        channels: [String], pathStart: [Int], touches: [Int32], conversions: [Double], values: [Double], nulls: [Double],
        touchAgeDays: [Double]?, leadTouch: [Int32]?, opportunityTouch: [Int32]?, rowsAreDistinctPaths: Bool,
        skippedEmptyJourneys: Double, skippedConversions: Double
    ) {
        self.channels = channels
        self.pathStart = pathStart
        self.touches = touches
        self.conversions = conversions
        self.values = values
        self.nulls = nulls
        self.touchAgeDays = touchAgeDays
        self.leadTouch = leadTouch
        self.opportunityTouch = opportunityTouch
        self.rowsAreDistinctPaths = rowsAreDistinctPaths
        self.skippedEmptyJourneys = skippedEmptyJourneys
        self.skippedConversions = skippedConversions
    }

    /// Number of rows (distinct paths or detailed journeys).
    public var rowCount: Int { conversions.count }
    /// Sum of conversions over all rows.
    public var totalConversions: Double { conversions.reduce(0, +) }
    /// Sum of conversion value over all rows.
    public var totalValue: Double { values.reduce(0, +) }
    /// Sum of non-converting journeys over all rows.
    public var totalNulls: Double { nulls.reduce(0, +) }
    /// Number of touches of the longest path.
    public var longestPath: Int {
        var longest = 0
        for row in 0..<rowCount { longest = max(longest, pathStart[row + 1] - pathStart[row]) }
        return longest
    }
    /// Whether every touch of every converting journey has an age (timestamps), as `time_decay` needs. Journeys without
    /// conversions or value receive no credit, so they may be merged by path without ages.
    public var hasTimestamps: Bool {
        guard let ages = touchAgeDays else { return false }
        for row in 0..<rowCount where conversions[row] > 0 || values[row] > 0 {
            for index in pathStart[row]..<pathStart[row + 1] where ages[index].isNaN { return false }
        }
        return true
    }
    /// Whether any journey marks a lead- or opportunity-creation touch, as `w_shaped` and `full_path` need.
    public var hasMilestones: Bool {
        guard let lead = leadTouch, let opportunity = opportunityTouch else { return false }
        return lead.contains { $0 >= 0 } || opportunity.contains { $0 >= 0 }
    }

    /// The touches of one row.
    public func path(_ row: Int) -> ArraySlice<Int32> { touches[pathStart[row]..<pathStart[row + 1]] }

    /// The same journeys with identical paths merged and per-touch details dropped: the input of Markov and Shapley.
    public func aggregatedByPath() -> JourneySet {
        if rowsAreDistinctPaths && touchAgeDays == nil && leadTouch == nil { return self }
        var table = PathAccumulator()
        touches.withUnsafeBufferPointer { all in
            for row in 0..<rowCount {
                let path = UnsafeBufferPointer(rebasing: all[pathStart[row]..<pathStart[row + 1]])
                table.add(path, conversions: conversions[row], value: values[row], nulls: nulls[row])
            }
        }
        // The rows were canonical, so the first-appearance order of the merged table is canonical too.
        return JourneySet(
            channels: channels, pathStart: table.starts, touches: table.ids,
            conversions: table.conversions.map(\.total), values: table.values.map(\.total), nulls: table.nulls.map(\.total),
            touchAgeDays: nil, leadTouch: nil, opportunityTouch: nil, rowsAreDistinctPaths: true,
            skippedEmptyJourneys: skippedEmptyJourneys, skippedConversions: skippedConversions)
    }
}
