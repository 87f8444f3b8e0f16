import PitcrewAnalytics
import Testing

@testable import PitcrewMeasure

@Suite struct AttributionReportTests {
    @Test func revenueSharesAddUpToTheDealsToTheCent() {
        // One $100.00 deal, three channels with a third each (linear): rounding each share gives 33.33 × 3 = 99.99.
        let third = 100.0 / 3
        let linear = ModelAttribution(
            model: .linear,
            credits: ["Email", "Paid Search", "Referral"].map { ChannelCredit(channel: $0, model: .linear, conversions: 1.0 / 3, value: third) })
        let rows = AttributionReport.rows(results: [linear], spend: ["Display": 50_00], currency: "USD")
        #expect(rows.reduce(0) { $0 + $1.revenueMinor } == 100_00)
        #expect(rows.map(\.revenueMinor).sorted() == [0, 33_33, 33_33, 33_34])
        #expect(rows.first { $0.label == "Display" }?.revenueMinor == 0, "a label with spend and no credit gets no cent")
    }

    @Test func apportioningKeepsExactAmountsAndGivesLeftoverCentsToTheLargestRemainders() {
        #expect(AttributionReport.apportioned([1000, 250.5, 249.5]) == [1000, 251, 249])
        #expect(AttributionReport.apportioned([0.4, 0.4, 0.2]) == [1, 0, 0], "ties go to the earlier value")
        #expect(AttributionReport.apportioned([1.6, 1.6, 1.6, 1.2]) == [2, 2, 1, 1])
        #expect(AttributionReport.apportioned([]) == [])
    }
}
