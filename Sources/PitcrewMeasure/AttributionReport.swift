import Foundation
public import PitcrewAnalytics
public import PitcrewCore

/// One label (channel or campaign) under one model, with money.
public struct ReportRow: Sendable, Equatable {
    public var label: String
    public var model: AttributionModel
    public var conversions: Double
    /// Attributed revenue in minor units of the report currency.
    public var revenueMinor: Int64
    public var removalEffect: Double?
    /// Spend of the label in the period, minor units; nil when the label had no spend recorded.
    public var costMinor: Int64?
    /// Cost per attributed conversion, minor units.
    public var cpaMinor: Int64?
    /// Revenue / cost.
    public var roas: Double?
    /// (Revenue − cost) / cost.
    public var roi: Double?
    /// Bootstrap confidence interval of `conversions` (markov and the Shapley models, when requested).
    public var conversionsInterval: ConfidenceInterval?
}

/// The answer to "what worked, and what did it cost?" for one workspace, period and conversion definition.
public struct AttributionReport: Sendable {
    public var definition: JourneyDefinition
    public var currency: String
    public var models: [AttributionModel]
    public var rows: [ReportRow]
    /// Models that could not run on this data, with the reason.
    public var skipped: [(model: AttributionModel, reason: String)]
    public var units: Int
    public var journeys: Int
    public var conversions: Int
    /// Conversions with no touch in their lookback window (not attributed, reported).
    public var conversionsWithoutTouches: Int
    /// Opportunities in another currency than the report's (left out, reported).
    public var otherCurrencyConversions: Int
    public var totalCostMinor: Int64

    /// Rows of one model, largest conversions first.
    public func rows(for model: AttributionModel) -> [ReportRow] {
        rows.filter { $0.model == model }.sorted { ($0.conversions, $1.label) > ($1.conversions, $0.label) }
    }

    /// A Double amount as Int64 minor units, or nil when it is not finite or out of range (never a trap).
    static func minorUnits(_ value: Double) -> Int64? {
        let rounded = value.rounded()
        guard rounded.isFinite, abs(rounded) < 9.0e18 else { return nil }
        return Int64(rounded)
    }

    /// Combines engine output with spend into report rows.
    static func rows(results: [ModelAttribution], spend: [String: Int64], currency: String) -> [ReportRow] {
        let scale = pow(10, Double(Money.exponent(of: currency)))
        var rows: [ReportRow] = []
        for result in results {
            let labels = Set(result.credits.map(\.channel)).union(spend.keys)
            let credits = Dictionary(result.credits.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
            for label in labels.sorted() {
                let credit = credits[label]
                let conversions = credit?.conversions ?? 0
                let revenue = minorUnits((credit?.value ?? 0) * scale) ?? 0
                let cost = spend[label]
                rows.append(
                    ReportRow(
                        label: label, model: result.model, conversions: conversions, revenueMinor: revenue, removalEffect: credit?.removalEffect,
                        costMinor: cost, cpaMinor: cost.flatMap { conversions > 1e-9 ? minorUnits(Double($0) / conversions) : nil },
                        roas: cost.flatMap { $0 > 0 ? Double(revenue) / Double($0) : nil },
                        roi: cost.flatMap { $0 > 0 ? Double(revenue - $0) / Double($0) : nil }, conversionsInterval: credit?.conversionsInterval))
            }
        }
        return rows
    }
}
