import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing
import Foundation
import SQLKit

@Suite struct ImportServiceTests {
    static let hubspot = """
        Record ID,First Name,Last Name,Email,Phone Number,Company Name,Country/Region,Job Title,Lifecycle Stage,Create Date,Favorite Color
        101,Ann,Lee,ann@acme.example,(415) 555-0132,Acme,United States,VP Marketing,lead,2026-01-05 10:00,blue
        102,Bo,"Park, Jr.",BO@Globex.example ,+44 20 7946 0958,Globex,UK,CMO,customer,2026-02-07,green
        103,Cy,Diaz,not-an-email,555,Initech,Narnia,Analyst,lead,2026-13-45,red

        """

    func count(_ database: Database, _ table: String) async throws -> Int64 {
        try await database.rawRead { raw in try await raw.rows("SELECT COUNT(*) FROM \(table)")[0][0].integer ?? -1 }
    }

    func run(_ service: ImportService, _ scope: AccessScope, _ text: String, kind: ImportKind?, file: String = "file.csv", dryRun: Bool = false,
             skip: Bool = false, mapping: ImportMapping? = nil) async throws -> ImportReport {
        try await service.run(scope, .bytes(Array(text.utf8)), ImportRequest(kind: kind, mapping: mapping, fileName: file, dryRun: dryRun, skipBadRows: skip))
    }

    @Test(arguments: TestBackend.available)
    func allOrNothingThenSkipBadRowsThenUpsert(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let failed = try await run(service, acme.scope, Self.hubspot, kind: .contacts)
            #expect(failed.status == .failed && failed.preset == "hubspot_contacts" && failed.rowsRead == 3 && failed.rowsBad == 1)
            #expect(failed.problems.map(\.description) == [
                #"row 4, column "Email" (email), value "not-an-email": is not an email address: missing @"#,
                #"row 4, column "Phone Number" (phone), value "555": is not a phone number: North American numbers need 10 digits"#,
                #"row 4, column "Create Date" (created_at), value "2026-13-45": is not a valid date: month 13 is out of range"#,
            ])
            #expect(try await count(database, "contacts") == 0)
            #expect(try await count(database, "accounts") == 0)

            let dry = try await run(service, acme.scope, Self.hubspot, kind: .contacts, dryRun: true, skip: true)
            #expect(dry.status == .validated && dry.inserted == 2 && dry.updated == 0)
            #expect(try await count(database, "contacts") == 0)

            let partial = try await run(service, acme.scope, Self.hubspot, kind: .contacts, skip: true)
            #expect(partial.status == .partial && partial.inserted == 2 && partial.rowsBad == 1)
            let rows = try await database.rawRead { raw in
                try await raw.rows("SELECT email, last_name, phone, country, traits, account_id FROM contacts ORDER BY email")
            }
            #expect(rows.map { $0[0] } == [.text("ann@acme.example"), .text("bo@globex.example")])
            #expect(rows[1][1] == .text("Park, Jr.") && rows[1][2] == .text("+442079460958") && rows[1][3] == .text("GB"))
            #expect(rows[0][4] == .text(#"{"favorite_color":"blue"}"#) && rows[0][5] != .null)
            #expect(try await count(database, "accounts") == 2)
            // Their emails and external ids are their identities (identify calls find them: see IdentityEdgeTests).
            let ann = try #require(try await ContactService(database: database).contacts(acme.scope, search: "ann@acme", after: nil).items.first)
            let identities = try await ContactService(database: database).contact(acme.scope, id: ann.id).identities
            #expect(identities.map { "\($0.kind):\($0.value)" } == ["email:ann@acme.example", "external_id:101"])

            let again = try await run(service, acme.scope, Self.hubspot.replacingOccurrences(of: "VP Marketing", with: "CMO"), kind: .contacts, skip: true)
            #expect(again.inserted == 0 && again.updated == 1 && again.unchanged == 1, "\(again.message)")
            #expect(try await count(database, "contacts") == 2)
            #expect(try await service.imports(acme.scope).map(\.status) == [.partial, .partial, .failed])
            // A person is not lost for a country nobody can place: imported without it, and the report says so.
            let atlantis = try await run(service, acme.scope, "Email,Country\nzed@atlantis.example,Atlantis\n", kind: .contacts)
            #expect(atlantis.status == .succeeded && atlantis.inserted == 1)
            #expect(atlantis.notes.contains(#"1 row gives a country that is not a country name or ISO 3166 code (first: "Atlantis"); imported without it."#), "\(atlantis.notes)")
            // Contact imports skip SQLite's foreign-key checks of their own rows; every other write is checked again after.
            await #expect(throws: (any Error).self) {
                try await database.rawTransaction { raw in
                    try await raw.run(
                        "INSERT INTO contacts (id, workspace_id, account_id, created_at, updated_at) VALUES (?, ?, ?, 0, 0)",
                        [.text(Identifier.make()), .text(acme.scope.workspace.id), .text(Identifier.make())])
                }
            }
        }
    }

    /// The file is read a chunk ahead of the writes: a bad row deep in a many-chunk file still stops everything (all or
    /// nothing), every bad row after it is still reported, and the counts are the file's.
    @Test(arguments: TestBackend.available)
    func badRowsManyChunksInStopEverything(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            var text = "email,first_name\n"
            for index in 0..<9_000 { text += (index == 5_000 || index == 8_999 ? "bad\(index)" : "p\(index)@example.com") + ",P\(index)\n" }
            let report = try await run(service, acme.scope, text, kind: .contacts)
            #expect(report.status == .failed && report.rowsRead == 9_000 && report.rowsBad == 2 && report.inserted == 0)
            #expect(report.problems.map(\.row) == [5_002, 9_001])
            #expect(try await count(database, "contacts") == 0)
            let skipped = try await run(service, acme.scope, text, kind: .contacts, skip: true)
            #expect(skipped.status == .partial && skipped.inserted == 8_998 && skipped.rowsBad == 2)
            #expect(try await count(database, "contacts") == 8_998)
        }
    }

    /// A known export given as another kind is refused before anything is written (a HubSpot contacts export imported as
    /// accounts wrote its record ids into the accounts' ids); a mapping naming columns the file lacks says so.
    @Test(arguments: TestBackend.available)
    func aKnownExportOfAnotherKindIsRefused(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let wrong = try await run(service, acme.scope, Self.hubspot, kind: .accounts)
            #expect(wrong.status == .failed && wrong.inserted == 0)
            #expect(wrong.problems.first?.reason.hasPrefix("this file looks like this known export: HubSpot contacts export") == true, "\(wrong.problems)")
            #expect(wrong.problems.first?.reason.contains("import it as contacts") == true)
            #expect(try await count(database, "accounts") == 0)

            // A HubSpot companies export is recognized as accounts, and refused as contacts.
            let companies = "Record ID,Company name,Company Domain Name,Industry,Number of Employees,Country/Region\n9001,Initech,initech.example,Software,120,Germany\n"
            let asContacts = try await run(service, acme.scope, companies, kind: .contacts)
            #expect(asContacts.status == .failed && asContacts.problems.first?.reason.contains("import it as accounts") == true, "\(asContacts.problems)")
            let asAccounts = try await run(service, acme.scope, companies, kind: nil)
            #expect(asAccounts.kind == .accounts && asAccounts.preset == "hubspot_companies" && asAccounts.inserted == 1, "\(asAccounts.message)")
            let account = try await database.rawRead { raw in try await raw.rows("SELECT name, domain, employees, country, external_id FROM accounts") }
            #expect(account == [[.text("Initech"), .text("initech.example"), .integer(120), .text("DE"), .text("9001")]])

            let mapping = try ImportMapping.load(jsonData: Data(#"{"kind":"contacts","columns":{"E-mail":"email","Kampagne":"traits.campaign"}}"#.utf8))
            let report = try await run(service, acme.scope, "E-mail,Name\nann@acme.example,Ann\n", kind: .contacts, mapping: mapping)
            #expect(report.inserted == 1 && report.notes.contains("The mapping names columns this file does not have, ignored: \"Kampagne\"."))
        }
    }

    /// The report says which day order dates were read in only when a date could be read both ways; messages say what
    /// happened once, and do not offer to import zero good rows.
    @Test(arguments: TestBackend.available)
    func theDayOrderNoteOnlyWhenADateReadsBothWays(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let iso = try await run(service, acme.scope, "email,created_at\na@x.example,2024-03-04\nb@x.example,05/05/2024\nc@x.example,13/02/2024\n", kind: .contacts, skip: true)
            #expect(iso.notes.isEmpty, "\(iso.notes)")
            let ambiguous = try await run(service, acme.scope, "email,created_at\nd@x.example,03/04/2024\n", kind: .contacts)
            #expect(ambiguous.notes.first?.hasPrefix("Numeric dates like 03/04/2024 were read month first") == true, "\(ambiguous.notes)")

            let noneGood = try await run(service, acme.scope, "email\nbad\n", kind: .contacts)
            #expect(noneGood.message == "1 of 1 rows have problems; nothing was imported.")
            let noneGoodSkipping = try await run(service, acme.scope, "email\nbad\n", kind: .contacts, skip: true)
            #expect(noneGoodSkipping.status == .failed && noneGoodSkipping.message.hasSuffix("none is good; nothing was imported."))
            // Summary rows are not good rows to offer.
            let report = "Day,Channel,Campaign,Cost\n2024-01-01,Paid Search,A,1.00\n2024-01-01,Paid Search,A,1.00\nTotal: Account,,,2.00\n"
            let offered = try await run(service, acme.scope, report, kind: .spend)
            #expect(offered.message.hasSuffix("(use skip bad rows to import the good row)."), "\(offered.message)")
            let unmapped = try await run(service, acme.scope, "Day,Campaign,Cost\n2024-01-01,X,1\n", kind: .spend)
            #expect(unmapped.message == "The file could not be imported; nothing was written." && unmapped.problems.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func brokenFileWritesNothingEvenWhenSkippingBadRows(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            var text = "email,first_name\n"
            for index in 0..<4_500 { text += "p\(index)@example.com,P\(index)\n" }
            text += "\"broken@example.com,Oops\n"
            let report = try await run(service, acme.scope, text, kind: .contacts, skip: true)
            #expect(report.status == .failed && report.inserted == 0)
            #expect(report.problems.first?.row == 4_502 && report.message.contains("Nothing was imported"))
            #expect(try await count(database, "contacts") == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func opportunitiesSpendAndTouchpointsFromKnownExports(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            _ = try await run(service, acme.scope, "Account Name,Website,Industry,Employees\nGlobex,https://www.globex.example,Energy,\"1,200\"\n", kind: .accounts)
            let opportunities = """
                Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Opportunity Currency,Close Date,Created Date,Won,Closed
                006A,Globex renewal,Globex,Closed Won,"12,500.50",EUR,3/31/2026,1/15/2026,true,true
                006B,Globex upsell,Globex,Negotiation,8000,USD,6/30/2026,2/1/2026,false,false

                """
            let report = try await run(service, acme.scope, opportunities, kind: nil)
            #expect(report.kind == .opportunities && report.preset == "salesforce_opportunities" && report.inserted == 2)
            let deals = try await database.rawRead { raw in
                try await raw.rows("SELECT external_id, amount_minor, currency, won, closed_at IS NOT NULL, account_id IS NOT NULL FROM opportunities ORDER BY external_id")
            }
            #expect(deals[0][1] == .integer(1_250_050) && deals[0][2] == .text("EUR") && deals[0][3].integer == 1 && deals[0][4].integer == 1)
            #expect(deals[1][4].integer == 0 && deals[0][5].integer == 1)

            let googleAds = """
                Day,Campaign,Currency code,Cost,Impr.,Clicks
                2026-03-01,Brand Search,USD,"1,234.56","10,000",420
                2026-03-02,Brand Search,USD,99.10,900,30

                """
            let spend = try await run(service, acme.scope, googleAds, kind: .spend)
            #expect(spend.preset == "google_ads_campaigns" && spend.inserted == 2)
            let rows = try await database.rawRead { raw in
                try await raw.rows("SELECT day, channel, cost_minor, impressions, clicks, source FROM spend ORDER BY day")
            }
            #expect(rows[0] == [.text("2026-03-01"), .text("Paid Search"), .integer(123_456), .integer(10_000), .integer(420), .text("google_ads")])
            // Re-importing the same report updates the same days.
            #expect(try await run(service, acme.scope, googleAds, kind: .spend).unchanged == 2)
            // LinkedIn's report begins with a preamble whose lines can hold a comma; the table starts at its header.
            let linkedIn = """
                Campaign Performance Report
                "Report Start: 3/1/2026, Report End: 3/2/2026"
                Date Generated: Mar 3, 2026
                Account: Acme, Inc. (508000000)
                Accounts: Acme, Inc., Acme Europe, Ltd.
                Start Date (in UTC),End Date (in UTC),Campaign Name,Campaign ID,Currency,Total Spent,Impressions,Clicks
                3/1/2026,3/1/2026,ABM Q1,1234,USD,150.25,5000,40
                3/2/2026,3/2/2026,ABM Q1,1234,USD,99.75,4000,31

                """
            let linked = try await run(service, acme.scope, linkedIn, kind: .spend)
            #expect(linked.preset == "linkedin_ads" && linked.inserted == 2, "\(linked.message) \(linked.problems)")
            // The history keeps what the import said about the file and its columns.
            let kept = try await service.report(acme.scope, id: linked.id)
            #expect(!linked.notes.isEmpty && kept.notes == linked.notes && !kept.columns.isEmpty && kept.columns == linked.columns)

            let touches = """
                {"occurred_at": "2026-04-02T15:00:00Z", "contact_email": "visitor@booth.example", "channel": "Events", "campaign": "SaaStr 2026"}
                {"occurred_at": "2026-04-03T09:30:00Z", "contact_email": "visitor@booth.example", "source": "newsletter", "medium": "email"}

                """
            let offline = try await run(service, acme.scope, touches, kind: .touchpoints, file: "booth.jsonl")
            #expect(offline.status == .succeeded && offline.inserted == 2)
            let stored = try await database.rawRead { raw in try await raw.rows("SELECT channel, offline FROM touchpoints ORDER BY occurred_at") }
            #expect(stored.map { $0[0] } == [.text("Events"), .text("Email")] && stored.allSatisfy { $0[1].integer == 1 })
        }
    }

    /// Salesforce ends a report with a footer of one-field lines (a blank one, the totals, its copyright, who ran it):
    /// skipped with a note, not bad rows. One-field lines a record follows are bad rows, as any broken record.
    @Test(arguments: TestBackend.available)
    func aReportsFooterIsSkippedAndSaidSo(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let leads = """
                "Lead ID","First Name","Last Name","Email","Company / Account","Lead Source"
                "00Q1","Ann","Lee","ann@acme.example","Acme","Web"
                "00Q2","Bo","Park","bo@globex.example","Globex","Event"
                ""
                "Grand Totals (2 records)"
                ""
                "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
                "Confidential Information - Do Not Distribute"
                "Generated By:  Mo Ops  11/24/2026 5:00 AM"
                "Acme, Inc."

                """
            let report = try await run(service, acme.scope, leads, kind: nil)
            #expect(report.status == .succeeded && report.inserted == 2 && report.rowsBad == 0, "\(report.message) \(report.problems)")
            #expect(report.notes.contains("Skipped the 7 line(s) of the report's footer at the end of the file (totals, copyright, who ran it)."))
            let broken = "Email,First Name\nann@acme.example,Ann\nTotal\nbo@globex.example,Bo\n"
            let failed = try await run(service, acme.scope, broken, kind: .contacts)
            #expect(failed.status == .failed && failed.rowsBad == 1 && failed.problems.first?.row == 3)
            // A last row of one field that is no footer's first line is a broken row, not a footer.
            let lastBroken = try await run(service, acme.scope, "Email,First Name\nann@acme.example,Ann\nTotalEnergies\n", kind: .contacts)
            #expect(lastBroken.status == .failed && lastBroken.rowsBad == 1 && lastBroken.notes.allSatisfy { !$0.contains("footer") })
        }
    }

    /// An import another process runs (the command line while the server shows the history) is running while that process
    /// lives, interrupted once it has died, and running "on" another host that cannot be asked.
    @Test(arguments: TestBackend.available)
    func importsOfOtherProcessesAreRunningWhileTheyLive(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let sleeper = Process()
            sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
            sleeper.arguments = ["60"]
            try sleeper.run()
            defer { sleeper.terminate() }
            let host = ProcessInfo.processInfo.hostName
            func startTime(_ pid: Int32) throws -> Substring {
                try #require(try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).split(separator: ")").last!.split(separator: " ")[19]
            }
            let started = try startTime(sleeper.processIdentifier), own = try startTime(ProcessInfo.processInfo.processIdentifier)
            let runners = [
                ("01a00000-0000-7000-8000-000000000001", "\(host) \(sleeper.processIdentifier) \(started)"),
                ("01a00000-0000-7000-8000-000000000002", "\(host) \(sleeper.processIdentifier) 1"),  // the id reused by another process
                ("01a00000-0000-7000-8000-000000000003", "elsewhere.example 4242 77"),
                ("01a00000-0000-7000-8000-000000000004", nil),
                // This process's own import that is not running (it failed without saying so): interrupted, not running.
                ("01a00000-0000-7000-8000-000000000005", "\(host) \(ProcessInfo.processInfo.processIdentifier) \(own)"),
            ]
            try await database.transaction { db in
                for (id, runner) in runners {
                    try await db.raw(
                        """
                        INSERT INTO imports (id, workspace_id, kind, file_name, status, dry_run, skip_bad_rows, created_at, runner)
                        VALUES (\(bind: id), \(bind: acme.workspace.id), 'contacts', 'big.csv', 'running', FALSE, FALSE, 1, \(bind: runner))
                        """
                    ).run()
                }
            }
            var reports: [ImportReport] = []
            for (id, _) in runners { reports.append(try await service.report(acme.scope, id: id)) }
            #expect(reports.map(\.status) == [.running, .failed, .running, .failed, .failed])
            #expect(reports[0].message.contains("Running in process \(sleeper.processIdentifier) on this host"))
            #expect(reports[1].message.hasPrefix("Interrupted (the process running it stopped") && reports[2].message.contains("elsewhere.example"))
        }
    }

    @Test(arguments: TestBackend.available)
    func explicitMappingFileAndViewersCannotImport(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let mapping = try ImportMapping.load(jsonData: Data(#"{"kind": "contacts", "columns": {"Correo": "email", "Nombre": "first_name", "Pais": "country"}, "delimiter": "semicolon"}"#.utf8))
            let report = try await run(service, acme.scope, "Correo;Nombre;Pais\nana@ejemplo.es;Ana;España\n", kind: .contacts, mapping: mapping)
            #expect(report.inserted == 1)
            #expect(try await database.rawRead { raw in try await raw.rows("SELECT country FROM contacts")[0][0] } == .text("ES"))
            await #expect(throws: PitcrewError.self) { _ = try await run(service, acme.scope(as: .viewer), Self.hubspot, kind: .contacts) }
        }
    }
}
