import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Foundation
import Testing

/// Upserts by key: repeated keys within a file, campaigns Pitcrew does not know, and importing a file twice.
@Suite struct ImportUpsertTests {
    func run(_ database: Database, _ scope: AccessScope, _ text: String, kind: ImportKind, file: String = "file.csv") async throws -> ImportReport {
        try await ImportService(database: database).run(scope, .bytes(Array(text.utf8)), ImportRequest(kind: kind, fileName: file))
    }

    func rows(_ database: Database, _ sql: String) async throws -> [[SQLValue]] {
        try await database.rawRead { raw in try await raw.rows(sql) }
    }

    @Test(arguments: TestBackend.available)
    func spendOfUnknownCampaignsIsKeptPerCampaign(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let report = """
                Day,Campaign,Currency code,Cost,Impr.,Clicks
                2024-02-01,Brand Search,USD,100.00,1000,10
                2024-02-01,Competitor Terms,USD,250.00,2000,20
                2024-02-01,Generic Terms,USD,400.00,3000,30

                """
            let first = try await run(database, acme.scope, report, kind: .spend)
            #expect(first.status == .succeeded && first.inserted == 3 && first.updated == 0)
            let sql = "SELECT campaign, cost_minor FROM spend ORDER BY campaign"
            let expected: [[SQLValue]] = [
                [.text("Brand Search"), .integer(10_000)], [.text("Competitor Terms"), .integer(25_000)], [.text("Generic Terms"), .integer(40_000)],
            ]
            #expect(try await rows(database, sql) == expected)
            // The same report again changes nothing; a corrected cost updates its own campaign's row only.
            #expect(try await run(database, acme.scope, report, kind: .spend).unchanged == 3)
            #expect(try await rows(database, sql) == expected)
            _ = try await run(database, acme.scope, report.replacingOccurrences(of: "250.00", with: "260.00"), kind: .spend)
            #expect(try await rows(database, "SELECT cost_minor FROM spend").compactMap { $0[0].integer }.sorted() == [10_000, 26_000, 40_000])

            // Rows of one key within a file are segments of it (devices, ad groups): they add up; imported again, they replace.
            let segments = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n2024-02-02,Brand Search,USD,1.00,10,1\n2024-02-02,Brand Search,USD,2.00,20,2\n"
            let added = try await run(database, acme.scope, segments, kind: .spend)
            #expect(added.inserted == 1 && added.notes.contains { $0.hasPrefix("1 row was added to an earlier row of the same day") })
            let again = try await run(database, acme.scope, segments, kind: .spend)
            #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 1)
            #expect(try await rows(database, "SELECT cost_minor, impressions, clicks FROM spend WHERE day = '2024-02-02'") == [[.integer(300), .integer(30), .integer(3)]])
            // So across chunks: 4,500 ad-group rows of one day are one row, the same again unchanged, a changed one updated.
            let adGroups = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n" + String(repeating: "2024-02-05,Brand Search,USD,1.00,10,1\n", count: 4_500)
            let many = try await run(database, acme.scope, adGroups, kind: .spend)
            #expect(many.status == .failed)  // the same row twice is a copy, not a segment
            let distinct = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n" + (1...4_500).map { "2024-02-05,Brand Search,USD,1.00,\($0),1\n" }.joined()
            let first4500 = try await run(database, acme.scope, distinct, kind: .spend)
            #expect(first4500.inserted == 1 && first4500.updated == 0 && first4500.unchanged == 0)
            let same4500 = try await run(database, acme.scope, distinct, kind: .spend)
            #expect(same4500.inserted == 0 && same4500.updated == 0 && same4500.unchanged == 1)
            let changed = try await run(database, acme.scope, distinct.replacingOccurrences(of: ",USD,1.00,4500,", with: ",USD,2.00,4500,"), kind: .spend)
            #expect(changed.updated == 1 && changed.unchanged == 0)
            #expect(try await rows(database, "SELECT cost_minor, clicks FROM spend WHERE day = '2024-02-05'") == [[.integer(450_100), .integer(4_500)]])

            // A row stored before spend kept campaign names is taken over by the first named row of its day, not added to.
            try await database.rawTransaction { raw in
                try await raw.run(
                    "INSERT INTO spend (id, workspace_id, day, channel, cost_minor, currency, source) VALUES (?, ?, '2024-02-03', 'Paid Search', 999, 'USD', 'google_ads')",
                    [.text(Identifier.make()), .text(acme.workspace.id)])
            }
            let legacy = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n2024-02-03,Brand Search,USD,1.00,10,1\n2024-02-03,Generic Terms,USD,2.00,20,2\n"
            let taken = try await run(database, acme.scope, legacy, kind: .spend)
            #expect(taken.updated == 1 && taken.inserted == 1)
            #expect(try await rows(database, "SELECT campaign, cost_minor FROM spend WHERE day = '2024-02-03' ORDER BY campaign") == [
                [.text("Brand Search"), .integer(100)], [.text("Generic Terms"), .integer(200)],
            ])

            // A campaign created since is matched by name: the next import of the report updates, not duplicates.
            var input = CampaignInput()
            input.name = .set("Brand Search")
            let created = try await CampaignService(database: database).createCampaign(acme.scope, input)
            #expect(try await run(database, acme.scope, legacy, kind: .spend).inserted == 0)
            #expect(try await rows(database, "SELECT campaign_id FROM spend WHERE day = '2024-02-03' AND campaign = 'Brand Search'") == [[.text(created.id)]])
        }
    }

    @Test(arguments: TestBackend.available)
    func theLaterRowOfARepeatedKeyWins(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let contacts = try await run(database, acme.scope, "email,first_name,title\nok1@example.net,Ok,\nok1@example.net,Dup,CMO\n", kind: .contacts)
            #expect(contacts.inserted == 1 && contacts.updated == 1)
            #expect(try await rows(database, "SELECT first_name, title FROM contacts") == [[.text("Dup"), .text("CMO")]])

            let accounts = try await run(database, acme.scope, "name,domain,industry\nInitech,initech.example,Software\nInitech Corp,initech.example,\n", kind: .accounts)
            #expect(accounts.inserted == 1 && accounts.updated == 1)
            // Later values replace earlier ones; a field the later row leaves empty keeps the earlier value.
            #expect(try await rows(database, "SELECT name, industry FROM accounts WHERE domain = 'initech.example'") == [[.text("Initech Corp"), .text("Software")]])

            let deals = """
                Opportunity ID,Opportunity Name,Stage,Amount,Created Date
                OD-1,First,Prospecting,100,2026-01-15
                OD-1,First,Closed Won,999,2026-01-15

                """
            let opportunities = try await run(database, acme.scope, deals, kind: .opportunities)
            #expect(opportunities.inserted == 1 && opportunities.updated == 1)
            #expect(try await rows(database, "SELECT stage, amount_minor FROM opportunities") == [[.text("Closed Won"), .integer(99_900)]])
        }
    }

    /// A contacts import makes accounts from the company column (a name only); the companies export then gives their
    /// record ids: the account of that name is the company's, unless its record id or domain says it is another one.
    @Test(arguments: TestBackend.available)
    func aCompaniesExportCompletesTheAccountsContactsNamed(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            _ = try await run(database, acme.scope, "Email,Company\nx@gmail.com,Umbrella Corp\ny@gmail.com,Initech\n", kind: .contacts)
            #expect(try await rows(database, "SELECT COUNT(*) FROM accounts")[0][0] == .integer(2))
            let companies = """
                "Record ID","Company name","Company Domain Name","Industry"
                "5005","Umbrella Corp","","PHARMACEUTICALS"
                "5006","Initech","initech.example","Software"

                """
            let report = try await run(database, acme.scope, companies, kind: .accounts)
            #expect(report.inserted == 0 && report.updated == 2, "\(report.message) \(report.problems)")
            #expect(try await rows(database, "SELECT name, external_id, industry FROM accounts ORDER BY name") == [
                [.text("Initech"), .text("5006"), .text("Software")], [.text("Umbrella Corp"), .text("5005"), .text("PHARMACEUTICALS")],
            ])
            // Columns accounts have no field for are kept as the account's traits, merged on a later import.
            _ = try await run(database, acme.scope, "Record ID,Company name,Annual Revenue\n5005,Umbrella Corp,12000000\n", kind: .accounts)
            _ = try await run(database, acme.scope, "Record ID,Company name,Tier\n5005,Umbrella Corp,A\n", kind: .accounts)
            #expect(try await rows(database, "SELECT traits FROM accounts WHERE external_id = '5005'") == [[.text(#"{"annual_revenue":"12000000","tier":"A"}"#)]])
            // Another company of the same name (another record id) is another account.
            let namesake = try await run(database, acme.scope, "Record ID,Company name\n7007,Umbrella Corp\n", kind: .accounts)
            #expect(namesake.inserted == 1 && namesake.updated == 0)
            #expect(try await rows(database, "SELECT COUNT(*) FROM accounts WHERE name = 'Umbrella Corp'")[0][0] == .integer(2))
        }
    }

    /// Rows of one file with the same email (in any case) or record id write one record, the later values winning: said.
    @Test(arguments: TestBackend.available)
    func rowsRepeatingAKeyAreSaidSo(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "Email,Last Name\nJana.Novak@x.example,Novak\nbo@x.example,Park\njana.novak@x.example,Nováková\n"
            let report = try await run(database, acme.scope, file, kind: .contacts)
            #expect(report.inserted == 1 + 1 && report.updated == 1)
            #expect(report.notes.contains(
                "1 row repeats the email or record id of an earlier row of the file (first: row 4, email jana.novak@x.example): each updated the record the earlier row wrote, its values winning."),
                "\(report.notes)")
            #expect(try await rows(database, "SELECT last_name FROM contacts WHERE email = 'jana.novak@x.example'") == [[.text("Nováková")]])
            // The same file again: nothing repeats an earlier row of the file that is not in it.
            #expect(try await run(database, acme.scope, "Email\nbo@x.example\n", kind: .contacts).notes.isEmpty)
        }
    }

    /// Two ad accounts (US, EMEA) running a campaign of one name spend separately: their reports, one file or two, keep
    /// both accounts' spend.
    @Test(arguments: TestBackend.available)
    func spendOfTwoAdAccountsIsKeptApart(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let header = "Start Date (in UTC),End Date (in UTC),Account Name,Campaign Name,Currency,Total Spent,Impressions,Clicks\n"
            let us = "6/1/2024,6/1/2024,Acme US,Retargeting,USD,100.00,1000,10\n", emea = "6/1/2024,6/1/2024,Acme EMEA,Retargeting,USD,100.00,1000,10\n"
            func total() async throws -> Int64 { try await rows(database, "SELECT cost_minor FROM spend WHERE day = '2024-06-01'").compactMap { $0[0].integer }.reduce(0, +) }
            let first = try await run(database, acme.scope, header + us, kind: .spend)
            #expect(first.preset == "linkedin_ads" && first.inserted == 1)
            #expect(try await run(database, acme.scope, header + emea, kind: .spend).inserted == 1)
            #expect(try await total() == 20_000)
            #expect(try await run(database, acme.scope, header + us + emea, kind: .spend).unchanged == 2)
            #expect(try await rows(database, "SELECT ad_account FROM spend ORDER BY ad_account") == [[.text("Acme EMEA")], [.text("Acme US")]])
            // A report without the account column, of a day with one account's spend, is that account's.
            let single = "Start Date (in UTC),End Date (in UTC),Campaign Name,Currency,Total Spent,Impressions,Clicks\n6/2/2024,6/2/2024,Retargeting,USD,5.00,10,1\n"
            _ = try await run(database, acme.scope, header + "6/2/2024,6/2/2024,Acme US,Retargeting,USD,5.00,10,1\n", kind: .spend)
            let plain = try await run(database, acme.scope, single, kind: .spend)
            #expect(plain.inserted == 0 && plain.unchanged == 1, "\(plain.message)")
        }
    }

    /// Spend stored before it kept ad accounts (no account) is the row a report with the account takes over, not a second.
    @Test(arguments: TestBackend.available)
    func spendStoredWithoutAccountsIsTakenOver(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            try await database.rawTransaction { raw in
                try await raw.run(
                    """
                    INSERT INTO spend (id, workspace_id, day, channel, campaign, cost_minor, currency, impressions, clicks, source)
                    VALUES (?, ?, '2024-06-01', 'Paid Social', 'Retargeting', 10000, 'USD', 1000, 10, 'linkedin_ads')
                    """, [.text(Identifier.make()), .text(acme.workspace.id)])
            }
            let header = "Start Date (in UTC),End Date (in UTC),Account Name,Campaign Name,Currency,Total Spent,Impressions,Clicks\n"
            let again = try await run(database, acme.scope, header + "6/1/2024,6/1/2024,Acme US,Retargeting,USD,100.00,1000,10\n", kind: .spend)
            #expect(again.inserted == 0 && again.updated == 1)
            #expect(try await rows(database, "SELECT cost_minor, ad_account FROM spend") == [[.integer(10_000), .text("Acme US")]])
        }
    }

    @Test(arguments: TestBackend.available)
    func offlineTouchesImportOnceAndTheirContactsCanBeIdentified(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let touches = """
                occurred_at,contact_email,channel,campaign
                2026-04-02T15:00:00Z,newperson@example.com,Events,SaaStr 2026
                2026-04-03T09:30:00Z,newperson@example.com,Events,Webinar

                """
            #expect(try await run(database, acme.scope, touches, kind: .touchpoints).inserted == 2)
            let again = try await run(database, acme.scope, touches, kind: .touchpoints)
            #expect(again.status == .succeeded && again.inserted == 0 && again.updated == 0 && again.unchanged == 2)
            #expect(try await rows(database, "SELECT COUNT(*) FROM touchpoints")[0][0] == .integer(2))
            // An export of the same touches with more columns completes them (blank cells keep what is stored).
            let richer = """
                occurred_at,contact_email,channel,campaign,content,source,medium
                2026-04-02T15:00:00Z,newperson@example.com,events,SaaStr 2026,booth-scan,saastr,event
                2026-04-03T09:30:00Z,newperson@example.com,Events,webinar,,,

                """
            let completed = try await run(database, acme.scope, richer, kind: .touchpoints)
            #expect(completed.inserted == 0 && completed.updated == 1 && completed.unchanged == 1, "\(completed.message) \(completed.problems)")
            #expect(try await rows(database, "SELECT campaign, content, source, medium FROM touchpoints ORDER BY occurred_at") == [
                [.text("SaaStr 2026"), .text("booth-scan"), .text("saastr"), .text("event")], [.text("Webinar"), .null, .null, .null],
            ])
            #expect(try await run(database, acme.scope, touches, kind: .touchpoints).unchanged == 2)
            // Two touches of one day, channel and campaign (a booth scan and a session) are two, imported again unchanged.
            let twoOfADay = """
                occurred_at,contact_email,channel,campaign,content,term
                2026-05-01,newperson@example.com,Events,Summit,booth,
                2026-05-01,newperson@example.com,Events,Summit,,keynote

                """
            #expect(try await run(database, acme.scope, twoOfADay, kind: .touchpoints).inserted == 2)
            let twice = try await run(database, acme.scope, twoOfADay, kind: .touchpoints)
            #expect(twice.inserted == 0 && twice.updated == 0 && twice.unchanged == 2)
            #expect(try await rows(database, "SELECT content, term FROM touchpoints WHERE campaign = 'Summit' ORDER BY content IS NULL, content") == [
                [.text("booth"), .null], [.null, .text("keynote")],
            ])
            // Without a source, the landing URL says where the visit came from (its UTMs, or an ad click id).
            let landings = """
                occurred_at,contact_email,landing_url
                2026-04-05T10:00:00Z,newperson@example.com,https://acme.example/demo?gclid=abc123
                2026-04-06T10:00:00Z,newperson@example.com,https://acme.example/?utm_source=newsletter&utm_medium=email&utm_campaign=April
                2026-04-07T10:00:00Z,newperson@example.com,https://acme.example/pricing

                """
            #expect(try await run(database, acme.scope, landings, kind: .touchpoints).inserted == 3)
            #expect(try await run(database, acme.scope, landings, kind: .touchpoints).unchanged == 3)
            let derived = try await rows(database, "SELECT channel, source, medium, campaign FROM touchpoints WHERE landing_url IS NOT NULL ORDER BY occurred_at")
            #expect(derived == [
                [.text("Paid Search"), .text("google"), .text("cpc"), .null], [.text("Email"), .text("newsletter"), .text("email"), .text("April")],
                [.text("Unassigned"), .null, .null, .null],
            ])

            // An identify with that email later finds the contact the touches created.
            let collection = CollectionService(database: database, sources: SourceService(database: database))
            let (_, key) = try await collection.sources.create(acme.scope, name: "Website")
            _ = try await collection.collect(
                Array(#"{"userId": "np-1", "traits": {"email": "newperson@example.com"}, "messageId": "i1"}"#.utf8), type: .identify, basicUser: key)
            try await collection.processor.processPending()
            let contacts = try await rows(database, "SELECT id FROM contacts")
            #expect(contacts.count == 1)
            #expect(try await rows(database, "SELECT DISTINCT contact_id FROM touchpoints") == contacts)
        }
    }

    @Test(arguments: TestBackend.available)
    func phonesAreReadInTheRowsOwnCountry(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "email,phone,country,lifecycle_stage\ncarol@example.co.uk,07700 900123,UK,marketingqualifiedlead\nann@example.com,(415) 555-0132,,Customer\n"
            #expect(try await run(database, acme.scope, file, kind: .contacts).inserted == 2)
            #expect(try await rows(database, "SELECT phone, lifecycle_stage FROM contacts ORDER BY email") == [
                [.text("+14155550132"), .text("customer")], [.text("+447700900123"), .text("mql")],
            ])
        }
    }

    @Test(arguments: TestBackend.available)
    func oneDayOrderPerImport(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n04/02/2024,A,USD,1,1,1\n13/02/2024,A,USD,2,1,1\n"
            // Month first (no default country): 13/02/2024 can only be day first, so the file is refused, not half read.
            let refused = try await run(database, acme.scope, file, kind: .spend)
            #expect(refused.status == .failed && refused.problems.count == 1 && refused.problems[0].row == 3)
            #expect(refused.problems[0].reason.contains("day first") && refused.problems[0].reason.contains("day_first"))
            #expect(refused.notes == ["Numeric dates like 03/04/2024 were read month first (MM/DD/YYYY), as no workspace country is set; import with day order day_first if the file writes them the other way."])
            let service = ImportService(database: database)
            let dayFirst = try await service.run(
                acme.scope, .bytes(Array(file.utf8)), ImportRequest(kind: .spend, fileName: "f.csv", dayOrder: .dayFirst))
            #expect(dayFirst.status == .succeeded)
            #expect(try await rows(database, "SELECT day FROM spend ORDER BY day") == [[.text("2024-02-04")], [.text("2024-02-13")]])
            // A mapping file that only says how to read the file keeps the detected columns.
            let mapping = try ImportMapping.load(jsonData: Data(#"{"kind": "spend", "day_order": "day_first"}"#.utf8))
            let mapped = try await service.run(
                acme.scope, .bytes(Array(file.replacingOccurrences(of: ",A,", with: ",M,").utf8)), ImportRequest(kind: nil, mapping: mapping, fileName: "f.csv"))
            #expect(mapped.status == .succeeded && mapped.preset == "google_ads_campaigns" && mapped.inserted == 2)
            // A workspace in Germany reads day first without being told.
            let collection = CollectionService(database: database, sources: SourceService(database: database))
            _ = try await DataSettingsService(database: database, collection: collection).update(acme.scope, defaultCountry: .some("DE"), channelGroupingJSON: nil)
            let german = try await run(database, acme.scope, "Day,Campaign,Currency code,Cost,Impr.,Clicks\n05/03/2024,B,USD,1,1,1\n", kind: .spend)
            #expect(german.status == .succeeded)
            #expect(try await rows(database, "SELECT day FROM spend WHERE campaign = 'B'") == [[.text("2024-03-05")]])
        }
    }

    @Test(arguments: TestBackend.available)
    func googleAdsDownloadsImportAsTheyCome(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            // As Google Ads writes a report download: a title, the date range, the table, "--" for no value, totals.
            let download = """
                Campaign report
                "January 1, 2024 - January 31, 2024"
                Day,Campaign,Currency code,Cost,Impr.,Clicks
                2024-01-01,Brand Search,USD,10.00,100,5
                2024-01-02,Brand Search,USD,0.00,--,--
                Total: Account,--,USD,10.00,100,5
                Total: Search,--,USD,10.00,100,5

                """
            let report = try await run(database, acme.scope, download, kind: .spend)
            #expect(report.status == .succeeded && report.preset == "google_ads_campaigns" && report.inserted == 2 && report.rowsBad == 0)
            #expect(report.notes.contains { $0.contains("Skipped 2 summary row") })
            #expect(try await rows(database, "SELECT day, cost_minor, impressions FROM spend ORDER BY day") == [
                [.text("2024-01-01"), .integer(1_000), .integer(100)], [.text("2024-01-02"), .integer(0), .integer(0)],
            ])
            // Problems still count rows from the top of the file.
            let broken = try await run(database, acme.scope, download.replacingOccurrences(of: "0.00,--", with: "abc,--"), kind: .spend)
            #expect(broken.status == .failed && broken.problems.first?.row == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func companiesOfFreeMailContactsAreKeptByName(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "email,company\nbo@gmail.com,Bobco\ncy@yahoo.com,Bobco\ndi@hotmail.com,\n"
            #expect(try await run(database, acme.scope, file, kind: .contacts).inserted == 3)
            let linked = try await rows(database, "SELECT c.email, a.name FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id ORDER BY c.email")
            #expect(linked == [[.text("bo@gmail.com"), .text("Bobco")], [.text("cy@yahoo.com"), .text("Bobco")], [.text("di@hotmail.com"), .null]])
            #expect(try await rows(database, "SELECT COUNT(*) FROM accounts")[0][0] == .integer(1))
        }
    }

    @Test(arguments: TestBackend.available)
    func brokenRecordsAreBadRowsNotTheEndOfTheFile(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let csv = "email,first_name\na@example.com,Ann\nb@example.com\nc@example.com,Cy,extra\nd@example.com,Di\n"
            let strict = try await run(database, acme.scope, csv, kind: .contacts)
            #expect(strict.status == .failed && strict.rowsRead == 4 && strict.rowsBad == 2 && strict.problems.map(\.row) == [3, 4])
            #expect(try await rows(database, "SELECT COUNT(*) FROM contacts")[0][0] == .integer(0))
            let lenient = try await service.run(acme.scope, .bytes(Array(csv.utf8)), ImportRequest(kind: .contacts, fileName: "f.csv", skipBadRows: true))
            #expect(lenient.status == .partial && lenient.inserted == 2 && lenient.rowsBad == 2)
            #expect(try await rows(database, "SELECT email FROM contacts ORDER BY email") == [[.text("a@example.com")], [.text("d@example.com")]])

            let jsonl = "{\"email\": \"e@example.com\"}\n{\"email\": \"f@example.com\"\n{\"email\": \"g@example.com\"}\n"
            let lines = try await service.run(
                acme.scope, .bytes(Array(jsonl.utf8)), ImportRequest(kind: .contacts, fileName: "f.jsonl", skipBadRows: true))
            #expect(lines.status == .partial && lines.inserted == 2 && lines.problems.map(\.row) == [2])
        }
    }

    /// Ad reports: a campaign named "Total …" is a campaign, Meta's summary row (no day, no campaign) is skipped, and the
    /// same row twice is a bad row (not twice the cost). Salesforce opportunity reports without Won/Closed columns: the
    /// stage says whether a deal was won or lost.
    @Test(arguments: TestBackend.available)
    func summaryRowsDuplicateSpendRowsAndStagesThatSayWon(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let meta = """
                Campaign name,Day,Amount spent (EUR),Impressions,Link clicks
                Total Reach - Q1,2024-01-01,"120,50",5000,30
                Totally Awesome Launch,2024-01-02,10.00,100,1
                ,,"130,50",5100,31

                """
            let report = try await run(database, acme.scope, meta, kind: .spend)
            #expect(report.status == .succeeded && report.inserted == 2, "\(report.message) \(report.problems)")
            #expect(report.notes.contains { $0.hasPrefix("Skipped 1 summary row") })
            #expect(try await rows(database, "SELECT campaign, cost_minor FROM spend ORDER BY day") == [
                [.text("Total Reach - Q1"), .integer(12_050)], [.text("Totally Awesome Launch"), .integer(1_000)],
            ])
            // Channel names as the grouping spells them, whatever the file's case.
            let channels = "Day,Channel,Campaign,Cost\n2024-05-01,paid search,Brand,1.00\n2024-05-01,PAID SEARCH,Generic,2.00\n2024-05-01,Podcasts,Show,3.00\n"
            #expect(try await run(database, acme.scope, channels, kind: .spend).inserted == 3)
            #expect(try await rows(database, "SELECT DISTINCT channel FROM spend WHERE day = '2024-05-01' ORDER BY channel") == [
                [.text("Paid Search")], [.text("Podcasts")],
            ])
            // A row stored with the file's old spelling of the channel is the same row.
            try await database.rawTransaction { raw in
                try await raw.run(
                    "INSERT INTO spend (id, workspace_id, day, channel, campaign, cost_minor, currency) VALUES (?, ?, '2024-07-01', 'paid search', 'Legacy', 500, 'USD')",
                    [.text(Identifier.make()), .text(acme.workspace.id)])
            }
            let respelled = try await run(database, acme.scope, "Day,Channel,Campaign,Cost\n2024-07-01,Paid Search,Legacy,5.00\n", kind: .spend)
            #expect(respelled.inserted == 0 && respelled.unchanged == 1, "\(respelled.message)")
            // Two currencies for one day and campaign (two ad accounts) stay two rows, never one sum.
            let currencies = "Day,Channel,Campaign,Currency,Cost\n2024-08-02,Paid Search,Brand,USD,10.00\n2024-08-02,Paid Search,Brand,EUR,20.00\n"
            #expect(try await run(database, acme.scope, currencies, kind: .spend).inserted == 2)
            #expect(try await rows(database, "SELECT currency, cost_minor FROM spend WHERE day = '2024-08-02' ORDER BY currency") == [
                [.text("EUR"), .integer(2_000)], [.text("USD"), .integer(1_000)],
            ])
            // A "$" in the currency column of a euro import is US dollars, not euros.
            let euros = try ImportMapping.load(jsonData: Data(#"{"kind":"spend","currency":"EUR"}"#.utf8))
            let dollars = try await ImportService(database: database).run(
                acme.scope, .bytes(Array("Day,Channel,Campaign,Currency,Cost\n2024-08-03,Paid Search,Brand,$,10.00\n".utf8)),
                ImportRequest(kind: .spend, mapping: euros, fileName: "s.csv"))
            #expect(dollars.inserted == 1, "\(dollars.message) \(dollars.problems)")
            #expect(try await rows(database, "SELECT currency FROM spend WHERE day = '2024-08-03'") == [[.text("USD")]])
            // A Meta report without a daily breakdown gives a month per row: refused, not stored as its first day. With a
            // Day column (a daily export also carries the report's range) the range is not the row's.
            let monthly = "Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions\n2024-01-01,2024-01-31,Meta Month,3100.00,1000\n"
            let refused = try await run(database, acme.scope, monthly, kind: .spend)
            #expect(refused.status == .failed && refused.problems.first?.reason.hasPrefix("the row covers 2024-01-01 to 2024-01-31") == true, "\(refused.problems)")
            let daily = "Campaign name,Day,Amount spent (USD),Reporting starts,Reporting ends\nMeta Daily,2024-01-05,10.00,2024-01-01,2024-01-31\n"
            #expect(try await run(database, acme.scope, daily, kind: .spend).inserted == 1)
            let twice = "Day,Campaign,Cost,Impr.,Clicks\n2024-06-01,Dup Campaign,100.00,1000,10\n2024-06-01,Dup Campaign,100.00,1000,10\n"
            let doubled = try await run(database, acme.scope, twice, kind: .spend)
            #expect(doubled.status == .failed && doubled.problems.map(\.reason) == ["exact duplicate of row 2"])
            #expect(try await rows(database, "SELECT COUNT(*) FROM spend WHERE day = '2024-06-01'") == [[.integer(0)]])

            let opportunities = """
                Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date
                S1,Won by stage,Acme Corp,Closed Won,"$5,000.00",3/31/2024,1/15/2024
                S2,Lost by stage,Acme Corp,Closed Lost,"$1,000.00",4/30/2024,1/15/2024
                S3,Still open,Acme Corp,Negotiation/Review,"$2,000.00",6/30/2024,1/15/2024

                """
            let deals = try await run(database, acme.scope, opportunities, kind: .opportunities)
            #expect(deals.inserted == 3, "\(deals.message) \(deals.problems)")
            #expect(deals.notes.contains("3 rows name an account Pitcrew does not have (first: \"Acme Corp\"); imported without it."), "\(deals.notes)")
            let stored = try await rows(database, "SELECT external_id, won, closed_at IS NOT NULL FROM opportunities ORDER BY external_id")
            #expect(stored.map { $0[0].text } == ["S1", "S2", "S3"])
            #expect(stored.map { $0[1].integer ?? ($0[1] == .bool(true) ? 1 : 0) } == [1, 0, 0])
            #expect(stored.map { $0[2].integer ?? ($0[2] == .bool(true) ? 1 : 0) } == [1, 1, 0])
        }
    }

    /// Updates read a chunk's stored contacts at once: two rows of one stored contact in a chunk both count (traits merge,
    /// the last email wins and the replaced ones stay identities of the contact). The record id is the key.
    @Test(arguments: TestBackend.available)
    func twoRowsOfOneStoredContactInAChunk(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let first = try await run(database, acme.scope, "Email,Record ID,Plan\nann@initech.example,1,pro\n", kind: .contacts)
            #expect(first.inserted == 1)
            let again = "Email,Record ID,Seats\nann.new@initech.example,1,10\nANN.NEWER@initech.example,1,\n"
            let report = try await run(database, acme.scope, again, kind: .contacts)
            #expect(report.updated == 2 && report.inserted == 0)
            let stored = try await rows(database, "SELECT email, traits FROM contacts")
            #expect(stored.count == 1 && stored.first?[0] == .text("ann.newer@initech.example"))
            let traits = stored.first?[1].text ?? ""
            #expect(traits.contains("\"plan\":\"pro\"") && traits.contains("\"seats\":\"10\""), "\(traits)")
            #expect(try await rows(database, "SELECT value FROM identities WHERE kind = 'email' ORDER BY value") == [
                [.text("ann.new@initech.example")], [.text("ann@initech.example")],
            ])
            // The same file again changes nothing, so nothing is written (the contact's updated_at stays).
            let before = try await rows(database, "SELECT updated_at, traits FROM contacts")
            try await Task.sleep(for: .milliseconds(20))
            let same = "Email,Record ID,Seats\nann.newer@initech.example,1,10\n"
            let sameReport = try await run(database, acme.scope, same, kind: .contacts)
            #expect(sameReport.unchanged == 1 && sameReport.updated == 0 && sameReport.message.hasSuffix("0 updated, 1 unchanged."))
            #expect(try await rows(database, "SELECT updated_at, traits FROM contacts") == before)
            // A changed value is written, alone.
            try await Task.sleep(for: .milliseconds(20))
            _ = try await run(database, acme.scope, "Email,Record ID,Seats\nann.newer@initech.example,1,12\n", kind: .contacts)
            let changed = try await rows(database, "SELECT updated_at, traits FROM contacts")
            #expect(changed.first?[0] != before.first?[0] && (changed.first?[1].text ?? "").contains("\"seats\":\"12\""))
        }
    }

    /// Record ids are the surest key: a known id with a new email updates that record (its old email kept as an identity,
    /// so a later file with the old email finds it too). One email is one person: the same email with another system's
    /// record id (HubSpot, then Salesforce) is the same contact, which keeps its id and keeps the other as an identity.
    @Test(arguments: TestBackend.available)
    func recordIDsAreTheKeyAndOneEmailIsOnePerson(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let first = try await run(database, acme.scope, "Record ID,Email,First Name\n401,,NoEmail\n402,old@globex.example,Old\n", kind: .contacts)
            #expect(first.inserted == 2)
            let second = try await run(
                database, acme.scope, "Record ID,Email,First Name\n401,new401@x.example,Named\n402,new@globex.example,Changed\n", kind: .contacts)
            #expect(second.inserted == 0 && second.updated == 2)
            #expect(try await rows(database, "SELECT external_id, email, first_name FROM contacts ORDER BY external_id") == [
                [.text("401"), .text("new401@x.example"), .text("Named")], [.text("402"), .text("new@globex.example"), .text("Changed")],
            ])
            #expect(try await rows(database, "SELECT value FROM identities WHERE kind = 'email'") == [[.text("old@globex.example")]])
            // The old email finds the record it belonged to.
            let oldEmail = try await run(database, acme.scope, "Email,Title\nold@globex.example,CMO\n", kind: .contacts)
            #expect(oldEmail.inserted == 0 && oldEmail.updated == 1)
            #expect(try await rows(database, "SELECT title, email FROM contacts WHERE external_id = '402'") == [[.text("CMO"), .text("new@globex.example")]])
            // One record's id with another's email: the email stays with its contact, and the report says so.
            let clash = try await run(database, acme.scope, "Record ID,Email,First Name\n401,new@globex.example,Clash\n", kind: .contacts)
            #expect(clash.updated == 1 && clash.notes.contains { $0.hasPrefix("1 row gives a contact an email another contact has") }, "\(clash.notes)")
            #expect(try await rows(database, "SELECT external_id, email FROM contacts ORDER BY external_id") == [
                [.text("401"), .text("new401@x.example")], [.text("402"), .text("new@globex.example")],
            ])

            // The same person from another system (and two records sharing an email, within one file): one contact.
            let hubspot = try await run(database, acme.scope, "Record ID,Email,First Name,Create Date\nH-1,same@x.example,Sam,2024-01-02\n", kind: .contacts)
            #expect(hubspot.inserted == 1)
            // Salesforce's record of the same person: its creation date is not the contact's.
            let salesforce = try await run(
                database, acme.scope, "Lead ID,Email,First Name,Created Date\nS-9,Same@X.example,Samuel,2025-06-30\nS-10,same@x.example,,\n", kind: .contacts)
            #expect(salesforce.inserted == 0 && salesforce.updated == 1 && salesforce.unchanged == 1, "\(salesforce.message)")
            #expect(try await rows(database, "SELECT external_id, first_name, created_at FROM contacts WHERE email = 'same@x.example'") == [
                [.text("H-1"), .text("Samuel"), .integer(CalendarDate("2024-01-02")!.startMillis)],
            ])
            #expect(try await rows(database, "SELECT value FROM identities WHERE kind = 'external_id' ORDER BY value") == [[.text("S-10")], [.text("S-9")]])
            // Both ids find the contact in a search.
            let search = ContactService(database: database)
            for id in ["H-1", "S-9"] {
                #expect(try await search.contacts(acme.scope, search: id, after: nil).items.map(\.email) == ["same@x.example"], "\(id)")
            }
            // A later row with only the other system's id updates that contact, not a new one.
            let byOtherID = try await run(database, acme.scope, "Lead ID,Title\nS-9,VP Sales\n", kind: .contacts)
            #expect(byOtherID.inserted == 0 && byOtherID.updated == 1)
            #expect(try await rows(database, "SELECT COUNT(*) FROM contacts WHERE title = 'VP Sales' AND external_id = 'H-1'") == [[.integer(1)]])
            // Both in one new file: one contact, the first row's id in it, the second kept.
            let both = try await run(database, acme.scope, "Record ID,Email\nX-1,pair@y.example\nX-2,PAIR@y.example\n", kind: .contacts)
            #expect(both.inserted == 1 && both.updated == 1)
            #expect(try await rows(database, "SELECT external_id FROM contacts WHERE email = 'pair@y.example'") == [[.text("X-1")]])
            #expect(try await rows(database, "SELECT COUNT(*) FROM identities WHERE value = 'X-2'") == [[.integer(1)]])
        }
    }

    /// A report downloaded again after its campaign was renamed in Pitcrew changes nothing: its rows are found by the
    /// name the report gives, and keep the campaign they belong to.
    @Test(arguments: TestBackend.available)
    func spendImportedAgainAfterARenameIsUnchanged(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "Day,Channel,Campaign,Cost\n2026-03-01,Paid Social,LI - Retargeting,10.00\n2026-03-02,Paid Social,LI - Retargeting,12.00\n"
            #expect(try await run(database, acme.scope, file, kind: .spend).inserted == 2)
            let campaigns = CampaignService(database: database)
            var input = CampaignInput()
            input.name = .set("LI - Retargeting")
            let campaign = try await campaigns.createCampaign(acme.scope, input)
            input.name = .set("LinkedIn Retargeting")
            _ = try await campaigns.updateCampaign(acme.scope, id: campaign.id, input)
            let again = try await run(database, acme.scope, file, kind: .spend)
            #expect(again.inserted == 0 && again.unchanged == 2, "\(again.message)")
            #expect(try await rows(database, "SELECT campaign_id, CAST(SUM(cost_minor) AS BIGINT) FROM spend GROUP BY campaign_id") == [[.text(campaign.id), .integer(2_200)]])
        }
    }

    /// After a spend or touchpoint import, rows naming a campaign that exists are linked to it, as for a campaign made
    /// while the import ran (on PostgreSQL it could not see the import's rows). Here: a campaign stored without linking.
    @Test(arguments: TestBackend.available)
    func rowsNamingACampaignAreLinkedAfterTheImport(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "Day,Channel,Campaign,Cost\n2026-03-01,Paid Search,Late Launch,10.00\n"
            #expect(try await run(database, acme.scope, file, kind: .spend).inserted == 1)
            let campaign = Campaign(
                id: Identifier.make(), workspaceID: acme.workspace.id, name: "Late Launch", channelID: nil, utmCampaign: nil, status: .active,
                startDate: nil, endDate: nil, budget: nil, ownerUserID: nil, createdAt: 0, updatedAt: 0)
            try await database.transaction { db in try await CampaignStore.insert(db, campaign) }
            #expect(try await rows(database, "SELECT campaign_id FROM spend") == [[.null]])
            _ = try await run(database, acme.scope, "contact_email,occurred_at,channel,campaign\nx@y.example,2026-03-02,Events,late launch\n", kind: .touchpoints)
            #expect(try await rows(database, "SELECT campaign_id FROM spend") == [[.text(campaign.id)]])
            #expect(try await rows(database, "SELECT campaign_id FROM touchpoints") == [[.text(campaign.id)]])
        }
    }

    /// An offline touch of a record id Pitcrew has not met creates that contact (as an unknown email does), so the file
    /// imported again adds nothing. The contact was created when the file first saw them: at its earliest touch.
    @Test(arguments: TestBackend.available)
    func touchesOfUnknownRecordIDsBelongToANewContact(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "contact_external_id,occurred_at,channel\nNOPE-1,2024-05-02,Events\nNOPE-1,2024-05-01,Events\n"
            let first = try await run(database, acme.scope, file, kind: .touchpoints)
            #expect(first.inserted == 2 && first.notes == ["1 person the file names was not a contact yet: made a contact (by email, else by record id)."], "\(first.notes)")
            let again = try await run(database, acme.scope, file, kind: .touchpoints)
            #expect(again.inserted == 0 && again.unchanged == 2)
            #expect(try await rows(database, "SELECT COUNT(*) FROM touchpoints WHERE contact_id IS NULL") == [[.integer(0)]])
            #expect(try await rows(database, "SELECT COUNT(*) FROM touchpoints") == [[.integer(2)]])
            #expect(try await rows(database, "SELECT external_id, created_at FROM contacts") == [[.text("NOPE-1"), .integer(1_714_521_600_000)]])
            // An earlier touch in a later chunk of the file moves it back too.
            let filler = (0..<ImportService.chunkRows).map { "FILL-\($0),2024-06-01,Events" }.joined(separator: "\n")
            let long = "contact_external_id,occurred_at,channel\nLATE-1,2024-05-02,Events\n\(filler)\nLATE-1,2024-04-20,Events\n"
            #expect(try await run(database, acme.scope, long, kind: .touchpoints).inserted == ImportService.chunkRows + 2)
            #expect(try await rows(database, "SELECT created_at FROM contacts WHERE external_id = 'LATE-1'") == [[.integer(1_713_571_200_000)]])
        }
    }

    /// "n/a", "-" or "Unknown" in a typed column is no value: the contact keeps its other fields instead of being a bad row.
    /// A key that only says "n/a" is no key, and a required field that says it is empty.
    @Test(arguments: TestBackend.available)
    func placeholdersAreNoValue(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = """
                Email,Record ID,Phone Number,Country/Region,Title
                ann@initech.example,,n/a,Unknown,N/A
                N/A,77,-,NA,CMO
                n/a,,+14155550116,US,VP

                """
            let report = try await ImportService(database: database).run(
                acme.scope, .bytes(Array(file.utf8)), ImportRequest(kind: .contacts, fileName: "c.csv", skipBadRows: true))
            #expect(report.inserted == 2 && report.rowsBad == 1, "\(report.message) \(report.problems)")
            #expect(report.problems.map(\.reason) == ["needs a value in email or external_id; all are empty"])
            let stored = try await rows(database, "SELECT email, external_id, phone, country, title FROM contacts ORDER BY title")
            // "NA" is Namibia, not a placeholder.
            #expect(stored == [[.null, .text("77"), .null, .text("NA"), .text("CMO")], [.text("ann@initech.example"), .null, .null, .null, .text("N/A")]], "\(stored)")
            // Nor in a key or a reference: touches whose record id is "n/a" do not make one contact of them all.
            let touches = "contact_external_id,contact_email,occurred_at,channel\nn/a,t1@x.example,2024-05-01,Events\n-,t2@x.example,2024-05-02,Events\n"
            #expect(try await run(database, acme.scope, touches, kind: .touchpoints).inserted == 2)
            #expect(try await rows(database, "SELECT COUNT(*) FROM contacts WHERE external_id IN ('n/a', '-')") == [[.integer(0)]])
            let spend = try await run(database, acme.scope, "Day,Channel,Campaign,Cost\nn/a,Paid Search,Brand,1.00\n", kind: .spend)
            #expect(spend.status == .failed && spend.problems.map(\.reason) == ["required field day is empty"], "\(spend.problems)")
        }
    }

    /// A deal naming an account that two accounts have (two companies called Acme) goes to the oldest, and the report
    /// says so.
    @Test(arguments: TestBackend.available)
    func dealsNamingASharedAccountNameAreReported(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            #expect(try await run(database, acme.scope, "name,domain\nAcme,acme.example\n", kind: .accounts).inserted == 1)
            #expect(try await run(database, acme.scope, "name,domain\nAcme,acme-robotics.example\n", kind: .accounts).inserted == 1)
            let deals = try await run(
                database, acme.scope, "external_id,name,stage,amount,created_at,account_name\nD1,Deal,Open,100,2026-01-05,Acme\nD2,Other,Open,100,2026-01-06,acme\n", kind: .opportunities)
            #expect(deals.inserted == 2, "\(deals.message) \(deals.problems)")
            #expect(deals.notes.contains(#"2 rows name an account name that several accounts have (first: "Acme"); linked to the oldest of them."#), "\(deals.notes)")
            #expect(try await rows(database, "SELECT a.domain FROM opportunities o JOIN accounts a ON a.id = o.account_id") == [[.text("acme.example")], [.text("acme.example")]])
        }
    }

    /// Accounts and opportunities imported again: rows equal to what is stored are unchanged and write nothing.
    @Test(arguments: TestBackend.available)
    func accountsAndOpportunitiesImportedAgainAreUnchanged(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let accounts = "Account ID,Account Name,Website,Industry,Employees\nA1,Initech,https://initech.example,Software,120\nA2,Globex,globex.example,,\n"
            #expect(try await run(database, acme.scope, accounts, kind: .accounts).inserted == 2)
            let before = try await rows(database, "SELECT id, updated_at FROM accounts ORDER BY id")
            try await Task.sleep(for: .milliseconds(5))
            let again = try await run(database, acme.scope, accounts, kind: .accounts)
            #expect(again.unchanged == 2 && again.updated == 0, "\(again.message)")
            #expect(try await rows(database, "SELECT id, updated_at FROM accounts ORDER BY id") == before)
            let changed = try await run(database, acme.scope, accounts.replacingOccurrences(of: ",120", with: ",130"), kind: .accounts)
            #expect(changed.updated == 1 && changed.unchanged == 1)

            let deals = """
                Opportunity ID,Opportunity Name,Account ID,Stage,Amount,Close Date,Created Date,Won,Closed
                O1,Big,A1,Closed Won,"$5,000.00",2024-03-31,2024-01-15,true,true
                O2,Open,A2,Proposal,"$1,000.00",,2024-02-01,false,false

                """
            #expect(try await run(database, acme.scope, deals, kind: .opportunities).inserted == 2)
            let dealsAgain = try await run(database, acme.scope, deals, kind: .opportunities)
            #expect(dealsAgain.unchanged == 2 && dealsAgain.updated == 0, "\(dealsAgain.message)")
            let moved = try await run(database, acme.scope, deals.replacingOccurrences(of: "Proposal", with: "Negotiation"), kind: .opportunities)
            #expect(moved.updated == 1 && moved.unchanged == 1)
            #expect(try await rows(database, "SELECT stage FROM opportunities WHERE external_id = 'O2'") == [[.text("Negotiation")]])
            // A file with fewer columns changes only what it says: the amount, the account and the close date stay.
            let kept = try await rows(database, "SELECT amount_minor, account_id, closed_at FROM opportunities WHERE external_id = 'O1'")
            let partial = try await run(
                database, acme.scope, "Opportunity ID,Opportunity Name,Stage,Close Date,Created Date\nO1,Big renamed,Closed Won,,2024-01-15\n",
                kind: .opportunities)
            #expect(partial.updated == 1, "\(partial.message)")
            #expect(try await rows(database, "SELECT amount_minor, account_id, closed_at FROM opportunities WHERE external_id = 'O1'") == kept)
            #expect(try await rows(database, "SELECT name FROM opportunities WHERE external_id = 'O1'") == [[.text("Big renamed")]])
            // An account named in another case is the same account.
            let lowerName = try await run(
                database, acme.scope, "Opportunity ID,Opportunity Name,Account Name,Stage,Created Date\nO4,Lower,initech,Proposal,2024-02-01\n", kind: .opportunities)
            #expect(lowerName.notes.isEmpty, "\(lowerName.notes)")
            #expect(try await rows(database, "SELECT a.name FROM opportunities o JOIN accounts a ON a.id = o.account_id WHERE o.external_id = 'O4'") == [[.text("Initech")]])
            // A closed deal that never had a close date is said so.
            let undated = try await run(
                database, acme.scope, "Opportunity ID,Opportunity Name,Stage,Created Date\nO3,No date,Closed Won,2024-01-15\n", kind: .opportunities)
            #expect(undated.notes.contains { $0.hasPrefix("1 deal is closed without a close date (first: \"O3\")") }, "\(undated.notes)")
        }
    }

    /// A touch with only a referrer is classified by it (a social network is Organic Social), and the referrer is kept.
    @Test(arguments: TestBackend.available)
    func touchesAreClassifiedByTheirReferrer(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "contact_email,occurred_at,Referrer URL\nref@x.example,2024-05-01,https://www.linkedin.com/feed/\n"
            let report = try await run(database, acme.scope, file, kind: .touchpoints)
            #expect(report.inserted == 1, "\(report.message) \(report.problems)")
            #expect(try await rows(database, "SELECT channel, source, referrer FROM touchpoints") == [
                [.text("Organic Social"), .text("linkedin.com"), .text("https://www.linkedin.com/feed/")],
            ])
        }
    }

    /// A JSON Lines `traits` object gives one trait per member (numbers and booleans as written), not one string.
    @Test(arguments: TestBackend.available)
    func jsonLinesTraitObjectsAreFlattened(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let lines = #"{"email":"nd1@x.example","plan":"team","traits":{"Plan":"pro","seats":5,"trial":true,"tags":["a","b"]}}"# + "\n"
            let report = try await run(database, acme.scope, lines, kind: .contacts, file: "c.jsonl")
            #expect(report.inserted == 1, "\(report.message) \(report.problems)")
            let traits = try #require(try await rows(database, "SELECT traits FROM contacts").first?.first?.text)
            #expect(traits == #"{"plan":"team","seats":"5","tags":"[\"a\",\"b\"]","trial":"true"}"#, "\(traits)")
        }
    }

    /// The source's creation date is the contact's: importing it again with the other day order corrects it.
    @Test(arguments: TestBackend.available)
    func aCorrectedCreateDateIsWritten(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let file = "Email,Create Date\nd1@dt.example,03/04/2024\n"
            _ = try await run(database, acme.scope, file, kind: .contacts)
            let monthFirst = try await rows(database, "SELECT created_at FROM contacts")
            #expect(monthFirst == [[.integer(CalendarDate("2024-03-04")!.startMillis)]])
            let corrected = try await ImportService(database: database).run(
                acme.scope, .bytes(Array(file.utf8)), ImportRequest(kind: .contacts, fileName: "file.csv", dayOrder: .dayFirst))
            #expect(corrected.updated == 1 && corrected.unchanged == 0)
            #expect(try await rows(database, "SELECT created_at FROM contacts") == [[.integer(CalendarDate("2024-04-03")!.startMillis)]])
            #expect(try await ImportService(database: database).run(
                acme.scope, .bytes(Array(file.utf8)), ImportRequest(kind: .contacts, fileName: "file.csv", dayOrder: .dayFirst)).unchanged == 1)
        }
    }

    /// A company first met by name (a free-mail contact) and later with its domain is one account, whichever file comes first.
    @Test(arguments: TestBackend.available)
    func aCompanyMetByNameThenByDomainIsOneAccount(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            _ = try await run(database, acme.scope, "Email,First Name,Company Name\ndan@gmail.com,Dan,Initech\n", kind: .contacts)
            _ = try await run(database, acme.scope, "Email,First Name,Company Name\neve@initech.io,Eve,Initech\n", kind: .contacts)
            #expect(try await rows(database, "SELECT name, domain FROM accounts") == [[.text("Initech"), .text("initech.io")]])
            #expect(try await rows(database, "SELECT COUNT(DISTINCT account_id) FROM contacts") == [[.integer(1)]])
            // Within one import too, chunks apart (a chunk is 2,000 rows).
            var csv = "Email,First Name,Company Name\nzed@gmail.com,Zed,Globex\n"
            for index in 0..<2_100 { csv += "p\(index)@bulk.example,P,Bulk\n" }
            csv += "hank@globex.example,Hank,Globex\n"
            _ = try await run(database, acme.scope, csv, kind: .contacts)
            #expect(try await rows(database, "SELECT domain FROM accounts WHERE name = 'Globex'") == [[.text("globex.example")]])
        }
    }

    /// A first load into an empty workspace skips the database lookups of keys it has not written (see `ImportWriter`):
    /// a key repeated chunks apart, by email or by external id, still updates the contact it made, and a company named
    /// chunks apart is one account.
    @Test(arguments: TestBackend.available)
    func firstLoadFindsWhatItWroteChunksEarlier(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            var csv = "Email,Record ID,First Name,Company Name,Website\n"
            csv += "first@initech.example,9001,Ann,Initech,initech.example\n"
            csv += ",9002,Bo,Free Co,\n"
            for index in 0..<4_500 { csv += "person\(index)@bulk.example,\(index),P\(index),Bulk,bulk.example\n" }
            // Chunks later (a chunk is 2,000 rows): the same contacts again, by email and by external id.
            csv += "FIRST@initech.example,,Annie,Initech,initech.example\n"
            csv += ",9002,Bob,Free Co,\n"
            let report = try await run(database, acme.scope, csv, kind: .contacts)
            #expect(report.status == .succeeded && report.inserted == 4_502 && report.updated == 2, "\(report.message)")
            #expect(try await rows(database, "SELECT first_name FROM contacts WHERE email = 'first@initech.example'") == [[.text("Annie")]])
            #expect(try await rows(database, "SELECT first_name FROM contacts WHERE external_id = '9002'") == [[.text("Bob")]])
            #expect(try await rows(database, "SELECT COUNT(*) FROM accounts") == [[.integer(3)]])
            #expect(try await rows(database, "SELECT COUNT(DISTINCT account_id) FROM contacts WHERE email LIKE '%@bulk.example'") == [[.integer(1)]])
            // Imported again into the now non-empty workspace: every row is an update, nothing is duplicated.
            let again = try await run(database, acme.scope, csv, kind: .contacts)
            #expect(again.inserted == 0 && again.updated + again.unchanged == 4_504, "\(again.message)")
            #expect(try await rows(database, "SELECT COUNT(*) FROM contacts") == [[.integer(4_502)]])
        }
    }
}


@Suite struct LifecycleStageTests {
    @Test func crmStagesBecomeTheFunnelsStages() {
        #expect(LifecycleStage.normalize("marketingqualifiedlead") == "mql")
        #expect(LifecycleStage.normalize("Marketing Qualified Lead") == "mql")
        #expect(LifecycleStage.normalize(" SQL ") == "sql")
        #expect(LifecycleStage.normalize("salesqualifiedlead") == "sql")
        #expect(LifecycleStage.normalize("Customer") == "customer")
        #expect(LifecycleStage.normalize("Nurture – Q3") == "Nurture – Q3")
    }

}
