public import PitcrewCore
import SQLKit

/// The home dashboard's numbers, read from the workspace's own tables.
public struct SummaryService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func summary(_ scope: AccessScope, now: Int64 = Timestamp.now()) async throws -> WorkspaceSummary {
        try scope.require(.read)
        let workspaceID = scope.workspace.id
        let today = CalendarDate(millis: now)
        let firstDay = today.adding(days: -29)
        let since = firstDay.startMillis
        let quarterStart = today.quarterStart.description
        return try await database.read { db in
            func count(_ sql: SQLQueryString) async throws -> Int { try await db.raw(sql).first()?.int("n") ?? 0 }
            let contacts = try await count("SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = \(bind: workspaceID)")
            let accounts = try await count("SELECT COUNT(*) AS n FROM accounts WHERE workspace_id = \(bind: workspaceID)")
            let tools = try await count("SELECT COUNT(*) AS n FROM tools WHERE workspace_id = \(bind: workspaceID) AND status <> 'retired'")
            let campaigns = try await count("SELECT COUNT(*) AS n FROM campaigns WHERE workspace_id = \(bind: workspaceID)")
            let dayRows = try await db.raw(
                """
                SELECT occurred_at / 86400000 AS day, COUNT(*) AS n FROM events
                WHERE workspace_id = \(bind: workspaceID) AND occurred_at >= \(bind: since) AND occurred_at <= \(bind: now)
                GROUP BY occurred_at / 86400000
                """
            ).all()
            var perDay: [Int64: Int] = [:]
            for row in dayRows { perDay[try row.int64("day")] = try row.int("n") }
            let eventsPerDay = (0..<30).map { offset -> (day: CalendarDate, count: Int) in
                let day = firstDay.adding(days: offset)
                return (day, perDay[day.daysSinceEpoch] ?? 0)
            }
            let spendRows = try await db.raw(
                """
                SELECT channel, currency, CAST(SUM(cost_minor) AS BIGINT) AS total FROM spend
                WHERE workspace_id = \(bind: workspaceID) AND day >= \(bind: quarterStart) AND day <= \(bind: today.description)
                GROUP BY channel, currency
                """
            ).all()
            var totals: [String: Int64] = [:]
            var byChannel: [(channel: String, amount: Money)] = []
            for row in spendRows {
                let money = Money(minorUnits: try row.int64("total"), currency: try row.string("currency"))
                totals[money.currency, default: 0] += money.minorUnits
                byChannel.append((try row.string("channel"), money))
            }
            byChannel.sort { ($0.amount.minorUnits, $1.channel) > ($1.amount.minorUnits, $0.channel) }
            return WorkspaceSummary(
                contacts: contacts, accounts: accounts, eventsLast30Days: eventsPerDay.reduce(0) { $0 + $1.count },
                spendThisQuarter: totals.sorted { $0.key < $1.key }.map { Money(minorUnits: $0.value, currency: $0.key) }, tools: tools,
                campaigns: campaigns, eventsPerDay: eventsPerDay, spendByChannel: byChannel)
        }
    }
}
