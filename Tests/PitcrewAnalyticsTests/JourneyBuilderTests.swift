import Foundation
import PitcrewAnalytics
import Testing

@Suite("Journeys built in code")
struct JourneyBuilderTests {
    static let day: TimeInterval = 86_400

    @Test func journeysWithoutDetailsMergeByPath() throws {
        var builder = JourneySetBuilder()
        try builder.add(Journey(touches: [Touch(channel: "email"), Touch(channel: "search")], outcome: .converted(value: 10)))
        try builder.add(Journey(touches: [Touch(channel: "email"), Touch(channel: "search")], outcome: .notConverted))
        try builder.add(channels: ["search"], outcome: Outcome(conversions: 2, value: 5, nulls: 1))
        let set = try builder.build()
        #expect(set.rowCount == 2)
        #expect(set.rowsAreDistinctPaths)
        #expect(set.totalConversions == 3)
        #expect(!set.hasTimestamps)
    }

    @Test func buildersFilledSeparatelyMergeIntoTheSameSet() throws {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        var journeys: [Journey] = []
        for i in 0..<60 {
            let channels = (0...(i % 4)).map { ["email", "search", "social", "direct", "display"][($0 * 7 + i) % 5] }
            let timed = i % 3 == 0
            let touches = channels.enumerated().map { Touch(channel: $1, timestamp: timed ? t0 + Double($0) * Self.day : nil) }
            let outcome = i % 2 == 0 ? Outcome(conversions: 1, value: Double(i) * 1.25) : .notConverted
            journeys.append(Journey(touches: i % 11 == 0 ? [] : touches, outcome: outcome, conversionTime: timed ? t0 + 9 * Self.day : nil))
        }
        var whole = JourneySetBuilder(emptyJourneys: .skip)
        for journey in journeys { try whole.add(journey) }
        // Split unevenly, and the second part sees its channels in another order (other ids before the merge).
        var first = JourneySetBuilder(emptyJourneys: .skip)
        var second = JourneySetBuilder(emptyJourneys: .skip)
        for journey in journeys.prefix(23) { try first.add(journey) }
        for journey in journeys.dropFirst(23).reversed() { try second.add(journey) }
        var merged = JourneySetBuilder(emptyJourneys: .skip)
        try merged.merge(first)
        try merged.merge(second)
        let expected = try whole.build()
        let actual = try merged.build()
        #expect(actual.channels == expected.channels && actual.touches == expected.touches && actual.pathStart == expected.pathStart)
        #expect(actual.conversions == expected.conversions && actual.values == expected.values && actual.nulls == expected.nulls)
        #expect(actual.touchAgeDays?.map { $0.isNaN ? -1 : $0 } == expected.touchAgeDays?.map { $0.isNaN ? -1 : $0 })
        #expect(actual.skippedEmptyJourneys == expected.skippedEmptyJourneys && actual.skippedConversions == expected.skippedConversions)
        #expect(expected.skippedEmptyJourneys > 0 && expected.touchAgeDays != nil)
    }

    @Test func journeysGivenByIdsAndMillisecondsEqualJourneysWithDates() throws {
        let t0: Int64 = 1_700_000_000_000
        var byValue = JourneySetBuilder()
        var byIDs = JourneySetBuilder()
        let email = try byIDs.channelID(for: "email")
        let search = try byIDs.channelID(for: "search")
        try byIDs.add(path: [email, search], timesMillis: [t0, t0 + 36 * 3_600_000], conversionMillis: t0 + 72 * 3_600_000, outcome: .converted(value: 4))
        try byValue.add(
            Journey(
                touches: [Touch(channel: "email", timestamp: Date(timeIntervalSince1970: 1_700_000_000)),
                          Touch(channel: "search", timestamp: Date(timeIntervalSince1970: 1_700_000_000 + 36 * 3_600))],
                outcome: .converted(value: 4), conversionTime: Date(timeIntervalSince1970: 1_700_000_000 + 72 * 3_600)))
        let a = try byIDs.build()
        let b = try byValue.build()
        #expect(a.touchAgeDays == [3, 1.5] && a.touchAgeDays == b.touchAgeDays && a.touches == b.touches && a.channels == b.channels)
        #expect(throws: AttributionError.invalidJourney(index: 2, reason: "a touch comes after the conversion")) {
            try byIDs.add(path: [email], timesMillis: [t0 + 10], conversionMillis: t0, outcome: .converted())
        }
        #expect(throws: AttributionError.invalidJourney(index: 3, reason: "touches are not in time order")) {
            try byIDs.add(path: [email, search], timesMillis: [t0 + 10, t0], conversionMillis: t0 + 20, outcome: .converted())
        }
    }

    @Test func arrivalOrderKeepsRowsAsAddedWithTheSameTotals() throws {
        var builder = JourneySetBuilder()
        try builder.add(channels: ["search", "email"], outcome: .converted(value: 2))
        try builder.add(channels: ["direct"], outcome: .notConverted)
        try builder.add(channels: ["search", "email"], outcome: .notConverted)
        let arrival = try builder.build(order: .arrival)
        let canonical = try builder.build()
        #expect(arrival.channels == ["direct", "email", "search"] && arrival.channels == canonical.channels)
        // Rows as first added: search>email, then direct; canonically direct comes first.
        #expect(arrival.touches == [2, 1, 0] && canonical.touches == [0, 2, 1])
        #expect(arrival.conversions == [1, 0] && arrival.nulls == [1, 1] && arrival.totalConversions == canonical.totalConversions)
    }

    @Test func invalidJourneysAreRejected() throws {
        var builder = JourneySetBuilder()
        #expect(throws: AttributionError.invalidJourney(index: 1, reason: "the journey has no touches")) {
            try builder.add(Journey(touches: [], outcome: .converted()))
        }
        #expect(throws: AttributionError.invalidJourney(index: 2, reason: "conversions is negative")) {
            try builder.add(channels: ["a"], outcome: Outcome(conversions: -1))
        }
        #expect(throws: AttributionError.invalidJourney(index: 3, reason: "value is not a finite number")) {
            try builder.add(channels: ["a"], outcome: Outcome(conversions: 1, value: .infinity))
        }
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(throws: AttributionError.invalidJourney(index: 4, reason: "touches are not in time order")) {
            try builder.add(
                Journey(
                    touches: [Touch(channel: "a", timestamp: t0 + Self.day), Touch(channel: "b", timestamp: t0)],
                    outcome: .converted()))
        }
        #expect(throws: AttributionError.invalidJourney(index: 5, reason: "a touch comes after the conversion")) {
            try builder.add(Journey(touches: [Touch(channel: "a", timestamp: t0 + Self.day)], outcome: .converted(), conversionTime: t0))
        }
        #expect(throws: AttributionError.self) { try builder.channelID(for: "(null)") }
        #expect(throws: AttributionError.emptyInput(reason: "no journeys")) { try JourneySetBuilder().build() }
    }

    @Test func emptyJourneysCanBeSkippedAndAreCounted() throws {
        var builder = JourneySetBuilder(emptyJourneys: .skip)
        try builder.add(Journey(touches: [], outcome: Outcome(conversions: 2, value: 9, nulls: 1)))
        try builder.add(channels: ["a"], outcome: .converted())
        let set = try builder.build()
        #expect(set.skippedEmptyJourneys == 3)
        #expect(set.skippedConversions == 2)
        #expect(set.totalConversions == 1)
    }

    @Test func detailedJourneysGiveTheSamePathModelsAsMergedPaths() throws {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        var detailed = JourneySetBuilder()
        var merged = JourneySetBuilder()
        let paths = [["a", "b"], ["b"], ["a", "b"], ["c", "a", "c"], ["b"]]
        for (i, path) in paths.enumerated() {
            let outcome: Outcome = i % 2 == 0 ? .converted(value: Double(10 * i)) : .notConverted
            let touches = path.enumerated().map { Touch(channel: $1, timestamp: t0 + Double($0) * Self.day) }
            try detailed.add(Journey(touches: touches, outcome: outcome))
            try merged.add(channels: path, outcome: outcome)
        }
        let models: [AttributionModel] = [.markov, .shapley, .shapleyRate, .shapleyOrdered, .linear, .firstTouch]
        let a = try AttributionEngine.run(models, on: detailed.build())
        let b = try AttributionEngine.run(models, on: merged.build())
        #expect(a == b)
        #expect(try detailed.build().hasTimestamps)
        #expect(try detailed.build().rowCount == 5)
    }
}
