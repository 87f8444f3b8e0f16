import Hummingbird
import PitcrewAnalytics
import PitcrewCore
import PitcrewMeasure
import PitcrewStore

/// `/api/v1/attribution` and `/api/v1/funnels`.
struct MeasureController {
    let access: AccessService
    let measure: MeasureService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("attribution", use: attribution)
        group.get("funnels", use: funnel)
    }

    struct RowDTO: Encodable, Sendable {
        var label: String
        var model: String
        var conversions: Double
        var revenueMinor: Int64
        var removalEffect: Double?
        var costMinor: Int64?
        var cpaMinor: Int64?
        var roas: Double?
        var roi: Double?
        var conversionsLow: Double?
        var conversionsHigh: Double?
    }

    struct SkippedDTO: Encodable, Sendable {
        var model: String
        var reason: String
    }

    struct TotalsDTO: Encodable, Sendable {
        var units: Int
        var journeys: Int
        var conversions: Int
        var conversionsWithoutTouches: Int
        /// The value of those conversions: credited value plus this is the period's whole value.
        var valueWithoutTouchesMinor: Int64
        var otherCurrencyConversions: Int
        var costMinor: Int64
    }

    struct AttributionDTO: Encodable, Sendable {
        var currency: String
        var from: String
        var to: String
        var conversion: String
        var unit: String
        var dimension: String
        var lookbackDays: Int
        var models: [String]
        var skipped: [SkippedDTO]
        var totals: TotalsDTO
        var rows: [RowDTO]

        init(_ report: AttributionReport) {
            currency = report.currency
            from = report.definition.from.description
            to = report.definition.to.description
            conversion = report.definition.conversion.description
            unit = report.definition.unit.rawValue
            dimension = report.definition.dimension.rawValue
            lookbackDays = report.definition.lookbackDays
            models = report.models.map(\.rawValue)
            skipped = report.skipped.map { SkippedDTO(model: $0.model.rawValue, reason: $0.reason) }
            totals = TotalsDTO(
                units: report.units, journeys: report.journeys, conversions: report.conversions,
                conversionsWithoutTouches: report.conversionsWithoutTouches, valueWithoutTouchesMinor: report.valueWithoutTouchesMinor,
                otherCurrencyConversions: report.otherCurrencyConversions,
                costMinor: report.totalCostMinor)
            rows = report.models.flatMap { report.rows(for: $0) }.map {
                RowDTO(
                    label: $0.label, model: $0.model.rawValue, conversions: $0.conversions, revenueMinor: $0.revenueMinor, removalEffect: $0.removalEffect,
                    costMinor: $0.costMinor, cpaMinor: $0.cpaMinor, roas: $0.roas, roi: $0.roi, conversionsLow: $0.conversionsInterval?.low,
                    conversionsHigh: $0.conversionsInterval?.high)
            }
        }
    }

    struct FunnelDTO: Encodable, Sendable {
        struct Step: Encodable, Sendable {
            var name: String
            var count: Int
            var fromPrevious: Double
            var fromFirst: Double
            var medianHoursFromPrevious: Double?
        }

        struct Cohort: Encodable, Sendable {
            var month: String
            var counts: [Int]
        }

        var steps: [Step]
        var cohorts: [Cohort]
    }

    @Sendable func attribution(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<AttributionDTO> {
        let scope = try await context.scope(access)
        let (definition, models, options) = try MeasureQuery.attribution(request.queryDictionary, today: CalendarDate(millis: Timestamp.now()))
        return JSONResponse(AttributionDTO(try await measure.attribution(scope, definition: definition, models: models, options: options)))
    }

    @Sendable func funnel(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<FunnelDTO> {
        let scope = try await context.scope(access)
        let (steps, from, to) = try MeasureQuery.funnel(request.queryDictionary, today: CalendarDate(millis: Timestamp.now()))
        let report = try await measure.funnel(scope, steps: steps, from: from, to: to)
        return JSONResponse(
            FunnelDTO(
                steps: report.steps.map {
                    .init(name: $0.name, count: $0.count, fromPrevious: $0.fromPrevious, fromFirst: $0.fromFirst, medianHoursFromPrevious: $0.medianHoursFromPrevious)
                }, cohorts: report.cohorts.map { .init(month: $0.month, counts: $0.counts) }))
    }
}
