import Foundation
import PitcrewStore
import SQLKit

/// When each converting unit's lead and its first opportunity were created: the milestones of `w_shaped` and `full_path`.
/// A contact's lead is the contact itself (its `created_at`: the CRM's create date when imported, else when Pitcrew first
/// knew it); an account's is its first contact. Opportunities count from their `created_at`.
struct Milestones: Sendable {
    private let leads: ConversionIndex
    private let opportunities: ConversionIndex

    /// Indexes appended to and not finished yet; none for "no milestones".
    init(leads: ConversionIndex = ConversionIndex(), opportunities: ConversionIndex = ConversionIndex()) {
        var leads = leads, opportunities = opportunities
        leads.finish()
        opportunities.finish()
        self.leads = leads
        self.opportunities = opportunities
    }

    /// The earliest lead and opportunity of the unit, or nil.
    func times(of unit: UnsafeBufferPointer<UInt8>) -> (lead: Int64?, opportunity: Int64?) {
        (leads.points(of: unit).first?.time, opportunities.points(of: unit).first?.time)
    }

    /// Reads the milestones of the units that converted (only their journeys are weighed); leads 900 ids per query.
    static func load(_ db: any SQLDatabase, workspaceID: String, unit: JourneyUnit, of conversions: ConversionIndex) async throws -> Milestones {
        var leads = ConversionIndex()
        var opportunities = ConversionIndex()
        let ids = conversions.unitIDs
        let leadSQL: (SQLQueryString) -> SQLQueryString = { list in
            unit == .contact
                ? "SELECT id AS u, created_at AS t FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id IN (\(list))"
                : "SELECT account_id AS u, MIN(created_at) AS t FROM contacts WHERE workspace_id = \(bind: workspaceID) AND account_id IN (\(list)) GROUP BY account_id"
        }
        let column: SQLQueryString = unit == .contact ? "contact_id" : "account_id"
        var start = 0
        while start < ids.count {
            let slice = Array(ids[start..<min(ids.count, start + 900)])
            let list: SQLQueryString = "\(binds: slice)"
            for row in try await db.raw(leadSQL(list)).all() {
                leads.append(unit: try row.decode(column: "u", as: String.self), time: try row.decode(column: "t", as: Int64.self), value: 0)
            }
            start += slice.count
        }
        // Opportunities are few next to contacts: one pass over the workspace's, keeping those of converting units.
        for row in try await db.raw(
            """
            SELECT \(column) AS u, MIN(created_at) AS t FROM opportunities WHERE workspace_id = \(bind: workspaceID) AND \(column) IS NOT NULL
            GROUP BY \(column)
            """
        ).all() {
            let id = try row.decode(column: "u", as: String.self)
            guard !conversions.points(of: id).isEmpty else { continue }
            opportunities.append(unit: id, time: try row.decode(column: "t", as: Int64.self), value: 0)
        }
        return Milestones(leads: leads, opportunities: opportunities)
    }
}
