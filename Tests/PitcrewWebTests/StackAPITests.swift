import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewStack
import PitcrewStore
import PitcrewTestSupport
import Synchronization
import Testing

@testable import PitcrewWeb

/// Issue #5 through the HTTP API, on real SQLite and PostgreSQL.
@Suite struct StackAPITests {
    static func tool(_ client: any TestClientProtocol, _ token: String, _ json: String) async throws -> String {
        let response = try await client.call(.post, "/api/v1/stack/tools", token: token, json: json)
        #expect(response.status == .created, "\(response.text)")
        return response.object["id"] as? String ?? ""
    }

    @Test(arguments: TestBackend.available)
    func toolsContractsAndBadInput(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let id = try await Self.tool(
                client, token,
                #"{"name":"HubSpot","vendor":"HubSpot","website":"https://www.hubspot.com","category":"commerce_sales","subcategory":"marketing_automation","capabilities":["Email","forms","email"],"teams":["Demand Gen"],"business_owner":"Ana","playbook_links":["https://wiki.example.com/hubspot"]}"#)
            let shown = try await client.call(.get, "/api/v1/stack/tools/\(id)", token: token)
            #expect(shown.object["capabilities"] as? [String] == ["email", "forms"])
            #expect(shown.object["category_label"] as? String == "Commerce & Sales")
            #expect(shown.object["status"] as? String == "active")

            // Duplicate name: 409 naming the conflict.
            let duplicate = try await client.call(.post, "/api/v1/stack/tools", token: token, json: #"{"name":"HubSpot","category":"data"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.problemFields == ["name"])
            #expect((duplicate.object["errors"] as? [[String: Any]])?.first?["message"] as? String ?? "" == "A tool named HubSpot exists in this workspace (id \(id)); tool names are compared without case.")
            // Unknown category and subcategory, bad status, bad website: every field at once.
            let bad = try await client.call(
                .post, "/api/v1/stack/tools", token: token,
                json: #"{"name":"X","category":"magic","status":"zombie","website":"ftp://x","capabilities":[1]}"#)
            #expect(bad.status == .badRequest)
            #expect(Set(bad.problemFields) == ["capabilities[0]"])
            let bad2 = try await client.call(
                .post, "/api/v1/stack/tools", token: token, json: #"{"name":"X","category":"magic","status":"zombie","website":"ftp://x"}"#)
            #expect(Set(bad2.problemFields) == ["category", "status", "website"])
            let badSub = try await client.call(
                .post, "/api/v1/stack/tools", token: token, json: #"{"name":"X","category":"data","subcategory":"crm"}"#)
            #expect(badSub.problemFields == ["subcategory"])
            // Viewers cannot write.
            let viewer = try await client.call(.post, "/api/v1/stack/tools", token: fixture.tokensA[.viewer]!, json: #"{"name":"Y","category":"data"}"#)
            #expect(viewer.status == .forbidden)

            // Contracts: decision date = end − notice; annual cost from the billing period.
            let contract = try await client.call(
                .post, "/api/v1/stack/tools/\(id)/contracts", token: token,
                json: #"{"amount_minor":800000,"currency":"usd","billing_period":"monthly","seats":25,"start_date":"2026-01-01","end_date":"2026-12-31","auto_renew":true,"notice_days":60,"sla_uptime_percent":"99.9"}"#)
            #expect(contract.status == .created, "\(contract.text)")
            #expect(contract.object["decision_date"] as? String == "2026-11-01")
            #expect(contract.object["annual_cost_minor"] as? Int == 9_600_000)
            #expect(contract.object["currency"] as? String == "USD")
            #expect(contract.object["sla_uptime_percent"] as? String == "99.90")
            let backwards = try await client.call(
                .post, "/api/v1/stack/tools/\(id)/contracts", token: token,
                json: #"{"amount_minor":-5,"billing_period":"annual","start_date":"2026-05-01","end_date":"2026-01-01","sla_uptime_percent":"101"}"#)
            #expect(backwards.status == .badRequest)
            #expect(Set(backwards.problemFields) == ["amount_minor", "end_date", "sla_uptime_percent"])
            // Numbers that would overflow the reports are refused, not stored (one would have crashed the server).
            let huge = try await client.call(
                .post, "/api/v1/stack/tools/\(id)/contracts", token: token,
                json: #"{"amount_minor":1000000000000000000,"billing_period":"monthly","seats":1000000000000,"start_date":"2026-01-01","end_date":"2026-12-31","sla_uptime_percent":"100000000000000000"}"#)
            #expect(huge.status == .badRequest)
            #expect(Set(huge.problemFields) == ["amount_minor", "seats", "sla_uptime_percent"])
            let history = try await client.call(.get, "/api/v1/stack/tools/\(id)/contracts", token: token)
            #expect(history.items.count == 1)
            // An auto-renewing contract rolls into its next term: due again a year later.
            let rolled = try await client.call(.get, "/api/v1/stack/renewals?today=2027-09-01", token: token)
            #expect(rolled.items.first?["decision_date"] as? String == "2027-11-01")
            #expect(rolled.items.first?["end_date"] as? String == "2027-12-31")
            #expect(try await client.call(.get, "/api/v1/stack/alert-settings", token: fixture.tokensA[.viewer]!).status == .forbidden)

            // Renewals in the next 120 days, as of a given day.
            let renewals = try await client.call(.get, "/api/v1/stack/renewals?today=2026-08-01", token: token)
            #expect(renewals.items.count == 1)
            #expect(renewals.items.first?["days_to_decision"] as? Int == 92)
            #expect(try await client.call(.get, "/api/v1/stack/renewals?today=2026-06-01", token: token).items.isEmpty)

            // PATCH: absent fields stay, null clears; DELETE.
            let patched = try await client.call(.patch, "/api/v1/stack/tools/\(id)", token: token, json: #"{"status":"retiring","vendor":null}"#)
            #expect(patched.object["status"] as? String == "retiring")
            #expect(patched.object["vendor"] == nil)
            #expect(patched.object["website"] as? String == "https://www.hubspot.com")
            let audit = try await fixture.services.access.auditLog(fixture.a.scope, page: PageRequest(limit: 50)).items.map(\.action)
            #expect(audit.contains("tool.update") && audit.contains("contract.create") && audit.contains("tool.create"))
            #expect(try await client.call(.delete, "/api/v1/stack/tools/\(id)", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/stack/tools/\(id)/contracts", token: token).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func utilizationOverlapAndConsolidation(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let outreach = try await Self.tool(
                client, token, #"{"name":"Outreach","category":"commerce_sales","subcategory":"sales_engagement","capabilities":["sequences","dialer"]}"#)
            let salesloft = try await Self.tool(
                client, token, #"{"name":"Salesloft","category":"commerce_sales","subcategory":"sales_engagement","capabilities":["sequences","dialer"]}"#)
            let unused = try await Self.tool(client, token, #"{"name":"Drift","category":"social_relationships","subcategory":"conversational"}"#)
            for (tool, amount, seats) in [(outreach, 1_200_000, 10), (salesloft, 600_000, 5), (unused, 300_000, 3)] {
                let created = try await client.call(
                    .post, "/api/v1/stack/tools/\(tool)/contracts", token: token,
                    json: #"{"amount_minor":\#(amount),"billing_period":"annual","seats":\#(seats),"start_date":"2026-01-01","end_date":"2026-12-31"}"#)
                #expect(created.status == .created)
            }
            // Activity CSV (semicolons, quoted, a BOM): 4 users in Outreach, 2 in Salesloft (1 shared), one stale.
            var csv = "\u{FEFF}Tool;User Email;Last Login;Feature\n"
            csv += "Outreach;a@x.com;2026-06-25;sequences\nOutreach;b@x.com;2026-06-20;sequences\nOutreach;c@x.com;2026-05-10;dialer\n"
            csv += "outreach;\"d@x.com\";2026-06-29;\nSalesloft;a@x.com;2026-06-28;\nSalesloft;e@x.com;2025-01-01;\n"
            let dry = try await client.call(
                .post, "/api/v1/stack/usage/import?dry_run=true", token: token, json: csv, headers: [.contentType: "text/csv"])
            #expect(dry.object["inserted"] as? Int == 6)
            #expect(dry.object["committed"] as? Bool == false)
            let imported = try await client.call(.post, "/api/v1/stack/usage/import", token: token, json: csv, headers: [.contentType: "text/csv"])
            #expect(imported.status == .ok, "\(imported.text)")
            #expect(imported.object["inserted"] as? Int == 6)
            // Again: nothing new; a later date updates.
            let again = try await client.call(
                .post, "/api/v1/stack/usage", token: token, json: #"{"rows":[{"tool":"Outreach","user":"A@X.com","last_active":"2026-06-30","feature":"sequences"}]}"#)
            #expect(again.object["updated"] as? Int == 1)
            #expect(again.object["inserted"] as? Int == 0)
            // Bad rows: all-or-nothing names row and column; skip_bad_rows keeps the good one.
            let badCSV = "tool,user,last_active\nNope,z@x.com,2026-06-01\nOutreach,not-an-email,2026-06-01\nOutreach,f@x.com,yesterday-ish\nOutreach,g@x.com,2026-06-02\n"
            let rejected = try await client.call(.post, "/api/v1/stack/usage/import", token: token, json: badCSV, headers: [.contentType: "text/csv"])
            #expect(rejected.status == .unprocessableContent)
            let problems = rejected.object["problems"] as? [[String: Any]] ?? []
            #expect(problems.map { "\($0["row"]!):\($0["column"]!)" } == ["2:tool", "3:user", "4:last_active"])
            let skipped = try await client.call(
                .post, "/api/v1/stack/usage/import?skip_bad_rows=true", token: token, json: badCSV, headers: [.contentType: "text/csv"])
            #expect(skipped.object["inserted"] as? Int == 1)
            #expect(skipped.object["skipped"] as? Int == 3)
            let broken = try await client.call(
                .post, "/api/v1/stack/usage/import", token: token, json: "tool,user,last_active\n\"Outreach,a@x.com,2026-06-01\n",
                headers: [.contentType: "text/csv"])
            #expect(broken.status == .badRequest)

            let usage = try await client.call(.get, "/api/v1/stack/utilization?today=2026-07-01", token: token)
            let byTool = Dictionary(uniqueKeysWithValues: usage.items.map { ($0["tool_id"] as! String, $0) })
            // Outreach: 10 seats, users a b c d g active in 90 days; a b d g in 30 (c: 52 days ago).
            #expect(byTool[outreach]?["active90"] as? Int == 5)
            #expect(byTool[outreach]?["active30"] as? Int == 4)
            #expect(byTool[outreach]?["unused_seats"] as? Int == 5)
            #expect(byTool[outreach]?["unused_cost"] as? Int == 600_000)
            #expect(byTool[outreach]?["cost_per_active_user"] as? Int == 240_000)
            #expect((byTool[outreach]?["features"] as? [String: Int]) == ["sequences": 2, "dialer": 1])
            #expect(byTool[unused]?["active90"] as? Int == 0)
            #expect(byTool[unused]?["unused_cost"] as? Int == 300_000)

            let report = try await client.call(.get, "/api/v1/stack/consolidation?today=2026-07-01", token: token)
            let overlaps = report.object["overlaps"] as? [[String: Any]] ?? []
            #expect(overlaps.count == 1)
            #expect(overlaps.first?["key"] as? String == "sales_engagement")
            #expect(overlaps.first?["shared_users"] as? Int == 1)
            let candidates = report.object["consolidation_candidates"] as? [[String: Any]] ?? []
            #expect(candidates.count == 1)
            #expect(candidates.first?["tool_id"] as? String == salesloft)
            #expect(candidates.first?["keep_tool_id"] as? String == outreach)
            #expect(candidates.first?["annual_savings"] as? Int == 600_000)
            let retire = report.object["retirement_candidates"] as? [[String: Any]] ?? []
            #expect(retire.map { $0["tool_id"] as? String } == [unused])
            #expect(retire.first?["reason"] as? String == "no recorded activity")

            let overview = try await client.call(.get, "/api/v1/stack/overview?today=2026-07-01", token: token)
            #expect(overview.object["total_annual_cost"] as? Int == 2_100_000)
            #expect(overview.object["unused_licence_spend"] as? Int == 600_000 + 300_000 + 480_000)
            #expect(overview.object["consolidation_savings"] as? Int == 600_000)
            #expect((overview.object["tools_by_status"] as? [String: Int])?["active"] == 3)
            #expect((overview.object["annual_cost_by_team"] as? [String: Int])?["Unassigned"] == 2_100_000)
            let categories = overview.object["categories"] as? [[String: Any]] ?? []
            #expect(categories.count == 6)
            #expect(categories.first { $0["key"] as? String == "commerce_sales" }?["annual_cost"] as? Int == 1_800_000)
        }
    }

    @Test(arguments: TestBackend.available)
    func integrationsImpactAndCycles(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let hubspot = try await Self.tool(client, token, #"{"name":"HubSpot","category":"commerce_sales"}"#)
            let salesforce = try await Self.tool(client, token, #"{"name":"Salesforce","category":"commerce_sales"}"#)
            let gong = try await Self.tool(client, token, #"{"name":"Gong","category":"commerce_sales"}"#)
            let looker = try await Self.tool(client, token, #"{"name":"Looker","category":"data"}"#)
            let ads = try await Self.tool(client, token, #"{"name":"Google Ads","category":"advertising_promotion"}"#)
            func link(_ source: String, _ target: String, _ extra: String) async throws -> String {
                let response = try await client.call(
                    .post, "/api/v1/stack/integrations", token: token,
                    json: #"{"source_tool_id":"\#(source)","target_tool_id":"\#(target)",\#(extra)}"#)
                #expect(response.status == .created, "\(response.text)")
                return response.object["id"] as? String ?? ""
            }
            _ = try await link(hubspot, salesforce, #""objects":["contacts","leads"],"direction":"two_way","cadence":"real_time""#)
            _ = try await link(salesforce, gong, #""objects":["contacts"]"#)
            _ = try await link(gong, looker, #""objects":["contacts","calls"]"#)
            _ = try await link(ads, hubspot, #""objects":["spend"]"#)
            _ = try await link(hubspot, looker, #""objects":["events"],"status":"planned""#)
            // A cycle back into HubSpot is allowed.
            _ = try await link(looker, hubspot, #""objects":["contacts"]"#)
            let same = try await client.call(
                .post, "/api/v1/stack/integrations", token: token, json: #"{"source_tool_id":"\#(hubspot)","target_tool_id":"\#(hubspot)"}"#)
            #expect(same.problemFields == ["target_tool_id"])
            let twice = try await client.call(
                .post, "/api/v1/stack/integrations", token: token, json: #"{"source_tool_id":"\#(gong)","target_tool_id":"\#(looker)"}"#)
            #expect(twice.status == .conflict)
            // Campaigns that use HubSpot.
            let segment = try await Self.tool(client, token, #"{"name":"Segment","category":"data"}"#)
            _ = try await link(segment, looker, #""objects":["calls"]"#)
            #expect(
                try await client.call(
                    .put, "/api/v1/campaigns/\(fixture.campaignA.id)/tools", token: token, json: #"{"tool_ids":["\#(hubspot)"]}"#
                ).status == .noContent)

            let impact = try await client.call(.get, "/api/v1/stack/tools/\(hubspot)/impact", token: token)
            #expect(impact.status == .ok)
            let tools = (impact.object["downstream_tools"] as? [[String: Any]] ?? []).map { ($0["tool_id"] as! String, $0["objects_lost"] as! [String]) }
            #expect(tools.map(\.0) == [salesforce, gong, looker])
            #expect(tools.first { $0.0 == looker }?.1 == ["contacts"])  // events only on a planned integration
            #expect(impact.object["objects_stopped"] as? [String] == ["contacts", "leads"])
            #expect(impact.object["in_cycle"] as? Bool == true)
            let relations = (impact.object["integrations"] as? [[String: Any]] ?? []).map { $0["relation"] as! String }
            #expect(relations.filter { $0 == "inbound" }.count == 2)  // Google Ads and Looker lose their destination
            #expect(relations.filter { $0 == "outbound" }.count == 2)
            #expect(relations.filter { $0 == "downstream" }.count == 2)  // Salesforce → Gong, Gong → Looker
            #expect((impact.object["campaigns"] as? [[String: Any]])?.first?["name"] as? String == "Alpha launch")
            // A tool at the end of the flow breaks nothing downstream.
            // Data that reaches only HubSpot stops there.
            let leaf = try await client.call(.get, "/api/v1/stack/tools/\(ads)/impact", token: token)
            #expect((leaf.object["downstream_tools"] as? [[String: Any]])?.map { $0["tool_id"] as? String } == [hubspot])
            #expect(leaf.object["objects_stopped"] as? [String] == ["spend"])
            let gongImpact = try await client.call(.get, "/api/v1/stack/tools/\(gong)/impact", token: token)
            // Looker still gets calls from Segment: only contacts stop (and, through Looker, at HubSpot and Salesforce).
            #expect((gongImpact.object["objects_stopped"] as? [String]) == ["contacts"])
            let lookerLoss = (gongImpact.object["downstream_tools"] as? [[String: Any]])?.first { $0["tool_id"] as? String == looker }
            #expect(lookerLoss?["objects_lost"] as? [String] == ["contacts"])

            // The map page draws every tool and marks the cycle.
            let snapshot = try await fixture.services.stack.reports.snapshot(fixture.a.scope)
            #expect(snapshot.cycleIntegrationIDs().count == 5)  // all but Ads → HubSpot and Segment → Looker; planned ones count
        }
    }

    @Test(arguments: TestBackend.available)
    func renewalAlertsUptimeAndWebhooks(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let admin = fixture.tokensA[.admin]!
            let vendor = FakeVendor()
            try await vendor.run { port in
                let tool = try await Self.tool(client, token, #"{"name":"Marketo","category":"commerce_sales"}"#)
                _ = try await client.call(
                    .post, "/api/v1/stack/tools/\(tool)/contracts", token: token,
                    json: #"{"amount_minor":100,"billing_period":"annual","start_date":"2026-01-01","end_date":"2026-12-31","notice_days":30}"#)
                // Webhook on loopback: refused until an admin allows the host.
                #expect(
                    try await client.call(.put, "/api/v1/stack/alert-settings", token: admin, json: #"{"webhook_url":"http://127.0.0.1:\#(port)/hook"}"#)
                        .status == .ok)
                #expect(try await client.call(.put, "/api/v1/stack/alert-settings", token: token, json: #"{"webhook_url":null}"#).status == .forbidden)

                // Decision date 2026-12-01. 130 days before: nothing; 100 days: the 120-day alert; 95: nothing new; 20: the 30-day one.
                let alerts = fixture.services.stack.alerts
                #expect(try await alerts.scanRenewals(today: CalendarDate("2026-07-24")!) == 0)
                #expect(try await alerts.scanRenewals(today: CalendarDate("2026-08-23")!) == 1)
                #expect(try await alerts.scanRenewals(today: CalendarDate("2026-08-28")!) == 0)
                #expect(try await alerts.scanRenewals(today: CalendarDate("2026-11-11")!) == 1)
                let inApp = try await client.call(.get, "/api/v1/stack/alerts", token: token)
                #expect(inApp.items.count == 2)
                #expect(inApp.items.allSatisfy { ($0["created_at"] as? String).flatMap(Timestamp.parseISO8601) != nil && $0["read_at"] is NSNull })
                #expect((inApp.items.first?["title"] as? String ?? "").hasPrefix("Marketo: decide by 2026-12-01 (100 days)"))

                // Delivery goes through the queue: blocked (loopback) → retried, not lost.
                let jobs = fixture.services.jobs
                try await jobs.runDue()
                #expect(vendor.webhooks.isEmpty)
                let failed = try await fixture.database.read { db in try await JobQueue.counts(db, kindPrefix: "notify.") }
                #expect(failed["pending"] == 2)
                #expect(try await client.call(.put, "/api/v1/stack/allowed-hosts", token: token, json: #"{"host":"127.0.0.1"}"#).status == .forbidden)
                #expect(try await client.call(.put, "/api/v1/stack/allowed-hosts", token: admin, json: #"{"host":"127.0.0.1"}"#).status == .ok)
                try await jobs.runDue(now: Timestamp.now() + 3_600_000)
                #expect(vendor.webhooks.count == 2)
                #expect(vendor.webhooks.allSatisfy { $0.contains(#""event":"renewal.due""#) && $0.contains(#""tool":"Marketo""#) })

                // Uptime: a check against the fake status page; up, then down (incident opens), then up (closes).
                let check = try await client.call(
                    .post, "/api/v1/stack/tools/\(tool)/checks", token: token,
                    json: #"{"url":"http://127.0.0.1:\#(port)/status","interval_seconds":60,"timeout_ms":2000}"#)
                #expect(check.status == .created, "\(check.text)")
                let checkID = check.object["id"] as? String ?? ""
                let hours = Mutex(1)
                func tick() async throws {
                    let later = Timestamp.now() + hours.withLock { $0 += 1; return Int64($0) } * 3_600_000
                    try await fixture.services.stack.uptime.scheduleDue(now: later)
                    try await jobs.runDue(now: later)
                }
                try await tick()
                vendor.statusCode.store(503, ordering: .relaxed)
                try await tick()
                var incidents = try await client.call(.get, "/api/v1/stack/incidents", token: token)
                #expect(incidents.items.count == 1)
                #expect(incidents.items.first?["closed_at"] == nil || incidents.items.first?["closed_at"] is NSNull)
                #expect(incidents.items.first?["cause"] as? String == "expected status 200, got 503")
                vendor.statusCode.store(200, ordering: .relaxed)
                try await tick()
                incidents = try await client.call(.get, "/api/v1/stack/incidents", token: token)
                #expect((incidents.items.first?["closed_at"] as? String).flatMap(Timestamp.parseISO8601) != nil)
                #expect((incidents.items.first?["opened_at"] as? String).flatMap(Timestamp.parseISO8601) != nil)
                let results = try await client.call(.get, "/api/v1/stack/checks/\(checkID)/results", token: token)
                #expect(results.items.map { $0["up"] as? Bool } == [true, false, true])
                #expect(results.items.allSatisfy { ($0["checked_at"] as? String).flatMap(Timestamp.parseISO8601) != nil })
                // Paused: not run again; changing it validates like creating it.
                let paused = try await client.call(.patch, "/api/v1/stack/checks/\(checkID)", token: token, json: #"{"enabled":false}"#)
                #expect(paused.object["enabled"] as? Bool == false)
                try await tick()
                #expect(try await client.call(.get, "/api/v1/stack/checks/\(checkID)/results", token: token).items.count == 3)
                #expect(
                    try await client.call(.patch, "/api/v1/stack/checks/\(checkID)", token: token, json: #"{"interval_seconds":5}"#).problemFields
                        == ["interval_seconds"])
                let overview = try await client.call(.get, "/api/v1/stack/overview", token: token)
                let uptime = (overview.object["uptime"] as? [[String: Any]])?.first
                #expect(uptime?["uptime7"] as? Int == 6_666)
                #expect(vendor.webhooks.contains { $0.contains("incident.opened") } && vendor.webhooks.contains { $0.contains("incident.closed") })

                // An unreachable target is recorded as down with its cause, not as Pitcrew's error.
                let closed = try await client.call(
                    .post, "/api/v1/stack/tools/\(tool)/checks", token: token, json: #"{"url":"http://127.0.0.1:1/","timeout_ms":1000}"#)
                try await fixture.services.stack.uptime.run(checkID: closed.object["id"] as? String ?? "")
                let down = try await client.call(.get, "/api/v1/stack/checks/\(closed.object["id"] as? String ?? "")/results", token: token)
                #expect(down.items.first?["up"] as? Bool == false)
                #expect((down.items.first?["error"] as? String ?? "").contains("could not be reached"))
                // Loopback and private addresses are refused without the admin's allowance.
                for url in ["http://localhost:8080/", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest/meta-data"] {
                    let refused = try await client.call(.post, "/api/v1/stack/tools/\(tool)/checks", token: token, json: #"{"url":"\#(url)"}"#)
                    #expect(refused.problemFields == ["url"], "\(url)")
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func alertEmailsGoThroughTheQueueToAnSMTPServer(backend: TestBackend) async throws {
        let smtp = FakeSMTPServer()
        try await smtp.run { port in
            let config = SMTPConfiguration(url: "smtp://alerts%40northwind.example:s3cret@127.0.0.1:\(port)?from=alerts@northwind.example")!
            try await TestApp.with(backend) { client, fixture in
                let admin = fixture.tokensA[.admin]!
                let bad = try await client.call(.put, "/api/v1/stack/alert-settings", token: admin, json: #"{"emails":["ops@x.com","nope"]}"#)
                #expect(bad.problemFields == ["emails[1]"])
                let set = try await client.call(.put, "/api/v1/stack/alert-settings", token: admin, json: #"{"emails":["Ops@Northwind.example"]}"#)
                #expect(set.object["emails"] as? [String] == ["ops@northwind.example"])
                let tool = try await Self.tool(client, admin, #"{"name":"Hotjar — Pro ✓","category":"content_experience"}"#)
                _ = try await client.call(
                    .post, "/api/v1/stack/tools/\(tool)/contracts", token: admin,
                    json: #"{"amount_minor":50000,"billing_period":"monthly","start_date":"2026-01-01","end_date":"2026-12-31","notice_days":30}"#)
                #expect(try await fixture.services.stack.alerts.scanRenewals(today: CalendarDate("2026-11-01")!) == 1)
                // The server's runner sends with its SMTP configuration.
                let runner = JobRunner(
                    database: fixture.database, handlers: fixture.services.stack.jobHandlers(database: fixture.database, smtp: config))
                try await runner.runDue()
                let message = try #require(smtp.messages.withLock { $0.first })
                #expect(message.contains("To: ops@northwind.example"))
                #expect(message.contains("Subject: =?UTF-8?B?"))  // non-ASCII subject, encoded
                let body = message.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
                let text = String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
                #expect(text.contains("Hotjar — Pro ✓: decide by 2026-12-01 (30 days)"))
                let commands = smtp.commands.withLock { $0 }
                #expect(commands.contains("MAIL FROM:<alerts@northwind.example>") && commands.contains("RCPT TO:<ops@northwind.example>"))
                #expect(commands.contains("AUTH PLAIN " + Data("\0alerts@northwind.example\0s3cret".utf8).base64EncodedString()))
                // The same threshold is not raised twice; every job has finished.
                #expect(try await fixture.services.stack.alerts.scanRenewals(today: CalendarDate("2026-11-25")!) == 0)
                let counts = try await fixture.database.read { db in try await JobQueue.counts(db, kindPrefix: "notify.") }
                #expect(counts["dead"] == nil && counts["pending"] == nil)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func reviewsAndPurchaseApprovals(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let owner = fixture.tokensA[.owner]!
            let tool = try await Self.tool(client, token, #"{"name":"Clearbit","category":"data","subcategory":"data_enrichment"}"#)
            let started = try await client.call(.post, "/api/v1/stack/tools/\(tool)/reviews", token: token, json: #"{"kind":"privacy"}"#)
            #expect(started.items.count == ReviewService.templates["privacy"]!.count)
            let item = started.items[0]["id"] as? String ?? ""
            let closeWithoutReviewer = try await client.call(.patch, "/api/v1/stack/reviews/\(item)", token: token, json: #"{"status":"passed"}"#)
            #expect(closeWithoutReviewer.problemFields == ["reviewer"])
            let answered = try await client.call(
                .patch, "/api/v1/stack/reviews/\(item)", token: token,
                json: #"{"status":"passed","reviewer":"Sam (Legal)","answer":"Firmographics only","evidence_url":"https://trust.example.com/dpa","next_review_date":"2027-06-01"}"#)
            #expect(answered.object["status"] as? String == "passed")
            #expect(try await client.call(.post, "/api/v1/stack/tools/\(tool)/reviews", token: token, json: #"{"kind":"vibes"}"#).problemFields == ["kind"])

            // Chain: MOps (the marketer's user… here the owner) then Finance (any admin).
            let chain = try await client.call(
                .put, "/api/v1/stack/approval-chain", token: owner,
                json: #"{"steps":[{"name":"MOps","approver_user_ids":["\#(fixture.a.owner.id)"]},{"name":"Finance"}]}"#)
            #expect(chain.status == .ok, "\(chain.text)")
            let badChain = try await client.call(
                .put, "/api/v1/stack/approval-chain", token: owner, json: #"{"steps":[{"name":"X","approver_user_ids":["\#(fixture.b.owner.id)"]}]}"#)
            #expect(badChain.problemFields == ["steps[0].approver_user_ids[0]"])
            let request = try await client.call(
                .post, "/api/v1/stack/requests", token: token,
                json: #"{"tool_name":"6sense","reason":"Intent data for ABM","cost_minor":4500000,"currency":"USD"}"#)
            #expect(request.status == .created)
            let id = request.object["id"] as? String ?? ""
            // The MOps step names a user: a token (even an admin's) may not decide it; the owner signed in as a user may.
            let notApprover = try await client.call(.post, "/api/v1/stack/requests/\(id)/decisions", token: fixture.tokensA[.admin]!, json: #"{"decision":"approve"}"#)
            #expect(notApprover.status == .forbidden)
            let userScope = fixture.a.scope
            var decided = try await fixture.services.stack.purchases.decide(userScope, id: id, approve: true, comment: "Fits the plan")
            #expect(decided.currentStep == 1 && decided.status == "pending")
            let marketerNo = try await client.call(.post, "/api/v1/stack/requests/\(id)/decisions", token: token, json: #"{"decision":"approve"}"#)
            #expect(marketerNo.status == .forbidden)
            let finance = try await client.call(
                .post, "/api/v1/stack/requests/\(id)/decisions", token: fixture.tokensA[.admin]!, json: #"{"decision":"approve","comment":"Budgeted"}"#)
            #expect(finance.object["status"] as? String == "approved")
            #expect((finance.object["decisions"] as? [[String: Any]])?.map { $0["step_name"] as? String } == ["MOps", "Finance"])
            // Times are ISO 8601, as everywhere in the API.
            #expect((finance.object["created_at"] as? String).flatMap(Timestamp.parseISO8601) != nil)
            #expect((finance.object["decisions"] as? [[String: Any]])?.allSatisfy { ($0["at"] as? String).flatMap(Timestamp.parseISO8601) != nil } == true)
            let late = try await client.call(.post, "/api/v1/stack/requests/\(id)/decisions", token: owner, json: #"{"decision":"reject"}"#)
            #expect(late.status == .conflict)
            let audit = try await fixture.services.access.auditLog(fixture.a.scope, page: PageRequest(limit: 50)).items.map(\.action)
            #expect(audit.filter { $0 == "purchase_request.approve" }.count == 2)
            decided = try await fixture.services.stack.purchases.request(userScope, id: id)
            #expect(decided.decisions.first?.comment == "Fits the plan")
        }
    }

    @Test(arguments: TestBackend.available)
    func stackAsCode(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let a = try await Self.tool(
                client, token,
                #"{"name":"HubSpot \"Pro\"","category":"commerce_sales","subcategory":"crm","capabilities":["email"],"teams":["Ops","Sales"],"notes":"Line one\nline: two # not a comment"}"#)
            let b = try await Self.tool(client, token, #"{"name":"Looker","category":"data","status":"evaluating"}"#)
            _ = try await Self.tool(client, token, #"{"name":"Odd\u2028Name","category":"data","notes":"tab\there, DEL \u007f, C1 \u0085, =SUM(A1)"}"#)
            _ = try await client.call(
                .post, "/api/v1/stack/tools/\(a)/contracts", token: token,
                json: #"{"amount_minor":123456,"billing_period":"quarterly","seats":7,"start_date":"2026-01-01","end_date":"2026-12-31","auto_renew":true,"notice_days":45,"sla_uptime_percent":"99.95","notes":"PO 17"}"#)
            _ = try await client.call(
                .post, "/api/v1/stack/integrations", token: token, json: #"{"source_tool_id":"\#(a)","target_tool_id":"\#(b)","objects":["contacts"]}"#)
            let export = try await client.call(.get, "/api/v1/stack/export", token: token)
            #expect(export.status == .ok)
            let yaml = export.text
            // Applying the export of the same workspace: no changes.
            let plan = try await client.call(.post, "/api/v1/stack/apply", token: token, json: yaml, headers: [.contentType: "application/yaml"])
            #expect(plan.status == .ok, "\(plan.text)")
            #expect(plan.object["changes"] as? [String] == [])
            // Onto another workspace: everything is created; then it too is stable.
            let other = try await client.call(.post, "/api/v1/stack/apply?dry_run=true", token: fixture.tokenB, json: yaml, headers: [.contentType: "application/yaml"])
            #expect((other.object["changes"] as? [String])?.count == 5)
            #expect(other.object["applied"] as? Bool == false)
            #expect(try await fixture.services.stack.tools.tools(fixture.b.scope).isEmpty)
            _ = try await client.call(.post, "/api/v1/stack/apply", token: fixture.tokenB, json: yaml, headers: [.contentType: "application/yaml"])
            let exportB = try await client.call(.get, "/api/v1/stack/export", token: fixture.tokenB)
            #expect(exportB.text.split(separator: "\n").dropFirst() == yaml.split(separator: "\n").dropFirst())

            // A change: a plan that names it; the tool absent from the file is kept and reported.
            let edited = yaml.replacingOccurrences(of: "status: evaluating", with: "status: active")
                .replacingOccurrences(of: "\"Ops\", \"Sales\"", with: "\"Ops\"")
            let changed = try await client.call(.post, "/api/v1/stack/apply?dry_run=true", token: token, json: edited, headers: [.contentType: "application/yaml"])
            #expect(changed.object["changes"] as? [String] == ["~ tool HubSpot \"Pro\": teams", "~ tool Looker: status evaluating → active"])
            // A dry run asked for as query strings often write it writes nothing either; a flag that is no yes or no is refused.
            let numeric = try await client.call(.post, "/api/v1/stack/apply?dry_run=1", token: token, json: edited, headers: [.contentType: "application/yaml"])
            #expect(numeric.object["changes"] as? [String] == changed.object["changes"] as? [String])
            let still = try await client.call(.post, "/api/v1/stack/apply?dry_run=true", token: token, json: edited, headers: [.contentType: "application/yaml"])
            #expect(still.object["changes"] as? [String] == changed.object["changes"] as? [String])  // nothing was applied
            let maybe = try await client.call(.post, "/api/v1/stack/apply?dry_run=maybe", token: token, json: edited, headers: [.contentType: "application/yaml"])
            #expect(maybe.status == .badRequest && maybe.problemFields == ["dry_run"])

            // Malformed YAML: line and column. A bad value: the path and position; nothing half-applied.
            let malformed = try await client.call(
                .post, "/api/v1/stack/apply", token: token, json: "tools:\n  - name: \"X\n    category: data\n", headers: [.contentType: "application/yaml"])
            #expect(malformed.status == .badRequest)
            #expect(((malformed.object["errors"] as? [[String: Any]])?.first?["message"] as? String ?? "").hasPrefix("line "))
            let half = "tools:\n  - name: New One\n    category: data\n  - name: Broken\n    category: nonsense\nintegrations: []\n"
            let rejected = try await client.call(.post, "/api/v1/stack/apply", token: token, json: half, headers: [.contentType: "application/yaml"])
            #expect(rejected.status == .badRequest)
            #expect(rejected.problemFields == ["tools[1].category (line 4, column 5)"])
            #expect(try await fixture.services.stack.tools.tools(fixture.a.scope).count == 3)
            // A file that lists only Looker leaves HubSpot's integration alone unless it names HubSpot (or prunes).
            let partial = "tools:\n  - name: Odd tool\n    category: data\nintegrations: []\n"
            let kept = try await client.call(.post, "/api/v1/stack/apply?dry_run=true", token: token, json: partial, headers: [.contentType: "application/yaml"])
            #expect(kept.object["changes"] as? [String] == ["+ tool Odd tool"])
            let unknown = try await client.call(
                .post, "/api/v1/stack/apply", token: token, json: "tools:\n  - name: A\n    category: data\n    colour: red\n",
                headers: [.contentType: "application/yaml"])
            #expect(unknown.problemFields == ["tools[0].colour (line 4, column 5)"])

            // CSV export and apply (tools only).
            let csv = try await client.call(.get, "/api/v1/stack/export?format=csv", token: token)
            #expect(csv.text.hasPrefix("name,vendor,website,category"))
            let csvPlan = try await client.call(.post, "/api/v1/stack/apply", token: token, json: csv.text, headers: [.contentType: "text/csv"])
            #expect(csvPlan.object["changes"] as? [String] == [])
            let csvNew = try await client.call(
                .post, "/api/v1/stack/apply", token: token, json: "name,category,teams\nAirtable,management,Ops;PMO\n", headers: [.contentType: "text/csv"])
            #expect(csvNew.object["changes"] as? [String] == ["+ tool Airtable"])
            #expect(try await fixture.services.stack.tools.tools(fixture.a.scope).first { $0.name == "Airtable" }?.teams == ["Ops", "PMO"])
        }
    }
}
