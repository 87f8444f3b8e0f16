import Foundation

/// What to do with a journey that has no touches.
public enum EmptyJourneyPolicy: String, Sendable, CaseIterable {
    /// Throw an error naming the row (the default: a conversion without touches is usually a data problem).
    case reject
    /// Leave it out and count it in `JourneySet.skippedEmptyJourneys` / `skippedConversions`.
    case skip
}

/// Collects journeys, interning channel names and merging identical paths as they arrive.
///
/// Journeys without timestamps and milestones (and every row of a path file) are merged by path, so 1M raw journeys
/// cost memory only for their distinct paths. Journeys with timestamps or milestones are kept one row each, because
/// `time_decay`, `w_shaped` and `full_path` need their details.
public struct JourneySetBuilder: Sendable {
    private var names: [String] = []
    private var nameIndex: [String: Int32] = [:]
    private var table = PathAccumulator()
    private var detail = DetailedRows()
    private var added = 0
    private var skippedJourneys = ExactSum()
    private var skippedConversionSum = ExactSum()
    /// The policy for journeys with no touches.
    public let emptyJourneys: EmptyJourneyPolicy

    public init(emptyJourneys: EmptyJourneyPolicy = .reject) {
        self.emptyJourneys = emptyJourneys
    }

    /// Names that mean a state of the Markov chain and so cannot be channels.
    public static let reservedChannelNames: Set<String> = ["(start)", "(conversion)", "(null)"]

    /// The id of a channel, registering it on first use. Names are trimmed of surrounding whitespace.
    public mutating func channelID(for name: String) throws -> Int32 {
        if let id = nameIndex[name] { return id }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed != name { return try channelID(for: trimmed) }
        guard !trimmed.isEmpty else { throw AttributionError.invalidOption(reason: "a channel name is empty") }
        guard !Self.reservedChannelNames.contains(trimmed) else {
            throw AttributionError.invalidOption(reason: "channel name '\(trimmed)' is reserved for the Markov chain")
        }
        guard names.count < Int(Int32.max) else { throw AttributionError.invalidOption(reason: "too many channels") }
        let id = Int32(names.count)
        names.append(trimmed)
        nameIndex[trimmed] = id
        return id
    }

    /// Adds journeys that followed `path` (channel ids from `channelID(for:)`), merging them with earlier identical paths.
    public mutating func add(path: [Int32], outcome: Outcome) throws {
        added += 1
        try validate(outcome, journey: added)
        for id in path where id < 0 || Int(id) >= names.count {
            throw AttributionError.invalidJourney(index: added, reason: "unknown channel id \(id)")
        }
        if path.isEmpty {
            try skipEmpty(outcome, journey: added)
            return
        }
        path.withUnsafeBufferPointer { accumulate($0, conversions: outcome.conversions, value: outcome.value, nulls: outcome.nulls) }
    }

    /// Adds journeys given by channel names.
    public mutating func add(channels: [String], outcome: Outcome) throws {
        var ids: [Int32] = []
        ids.reserveCapacity(channels.count)
        for name in channels { ids.append(try channelID(for: name)) }
        try add(path: ids, outcome: outcome)
    }

    /// Adds one per-contact journey; kept as its own row when it carries timestamps or milestones.
    ///
    /// Touch ages for `time_decay` are measured from `conversionTime`, or from the last touch when that is nil.
    /// Timestamps must not decrease along the journey and no touch may come after the conversion. The first touch
    /// flagged as lead (opportunity) creation is the milestone.
    public mutating func add(_ journey: Journey) throws {
        let hasDetail = journey.touches.contains { $0.timestamp != nil || $0.isLeadCreation || $0.isOpportunityCreation }
        guard hasDetail else {
            try add(channels: journey.touches.map(\.channel), outcome: journey.outcome)
            return
        }
        added += 1
        try validate(journey.outcome, journey: added)
        var ids: [Int32] = []
        for touch in journey.touches { ids.append(try channelID(for: touch.channel)) }
        let end = journey.conversionTime ?? journey.touches.last(where: { $0.timestamp != nil })?.timestamp
        let times = journey.touches.compactMap(\.timestamp)
        if zip(times, times.dropFirst()).contains(where: { $0 > $1 }) {
            throw AttributionError.invalidJourney(index: added, reason: "touches are not in time order")
        }
        var ages: [Double] = []
        for touch in journey.touches {
            guard let time = touch.timestamp, let end else {
                ages.append(.nan)
                continue
            }
            let age = end.timeIntervalSince(time) / 86_400
            guard age >= 0 else { throw AttributionError.invalidJourney(index: added, reason: "a touch comes after the conversion") }
            ages.append(age)
        }
        let lead = journey.touches.firstIndex(where: \.isLeadCreation).map { Int32($0) } ?? -1
        let opportunity = journey.touches.firstIndex(where: \.isOpportunityCreation).map { Int32($0) } ?? -1
        detail.append(ids: ids, ages: ages, lead: lead, opportunity: opportunity, outcome: journey.outcome)
    }

    /// Adds everything `other` collected, as if its journeys had been added here (builders filled in parallel, one per
    /// slice of the input, then merged). The built set is the same whichever way the journeys were split.
    public mutating func merge(_ other: JourneySetBuilder) throws {
        let remap = try other.names.map { try channelID(for: $0) }
        table.merge(other.table, remap: remap)
        detail.merge(other.detail, remap: remap)
        added += other.added
        skippedJourneys.add(other.skippedJourneys)
        skippedConversionSum.add(other.skippedConversionSum)
    }

    /// Channel names in registration order (a channel's id is its index); the path-file parser keeps its paths itself
    /// and uses the builder for names and skipped journeys only.
    var registeredNames: [String] { names }
    /// Sums of the journeys `skipEmpty` left out and of their conversions.
    var skippedSums: (journeys: ExactSum, conversions: ExactSum) { (skippedJourneys, skippedConversionSum) }

    /// Merge a path given as a buffer of already valid ids.
    @inline(__always)
    mutating func accumulate(_ path: UnsafeBufferPointer<Int32>, conversions: Double, value: Double, nulls: Double) {
        table.add(path, conversions: conversions, value: value, nulls: nulls)
    }

    mutating func skipEmpty(_ outcome: Outcome, journey: Int) throws {
        guard emptyJourneys == .skip else {
            throw AttributionError.invalidJourney(index: journey, reason: "the journey has no touches")
        }
        skippedJourneys.add(outcome.conversions + outcome.nulls)
        skippedConversionSum.add(outcome.conversions)
    }

    private func validate(_ outcome: Outcome, journey: Int) throws {
        for (name, number) in [("conversions", outcome.conversions), ("value", outcome.value), ("nulls", outcome.nulls)] {
            guard number.isFinite else { throw AttributionError.invalidJourney(index: journey, reason: "\(name) is not a finite number") }
            guard number >= 0 else { throw AttributionError.invalidJourney(index: journey, reason: "\(name) is negative") }
        }
    }

    /// Number of channels registered so far.
    public var channelCount: Int { names.count }

    /// Finishes the set: sorts channels by name and rows by path so the result does not depend on input order.
    public func build() throws -> JourneySet {
        let rowCount = table.count + detail.count
        guard rowCount > 0 else {
            let reason = skippedJourneys.total > 0 ? "every journey had no touches" : "no journeys"
            throw AttributionError.emptyInput(reason: reason)
        }
        // Canonical channel ids: rank of the name.
        let order = names.indices.sorted { names[$0] < names[$1] }
        var remap = [Int32](repeating: 0, count: names.count)
        for (newID, oldID) in order.enumerated() { remap[oldID] = Int32(newID) }
        let sortedNames = order.map { names[$0] }

        var out = CanonicalRows(capacityTouches: table.ids.count + detail.ids.count, rows: rowCount, detailed: detail.count > 0)
        // Detailed journeys first, in canonical order of (path, outcome, ages, milestones).
        let detailIDs = detail.ids.map { remap[Int($0)] }
        let detailOrder = (0..<detail.count).sorted { detail.precedes($0, $1, ids: detailIDs) }
        for row in detailOrder {
            let range = detail.starts[row]..<detail.starts[row + 1]
            out.append(
                ids: detailIDs[range], conversions: detail.conversions[row], value: detail.values[row], nulls: detail.nulls[row],
                ages: detail.ages[range], lead: detail.lead[row], opportunity: detail.opportunity[row])
        }
        // Merged paths, sorted by path.
        let ids = table.ids.map { remap[Int($0)] }
        let starts = table.starts
        // Sorting 100k+ paths: compare a packed key of the first four ids first (ids + 1 in 16 bits each, 0 after the
        // end, so key order is lexicographic order of the prefix), and only compare in full on a tie.
        let packable = names.count < 65_535
        let keys: [UInt64] = (0..<table.count).map { row in
            guard packable else { return 0 }
            var key: UInt64 = 0
            for (j, index) in (starts[row]..<min(starts[row + 1], starts[row] + 4)).enumerated() {
                key |= UInt64(ids[index] + 1) << (48 - 16 * UInt64(j))
            }
            return key
        }
        let pathOrder = (0..<table.count).sorted {
            keys[$0] != keys[$1] ? keys[$0] < keys[$1] : lexicographicallyPrecedes(ids, starts[$0]..<starts[$0 + 1], starts[$1]..<starts[$1 + 1])
        }
        for row in pathOrder {
            let range = starts[row]..<starts[row + 1]
            out.append(
                ids: ids[range], conversions: table.conversions[row].total, value: table.values[row].total,
                nulls: table.nulls[row].total, ages: nil, lead: -1, opportunity: -1)
        }
        return JourneySet(
            channels: sortedNames, pathStart: out.starts, touches: out.ids, conversions: out.conversions, values: out.values,
            nulls: out.nulls, touchAgeDays: out.ages, leadTouch: out.lead, opportunityTouch: out.opportunity,
            rowsAreDistinctPaths: detail.count == 0, skippedEmptyJourneys: skippedJourneys.total,
            skippedConversions: skippedConversionSum.total)
    }
}

@inline(__always)
func lexicographicallyPrecedes(_ ids: [Int32], _ a: Range<Int>, _ b: Range<Int>) -> Bool {
    let n = min(a.count, b.count)
    for i in 0..<n {
        let x = ids[a.lowerBound + i]
        let y = ids[b.lowerBound + i]
        if x != y { return x < y }
    }
    return a.count < b.count
}

/// Journeys kept one per row because they carry timestamps or milestones.
private struct DetailedRows: Sendable {
    var starts: [Int] = [0]
    var ids: [Int32] = []
    var ages: [Double] = []
    var lead: [Int32] = []
    var opportunity: [Int32] = []
    var conversions: [Double] = []
    var values: [Double] = []
    var nulls: [Double] = []
    var count: Int { conversions.count }

    mutating func append(ids path: [Int32], ages touchAges: [Double], lead l: Int32, opportunity o: Int32, outcome: Outcome) {
        ids.append(contentsOf: path)
        ages.append(contentsOf: touchAges)
        starts.append(ids.count)
        lead.append(l)
        opportunity.append(o)
        conversions.append(outcome.conversions)
        values.append(outcome.value)
        nulls.append(outcome.nulls)
    }

    mutating func merge(_ other: DetailedRows, remap: [Int32]) {
        for row in 0..<other.count {
            let range = other.starts[row]..<other.starts[row + 1]
            ids.append(contentsOf: other.ids[range].map { remap[Int($0)] })
            ages.append(contentsOf: other.ages[range])
            starts.append(ids.count)
            lead.append(other.lead[row])
            opportunity.append(other.opportunity[row])
            conversions.append(other.conversions[row])
            values.append(other.values[row])
            nulls.append(other.nulls[row])
        }
    }

    /// A total order over rows so that detailed journeys get a canonical order too.
    func precedes(_ a: Int, _ b: Int, ids remapped: [Int32]) -> Bool {
        let ra = starts[a]..<starts[a + 1]
        let rb = starts[b]..<starts[b + 1]
        if lexicographicallyPrecedes(remapped, ra, rb) { return true }
        if lexicographicallyPrecedes(remapped, rb, ra) { return false }
        let keysA = [conversions[a], values[a], nulls[a], Double(lead[a]), Double(opportunity[a])]
        let keysB = [conversions[b], values[b], nulls[b], Double(lead[b]), Double(opportunity[b])]
        if keysA != keysB { return keysA.lexicographicallyPrecedes(keysB) }
        // NaN (missing timestamp) sorts as the smallest age.
        let agesA = ages[ra].map { $0.isNaN ? -1 : $0 }
        let agesB = ages[rb].map { $0.isNaN ? -1 : $0 }
        return agesA.lexicographicallyPrecedes(agesB)
    }
}

/// The output columns of `JourneySetBuilder.build()`.
private struct CanonicalRows {
    var starts: [Int] = [0]
    var ids: [Int32] = []
    var conversions: [Double] = []
    var values: [Double] = []
    var nulls: [Double] = []
    var ages: [Double]?
    var lead: [Int32]?
    var opportunity: [Int32]?

    init(capacityTouches: Int, rows: Int, detailed: Bool) {
        ids.reserveCapacity(capacityTouches)
        starts.reserveCapacity(rows + 1)
        conversions.reserveCapacity(rows)
        values.reserveCapacity(rows)
        nulls.reserveCapacity(rows)
        if detailed {
            ages = []
            lead = []
            opportunity = []
        }
    }

    mutating func append(
        ids path: ArraySlice<Int32>, conversions c: Double, value v: Double, nulls n: Double, ages touchAges: ArraySlice<Double>?,
        lead l: Int32, opportunity o: Int32
    ) {
        ids.append(contentsOf: path)
        starts.append(ids.count)
        conversions.append(c)
        values.append(v)
        nulls.append(n)
        if ages != nil {
            if let touchAges { ages!.append(contentsOf: touchAges) } else { ages!.append(contentsOf: repeatElement(.nan, count: path.count)) }
            lead!.append(l)
            opportunity!.append(o)
        }
    }
}
