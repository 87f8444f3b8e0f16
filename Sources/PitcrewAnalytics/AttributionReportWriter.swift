import Foundation

/// Output formats of attribution results.
public enum AttributionOutputFormat: String, Sendable, CaseIterable {
    case csv, json, table
}

/// Writes results one row per channel per model: `channel_name,model,conversions,value`, then `removal_effect` and
/// `removal_effect_value` when a Markov result is present, `ci_low,ci_high` (of conversions) when intervals are
/// present, and `positions` (conversions by first-appearance position, `|`-separated) for `shapley_ordered`.
/// CSV and JSON print numbers with full round-trip precision; the table rounds for reading.
public enum AttributionReportWriter {
    public static func render(_ results: [ModelAttribution], format: AttributionOutputFormat) -> String {
        switch format {
        case .csv: return csv(results)
        case .json: return json(results)
        case .table: return table(results)
        }
    }

    private struct Columns {
        var removalEffect = false
        var interval = false
        var positions = false

        init(_ results: [ModelAttribution]) {
            for credit in results.lazy.flatMap(\.credits) {
                removalEffect = removalEffect || credit.removalEffect != nil
                interval = interval || credit.conversionsInterval != nil
                positions = positions || credit.positionConversions != nil
            }
        }

        var names: [String] {
            var names = ["channel_name", "model", "conversions", "value"]
            if removalEffect { names += ["removal_effect", "removal_effect_value"] }
            if interval { names += ["ci_low", "ci_high"] }
            if positions { names.append("positions") }
            return names
        }

        func cells(_ credit: ChannelCredit, _ number: (Double) -> String) -> [String] {
            var cells = [credit.channel, credit.model.rawValue, number(credit.conversions), number(credit.value)]
            if removalEffect { cells += [credit.removalEffect.map(number) ?? "", credit.removalEffectValue.map(number) ?? ""] }
            if interval {
                cells += [credit.conversionsInterval.map { number($0.low) } ?? "", credit.conversionsInterval.map { number($0.high) } ?? ""]
            }
            if positions { cells.append(credit.positionConversions?.map(number).joined(separator: "|") ?? "") }
            return cells
        }
    }

    /// RFC 4180 CSV with a header row.
    public static func csv(_ results: [ModelAttribution]) -> String {
        let columns = Columns(results)
        var out = columns.names.joined(separator: ",") + "\n"
        for credit in results.lazy.flatMap(\.credits) {
            out += columns.cells(credit, { "\($0)" }).map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A JSON array of row objects with the CSV's fields plus every interval and the Markov order.
    public static func json(_ results: [ModelAttribution]) -> String {
        var rows: [String] = []
        for result in results {
            for credit in result.credits {
                var fields = [
                    "\"channel_name\":\(jsonString(credit.channel))", "\"model\":\(jsonString(credit.model.rawValue))",
                    "\"conversions\":\(credit.conversions)", "\"value\":\(credit.value)",
                ]
                if let order = result.markovOrder { fields.append("\"markov_order\":\(order)") }
                if let re = credit.removalEffect { fields.append("\"removal_effect\":\(re)") }
                if let re = credit.removalEffectValue { fields.append("\"removal_effect_value\":\(re)") }
                if let score = credit.rawScore { fields.append("\"raw_score\":\(score)") }
                if let positions = credit.positionConversions {
                    fields.append("\"positions\":[\(positions.map { "\($0)" }.joined(separator: ","))]")
                }
                for (name, interval) in [
                    ("conversions_ci", credit.conversionsInterval), ("value_ci", credit.valueInterval),
                    ("removal_effect_ci", credit.removalEffectInterval),
                ] {
                    if let interval { fields.append("\"\(name)\":{\"low\":\(interval.low),\"high\":\(interval.high)}") }
                }
                if let replicates = result.bootstrapReplicates { fields.append("\"bootstrap_replicates\":\(replicates)") }
                rows.append("  {" + fields.joined(separator: ",") + "}")
            }
        }
        return "[\n" + rows.joined(separator: ",\n") + "\n]\n"
    }

    /// An aligned plain-text table for terminals.
    public static func table(_ results: [ModelAttribution]) -> String {
        let columns = Columns(results)
        var grid = [columns.names]
        for credit in results.lazy.flatMap(\.credits) {
            grid.append(columns.cells(credit, { String(format: "%.4f", $0) }))
        }
        let widths = columns.names.indices.map { c in grid.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for (index, row) in grid.enumerated() {
            let cells = row.enumerated().map { c, cell in
                // Names left-aligned, numbers right-aligned.
                c < 2 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell
            }
            out += cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            if index == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
