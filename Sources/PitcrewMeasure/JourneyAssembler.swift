import Foundation
import PitcrewAnalytics

/// A conversion of one unit (contact or account).
struct ConversionPoint: Sendable {
    var time: Int64
    /// In major currency units (the engines work in Double).
    var value: Double
}

/// Turns the ordered touches of one unit and its conversions into journeys.
///
/// Rules: each conversion gets the touches in its lookback window that came after the previous conversion (so one touch
/// is never credited twice) and not after the conversion itself. A unit with no conversion in the period gives one
/// non-converting journey of its touches in the period. Touches after a unit's last conversion are dropped (they lead to
/// no outcome we can see yet).
struct JourneyAssembler {
    let lookbackMillis: Int64
    let periodStart: Int64
    let periodEnd: Int64
    let keepTimestamps: Bool

    /// Statistics of what was assembled, for the report.
    struct Counts: Sendable {
        var units = 0
        var journeys = 0
        var conversions = 0
        /// Conversions with no touch in their window: counted here, not attributed (no silent zero).
        var conversionsWithoutTouches = 0
        /// Their value (major units): revenue that no channel or campaign is credited with.
        var valueWithoutTouches = 0.0
    }

    /// `milestones`: when the unit's lead and its first opportunity were created (nil: unknown or not wanted). A converting
    /// journey marks the last touch at or before each as its lead- (opportunity-) creation touch, when that touch is in it.
    func assemble(
        touches: [(time: Int64, channel: Int32)], conversions: some Collection<ConversionPoint>,
        milestones: (lead: Int64?, opportunity: Int64?) = (nil, nil), into builder: inout JourneySetBuilder, names: [String], counts: inout Counts
    ) throws {
        counts.units += 1
        if conversions.isEmpty {
            let path = touches.filter { $0.time >= periodStart && $0.time <= periodEnd }
            guard !path.isEmpty else { return }
            try add(path, outcome: .notConverted, conversionTime: nil, into: &builder, names: names)
            counts.journeys += 1
            return
        }
        var start = 0
        var previous = Int64.min
        for conversion in Self.groupedByTime(conversions) {
            var end = start
            while end < touches.count, touches[end].time <= conversion.time { end += 1 }
            let windowStart = max(previous, conversion.time - lookbackMillis)
            let window = touches[start..<end].filter { $0.time >= windowStart }
            counts.conversions += conversion.count
            if window.isEmpty {
                counts.conversionsWithoutTouches += conversion.count
                counts.valueWithoutTouches += conversion.value
            } else {
                let outcome = Outcome(conversions: Double(conversion.count), value: conversion.value, nulls: 0)
                try add(Array(window), outcome: outcome, conversionTime: conversion.time, milestones: milestones, into: &builder, names: names)
                counts.journeys += 1
            }
            start = end
            previous = conversion.time + 1
        }
    }

    /// Conversions at the same instant (several opportunities closed together) share one journey: their counts and values
    /// add up, so none is left with an empty window.
    static func groupedByTime(_ conversions: some Collection<ConversionPoint>) -> [(time: Int64, value: Double, count: Int)] {
        var groups: [(time: Int64, value: Double, count: Int)] = []
        for conversion in conversions {
            if let last = groups.last, last.time == conversion.time {
                groups[groups.count - 1].value += conversion.value
                groups[groups.count - 1].count += 1
            } else {
                groups.append((conversion.time, conversion.value, 1))
            }
        }
        return groups
    }

    private func add(
        _ touches: [(time: Int64, channel: Int32)], outcome: Outcome, conversionTime: Int64?, milestones: (lead: Int64?, opportunity: Int64?) = (nil, nil),
        into builder: inout JourneySetBuilder, names: [String]
    ) throws {
        // Only converting journeys need touch times (time_decay weighs touches by age before the conversion); the rest
        // merge by path, which keeps memory and time flat at a million units.
        if keepTimestamps, outcome.conversions > 0, let conversionTime {
            // The touch that led to a milestone: the last one at or before it (none when the milestone came before this
            // journey's first touch or after its conversion).
            func mark(_ time: Int64?) -> Int32 {
                guard let time, time <= conversionTime, let index = touches.lastIndex(where: { $0.time <= time }) else { return -1 }
                return Int32(index)
            }
            try builder.add(
                path: touches.map(\.channel), timesMillis: touches.map(\.time), conversionMillis: conversionTime, outcome: outcome,
                leadTouch: mark(milestones.lead), opportunityTouch: mark(milestones.opportunity))
        } else {
            try builder.add(path: touches.map(\.channel), outcome: outcome)
        }
    }
}
