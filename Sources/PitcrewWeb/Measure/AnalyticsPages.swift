import Foundation
import Hummingbird
import PitcrewAnalytics
import PitcrewCore
import PitcrewMeasure
import PitcrewStore

/// `/analytics` (attribution, ROI, model comparison) and `/analytics/funnel`.
struct AnalyticsPages {
    let web: WebController
    let measure: MeasureService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("analytics", use: attributionPage)
        router.get("analytics/funnel", use: funnelPage)
    }

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct ROIRow {
        var label, conversions, revenue, cost, cpa, roas, roi: String
    }

    struct ComparisonRow {
        var label: String
        var values: [String]
    }

    struct ReportModel {
        var summary: String
        var skipped: [(model: String, reason: String)]
        var dimension: String
        var model: String
        /// What the money of a conversion is: revenue (won deals), pipeline (deals created, at any stage) or value.
        var valueName: String
        var returnName: String
        var barChart: String
        var roiRows: [ROIRow]
        var comparisonChart: String
        var modelNames: [String]
        var comparisonRows: [ComparisonRow]
    }

    struct PageModel {
        var title = "Attribution"
        var shell: ShellModel
        var modelOptions: [Option]
        var conversionOptions: [Option]
        var unitOptions: [Option]
        var dimensionOptions: [Option]
        var from: String
        var to: String
        var lookback: Int
        var error: String?
        var report: ReportModel?
    }

    static func options(_ values: [String], selected: String, labels: [String: String] = [:]) -> [Option] {
        values.map { Option(value: $0, label: labels[$0] ?? $0, selected: $0 == selected) }
    }

    @Sendable func attributionPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: "analytics")
        var query = request.queryDictionary
        let selectedModel = query["model"] ?? "markov"
        // The page opens on pipeline created (more conversions than closed-won in a typical quarter); the API defaults to won.
        if query["conversion"] == nil { query["conversion"] = "opportunity_created" }
        query["models"] = MeasureQuery.defaultModels + (MeasureQuery.defaultModels.contains(selectedModel) ? "" : "," + selectedModel)
        var error: String?
        var report: ReportModel?
        var definition = JourneyDefinition(from: CalendarDate(millis: Timestamp.now()).adding(days: -365), to: CalendarDate(millis: Timestamp.now()))
        definition.unit = .account
        do {
            let (parsed, models, options) = try MeasureQuery.attribution(query, today: CalendarDate(millis: Timestamp.now()))
            definition = parsed
            guard let model = AttributionModel(rawValue: selectedModel) else { throw PitcrewError.invalid("model", "unknown model \(selectedModel)") }
            let result = try await measure.attribution(scope, definition: parsed, models: models, options: options)
            report = Self.reportModel(result, model: model)
        } catch let problem as PitcrewError where problem.kind == .invalid || problem.kind == .forbidden {
            error = problem.description
        }
        // The workspace's own events, and the one asked for (a link may name an event not collected yet).
        var conversions = ["won", "opportunity_created"] + (try await measure.eventNames(scope)).map { "event:" + $0 }
        if !conversions.contains(definition.conversion.description) { conversions.append(definition.conversion.description) }
        let labels = ["won": "Won opportunities", "opportunity_created": "Opportunities created"]
        let model = PageModel(
            shell: shell, modelOptions: Self.options(AttributionModel.allCases.map(\.rawValue), selected: selectedModel),
            conversionOptions: Self.options(conversions, selected: definition.conversion.description, labels: labels),
            unitOptions: Self.options(JourneyUnit.allCases.map(\.rawValue), selected: definition.unit.rawValue),
            dimensionOptions: Self.options(CreditDimension.allCases.map(\.rawValue), selected: definition.dimension.rawValue),
            from: definition.from.description, to: definition.to.description, lookback: definition.lookbackDays, error: error, report: report)
        return web.pages.render("analytics", model, status: error == nil ? .ok : .badRequest)
    }

    static func reportModel(_ report: AttributionReport, model: AttributionModel) -> ReportModel {
        let money = { (minor: Int64?) -> String in minor.map { Money(minorUnits: $0, currency: report.currency).formatted() } ?? "—" }
        let ratio = { (value: Double?) -> String in value.map { String(format: "%.2f", $0) } ?? "—" }
        let rows = report.rows(for: model)
        let labels = Array(rows.map(\.label).prefix(15))
        let comparison = report.models.map { candidate -> (name: String, values: [Double]) in
            let byLabel = Dictionary(report.rows(for: candidate).map { ($0.label, $0.conversions) }, uniquingKeysWith: { first, _ in first })
            return (candidate.rawValue, labels.map { byLabel[$0] ?? 0 })
        }
        let summary =
            "\(report.conversions) conversions, \(report.journeys) journeys of \(report.units) \(report.definition.unit.rawValue)s, "
            + "\(report.definition.from) to \(report.definition.to), spend \(money(report.totalCostMinor))"
            + (report.conversionsWithoutTouches > 0
                ? "; \(report.conversionsWithoutTouches) conversions (\(money(report.valueWithoutTouchesMinor))) had no touch in the lookback window and are not attributed"
                : "")
            + (report.otherCurrencyConversions > 0 ? "; \(report.otherCurrencyConversions) in other currencies left out" : "")
        return ReportModel(
            summary: summary, skipped: report.skipped.map { ($0.model.rawValue, $0.reason) }, dimension: report.definition.dimension.rawValue,
            model: model.rawValue, valueName: Self.valueName(report.definition.conversion),
            returnName: report.definition.conversion == .wonOpportunity ? "ROI" : "\(Self.valueName(report.definition.conversion)) ROI",
            barChart: SVGChart.bars(rows.prefix(15).map { ($0.label, $0.conversions, String(format: "%.1f", $0.conversions)) }, title: "Conversions by \(model.rawValue)"),
            roiRows: rows.map {
                ROIRow(
                    label: $0.label, conversions: String(format: "%.1f", $0.conversions), revenue: money($0.revenueMinor), cost: money($0.costMinor),
                    cpa: money($0.cpaMinor), roas: ratio($0.roas), roi: $0.roi.map { String(format: "%.0f%%", $0 * 100) } ?? "—")
            },
            comparisonChart: SVGChart.groupedBars(labels: labels, series: comparison, title: "Conversions by model"),
            modelNames: report.models.map(\.rawValue),
            comparisonRows: labels.enumerated().map { index, label in
                ComparisonRow(label: label, values: comparison.map { String(format: "%.1f", $0.values[index]) })
            })
    }

    /// Won deals bring revenue; deals created (open, lost or won) are pipeline; a deal at a stage, or an event, its value.
    static func valueName(_ conversion: ConversionDefinition) -> String {
        switch conversion {
        case .wonOpportunity: "Revenue"
        case .opportunityCreated: "Pipeline"
        default: "Value"
        }
    }

    struct StepRow {
        var name, count, fromPrevious, fromFirst, median: String
    }

    struct CohortRow {
        var month: String
        var counts: [Int]
    }

    struct FunnelReportModel {
        var chart: String
        var stepRows: [StepRow]
        var stepNames: [String]
        var cohortRows: [CohortRow]
    }

    struct FunnelPageModel {
        var title = "Funnel"
        var shell: ShellModel
        var steps: String
        var from: String
        var to: String
        var error: String?
        var report: FunnelReportModel?
    }

    @Sendable func funnelPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: "analytics")
        let query = request.queryDictionary
        let today = CalendarDate(millis: Timestamp.now())
        var page = FunnelPageModel(
            shell: shell, steps: query["steps"] ?? defaultLifecycleStages.map { "stage:\($0)" }.joined(separator: ","),
            from: query["from"] ?? today.adding(days: -365).description, to: query["to"] ?? today.description)
        do {
            let (steps, from, to) = try MeasureQuery.funnel(query, today: today)
            let report = try await measure.funnel(scope, steps: steps, from: from, to: to)
            let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
            page.report = FunnelReportModel(
                chart: SVGChart.funnel(report.steps.map { ($0.name, $0.count, $0.fromFirst) }, title: "Funnel"),
                stepRows: report.steps.map {
                    StepRow(
                        name: $0.name, count: String($0.count), fromPrevious: percent($0.fromPrevious), fromFirst: percent($0.fromFirst),
                        median: $0.medianHoursFromPrevious.map { $0 >= 48 ? String(format: "%.1f days", $0 / 24) : String(format: "%.1f h", $0) } ?? "—")
                }, stepNames: report.steps.map(\.name), cohortRows: report.cohorts.map { CohortRow(month: $0.month, counts: $0.counts) })
        } catch let problem as PitcrewError where problem.kind == .invalid {
            page.error = problem.description
        }
        return web.pages.render("funnel", page, status: page.error == nil ? .ok : .badRequest)
    }
}
