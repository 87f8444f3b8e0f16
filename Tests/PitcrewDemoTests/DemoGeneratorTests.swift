import PitcrewCore
import PitcrewDemo
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@Suite struct DemoGeneratorTests {
    static func options(seed: UInt64 = 7) -> DemoOptions {
        var options = DemoOptions()
        options.seed = seed
        options.contacts = 300
        options.eventsPerContact = 4
        options.today = CalendarDate("2026-11-23")!
        return options
    }

    /// A fingerprint of the generated data that ignores ids of rows made through services (those use the clock).
    static func fingerprint(_ database: Database) async throws -> [String] {
        try await database.read { db in
            var lines: [String] = []
            for query in [
                "SELECT email AS v FROM contacts ORDER BY email",
                "SELECT name || ':' || domain AS v FROM accounts ORDER BY name",
                "SELECT CAST(SUM(cost_minor) AS TEXT) AS v FROM spend",
                "SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(SUM(occurred_at) AS TEXT) AS v FROM events",
                "SELECT name || ':' || COALESCE(utm_campaign, '') || ':' || COALESCE(start_date, '') AS v FROM campaigns ORDER BY name",
                "SELECT t.name || ':' || c.end_date AS v FROM contracts c JOIN tools t ON t.id = c.tool_id ORDER BY t.name",
            ] {
                lines += try await db.raw(SQLQueryString(query)).all().map { try $0.decode(column: "v", as: String.self) }
            }
            return lines
        }
    }

    static func generate(_ database: Database, _ options: DemoOptions) async throws -> DemoResult {
        let access = AccessService.forTests(database)
        return try await DemoGenerator(database: database, access: access, campaigns: CampaignService(database: database)).generate(options)
    }

    @Test(arguments: TestBackend.available)
    func sameSeedSameOrganization(backend: TestBackend) async throws {
        let first = try await TestDatabase.with(backend) { database in
            _ = try await Self.generate(database, Self.options())
            return try await Self.fingerprint(database)
        }
        let second = try await TestDatabase.with(backend) { database in
            _ = try await Self.generate(database, Self.options())
            return try await Self.fingerprint(database)
        }
        let other = try await TestDatabase.with(backend) { database in
            _ = try await Self.generate(database, Self.options(seed: 8))
            return try await Self.fingerprint(database)
        }
        #expect(first == second)
        #expect(first != other)
        #expect(first.count > 300)
    }

    @Test(arguments: TestBackend.available)
    func theOrganizationIsRealisticAndRefreshable(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let result = try await Self.generate(database, Self.options())
            let counts = Dictionary(uniqueKeysWithValues: result.counts.map { ($0.table, $0.rows) })
            #expect(counts["contacts"] == 300 && counts["accounts"] == 60)
            #expect((55...70).contains(counts["tools"] ?? 0))
            #expect((35...45).contains(counts["campaigns"] ?? 0))
            #expect(counts["events"] == counts["touchpoints"])
            #expect((600...2_100).contains(counts["events"] ?? 0))
            #expect((counts["spend"] ?? 0) > 100)

            let numbers: [Int] = try await database.read { db in
                var values: [Int] = []
                for query in [
                    // Contracts renewing within 120 days, tools nobody used, overlapping subcategories, events with UTMs …
                    "SELECT COUNT(*) AS n FROM contracts WHERE end_date <= '2027-03-23'",
                    "SELECT COUNT(*) AS n FROM tools t WHERE NOT EXISTS (SELECT 1 FROM tool_usage u WHERE u.tool_id = t.id)",
                    "SELECT COUNT(*) AS n FROM (SELECT subcategory FROM tools GROUP BY subcategory HAVING COUNT(*) > 1) s",
                    "SELECT COUNT(*) AS n FROM events WHERE context LIKE '%\"campaign\":{\"source\"%'",
                    "SELECT COUNT(DISTINCT channel) AS n FROM touchpoints",
                    "SELECT COUNT(*) AS n FROM touchpoints WHERE campaign_id IS NOT NULL",
                    "SELECT COUNT(*) AS n FROM opportunities",
                ] {
                    values.append(try await db.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1)
                }
                return values
            }
            #expect(numbers[0] > 3 && numbers[1] > 5 && numbers[2] > 5 && numbers[3] > 100)
            #expect(numbers[4] == 10 && numbers[5] > 100 && numbers[6] > 0)
            let summary = try await SummaryService(database: database).summary(
                AccessScope(workspace: result.workspace, actor: .system("test"), role: .viewer), now: CalendarDate("2026-11-23")!.startMillis + 43_200_000)
            #expect(summary.contacts == 300 && summary.eventsLast30Days > 0 && summary.tools > 50)
            #expect(summary.eventsPerDay.count == 30)

            // Refreshing replaces the workspace instead of doubling it.
            let again = try await Self.generate(database, Self.options())
            let contacts = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM contacts").first()?.decode(column: "n", as: Int.self)
            }
            #expect(contacts == 300 && again.workspace.slug == "demo")
            // The owner can sign in with the printed password.
            _ = try await AccessService.forTests(database).login(email: again.ownerEmail, password: again.ownerPassword)
        }
    }
}
