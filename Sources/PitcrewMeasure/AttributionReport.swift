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
    /// Their value (revenue of won deals no touch led to), so credited value plus this is the period's whole value.
    public var valueWithoutTouchesMinor: Int64
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

    /// Amounts in minor units that add up to the rounded sum of `values`: each value rounded down, then the cents left
    /// over go one each to the largest remainders (ties to the earlier value). Rounding each share on its own can lose
    /// or add a cent: a $100.00 deal split three ways is 33.33 + 33.33 + 33.34, never 99.99.
    static func apportioned(_ values: [Double]) -> [Int64] {
        // Amounts out of Int64's reach (never real money) are rounded one by one instead.
        let sum = values.reduce(0, +)
        guard values.allSatisfy({ $0.isFinite && abs($0) < 9.0e15 }), abs(sum) < 9.0e15, values.reduce(0, { $0 + abs($1) }) < 9.0e15 else {
            return values.map { minorUnits($0) ?? 0 }
        }
        var amounts = values.map { Int64($0.rounded(.down)) }
        let total = Int64(sum.rounded())
        let left = total - amounts.reduce(0, +)
        let byRemainder = values.indices.sorted { (values[$0] - Double(amounts[$0]), $1) > (values[$1] - Double(amounts[$1]), $0) }
        for index in byRemainder.prefix(Int(max(0, min(left, Int64(values.count))))) { amounts[index] += 1 }
        return amounts
    }

    /// Combines engine output with spend into report rows.
    static func rows(results: [ModelAttribution], spend: [String: Int64], currency: String) -> [ReportRow] {
        let scale = pow(10, Double(Money.exponent(of: currency)))
        var rows: [ReportRow] = []
        for result in results {
            let labels = Set(result.credits.map(\.channel)).union(spend.keys).sorted()
            let credits = Dictionary(result.credits.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
            let revenues = apportioned(labels.map { (credits[$0]?.value ?? 0) * scale })
            for (label, revenue) in zip(labels, revenues) {
                let credit = credits[label]
                let conversions = credit?.conversions ?? 0
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
