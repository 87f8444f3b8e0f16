import Foundation
import Synchronization

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

    /// Adds one journey given by channel ids (from `channelID(for:)`) with each touch's time and the conversion's, in
    /// milliseconds: kept as its own row, like `add(_:)` with timestamps, without a `Journey` value per journey.
    /// `leadTouch` and `opportunityTouch` are the positions of the milestone touches, -1 for none.
    public mutating func add(
        path: [Int32], timesMillis: [Int64], conversionMillis: Int64, outcome: Outcome, leadTouch: Int32 = -1, opportunityTouch: Int32 = -1
    ) throws {
        added += 1
        try validate(outcome, journey: added)
        guard path.count == timesMillis.count else {
            throw AttributionError.invalidJourney(index: added, reason: "every touch needs a time")
        }
        for id in path where id < 0 || Int(id) >= names.count {
            throw AttributionError.invalidJourney(index: added, reason: "unknown channel id \(id)")
        }
        if path.isEmpty {
            try skipEmpty(outcome, journey: added)
            return
        }
        if zip(timesMillis, timesMillis.dropFirst()).contains(where: { $0 > $1 }) {
            throw AttributionError.invalidJourney(index: added, reason: "touches are not in time order")
        }
        guard timesMillis.last! <= conversionMillis else {
            throw AttributionError.invalidJourney(index: added, reason: "a touch comes after the conversion")
        }
        guard (-1..<Int32(path.count)).contains(leadTouch), (-1..<Int32(path.count)).contains(opportunityTouch) else {
            throw AttributionError.invalidJourney(index: added, reason: "a milestone touch is outside the journey")
        }
        detail.append(
            ids: path, ages: timesMillis.map { Double(conversionMillis - $0) / 86_400_000 }, lead: leadTouch, opportunity: opportunityTouch,
            outcome: outcome)
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

    /// The order of the built rows.
    public enum RowOrder: Sendable {
        /// Sorted (detailed journeys by path, outcome, milestones and ages; merged paths by path), so the result does not
        /// depend on the order journeys were added in. The default.
        case canonical
        /// As added: for callers whose input order is itself fixed (journeys read from the database in unit-id order,
        /// slices merged in order), which saves sorting hundreds of thousands of rows.
        case arrival
    }

    /// Finishes the set: channels sorted by name, rows in `order`.
    public func build(order rowOrder: RowOrder = .canonical) throws -> JourneySet {
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

        // Canonical row order: detailed journeys by (path, outcome, milestones, ages), merged paths by path. The two sorts
        // are independent and run at once. Each compares a packed key of the first four ids first and in full on a tie.
        let detailIDs = detail.ids.map { remap[Int($0)] }
        let ids = table.ids.map { remap[Int($0)] }
        let starts = table.starts
        let packable = names.count < 65_535
        let orders = Mutex<(detail: [Int], paths: [Int])>((Array(0..<detail.count), Array(0..<table.count)))
        DispatchQueue.concurrentPerform(iterations: rowOrder == .canonical ? 2 : 0) { part in
            if part == 0 {
                let keys = Self.prefixKeys(detailIDs, starts: detail.starts, packable: packable)
                let order = detailIDs.withUnsafeBufferPointer { ids in
                    (0..<detail.count).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : detail.precedes($0, $1, ids: ids) }
                }
                orders.withLock { $0.detail = order }
            } else {
                let keys = Self.prefixKeys(ids, starts: starts, packable: packable)
                let order = (0..<table.count).sorted {
                    keys[$0] != keys[$1] ? keys[$0] < keys[$1] : lexicographicallyPrecedes(ids, starts[$0]..<starts[$0 + 1], starts[$1]..<starts[$1 + 1])
                }
                orders.withLock { $0.paths = order }
            }
        }
        let (detailOrder, pathOrder) = orders.withLock { $0 }
        var out = CanonicalRows(capacityTouches: table.ids.count + detail.ids.count, rows: rowCount, detailed: detail.count > 0)
        for row in detailOrder {
            let range = detail.starts[row]..<detail.starts[row + 1]
            out.append(
                ids: detailIDs[range], conversions: detail.conversions[row], value: detail.values[row], nulls: detail.nulls[row],
                ages: detail.ages[range], lead: detail.lead[row], opportunity: detail.opportunity[row])
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

extension JourneySetBuilder {
    /// Per row, its first four ids + 1 in 16 bits each (0 after the end), so key order is the lexicographic order of the
    /// prefix; all zero when ids do not fit in 16 bits (then every comparison goes to the full path).
    static func prefixKeys(_ ids: [Int32], starts: [Int], packable: Bool) -> [UInt64] {
        (0..<(starts.count - 1)).map { row in
            guard packable else { return 0 }
            var key: UInt64 = 0
            for (j, index) in (starts[row]..<min(starts[row + 1], starts[row] + 4)).enumerated() {
                key |= UInt64(ids[index] + 1) << (48 - 16 * UInt64(j))
            }
            return key
        }
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
        let offset = ids.count
        ids.reserveCapacity(offset + other.ids.count)
        for id in other.ids { ids.append(remap[Int(id)]) }
        ages.append(contentsOf: other.ages)
        starts.append(contentsOf: other.starts.dropFirst().map { $0 + offset })
        lead.append(contentsOf: other.lead)
        opportunity.append(contentsOf: other.opportunity)
        conversions.append(contentsOf: other.conversions)
        values.append(contentsOf: other.values)
        nulls.append(contentsOf: other.nulls)
    }

    /// A total order over rows so that detailed journeys get a canonical order too: path, then conversions, value, nulls,
    /// lead and opportunity touch, then ages (a missing timestamp, NaN, as the smallest). Allocates nothing: it runs
    /// n log n times for hundreds of thousands of converting contacts.
    func precedes(_ a: Int, _ b: Int, ids remapped: UnsafeBufferPointer<Int32>) -> Bool {
        let ra = starts[a]..<starts[a + 1]
        let rb = starts[b]..<starts[b + 1]
        let shared = min(ra.count, rb.count)
        for i in 0..<shared where remapped[ra.lowerBound + i] != remapped[rb.lowerBound + i] {
            return remapped[ra.lowerBound + i] < remapped[rb.lowerBound + i]
        }
        if ra.count != rb.count { return ra.count < rb.count }
        if conversions[a] != conversions[b] { return conversions[a] < conversions[b] }
        if values[a] != values[b] { return values[a] < values[b] }
        if nulls[a] != nulls[b] { return nulls[a] < nulls[b] }
        if lead[a] != lead[b] { return lead[a] < lead[b] }
        if opportunity[a] != opportunity[b] { return opportunity[a] < opportunity[b] }
        for i in 0..<ra.count {
            let x = ages[ra.lowerBound + i].isNaN ? -1 : ages[ra.lowerBound + i]
            let y = ages[rb.lowerBound + i].isNaN ? -1 : ages[rb.lowerBound + i]
            if x != y { return x < y }
        }
        return false
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
