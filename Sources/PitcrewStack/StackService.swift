public import PitcrewCore
public import PitcrewStore

/// The stack's reports: overview, utilization, overlap and consolidation, retirement candidates, renewals, uptime and
/// impact analysis — all computed from one `StackSnapshot`.
public struct StackService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func snapshot(_ scope: AccessScope, today: CalendarDate = CalendarDate(millis: Timestamp.now())) async throws -> StackSnapshot {
        try scope.require(.read)
        return try await StackSnapshot.load(database, workspaceID: scope.workspace.id, today: today)
    }

    public func overview(_ scope: AccessScope, today: CalendarDate = CalendarDate(millis: Timestamp.now())) async throws -> StackOverview {
        try await snapshot(scope, today: today).overview()
    }

    public func impact(_ scope: AccessScope, toolID: String, today: CalendarDate = CalendarDate(millis: Timestamp.now())) async throws -> ImpactReport {
        try scope.require(.read)
        let snapshot = try await StackSnapshot.load(database, workspaceID: scope.workspace.id, today: today, activity: false, activeFor: toolID)
        guard snapshot.tools.contains(where: { $0.id == toolID }) else { throw PitcrewError.notFound("Tool") }
        return snapshot.impact(of: toolID)
    }
}
