import Foundation
import PitcrewCore
import PitcrewStore
import SQLKit
import Synchronization

/// SQL for measurement: touchpoints streamed in unit-then-time order, conversions, spend.
enum MeasureStore {
    /// Separators inside the aggregated touch list: unit separator between time and label, record separator between touches.
    static let fieldSeparator = "\u{1F}"
    static let touchSeparator = "\u{1E}"

    /// A touch's or spend row's campaign in reports: the campaign it is linked to; else the campaign the UTM or the file
    /// named, which no campaign in Pitcrew has (in lower case, so case variants are one row, and marked so); else
    /// `(no campaign)`. Touches of organic search and paid ads of unknown campaigns are never lumped together.
    static func campaignLabel(_ table: String) -> String {
        "COALESCE(c.name, lower(\(table).campaign) || '\(unknownCampaignSuffix)', '(no campaign)')"
    }

    static let unknownCampaignSuffix = " (no Pitcrew campaign)"

    /// Reads one slice of units' touches in the window into `collector`'s journeys. SQLite scans the covering index row by
    /// row through the C API (no value decoding per row, no concatenation); PostgreSQL concatenates each unit's touches.
    static func collectTouches(
        _ database: Database, workspaceID: String, definition: JourneyDefinition, units: UnitRange, into collector: JourneyCollector
    ) async throws -> JourneyCollector {
        switch database.backend {
        case .sqlite:
            let unitColumn = definition.unit == .contact ? "t.contact_id" : "t.account_id"
            let label = definition.dimension == .channel ? "t.channel" : campaignLabel("t")
            let join = definition.dimension == .channel ? "" : "LEFT JOIN campaigns c ON c.id = t.campaign_id AND c.workspace_id = t.workspace_id"
            var binds: [SQLValue] = [.text(workspaceID), .integer(definition.touchesFrom), .integer(definition.periodEnd)]
            var bounds = ""
            if let from = units.from {
                bounds += " AND \(unitColumn) >= ?"
                binds.append(.text(from))
            }
            if let below = units.below {
                bounds += " AND \(unitColumn) < ?"
                binds.append(.text(below))
            }
            // The (workspace, unit, time, channel, …) index delivers rows in this order: no sort.
            let sql = """
                SELECT \(unitColumn), t.occurred_at, \(label) FROM touchpoints t \(join)
                WHERE t.workspace_id = ? AND \(unitColumn) IS NOT NULL AND t.occurred_at >= ? AND t.occurred_at <= ?\(bounds)\(
                    definition.includeOffline ? "" : " AND t.offline = FALSE")
                ORDER BY \(unitColumn), t.occurred_at
                """
            return try await database.scanSQLite(sql, binds, into: collector) { collector, row in
                try collector.touch(unit: row.bytes(0), time: row.int64(1), label: row.bytes(2))
            }
        case .postgres:
            // Rows arrive one at a time from the driver; the mutex only makes that visible to the compiler.
            let state = Mutex<(collector: JourneyCollector, error: (any Error)?)>((collector, nil))
            try await database.read { db in
                try await streamTouches(db, workspaceID: workspaceID, definition: definition, units: units) { unit, touches in
                    state.withLock { state in
                        guard state.error == nil else { return }
                        do { try state.collector.add(unit: unit, touches: touches) } catch { state.error = error }
                    }
                }
            }
            return try state.withLock { state in
                if let error = state.error { throw error }
                return state.collector
            }
        }
    }

    /// PostgreSQL: streams each unit's touches in the window as one row `(unit, "time␟label␞time␟label…")`, ordered by time.
    /// The database concatenates the touches (an index-only scan in SQLite), so 10M touchpoints arrive as one row per
    /// contact or account instead of 10M rows, and memory holds one unit's touches at a time.
    private static func streamTouches(
        _ db: any SQLDatabase, workspaceID: String, definition: JourneyDefinition, units: UnitRange,
        _ row: @escaping @Sendable (String, String) -> Void
    ) async throws {
        let unitColumn: SQLQueryString = definition.unit == .contact ? "t.contact_id" : "t.account_id"
        let label: SQLQueryString = definition.dimension == .channel ? "t.channel" : "\(unsafeRaw: campaignLabel("t"))"
        let join: SQLQueryString =
            definition.dimension == .channel ? "" : "LEFT JOIN campaigns c ON c.id = t.campaign_id AND c.workspace_id = t.workspace_id"
        let offline: SQLQueryString = definition.includeOffline ? "" : "AND t.offline = FALSE"
        let touch: SQLQueryString = "CAST(t.occurred_at AS TEXT) || \(bind: fieldSeparator) || \(label)"
        let aggregate: SQLQueryString = "string_agg(\(touch), \(bind: touchSeparator) ORDER BY t.occurred_at, \(label))"
        let lower: SQLQueryString = units.from.map { "AND \(unitColumn) >= \(bind: $0)" } ?? ""
        let upper: SQLQueryString = units.below.map { "AND \(unitColumn) < \(bind: $0)" } ?? ""
        try await db.raw(
            """
            SELECT \(unitColumn) AS u, \(aggregate) AS p FROM touchpoints t \(join)
            WHERE t.workspace_id = \(bind: workspaceID) AND \(unitColumn) IS NOT NULL \(lower) \(upper)
              AND t.occurred_at >= \(bind: definition.touchesFrom) AND t.occurred_at <= \(bind: definition.periodEnd) \(offline)
            GROUP BY \(unitColumn) ORDER BY \(unitColumn)
            """
        ).run { sqlRow in
            guard let unit = try? sqlRow.decode(column: "u", as: String.self), let touches = try? sqlRow.decode(column: "p", as: String.self)
            else { return }
            row(unit, touches)
        }
    }

    /// A slice of the units (contact or account ids) for reading touches in parallel: `from ≤ id < below`.
    struct UnitRange: Sendable {
        var from: String?
        var below: String?
    }

    /// Splits the workspace's units into `parts` slices of about equal size, by id.
    static func unitRanges(
        _ db: any SQLDatabase, workspaceID: String, unit: JourneyUnit, parts requested: Int, minimumPerPart: Int
    ) async throws -> [UnitRange] {
        let table: SQLQueryString = unit == .contact ? "contacts" : "accounts"
        let count = try await db.raw("SELECT COUNT(*) AS n FROM \(table) WHERE workspace_id = \(bind: workspaceID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let parts = min(requested, count / max(1, minimumPerPart))
        guard parts > 1 else { return [UnitRange(from: nil, below: nil)] }
        var bounds: [String] = []
        for part in 1..<parts {
            let offset = count * part / parts
            if let id = try await db.raw(
                "SELECT id FROM \(table) WHERE workspace_id = \(bind: workspaceID) ORDER BY id LIMIT 1 OFFSET \(bind: offset)"
            ).first()?.decode(column: "id", as: String.self) {
                bounds.append(id)
            }
        }
        var ranges: [UnitRange] = []
        var previous: String?
        for bound in bounds {
            ranges.append(UnitRange(from: previous, below: bound))
            previous = bound
        }
        ranges.append(UnitRange(from: previous, below: nil))
        return ranges
    }

    /// Conversions in the period by unit, each unit's sorted by time. Values are in major units of `currency`;
    /// opportunities in other currencies are counted in `otherCurrency` and left out.
    static func conversions(
        _ db: any SQLDatabase, database: Database, workspaceID: String, definition: JourneyDefinition, currency: String
    ) async throws -> (byUnit: ConversionIndex, otherCurrency: Int) {
        let from = definition.from.startMillis
        let to = definition.periodEnd
        let rows: [any SQLRow]
        var byUnit = ConversionIndex()
        var other = 0
        switch definition.conversion {
        case .event(let name) where database.backend == .sqlite:
            // Hundreds of thousands of rows at scale: scanned in place (see `collectTouches`), on a connection of its own.
            // The event's value is its `revenue`, else `value`, else `total` (Segment's e-commerce and generic properties).
            let unit = definition.unit == .contact ? "e.contact_id" : "ct.account_id"
            let join = definition.unit == .contact ? "" : "LEFT JOIN contacts ct ON ct.id = e.contact_id AND ct.workspace_id = e.workspace_id"
            (byUnit, other) = try await database.scanSQLite(
                """
                SELECT \(unit), e.occurred_at,
                  CASE WHEN json_valid(e.properties) THEN CAST(COALESCE(json_extract(e.properties, '$.revenue'), json_extract(e.properties, '$.value'),
                    json_extract(e.properties, '$.total')) AS TEXT) END,
                  CASE WHEN json_valid(e.properties) THEN json_extract(e.properties, '$.currency') END
                FROM events e \(join)
                WHERE e.workspace_id = ? AND e.name = ? AND \(unit) IS NOT NULL AND e.occurred_at >= ? AND e.occurred_at <= ?
                """, [.text(workspaceID), .text(name), .integer(from), .integer(to)], into: (ConversionIndex(), 0)
            ) { state, row in
                let value = EventValue(amount: row.bytes(2), currency: row.bytes(3), workspaceCurrency: currency)
                guard let major = value.major else {
                    state.1 += 1
                    return
                }
                state.0.append(unit: row.bytes(0), time: row.int64(1), value: major)
            }
            rows = []
        case .event(let name):
            let unit: SQLQueryString = definition.unit == .contact ? "e.contact_id" : "ct.account_id"
            let join: SQLQueryString =
                definition.unit == .contact ? "" : "LEFT JOIN contacts ct ON ct.id = e.contact_id AND ct.workspace_id = e.workspace_id"
            // Unit, time and the properties (the value, read in Swift: PostgreSQL would refuse the whole query on one
            // properties text that is not JSON).
            for row in try await db.raw(
                """
                SELECT \(unit) AS u, e.occurred_at AS t, e.properties AS p FROM events e \(join)
                WHERE e.workspace_id = \(bind: workspaceID) AND e.name = \(bind: name) AND \(unit) IS NOT NULL
                  AND e.occurred_at >= \(bind: from) AND e.occurred_at <= \(bind: to)
                """
            ).all() {
                let value = EventValue(properties: try row.decode(column: "p", as: String?.self), workspaceCurrency: currency)
                guard let major = value.major else {
                    other += 1
                    continue
                }
                byUnit.append(unit: try row.decode(column: "u", as: String.self), time: try row.decode(column: "t", as: Int64.self), value: major)
            }
            rows = []
        case .opportunityCreated, .opportunityStage, .wonOpportunity:
            let unit: SQLQueryString = definition.unit == .contact ? "o.contact_id" : "o.account_id"
            let time: SQLQueryString = definition.conversion == .wonOpportunity ? "o.closed_at" : "o.created_at"
            let filter: SQLQueryString =
                switch definition.conversion {
                case .wonOpportunity: "AND o.won = TRUE"
                case .opportunityStage(let stage): "AND o.stage = \(bind: stage)"
                default: ""
                }
            rows = try await db.raw(
                """
                SELECT \(unit) AS u, \(time) AS t, o.amount_minor AS v, o.currency AS cur FROM opportunities o
                WHERE o.workspace_id = \(bind: workspaceID) AND \(time) IS NOT NULL
                  AND \(time) >= \(bind: from) AND \(time) <= \(bind: to) \(filter)
                """
            ).all()
        }
        let scale = pow(10, Double(Money.exponent(of: currency)))
        for row in rows {
            guard try row.decode(column: "cur", as: String.self) == currency else {
                other += 1
                continue
            }
            let value = Double(try row.decode(column: "v", as: Int64.self)) / scale
            // A deal of no contact or account (as the unit asks) is a conversion no touch can lead to: counted, not attributed.
            guard let unit = try row.decodeNil(column: "u") ? nil : row.decode(column: "u", as: String.self) else {
                byUnit.withoutUnit += 1
                byUnit.valueWithoutUnit += value
                continue
            }
            byUnit.append(unit: unit, time: try row.decode(column: "t", as: Int64.self), value: value)
        }
        byUnit.finish()
        return (byUnit, other)
    }

    /// Spend in the period by label (channel name or campaign name) in `currency`, in minor units.
    static func spend(_ db: any SQLDatabase, workspaceID: String, definition: JourneyDefinition, currency: String) async throws -> [String: Int64] {
        let label: SQLQueryString = definition.dimension == .channel ? "s.channel" : "\(unsafeRaw: campaignLabel("s"))"
        let join: SQLQueryString =
            definition.dimension == .channel ? "" : "LEFT JOIN campaigns c ON c.id = s.campaign_id AND c.workspace_id = s.workspace_id"
        let rows = try await db.raw(
            """
            SELECT \(label) AS l, CAST(SUM(s.cost_minor) AS BIGINT) AS cost FROM spend s \(join)
            WHERE s.workspace_id = \(bind: workspaceID) AND s.currency = \(bind: currency)
              AND s.day >= \(bind: definition.from.description) AND s.day <= \(bind: definition.to.description)
            GROUP BY \(label)
            """
        ).all()
        var result: [String: Int64] = [:]
        for row in rows { result[try row.decode(column: "l", as: String.self)] = try row.decode(column: "cost", as: Int64.self) }
        return result
    }

    static func workspaceCurrency(_ db: any SQLDatabase, workspaceID: String) async throws -> String {
        try await db.raw("SELECT currency FROM workspaces WHERE id = \(bind: workspaceID)").first()?.decode(column: "currency", as: String.self) ?? "USD"
    }
}
