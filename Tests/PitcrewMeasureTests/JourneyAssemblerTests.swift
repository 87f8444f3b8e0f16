import PitcrewAnalytics
import Testing

@testable import PitcrewMeasure

@Suite struct JourneyAssemblerTests {
    static let day: Int64 = 86_400_000

    func assemble(_ touches: [(Int64, Int32)], _ conversions: [ConversionPoint], lookbackDays: Int64 = 30) throws
        -> (JourneySet?, JourneyAssembler.Counts)
    {
        var builder = JourneySetBuilder(emptyJourneys: .skip)
        _ = try builder.channelID(for: "A")
        _ = try builder.channelID(for: "B")
        var counts = JourneyAssembler.Counts()
        let assembler = JourneyAssembler(lookbackMillis: lookbackDays * Self.day, periodStart: 0, periodEnd: 1_000 * Self.day, keepTimestamps: false)
        try assembler.assemble(
            touches: touches.map { (time: $0.0, channel: $0.1) }, conversions: conversions, into: &builder, names: ["A", "B"], counts: &counts)
        return (counts.journeys > 0 ? try builder.build() : nil, counts)
    }

    @Test func conversionsAtTheSameInstantShareOneJourney() throws {
        let (set, counts) = try assemble([(10 * Self.day, 0)], [ConversionPoint(time: 20 * Self.day, value: 100), ConversionPoint(time: 20 * Self.day, value: 50)])
        #expect(counts.conversions == 2 && counts.conversionsWithoutTouches == 0 && counts.journeys == 1)
        let results = try AttributionEngine.run([.lastTouch], on: try #require(set))
        #expect(results[0].credits.first { $0.channel == "A" }?.conversions == 2)
        #expect(results[0].credits.first { $0.channel == "A" }?.value == 150)
    }

    @Test func eachTouchCountsForOneConversionAndOnlyInsideTheLookback() throws {
        let touches: [(Int64, Int32)] = [(1 * Self.day, 0), (50 * Self.day, 1), (60 * Self.day, 0), (200 * Self.day, 1)]
        let (_, counts) = try assemble(touches, [ConversionPoint(time: 55 * Self.day, value: 1), ConversionPoint(time: 70 * Self.day, value: 1)])
        // First conversion: only the day-50 touch (day 1 is outside 30 days). Second: only the day-60 touch.
        // The day-200 touch comes after the last conversion and is not a journey.
        #expect(counts.journeys == 2 && counts.conversions == 2 && counts.conversionsWithoutTouches == 0)
    }

    @Test func touchesAreOrderedByTimeThenLabel() {
        var touches: [(time: Int64, channel: Int32)] = [(5, 0), (3, 1), (5, 2), (1, 0)]
        JourneyCollector.ensureTimeOrder(&touches, names: ["Email", "Ads", "Direct"])
        #expect(touches.map(\.time) == [1, 3, 5, 5] && touches.map(\.channel) == [0, 1, 2, 0])
        var sorted: [(time: Int64, channel: Int32)] = [(1, 0), (2, 1)]
        JourneyCollector.ensureTimeOrder(&sorted, names: ["B", "A"])
        #expect(sorted.map(\.channel) == [0, 1])
    }

    @Test func tinyCreditsNeverTrapMoneyConversions() {
        #expect(AttributionReport.minorUnits(1e300) == nil)
        #expect(AttributionReport.minorUnits(.nan) == nil)
        #expect(AttributionReport.minorUnits(1234.6) == 1235)
        var credit = ChannelCredit(channel: "A", model: .timeDecay, conversions: 7e-18, value: 7e-18)
        credit.removalEffect = nil
        let rows = AttributionReport.rows(results: [ModelAttribution(model: .timeDecay, credits: [credit])], spend: ["A": 100], currency: "USD")
        #expect(rows.count == 1 && rows[0].cpaMinor == nil && rows[0].costMinor == 100)
    }
}
