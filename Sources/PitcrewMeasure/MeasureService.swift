import Foundation
public import PitcrewAnalytics
public import PitcrewCore
public import PitcrewStore
import SQLKit

/// Attribution, ROI and funnels over a workspace's own touchpoints, conversions and spend.
public struct MeasureService: Sendable {
    public let database: Database
    /// Touches are read in parallel slices only when there are at least this many units per slice.
    let minimumUnitsPerSlice: Int

    public init(database: Database, minimumUnitsPerSlice: Int = 5_000) {
        self.database = database
        self.minimumUnitsPerSlice = minimumUnitsPerSlice
    }

    /// Builds journeys from the workspace and runs `models`, joined with spend for cost, CPA, ROAS and ROI.
    public func attribution(
        _ scope: AccessScope, definition: JourneyDefinition, models: [AttributionModel], options: AttributionOptions = AttributionOptions()
    ) async throws -> AttributionReport {
        try scope.require(.analyze)
        try definition.validate()
        var definition = definition
        definition.keepMilestones = definition.keepMilestones || models.contains(.wShaped) || models.contains(.fullPath)
        // Milestones are placed by time, so journeys that carry them keep their touch times too.
        definition.keepTimestamps = definition.keepTimestamps || definition.keepMilestones || models.contains(.timeDecay)
        let workspaceID = scope.workspace.id
        let minimumUnitsPerSlice = self.minimumUnitsPerSlice
        let loaded = definition
        let database = self.database
        let (currency, conversions, other, spend, ranges, milestones) = try await database.snapshot { db in
            let currency = try await MeasureStore.workspaceCurrency(db, workspaceID: workspaceID)
            let (conversions, other) = try await MeasureStore.conversions(db, database: database, workspaceID: workspaceID, definition: loaded, currency: currency)
            let milestones = loaded.keepMilestones
                ? try await Milestones.load(db, workspaceID: workspaceID, unit: loaded.unit, of: conversions) : Milestones()
            let spend = try await MeasureStore.spend(db, workspaceID: workspaceID, definition: loaded, currency: currency)
            let ranges = try await MeasureStore.unitRanges(
                db, workspaceID: workspaceID, unit: loaded.unit, parts: min(4, ProcessInfo.processInfo.activeProcessorCount),
                minimumPerPart: minimumUnitsPerSlice)
            return (currency, conversions, other, spend, ranges, milestones)
        }
        // Touches are the bulk (10M rows for 1M contacts): slices of units are read on several connections at once, each
        // into journeys of its own, merged at the end. Each slice is consistent in itself; a write that lands between
        // slices can only add touches of other units.
        let empty = JourneyCollector(definition: loaded, conversions: conversions, milestones: milestones)
        let slices = try await withThrowingTaskGroup(of: (Int, JourneyCollector).self) { group in
            for (index, range) in ranges.enumerated() {
                group.addTask {
                    (index, try await MeasureStore.collectTouches(database, workspaceID: workspaceID, definition: loaded, units: range, into: empty))
                }
            }
            // Merged in slice order, so a report never depends on which slice finished first.
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let (journeys, counts) = try JourneyCollector.merge(slices, conversions: conversions)
        let valueWithoutTouchesMinor = Int64((counts.valueWithoutTouches * pow(10, Double(Money.exponent(of: currency)))).rounded())
        var runnable: [AttributionModel] = []
        var skipped: [(AttributionModel, String)] = []
        guard let journeys, counts.conversions > counts.conversionsWithoutTouches else {
            var reason = "no conversion with touches in the period"
            if loaded.unit == .contact, let accountOnly = try await Self.opportunitiesWithoutContact(database, workspaceID, loaded),
                accountOnly > 0
            {
                reason += "; \(accountOnly) opportunities of the period have an account but no contact: attribute them by account (unit=account)"
            }
            return AttributionReport(
                definition: definition, currency: currency, models: [], rows: [],
                skipped: models.map { ($0, reason) }, units: counts.units, journeys: counts.journeys,
                conversions: counts.conversions, conversionsWithoutTouches: counts.conversionsWithoutTouches,
                valueWithoutTouchesMinor: valueWithoutTouchesMinor, otherCurrencyConversions: other, totalCostMinor: spend.values.reduce(0, +))
        }
        for model in models {
            if let reason = AttributionEngine.unsupportedReason(for: model, in: journeys, options: options) {
                skipped.append((model, reason))
            } else {
                runnable.append(model)
            }
        }
        let models = runnable
        let results = try await Self.offPool { try AttributionEngine.run(models, on: journeys, options: options) }
        return AttributionReport(
            definition: definition, currency: currency, models: results.map(\.model),
            rows: AttributionReport.rows(results: results, spend: spend, currency: currency), skipped: skipped, units: counts.units,
            journeys: counts.journeys, conversions: counts.conversions, conversionsWithoutTouches: counts.conversionsWithoutTouches,
            valueWithoutTouchesMinor: valueWithoutTouchesMinor, otherCurrencyConversions: other, totalCostMinor: spend.values.reduce(0, +))
    }
}

extension MeasureService {
    /// Heavy model runs (Markov of order 4, bootstrap) go to one serial queue, not the cooperative thread pool that
    /// serves requests: a few analysts can then never stall `/readyz` or sign-in, and runs queue instead of competing.
    static let engineQueue = DispatchQueue(label: "pitcrew.attribution", qos: .userInitiated)

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            engineQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The names of the workspace's events (tracks, and named pages and screens), in order, at most `limit`: what an
    /// `event:` conversion or funnel step can name. Each is one step along the (workspace, name) index, however many
    /// events there are.
    public func eventNames(_ scope: AccessScope, limit: Int = 200) async throws -> [String] {
        try scope.require(.analyze)
        let workspaceID = scope.workspace.id
        return try await database.read { db in
            try await db.raw(
                """
                WITH RECURSIVE names(n) AS (
                    SELECT min(name) FROM events WHERE workspace_id = \(bind: workspaceID) AND name IS NOT NULL
                    UNION ALL
                    SELECT (SELECT min(name) FROM events WHERE workspace_id = \(bind: workspaceID) AND name > names.n) FROM names WHERE names.n IS NOT NULL
                )
                SELECT n FROM names WHERE n IS NOT NULL LIMIT \(bind: limit)
                """
            ).all().map { try $0.decode(column: "n", as: String.self) }
        }
    }

    /// Opportunities-based conversions of the period that name an account but no contact (CRMs often link deals to
    /// companies only), or nil for event conversions.
    private static func opportunitiesWithoutContact(_ database: Database, _ workspaceID: String, _ definition: JourneyDefinition) async throws -> Int? {
        let time: SQLQueryString
        switch definition.conversion {
        case .event: return nil
        case .wonOpportunity: time = "closed_at"
        case .opportunityCreated, .opportunityStage: time = "created_at"
        }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM opportunities WHERE workspace_id = \(bind: workspaceID) AND contact_id IS NULL AND account_id IS NOT NULL
                  AND \(time) >= \(bind: definition.from.startMillis) AND \(time) <= \(bind: definition.periodEnd)
                """
            ).first()?.decode(column: "n", as: Int.self)
        }
    }
}
