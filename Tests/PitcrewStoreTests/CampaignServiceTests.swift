import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@Suite struct CampaignServiceTests {
    static func input(_ name: String, _ configure: (inout CampaignInput) -> Void = { _ in }) -> CampaignInput {
        var input = CampaignInput()
        input.name = .set(name)
        configure(&input)
        return input
    }

    /// Spend rows of `campaign` names (no campaign linked), by id.
    static func spend(_ database: Database, _ rows: [(id: String, workspace: String, campaign: String)], channel: String = "Paid Search") async throws {
        try await database.transaction { db in
            for (id, workspace, campaign) in rows {
                try await db.raw(
                    """
                    INSERT INTO spend (id, workspace_id, day, channel, campaign, cost_minor, currency)
                    VALUES (\(bind: id), \(bind: workspace), '2026-03-01', \(bind: channel), \(bind: campaign), 100, 'USD')
                    """
                ).run()
            }
        }
    }

    /// A touchpoint that names `campaign`, linked to `linkedTo` (none by default).
    static func touch(
        _ database: Database, _ id: String, _ workspace: String, _ campaign: String, channel: String = "Paid Search", offline: Bool = false,
        linkedTo: String? = nil
    ) async throws {
        try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO touchpoints (id, workspace_id, occurred_at, channel, campaign, campaign_id, offline)
                VALUES (\(bind: id), \(bind: workspace), 1700000000000, \(bind: channel), \(bind: campaign), \(bind: linkedTo), \(bind: offline))
                """
            ).run()
        }
    }

    /// Row id → campaign id of the rows of `table` linked to a campaign.
    static func linked(_ database: Database, _ table: String) async throws -> [String: String] {
        try await database.read { db in
            try await db.raw("SELECT id, campaign_id FROM \(unsafeRaw: table) WHERE campaign_id IS NOT NULL").all().reduce(into: [:]) {
                $0[try $1.decode(column: "id", as: String.self)] = try $1.decode(column: "campaign_id", as: String.self)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func createUpdateDeleteWithAudit(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let search = try await service.createChannel(acme.scope, ChannelInput(name: "Paid Search", kind: "paid"))
            let created = try await service.createCampaign(
                acme.scope,
                Self.input(" Q1 Brand ") {
                    $0.channelID = .set(search.id)
                    $0.utmCampaign = .set("q1_brand")
                    $0.startDate = .set("2026-01-05")
                    $0.endDate = .set("2026-03-31")
                    $0.budgetAmount = .set(25_000_00)
                    $0.status = .set("active")
                })
            #expect(created.name == "Q1 Brand" && created.budget == Money(minorUnits: 25_000_00, currency: "USD"))
            var patch = CampaignInput()
            patch.status = .set("paused")
            patch.budgetAmount = .clear
            let updated = try await service.updateCampaign(acme.scope, id: created.id, patch)
            #expect(updated.status == .paused && updated.budget == nil && updated.utmCampaign == "q1_brand")
            #expect(try await service.campaign(acme.scope, id: created.id) == updated)
            try await service.deleteCampaign(acme.scope, id: created.id)
            await #expect(throws: PitcrewError.notFound("Campaign")) { _ = try await service.campaign(acme.scope, id: created.id) }
            let actions = try await access.auditLog(acme.scope, page: PageRequest(limit: 10)).items.map(\.action)
            #expect(Array(actions.prefix(4)) == ["campaign.delete", "campaign.update", "campaign.create", "channel.create"])
        }
    }

    /// Spend imported before its campaign existed is linked when the campaign is made (by name or UTM campaign, in any
    /// case), or renamed to match; spend of other campaigns and workspaces stays as it was.
    @Test(arguments: TestBackend.available)
    func spendImportedBeforeItsCampaignIsLinkedToIt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let other = try await SeededWorkspace.make(access, slug: "other")
            try await Self.spend(database, [
                ("s1", acme.workspace.id, "Spring Search"), ("s2", acme.workspace.id, "q2_brand"), ("s3", acme.workspace.id, "Other"),
                ("s4", other.workspace.id, "Spring Search"),
            ])
            func linked() async throws -> [String: String] { try await Self.linked(database, "spend") }
            let spring = try await service.createCampaign(acme.scope, Self.input("spring search"))
            let brand = try await service.createCampaign(acme.scope, Self.input("Q2 Brand") { $0.utmCampaign = .set("Q2_Brand") })
            #expect(try await linked() == ["s1": spring.id, "s2": brand.id])
            let renamed = try await service.updateCampaign(acme.scope, id: brand.id, Self.input("Other"))
            #expect(try await linked() == ["s1": spring.id, "s2": brand.id, "s3": renamed.id])
        }
    }

    /// Touchpoints recorded before their campaign existed are linked when it is made or renamed: tracked touches by
    /// UTM campaign (as collection links them), imported offline touches by UTM campaign or name. Touches another
    /// campaign has, and other workspaces', stay as they were. Touches written just after (by a collector whose copy of
    /// the campaigns is a few seconds old) are linked by the job that runs once more after `relinkDelay`.
    @Test(arguments: TestBackend.available)
    func touchpointsRecordedBeforeTheirCampaignAreLinkedToIt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let other = try await SeededWorkspace.make(access, slug: "other")
            let older = try await service.createCampaign(acme.scope, Self.input("Older") { $0.utmCampaign = .set("older") })
            try await Self.touch(database, "t1", acme.workspace.id, "spring_search")
            try await Self.touch(database, "t2", acme.workspace.id, "Spring_Search")
            try await Self.touch(database, "t3", acme.workspace.id, "Spring Search")  // the name, on a tracked touch: not linked
            try await Self.touch(database, "t4", acme.workspace.id, "Spring Search", offline: true)
            try await Self.touch(database, "t5", acme.workspace.id, "spring_search", linkedTo: older.id)
            try await Self.touch(database, "t6", other.workspace.id, "spring_search")
            try await Self.touch(database, "t7", acme.workspace.id, "webinar")
            func linked() async throws -> [String: String] { try await Self.linked(database, "touchpoints") }
            let spring = try await service.createCampaign(acme.scope, Self.input("Spring Search") { $0.utmCampaign = .set("spring_search") })
            #expect(try await linked() == ["t1": spring.id, "t2": spring.id, "t4": spring.id, "t5": older.id])
            let webinar = try await service.createCampaign(acme.scope, Self.input("Webinar"))
            #expect(try await linked()["t7"] == nil)
            _ = try await service.updateCampaign(acme.scope, id: webinar.id, Self.input("Webinar") { $0.utmCampaign = .set("Webinar") })
            #expect(try await linked()["t7"] == webinar.id)

            // A touch a collector wrote just after, without the campaign: the job linking once more catches it.
            try await Self.touch(database, "t8", acme.workspace.id, "spring_search")
            let runner = JobRunner(database: database, handlers: service.jobHandlers())
            #expect(try await runner.runDue() == 0)
            #expect(try await linked()["t8"] == nil)
            #expect(try await runner.runDue(now: Timestamp.now() + CampaignService.relinkDelay + 1_000) == 3)
            #expect(try await linked()["t8"] == spring.id)
        }
    }

    /// One initiative run as a campaign per channel shares its UTM campaign: each campaign gets its channel's rows, the
    /// one of no channel the rest; a campaign joining later, or given a channel, takes its channel's rows from the others.
    @Test(arguments: TestBackend.available)
    func campaignsSharingAUTMCampaignDivideItsRowsByChannel(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let search = try await service.createChannel(acme.scope, ChannelInput(name: "Paid Search", kind: "paid"))
            let social = try await service.createChannel(acme.scope, ChannelInput(name: "Paid Social", kind: "paid"))
            for (id, channel) in [("t1", "Paid Search"), ("t2", "paid social"), ("t3", "Email"), ("t4", "Paid Search")] {
                try await Self.touch(database, id, acme.workspace.id, "Spring_Sale", channel: channel)
            }
            try await Self.spend(database, [("s1", acme.workspace.id, "spring_sale")])
            try await Self.spend(database, [("s2", acme.workspace.id, "spring_sale")], channel: "Paid Social")
            func linked() async throws -> [String: String] {
                try await Self.linked(database, "touchpoints").merging(try await Self.linked(database, "spend")) { $1 }
            }
            let google = try await service.createCampaign(acme.scope, Self.input("Spring Sale – Google") {
                $0.utmCampaign = .set("spring_sale")
                $0.channelID = .set(search.id)
            })
            // The only campaign of the UTM campaign: every row is its.
            #expect(try await linked() == ["t1": google.id, "t2": google.id, "t3": google.id, "t4": google.id, "s1": google.id, "s2": google.id])
            let meta = try await service.createCampaign(acme.scope, Self.input("Spring Sale – Meta") {
                $0.utmCampaign = .set("SPRING_SALE")
                $0.channelID = .set(social.id)
            })
            #expect(try await linked() == ["t1": google.id, "t2": meta.id, "t3": google.id, "t4": google.id, "s1": google.id, "s2": meta.id])
            // A campaign of no channel takes the channels no campaign has.
            let umbrella = try await service.createCampaign(acme.scope, Self.input("Spring Sale") { $0.utmCampaign = .set("spring_sale") })
            #expect(try await linked() == ["t1": google.id, "t2": meta.id, "t3": umbrella.id, "t4": google.id, "s1": google.id, "s2": meta.id])
            // Collection and imports choose the same way.
            let choice = try await database.rawRead { raw in
                CampaignChoice(rows: try await raw.rows(CampaignChoice.query, [.text(acme.workspace.id)]).map {
                    (id: $0[0].text ?? "", utm: $0[1].text, name: $0[2].text, channel: $0[3].text)
                })
            }
            #expect(choice.forUTM("spring_sale", channel: "Paid Social") == meta.id && choice.forUTM("Spring_Sale", channel: "paid search") == google.id)
            #expect(choice.forUTM("spring_sale", channel: "Display") == umbrella.id && choice.forUTM("spring", channel: nil) == nil)
            #expect(choice.forValue("spring sale – meta", channel: "Email") == meta.id)
            // Meta's campaign moved to another channel: the umbrella campaign takes its Paid Social rows.
            let display = try await service.createChannel(acme.scope, ChannelInput(name: "Display", kind: "paid"))
            _ = try await service.updateCampaign(acme.scope, id: meta.id, Self.input("Spring Sale – Meta") { $0.channelID = .set(display.id) })
            #expect(try await linked() == ["t1": google.id, "t2": umbrella.id, "t3": umbrella.id, "t4": google.id, "s1": google.id, "s2": umbrella.id])
            // Two campaigns of one UTM campaign and one channel (or none) could not tell their rows apart: refused.
            let twin = Self.input("Spring Sale – Google 2") {
                $0.utmCampaign = .set("spring_SALE")
                $0.channelID = .set(search.id)
            }
            await #expect { _ = try await service.createCampaign(acme.scope, twin) } throws: { error in
                (error as? PitcrewError)?.fieldErrors.first?.field == "utm_campaign" && "\(error)".contains("Spring Sale – Google has this UTM campaign on the same channel")
            }
            await #expect(throws: PitcrewError.self) {
                _ = try await service.updateCampaign(acme.scope, id: meta.id, Self.input("Spring Sale – Meta") { $0.channelID = .clear })
            }
        }
    }

    /// Names beyond ASCII link too; a deleted campaign's rows go to another campaign of that UTM campaign; a second change
    /// within the delay puts the job linking once more after it. Two campaigns never share a name, in any case.
    @Test(arguments: TestBackend.available)
    func linksFollowNamesDeletionsAndLaterChanges(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            try await Self.spend(database, [("s1", acme.workspace.id, "Été Promo"), ("s2", acme.workspace.id, "spring")])
            func linked() async throws -> [String: String] { try await Self.linked(database, "spend") }
            let ete = try await service.createCampaign(acme.scope, Self.input("Été Promo"))
            #expect(try await linked()["s1"] == ete.id)
            let first = try await service.createCampaign(acme.scope, Self.input("spring"))
            let second = try await service.createCampaign(acme.scope, Self.input("Spring B") { $0.utmCampaign = .set("spring") })
            #expect(try await linked()["s2"] == first.id)
            try await service.deleteCampaign(acme.scope, id: first.id)
            #expect(try await linked()["s2"] == second.id)

            // The job of `second` is due soon; a change now puts it `relinkDelay` after the change.
            try await database.transaction { db in
                try await db.raw("UPDATE jobs SET run_at = \(bind: Timestamp.now()) WHERE unique_key = \(bind: "campaign.link:" + second.id)").run()
            }
            _ = try await service.updateCampaign(acme.scope, id: second.id, Self.input("Spring B") { $0.utmCampaign = .set("spring_b") })
            let runAt = try await database.read { db in
                try await db.raw("SELECT run_at FROM jobs WHERE unique_key = \(bind: "campaign.link:" + second.id)").first()?.decode(column: "run_at", as: Int64.self)
            }
            #expect((runAt ?? 0) > Timestamp.now() + CampaignService.relinkDelay / 2)
            await #expect(throws: PitcrewError.self) { _ = try await service.createCampaign(acme.scope, Self.input("SPRING B")) }
            // A campaign keeps its own name and UTM campaign when it changes in case only.
            _ = try await service.updateCampaign(acme.scope, id: second.id, Self.input("spring b") { $0.utmCampaign = .set("SPRING_B") })
        }
    }

    @Test(arguments: TestBackend.available)
    func validationNamesEveryFieldAndWritesNothing(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let other = try await SeededWorkspace.make(access, slug: "other")
            let foreignChannel = try await service.createChannel(other.scope, ChannelInput(name: "Email", kind: "owned"))
            do {
                _ = try await service.createCampaign(
                    acme.scope,
                    Self.input("Bad") {
                        $0.channelID = .set(foreignChannel.id)
                        $0.utmCampaign = .set("has spaces")
                        $0.status = .set("launched")
                        $0.startDate = .set("2026-05-01")
                        $0.endDate = .set("2026-04-01")
                        $0.budgetAmount = .set(-1)
                        $0.budgetCurrency = .set("dollars")
                        $0.ownerUserID = .set(other.owner.id)
                    })
                Issue.record("expected invalid")
            } catch let error as PitcrewError {
                #expect(error.kind == .invalid)
                #expect(
                    Set(error.fieldErrors.map(\.field))
                        == ["channel_id", "utm_campaign", "status", "end_date", "budget.amount", "budget.currency", "owner_user_id"])
            }
            #expect(try await service.campaigns(acme.scope, page: PageRequest()).items.isEmpty)

            _ = try await service.createCampaign(acme.scope, Self.input("Dup"))
            do {
                _ = try await service.createCampaign(acme.scope, Self.input("Dup"))
                Issue.record("expected conflict")
            } catch let error as PitcrewError {
                #expect(error.kind == .conflict && error.fieldErrors.first?.field == "name")
            }
            // The same name in another workspace is fine.
            _ = try await service.createCampaign(other.scope, Self.input("Dup"))
        }
    }

    @Test(arguments: TestBackend.available)
    func rolesAndWorkspacesAreEnforced(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let other = try await SeededWorkspace.make(access, slug: "other")
            let campaign = try await service.createCampaign(acme.scope, Self.input("Mine"))
            await #expect(throws: PitcrewError.self) { _ = try await service.createCampaign(acme.scope(as: .analyst), Self.input("No")) }
            _ = try await service.campaigns(acme.scope(as: .viewer), page: PageRequest())
            await #expect(throws: PitcrewError.notFound("Campaign")) { _ = try await service.campaign(other.scope, id: campaign.id) }
            await #expect(throws: PitcrewError.notFound("Campaign")) { _ = try await service.updateCampaign(other.scope, id: campaign.id, Self.input("Stolen")) }
            await #expect(throws: PitcrewError.notFound("Campaign")) { try await service.deleteCampaign(other.scope, id: campaign.id) }
            #expect(try await service.campaigns(other.scope, page: PageRequest()).items.isEmpty)
            #expect(try await service.campaign(acme.scope, id: campaign.id).name == "Mine")
        }
    }

    @Test(arguments: TestBackend.available)
    func pagesWithOpaqueCursors(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let service = CampaignService(database: database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            for index in 0..<7 { _ = try await service.createCampaign(acme.scope, Self.input("Campaign \(index)")) }
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await service.campaigns(acme.scope, page: try PageRequest(limit: 3, cursor: cursor))
                names += page.items.map(\.name)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(names == (0..<7).map { "Campaign \($0)" })
            #expect(throws: PitcrewError.self) { try PageRequest(limit: 3, cursor: "garbage") }
            #expect(throws: PitcrewError.self) { try PageRequest(limit: 0, cursor: nil) }
        }
    }
}
