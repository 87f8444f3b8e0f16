import PitcrewAnalytics
import PitcrewCore
import PitcrewDemo
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@testable import PitcrewMeasure

/// A tiny workspace with a known answer.
/// Account A: Email (Mar 1), Paid Search (Mar 10), opportunity won Mar 20 for $1,000.
///            An old Display touch (Jan 1) is outside the 30-day lookback.
/// Account B: Paid Search (Mar 5), no conversion.
/// Spend in March: Paid Search $500, Email $100.
struct KnownWorkspace {
    var seeded: SeededWorkspace
    var other: SeededWorkspace

    static func day(_ text: String, hour: Int = 12) -> Int64 { CalendarDate(text)!.startMillis + Int64(hour) * 3_600_000 }

    static func make(_ database: Database) async throws -> KnownWorkspace {
        let access = AccessService.forTests(database)
        let seeded = try await SeededWorkspace.make(access, slug: "known")
        let other = try await SeededWorkspace.make(access, slug: "noise")
        var input = CampaignInput()
        input.name = .set("Spring Search")
        let campaign = try await CampaignService(database: database).createCampaign(seeded.scope, input)
        try await database.transaction { db in
            for (workspace, prefix) in [(seeded.workspace.id, "a"), (other.workspace.id, "n")] {
                try await BulkInsert.insert(
                    db, into: "accounts", columns: ["id", "workspace_id", "name", "created_at", "updated_at"],
                    rows: [[Identifier.make(), workspace, "\(prefix)-A", 0, 0], [Identifier.make(), workspace, "\(prefix)-B", 0, 0]])
            }
            let accounts = try await db.raw("SELECT id, name FROM accounts").all().reduce(into: [String: String]()) {
                $0[try $1.decode(column: "name", as: String.self)] = try $1.decode(column: "id", as: String.self)
            }
            func touch(
                _ workspace: String, _ account: String, _ time: Int64, _ channel: String, campaign: String? = nil, named: String? = nil
            ) -> [any Encodable & Sendable] {
                [Identifier.make(), workspace, accounts[account]!, time, channel, campaign, named, false]
            }
            let w = seeded.workspace.id
            let n = other.workspace.id
            try await BulkInsert.insert(
                db, into: "touchpoints", columns: ["id", "workspace_id", "account_id", "occurred_at", "channel", "campaign_id", "campaign", "offline"],
                rows: [
                    touch(w, "a-A", day("2026-01-01"), "Display"), touch(w, "a-A", day("2026-03-01"), "Email", named: "Newsletter_March"),
                    touch(w, "a-A", day("2026-03-10"), "Paid Search", campaign: campaign.id), touch(w, "a-A", day("2026-03-25"), "Referral"),
                    touch(w, "a-B", day("2026-03-05"), "Paid Search", campaign: campaign.id),
                    // Another workspace's touches must never count.
                    touch(n, "n-A", day("2026-03-02"), "Organic Social"), touch(n, "n-B", day("2026-03-03"), "Organic Social"),
                ])
            try await BulkInsert.insert(
                db, into: "opportunities",
                columns: ["id", "workspace_id", "account_id", "name", "stage", "amount_minor", "currency", "created_at", "closed_at", "won"],
                rows: [
                    [Identifier.make(), w, accounts["a-A"]!, "Deal", "Closed Won", Int64(1_000_00), "USD", day("2026-02-15"), day("2026-03-20"), true],
                    [Identifier.make(), n, accounts["n-A"]!, "Other deal", "Closed Won", Int64(9_000_00), "USD", day("2026-02-15"), day("2026-03-20"), true],
                ])
            try await BulkInsert.insert(
                db, into: "spend", columns: ["id", "workspace_id", "day", "channel", "campaign_id", "campaign", "cost_minor", "currency"],
                rows: [
                    [Identifier.make(), w, "2026-03-02", "Paid Search", campaign.id, "Spring Search", Int64(500_00), "USD"],
                    [Identifier.make(), w, "2026-03-03", "Email", nil as String?, "newsletter_march", Int64(100_00), "USD"],
                    [Identifier.make(), n, "2026-03-03", "Email", nil as String?, nil as String?, Int64(777_00), "USD"],
                ])
        }
        return KnownWorkspace(seeded: seeded, other: other)
    }

    static func definition() -> JourneyDefinition {
        var definition = JourneyDefinition(from: CalendarDate("2026-03-01")!, to: CalendarDate("2026-03-31")!)
        definition.unit = .account
        definition.lookbackDays = 30
        return definition
    }
}

@Suite struct MeasureServiceTests {
    @Test(arguments: TestBackend.available)
    func attributionWithMoneyOnAKnownWorkspace(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            let service = MeasureService(database: database)
            let report = try await service.attribution(
                known.seeded.scope(as: .analyst), definition: KnownWorkspace.definition(), models: [.lastTouch, .firstTouch, .linear, .markov])
            #expect(report.conversions == 1 && report.journeys == 2 && report.units == 2 && report.conversionsWithoutTouches == 0)
            #expect(report.totalCostMinor == 600_00)
            let last = Dictionary(uniqueKeysWithValues: report.rows(for: .lastTouch).map { ($0.label, $0) })
            #expect(last["Paid Search"]?.conversions == 1 && last["Paid Search"]?.revenueMinor == 1_000_00)
            #expect(last["Paid Search"]?.costMinor == 500_00 && last["Paid Search"]?.cpaMinor == 500_00)
            #expect(last["Paid Search"]?.roas == 2 && last["Paid Search"]?.roi == 1)
            #expect(last["Email"]?.conversions == 0 && last["Email"]?.roi == -1 && last["Email"]?.cpaMinor == nil)
            #expect(last["Display"] == nil, "the January touch is outside the 30-day lookback")
            #expect((last["Referral"]?.conversions ?? 0) == 0, "touches after the conversion are not credited")
            #expect(last["Organic Social"] == nil, "another workspace's touches never count")
            let first = Dictionary(uniqueKeysWithValues: report.rows(for: .firstTouch).map { ($0.label, $0) })
            #expect(first["Email"]?.conversions == 1 && first["Email"]?.roi == 9)
            let linear = Dictionary(uniqueKeysWithValues: report.rows(for: .linear).map { ($0.label, $0) })
            #expect(linear["Email"]?.conversions == 0.5 && linear["Paid Search"]?.revenueMinor == 500_00)
            let markov = report.rows(for: .markov)
            #expect(abs(markov.reduce(0) { $0 + $1.conversions } - 1) < 1e-9)
            #expect(markov.allSatisfy { $0.removalEffect != nil || $0.conversions == 0 })

            var byCampaign = KnownWorkspace.definition()
            byCampaign.dimension = .campaign
            let campaigns = try await service.attribution(known.seeded.scope, definition: byCampaign, models: [.lastTouch])
            let rows = Dictionary(uniqueKeysWithValues: campaigns.rows(for: .lastTouch).map { ($0.label, $0) })
            #expect(rows["Spring Search"]?.conversions == 1 && rows["Spring Search"]?.costMinor == 500_00)
            // A campaign the UTM and the file name, which no campaign in Pitcrew has, is its own row (cost and credit together),
            // not "(no campaign)" with the touches that name none.
            let unknown = "newsletter_march" + MeasureStore.unknownCampaignSuffix
            #expect(rows[unknown]?.costMinor == 100_00 && (rows["(no campaign)"]?.costMinor ?? 0) == 0, "\(rows.keys.sorted())")
            let firstByCampaign = try await service.attribution(known.seeded.scope, definition: byCampaign, models: [.firstTouch])
            #expect(firstByCampaign.rows(for: .firstTouch).first { $0.label == unknown }?.conversions == 1)
        }
    }

    /// An event conversion is worth its `revenue` (else `value`, else `total`) in the workspace's currency; one in another
    /// currency is left out and counted; one without an amount, or with properties that are not JSON, is worth 0.
    @Test(arguments: TestBackend.available)
    func eventConversionsAreWorthTheirRevenue(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            let w = known.seeded.workspace.id
            let orders: [(String, String)] = [
                ("c1", #"{"revenue": 1200.5, "currency": "usd", "value": 3}"#), ("c2", #"{"value": "99.50"}"#), ("c3", #"{"total": 10}"#),
                ("c4", #"{"revenue": 500, "currency": "EUR"}"#), ("c5", #"{"products": []}"#), ("c6", "not json"),
            ]
            try await database.transaction { db in
                for (contact, properties) in orders {
                    try await BulkInsert.insert(
                        db, into: "contacts", columns: ["id", "workspace_id", "created_at", "updated_at"], rows: [[contact, w, Int64(0), Int64(0)]])
                    try await BulkInsert.insert(
                        db, into: "touchpoints", columns: ["id", "workspace_id", "contact_id", "occurred_at", "channel", "offline"],
                        rows: [[Identifier.make(), w, contact, KnownWorkspace.day("2026-03-02"), "Paid Search", false]])
                    try await BulkInsert.insert(
                        db, into: "events",
                        columns: ["id", "workspace_id", "message_id", "type", "name", "contact_id", "occurred_at", "received_at", "properties"],
                        rows: [[Identifier.make(), w, "m-" + contact, "track", "Order Completed", contact, KnownWorkspace.day("2026-03-05"), Int64(0), properties]])
                }
            }
            var definition = KnownWorkspace.definition()
            definition.unit = .contact
            definition.conversion = .event("Order Completed")
            let report = try await MeasureService(database: database).attribution(known.seeded.scope(as: .analyst), definition: definition, models: [.lastTouch])
            #expect(report.conversions == 5 && report.otherCurrencyConversions == 1)
            let paidSearch = try #require(report.rows(for: .lastTouch).first { $0.label == "Paid Search" })
            #expect(paidSearch.revenueMinor == Int64(1_200_50 + 99_50 + 10_00), "\(paidSearch)")
        }
    }

    /// A won deal no touch led to (here: one without an account, which no touch by account can lead to) is counted with its
    /// value, so credited revenue plus the unattributed value is the period's whole revenue.
    @Test(arguments: TestBackend.available)
    func unattributedRevenueIsReported(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            try await database.transaction { db in
                try await BulkInsert.insert(
                    db, into: "opportunities",
                    columns: ["id", "workspace_id", "account_id", "name", "stage", "amount_minor", "currency", "created_at", "closed_at", "won"],
                    rows: [[
                        Identifier.make(), known.seeded.workspace.id, nil as String?, "No account", "Closed Won", Int64(250_00), "USD",
                        KnownWorkspace.day("2026-02-01"), KnownWorkspace.day("2026-03-15"), true,
                    ]])
            }
            let report = try await MeasureService(database: database).attribution(
                known.seeded.scope(as: .analyst), definition: KnownWorkspace.definition(), models: [.lastTouch])
            #expect(report.conversions == 2 && report.conversionsWithoutTouches == 1 && report.valueWithoutTouchesMinor == 250_00)
            let credited = report.rows(for: .lastTouch).reduce(Int64(0)) { $0 + $1.revenueMinor }
            #expect(credited + report.valueWithoutTouchesMinor == 1_250_00)
        }
    }

    @Test(arguments: TestBackend.available)
    func rolesAndBadDefinitions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            let service = MeasureService(database: database)
            await #expect(throws: PitcrewError.self) {
                _ = try await service.attribution(known.seeded.scope(as: .viewer), definition: KnownWorkspace.definition(), models: [.linear])
            }
            var backwards = KnownWorkspace.definition()
            backwards.from = CalendarDate("2026-04-01")!
            await #expect(throws: PitcrewError.self) { _ = try await service.attribution(known.seeded.scope, definition: backwards, models: [.linear]) }
            // A period without conversions reports the models as skipped instead of a silent zero.
            var empty = KnownWorkspace.definition()
            empty.from = CalendarDate("2025-01-01")!
            empty.to = CalendarDate("2025-01-31")!
            let report = try await service.attribution(known.seeded.scope, definition: empty, models: [.linear, .markov])
            #expect(report.conversions == 0 && report.rows.isEmpty && report.skipped.count == 2)
            #expect(report.skipped.allSatisfy { $0.reason == "no conversion with touches in the period" })
            // By contact, deals linked to companies only: the report says why nothing converted and what to do.
            var byContact = KnownWorkspace.definition()
            byContact.unit = .contact
            let contacts = try await service.attribution(known.seeded.scope, definition: byContact, models: [.linear])
            // (The deal still counts, as a conversion no touch led to, with its value.)
            #expect(contacts.conversions == 1 && contacts.conversionsWithoutTouches == 1 && contacts.valueWithoutTouchesMinor == 1_000_00)
            #expect(contacts.skipped.first?.reason.contains("1 opportunities of the period have an account but no contact") == true)
            // time_decay uses real touch times; w_shaped cannot run without lead/opportunity milestones and says so (account A
            // has no contact, and its opportunity was made before its touches in the window).
            let decay = try await service.attribution(known.seeded.scope, definition: KnownWorkspace.definition(), models: [.timeDecay, .wShaped])
            #expect(decay.models == [.timeDecay] && decay.skipped.map(\.model) == [.wShaped])
            let credits = Dictionary(uniqueKeysWithValues: decay.rows(for: .timeDecay).map { ($0.label, $0.conversions) })
            #expect((credits["Paid Search"] ?? 0) > (credits["Email"] ?? 1))
        }
    }

    /// W-shaped and full-path on workspace data: the lead is the account's first contact (created Mar 5, after the Organic
    /// Search touch of Mar 3), the opportunity was created Mar 12 (after the Webinar of Mar 11).
    @Test(arguments: TestBackend.available)
    func milestoneModelsPlaceLeadAndOpportunityByTime(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            let w = known.seeded.workspace.id
            try await database.transaction { db in
                let account = try await db.raw("SELECT id FROM accounts WHERE workspace_id = \(bind: w) AND name = 'a-A'").first()!
                    .decode(column: "id", as: String.self)
                try await BulkInsert.insert(
                    db, into: "touchpoints", columns: ["id", "workspace_id", "account_id", "occurred_at", "channel", "offline"],
                    rows: [
                        [Identifier.make(), w, account, KnownWorkspace.day("2026-03-03"), "Organic Search", false],
                        [Identifier.make(), w, account, KnownWorkspace.day("2026-03-11"), "Webinar", false],
                    ])
                try await BulkInsert.insert(
                    db, into: "contacts", columns: ["id", "workspace_id", "account_id", "email", "created_at", "updated_at"],
                    rows: [
                        [Identifier.make(), w, account, "lead@a.example", KnownWorkspace.day("2026-03-05"), Int64(0)],
                        [Identifier.make(), w, account, "later@a.example", KnownWorkspace.day("2026-03-15"), Int64(0)],
                    ])
                try await db.raw("UPDATE opportunities SET created_at = \(bind: KnownWorkspace.day("2026-03-12")) WHERE workspace_id = \(bind: w)").run()
            }
            let report = try await MeasureService(database: database).attribution(
                known.seeded.scope, definition: KnownWorkspace.definition(), models: [.wShaped, .fullPath])
            #expect(report.skipped.isEmpty && report.models == [.wShaped, .fullPath])
            func credits(_ model: AttributionModel) -> [String: Double] {
                report.rows(for: model).reduce(into: [:]) { $0[$1.label] = (($1.conversions * 1000).rounded()) / 1000 }
            }
            // Touches in the window: Email (first), Organic Search (lead), Paid Search, Webinar (opportunity, last).
            #expect(credits(.wShaped).filter { $0.value > 0 } == ["Email": 0.3, "Organic Search": 0.3, "Paid Search": 0.1, "Webinar": 0.3])
            #expect(credits(.fullPath).filter { $0.value > 0 } == ["Email": 0.225, "Organic Search": 0.225, "Paid Search": 0.1, "Webinar": 0.45])
        }
    }

    @Test(arguments: TestBackend.available)
    func conversionsWithoutTouchesAreCountedNotDropped(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let known = try await KnownWorkspace.make(database)
            var short = KnownWorkspace.definition()
            short.lookbackDays = 1
            let report = try await MeasureService(database: database).attribution(known.seeded.scope, definition: short, models: [.linear])
            #expect(report.conversions == 1 && report.conversionsWithoutTouches == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func demoWorkspaceRunsEveryModelAndConservesConversions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            var options = DemoOptions()
            options.contacts = 400
            options.eventsPerContact = 6
            options.today = CalendarDate("2026-11-23")!
            let demo = try await DemoGenerator(database: database, access: AccessService.forTests(database), campaigns: CampaignService(database: database))
                .generate(options)
            let scope = AccessScope(workspace: demo.workspace, actor: .system("test"), role: .analyst)
            var definition = JourneyDefinition(from: CalendarDate("2025-11-24")!, to: CalendarDate("2026-11-23")!)
            definition.unit = .account
            definition.conversion = .opportunityCreated
            let report = try await MeasureService(database: database).attribution(scope, definition: definition, models: AttributionModel.allCases)
            let attributed = Double(report.conversions - report.conversionsWithoutTouches)
            #expect(attributed > 0)
            for model in report.models {
                let total = report.rows(for: model).reduce(0) { $0 + $1.conversions }
                #expect(abs(total - attributed) < 1e-6, "\(model) credits \(total) of \(attributed)")
            }
            #expect(report.models.contains(.markov) && report.models.contains(.shapley) && report.models.contains(.timeDecay))
            #expect(report.totalCostMinor > 0)

            // Reading touches in parallel slices of units gives exactly the same report.
            let sliced = try await MeasureService(database: database, minimumUnitsPerSlice: 1).attribution(
                scope, definition: definition, models: AttributionModel.allCases)
            #expect(sliced.rows == report.rows && sliced.journeys == report.journeys && sliced.conversions == report.conversions)

            // Contact journeys credited to campaigns, converting on an event (time_decay keeps touch times): the same again,
            // whole and in slices, and every conversion is either attributed or counted as having no touches.
            var contacts = definition
            contacts.unit = .contact
            contacts.dimension = .campaign
            contacts.conversion = .event("Webinar Attended")
            let models: [AttributionModel] = [.linear, .timeDecay, .markov]
            let whole = try await MeasureService(database: database).attribution(scope, definition: contacts, models: models)
            let parts = try await MeasureService(database: database, minimumUnitsPerSlice: 7).attribution(scope, definition: contacts, models: models)
            #expect(whole.conversions > whole.conversionsWithoutTouches && whole.units > 100)
            #expect(parts.rows == whole.rows && parts.units == whole.units && parts.journeys == whole.journeys)
            #expect(parts.conversions == whole.conversions && parts.conversionsWithoutTouches == whole.conversionsWithoutTouches)
            let from = contacts.from.startMillis
            let webinars = try await database.rawRead { raw in
                try await raw.rows("SELECT COUNT(*) FROM events WHERE name = 'Webinar Attended' AND contact_id IS NOT NULL AND occurred_at >= ?", [.integer(from)])
            }
            #expect(Int64(whole.conversions) == webinars[0][0].integer)
            for model in whole.models {
                let total = whole.rows(for: model).reduce(0) { $0 + $1.conversions }
                #expect(abs(total - Double(whole.conversions - whole.conversionsWithoutTouches)) < 1e-6, "\(model)")
            }
        }
    }
}
