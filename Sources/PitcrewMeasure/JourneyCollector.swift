import Foundation
import PitcrewAnalytics
import PitcrewCore

/// Assembles the journeys of one slice of units from their touches, which arrive unit by unit in time order: either one
/// row per touch (`touch`, SQLite's row scan) or one row per unit with its touches concatenated (`add`, PostgreSQL).
/// Slices fill collectors of their own in parallel; `merge` combines them.
struct JourneyCollector: Sendable {
    private var builder = JourneySetBuilder(emptyJourneys: .skip)
    private var counts = JourneyAssembler.Counts()
    /// Labels seen, as bytes, with their channel ids; `names[id]` is a channel's name.
    private var labelBytes: [[UInt8]] = []
    private var labelIDs: [Int32] = []
    private var labelsByName: [String: Int32] = [:]
    private var names: [String] = []
    /// The unit whose touches are being gathered, and its touches.
    private var unit: [UInt8] = []
    private var touches: [(time: Int64, channel: Int32)] = []
    /// Conversions of the units that had touches (the rest are counted as conversions without touches).
    private var matchedConversions = 0
    private var matchedValue = 0.0
    private let assembler: JourneyAssembler
    private let conversions: ConversionIndex
    private let milestones: Milestones

    init(definition: JourneyDefinition, conversions: ConversionIndex, milestones: Milestones = Milestones()) {
        self.milestones = milestones
        self.assembler = JourneyAssembler(
            lookbackMillis: Int64(definition.lookbackDays) * 86_400_000, periodStart: definition.from.startMillis, periodEnd: definition.periodEnd,
            keepTimestamps: definition.keepTimestamps)
        self.conversions = conversions
    }

    /// One touch; units must arrive one after another, each unit's touches in time order.
    mutating func touch(unit: UnsafeBufferPointer<UInt8>, time: Int64, label: UnsafeBufferPointer<UInt8>) throws {
        if unit.count != self.unit.count || (unit.count > 0 && memcmp(unit.baseAddress!, self.unit, unit.count) != 0) {
            try flush()
            self.unit.removeAll(keepingCapacity: true)
            self.unit.append(contentsOf: unit)
        }
        touches.append((time, try labelID(label)))
    }

    /// One unit's touches as `time␟label␞…` in time order (see `MeasureStore.streamTouches`).
    mutating func add(unit: String, touches text: String) throws {
        try flush()
        self.unit = Array(unit.utf8)
        var text = text
        try text.withUTF8 { bytes in try parse(bytes) }
    }

    /// Parses `time␟label␞time␟label…` without allocating a string per touch except for labels not seen before.
    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var index = 0
        while index < bytes.count {
            var time: Int64 = 0
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            while index < bytes.count, bytes[index] != 0x1F {
                // Wrapping arithmetic: a malformed label can never trap the process; times are validated by the store.
                time = time &* 10 &+ Int64(bytes[index] &- 48)
                index += 1
            }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != 0x1E { index += 1 }
            let label = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            touches.append((negative ? -time : time, try labelID(label)))
        }
    }

    private mutating func labelID(_ label: UnsafeBufferPointer<UInt8>) throws -> Int32 {
        // Few distinct labels: a linear probe over byte-equal names beats hashing a new String per touch.
        if labelBytes.count <= 32 {
            for (index, known) in labelBytes.enumerated() where known.count == label.count {
                if label.isEmpty || known.withUnsafeBufferPointer({ memcmp($0.baseAddress!, label.baseAddress!, label.count) == 0 }) {
                    return labelIDs[index]
                }
            }
        }
        let name = String(decoding: label, as: UTF8.self)
        if let known = labelsByName[name] { return known }
        let id = try builder.channelID(for: name)
        labelBytes.append(Array(label))
        labelIDs.append(id)
        labelsByName[name] = id
        if names.count <= Int(id) { names.append(name) }
        return id
    }

    /// Touches must be in (time, label) order; the database usually delivers them so, and this only sorts when not.
    static func ensureTimeOrder(_ touches: inout [(time: Int64, channel: Int32)], names: [String]) {
        func precedes(_ a: (time: Int64, channel: Int32), _ b: (time: Int64, channel: Int32)) -> Bool {
            a.time != b.time ? a.time < b.time : names[Int(a.channel)] < names[Int(b.channel)]
        }
        for index in touches.indices.dropFirst() where precedes(touches[index], touches[index - 1]) {
            touches.sort(by: precedes)
            return
        }
    }

    /// Assembles the gathered unit's journeys.
    private mutating func flush() throws {
        guard !touches.isEmpty else { return }
        Self.ensureTimeOrder(&touches, names: names)
        let points = unit.withUnsafeBufferPointer { conversions.points(of: $0) }
        matchedConversions += points.count
        matchedValue += points.reduce(0) { $0 + $1.value }
        let (lead, opportunity) = unit.withUnsafeBufferPointer { milestones.times(of: $0) }
        try assembler.assemble(
            touches: touches, conversions: points, milestones: (lead, opportunity), into: &builder, names: names, counts: &counts)
        touches.removeAll(keepingCapacity: true)
    }

    /// The journeys of every slice, or nil when there are none (an empty period is a report with nothing to attribute, not
    /// an error). Conversions of units with no touch at all are counted, never silently dropped.
    static func merge(_ slices: [JourneyCollector], conversions: ConversionIndex) throws -> (JourneySet?, JourneyAssembler.Counts) {
        var builder: JourneySetBuilder?
        var counts = JourneyAssembler.Counts()
        var matched = 0
        var matchedValue = 0.0
        for var slice in slices {
            try slice.flush()
            // The first slice's journeys are the base (not copied); the others merge into them.
            if builder == nil { builder = slice.builder } else { try builder!.merge(slice.builder) }
            counts.units += slice.counts.units
            counts.journeys += slice.counts.journeys
            counts.conversions += slice.counts.conversions
            counts.conversionsWithoutTouches += slice.counts.conversionsWithoutTouches
            counts.valueWithoutTouches += slice.counts.valueWithoutTouches
            matched += slice.matchedConversions
            matchedValue += slice.matchedValue
        }
        let unmatched = conversions.count - matched
        counts.conversions += unmatched
        counts.conversionsWithoutTouches += unmatched
        counts.valueWithoutTouches += max(0, conversions.points.reduce(0) { $0 + $1.value } - matchedValue)
        counts.conversions += conversions.withoutUnit
        counts.conversionsWithoutTouches += conversions.withoutUnit
        counts.valueWithoutTouches += conversions.valueWithoutUnit
        // Rows arrive in a fixed order (units by id within a slice, slices in order), so they need no sorting to make the
        // report independent of how the units were split.
        return (counts.journeys > 0 ? try builder?.build(order: .arrival) : nil, counts)
    }
}
