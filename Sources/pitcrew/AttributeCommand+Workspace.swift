import ArgumentParser
import Foundation
import PitcrewAnalytics
import PitcrewCore
import PitcrewMeasure
import PitcrewStore

/// `pitcrew attribute --workspace SLUG …`: attribution on a workspace's own touchpoints, conversions and spend.
struct WorkspaceAttributionOptions: ParsableArguments {
    @Option(help: "Attribute the data of this workspace (instead of --input).") var workspace: String?
    @Option(help: "Database of the workspace (env PITCREW_DATABASE; default ./pitcrew.sqlite).") var database: String?
    @Option(help: "Conversion: won, opportunity_created, stage:NAME or event:NAME.") var conversion = "won"
    @Option(help: "Journey unit: contact or account.") var unit = "account"
    @Option(help: "Credit to: channel or campaign.") var dimension = "channel"
    @Option(name: .customLong("lookback-days"), help: "Touches up to this many days before a conversion count.") var lookbackDays = 90
    @Option(help: "First day of the period (YYYY-MM-DD; default 365 days before --to).") var from: String?
    @Option(help: "Last day of the period (YYYY-MM-DD; default today).") var to: String?
    @Flag(name: .customLong("online-only"), help: "Leave offline touchpoints out.") var onlineOnly = false

    func definition() throws -> JourneyDefinition {
        let end = try to.map { text in
            guard let date = CalendarDate(text) else { throw ValidationError("--to must be YYYY-MM-DD") }
            return date
        } ?? CalendarDate(millis: Timestamp.now())
        let start = try from.map { text in
            guard let date = CalendarDate(text) else { throw ValidationError("--from must be YYYY-MM-DD") }
            return date
        } ?? end.adding(days: -365)
        var definition = JourneyDefinition(from: start, to: end)
        definition.conversion = try ConversionDefinition(parsing: conversion)
        guard let unit = JourneyUnit(rawValue: unit) else { throw ValidationError("--unit must be contact or account") }
        guard let dimension = CreditDimension(rawValue: dimension) else { throw ValidationError("--dimension must be channel or campaign") }
        definition.unit = unit
        definition.dimension = dimension
        definition.lookbackDays = lookbackDays
        definition.includeOffline = !onlineOnly
        try definition.validate()
        return definition
    }
}

extension AttributeCommand {
    func runOnWorkspace() async throws {
        guard let slug = workspaceOptions.workspace else { return }
        let definition = try workspaceOptions.definition()
        let options = try attributionOptions()
        let models = try AttributionModel.parseList(model)
        let location = try Settings.database(workspaceOptions.database)
        let report = try await Database.with(location) { database in
            let scope = try await AccessService(database: database).commandLineScope(slug: slug, role: .analyst)
            return try await MeasureService(database: database).attribution(scope, definition: definition, models: models, options: options)
        }
        for (skippedModel, reason) in report.skipped { printError("skipping \(skippedModel.rawValue): \(reason)") }
        printError(
            "\(report.journeys) journeys of \(report.units) \(definition.unit.rawValue)s, \(report.conversions) conversions"
                + (report.conversionsWithoutTouches > 0
                    ? " (\(report.conversionsWithoutTouches) without touches in the lookback window, not attributed: "
                        + "\(Money(minorUnits: report.valueWithoutTouchesMinor, currency: report.currency).formatted()))"
                    : ""))
        FileHandle.standardOutput.write(Data(WorkspaceReportWriter.render(report, format: format.lowercased(), dimension: definition.dimension).utf8))
    }
}

/// Writes a workspace attribution report: one row per label per model with money columns (minor units → decimal).
enum WorkspaceReportWriter {
    static let columns = ["model", "conversions", "value", "removal_effect", "cost", "cpa", "roas", "roi"]

    /// The first column names what rows are: `channel_name` (as ChannelAttribution writes it) or `campaign_name`.
    static func render(_ report: AttributionReport, format: String, dimension: CreditDimension) -> String {
        let exponent = Money.exponent(of: report.currency)
        func money(_ minor: Int64?) -> String {
            guard let minor else { return "" }
            return String(format: "%.\(exponent)f", Double(minor) / pow(10, Double(exponent)))
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        let ordered = report.models.flatMap { report.rows(for: $0) }
        let withIntervals = ordered.contains { $0.conversionsInterval != nil }
        let header = [dimension == .campaign ? "campaign_name" : "channel_name"] + columns + (withIntervals ? ["ci_low", "ci_high"] : [])
        let rows = ordered.map { row in
            [row.label, row.model.rawValue, number(row.conversions), money(row.revenueMinor), number(row.removalEffect), money(row.costMinor),
             money(row.cpaMinor), number(row.roas), number(row.roi)]
                + (withIntervals ? [number(row.conversionsInterval?.low), number(row.conversionsInterval?.high)] : [])
        }
        switch format {
        case "json":
            let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0).filter { !$0.1.isEmpty }) }
            let data = (try? JSONSerialization.data(withJSONObject: ["currency": report.currency, "rows": objects], options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        case "csv":
            return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        default:
            let table = [header] + rows
            let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
            return table.map { row in
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") || text.contains("\n") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
