import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewStack
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@testable import PitcrewWeb

/// What a new-user test of the MarTech area found, through the API and the pages.
@Suite struct StackMendsTests {
    @Test(arguments: TestBackend.available)
    func retiredToolsContractsAndInputs(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            let id = try await StackAPITests.tool(client, token, #"{"name":"Typeform","category":"content_experience"}"#)
            let contract = try await client.call(
                .post, "/api/v1/stack/tools/\(id)/contracts", token: token,
                json: #"{"amount_minor":120000,"billing_period":"annual","start_date":"2026-01-07","end_date":"2027-01-06","auto_renew":true,"notice_days":30}"#)
            #expect(contract.status == .created)
            // Retiring the tool does not cancel the contract: it still renews, so it stays on the renewal calendar and is flagged.
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(id)", token: token, json: #"{"status":"retired"}"#).status == .ok)
            let renewals = try await client.call(.get, "/api/v1/stack/renewals?today=2026-11-23", token: token)
            #expect(renewals.items.map { $0["tool_id"] as? String } == [id])
            let report = try await client.call(.get, "/api/v1/stack/consolidation?today=2026-11-23", token: token)
            let flagged = (report.object["retirement_candidates"] as? [[String: Any]] ?? []).first { $0["tool_id"] as? String == id }
            #expect((flagged?["reason"] as? String)?.contains("renews automatically") == true)

            // A notice period longer than the term would put the decision before the contract starts.
            let tooLong = try await client.call(
                .post, "/api/v1/stack/tools/\(id)/contracts", token: token,
                json: #"{"amount_minor":100,"billing_period":"annual","start_date":"2026-01-01","end_date":"2026-02-01","notice_days":700}"#)
            #expect(tooLong.status == .badRequest && tooLong.problemFields == ["notice_days"])

            // The page's contract form reads amounts in the currency's own minor units and refuses junk.
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let other = try await StackAPITests.tool(client, token, #"{"name":"Sansan","category":"commerce_sales"}"#)
            let yen = try await browser.post(
                client, "/martech/tools/\(other)/contracts", form: "amount=1000000&currency=JPY&billing_period=annual&start_date=2026-01-01&end_date=2026-12-31")
            #expect(yen.status == .seeOther || yen.status == .found)
            let stored = try await client.call(.get, "/api/v1/stack/tools/\(other)/contracts", token: token)
            #expect(stored.items.first?["amount_minor"] as? Int == 1_000_000 && stored.items.first?["currency"] as? String == "JPY")
            for junk in ["amount=12abc", "amount=1e5", "amount=100&notice_days=abc"] {
                let refused = try await browser.post(
                    client, "/martech/tools/\(other)/contracts", form: junk + "&currency=USD&billing_period=annual&start_date=2026-01-01&end_date=2026-12-31")
                #expect(refused.status == .badRequest, "\(junk)")
            }

            // Dismissing an alert for everyone takes a role that may write.
            let alert = Identifier.make()
            #expect(try await client.call(.post, "/api/v1/stack/alerts/\(alert)/read", token: fixture.tokensA[.viewer]).status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/stack/alerts/\(alert)/read", token: token).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func whatTheAPIShowsCanBeSentBack(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let owner = fixture.tokensA[.owner]!
            let set = try await client.call(
                .put, "/api/v1/stack/approval-chain", token: owner, json: #"{"steps":[{"name":"Finance","approver_user_ids":["\#(fixture.a.owner.id)"]}]}"#)
            #expect(set.status == .ok)
            let shown = try await client.call(.get, "/api/v1/stack/approval-chain", token: owner)
            let steps = try #require(shown.object["items"] as? [[String: Any]])
            #expect(steps.first?["approver_user_ids"] as? [String] == [fixture.a.owner.id])
            // The chain as shown is accepted as it is, steps alone or the whole answer of GET.
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["steps": steps]), as: UTF8.self)
            #expect(try await client.call(.put, "/api/v1/stack/approval-chain", token: owner, json: body).status == .ok)
            #expect(try await client.call(.put, "/api/v1/stack/approval-chain", token: owner, json: shown.text).status == .ok)
            let both = String(decoding: try JSONSerialization.data(withJSONObject: ["steps": steps, "items": steps]), as: UTF8.self)
            #expect(try await client.call(.put, "/api/v1/stack/approval-chain", token: owner, json: both).problemFields == ["items"])

            let token = fixture.tokensA[.marketer]!
            for name in ["Marketo", "Pardot"] {
                _ = try await StackAPITests.tool(
                    client, token, #"{"name":"\#(name)","category":"commerce_sales","subcategory":"marketing_automation"}"#)
            }
            let report = try await client.call(.get, "/api/v1/stack/consolidation", token: token)
            let overlap = try #require((report.object["overlaps"] as? [[String: Any]])?.first)
            #expect((overlap["tool_ids"] as? [String])?.count == 2 && overlap["tool_i_ds"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func namesListsReviewsAndApproversWhoLeft(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]!
            // Tool names are one name in any case ("HubSpot" and "hubspot" would be two rows a usage file cannot tell apart).
            let hubspot = try await StackAPITests.tool(client, token, #"{"name":"HubSpot","category":"data"}"#)
            let clash = try await client.call(.post, "/api/v1/stack/tools", token: token, json: #"{"name":"hubspot","category":"data"}"#)
            #expect(clash.status == .conflict && clash.problemFields == ["name"])
            let other = try await StackAPITests.tool(client, token, #"{"name":"Segment","category":"data"}"#)
            let rename = try await client.call(.patch, "/api/v1/stack/tools/\(other)", token: token, json: #"{"name":"HUBSPOT"}"#)
            #expect(rename.status == .conflict)
            // In any alphabet (SQLite's lower() folds only ASCII; the database keeps a Unicode-folded key).
            let studio = try await StackAPITests.tool(client, token, #"{"name":"Émail Studio","category":"content_experience"}"#)
            let accented = try await client.call(.post, "/api/v1/stack/tools", token: token, json: #"{"name":"émail studio","category":"data"}"#)
            #expect(accented.status == .conflict && accented.problemFields == ["name"])
            #expect(try await client.call(.delete, "/api/v1/stack/tools/\(studio)", token: token).status == .noContent)
            // A tool whose name differed only in case from an older one before names were keyed (migration 0007 gave it
            // its key and its id): it can still be edited, and its name still cannot be taken again once the older is renamed.
            let twin = Identifier.make()
            try await fixture.database.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO tools (id, workspace_id, name, category, status, created_at, updated_at, name_key)
                    VALUES (\(bind: twin), \(bind: fixture.a.workspace.id), 'HUBSPOT', 'data', 'active', 0, 0, \(bind: "hubspot#" + twin))
                    """
                ).run()
            }
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(twin)", token: token, json: #"{"notes":"legacy"}"#).status == .ok)
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(hubspot)", token: token, json: #"{"name":"HubSpot CRM"}"#).status == .ok)
            let taken = try await client.call(.post, "/api/v1/stack/tools", token: token, json: #"{"name":"Hubspot","category":"data"}"#)
            #expect(taken.status == .conflict && taken.problemFields == ["name"])
            #expect(try await client.call(.delete, "/api/v1/stack/tools/\(twin)", token: token).status == .noContent)
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(hubspot)", token: token, json: #"{"name":"HubSpot"}"#).status == .ok)
            // Changing the case of a tool's own name is fine.
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(hubspot)", token: token, json: #"{"name":"Hubspot"}"#).status == .ok)

            // Stack as code matches names the same way: "hubspot" in a file is the workspace's "Hubspot" (renamed to the
            // file's case), and a file naming one tool twice in two cases is refused.
            let yaml = "tools:\n  - name: hubspot\n    category: data\n"
            let applied = try await client.call(.post, "/api/v1/stack/apply", token: token, json: yaml, headers: [.contentType: "application/yaml"])
            #expect(applied.status == .ok && applied.object["changes"] as? [String] == ["~ tool hubspot: name Hubspot → hubspot"])
            let twice = try await client.call(
                .post, "/api/v1/stack/apply?dry_run=true", token: token, json: yaml + "  - name: HUBSPOT\n    category: data\n",
                headers: [.contentType: "application/yaml"])
            #expect(twice.status == .badRequest)
            #expect(try await client.call(.patch, "/api/v1/stack/tools/\(hubspot)", token: token, json: #"{"name":"Hubspot"}"#).status == .ok)

            // The list of tools pages with limit and cursor, oldest first; a tool deleted between pages moves nothing.
            for name in ["Asana", "Bynder", "Canva"] { _ = try await StackAPITests.tool(client, token, #"{"name":"\#(name)","category":"content_experience"}"#) }
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/api/v1/stack/tools?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                #expect(page.status == .ok && page.items.count <= 2)
                names += page.items.compactMap { $0["name"] as? String }
                cursor = page.object["next_cursor"] as? String
                if names.count == 4, let last = page.items.last?["id"] as? String {
                    #expect(try await client.call(.delete, "/api/v1/stack/tools/\(last)", token: token).status == .noContent)
                }
            } while cursor != nil
            #expect(names == ["Hubspot", "Segment", "Asana", "Bynder", "Canva"])
            #expect(try await client.call(.get, "/api/v1/stack/tools?limit=0", token: token).problemFields == ["limit"])

            // Starting a review twice does not double its checklist; an answered item keeps its answer.
            let first = try await client.call(.post, "/api/v1/stack/tools/\(hubspot)/reviews", token: token, json: #"{"kind":"security"}"#)
            #expect(first.status == .created)
            let firstItems = first.items
            #expect(firstItems.allSatisfy { ($0["updated_at"] as? String).flatMap(Timestamp.parseISO8601) != nil })
            let answered = try #require(firstItems.first?["id"] as? String)
            #expect(try await client.call(.patch, "/api/v1/stack/reviews/\(answered)", token: token, json: #"{"answer":"Yes, SOC 2 Type II","reviewer":"Dana","status":"passed"}"#).status == .ok)
            // Nothing new to ask: 200, not 201.
            #expect(try await client.call(.post, "/api/v1/stack/tools/\(hubspot)/reviews", token: token, json: #"{"kind":"security"}"#).status == .ok)
            let extra = try await client.call(
                .post, "/api/v1/stack/tools/\(hubspot)/reviews", token: token, json: #"{"kind":"security","questions":["Is SSO enforced?","is sso ENFORCED?"]}"#)
            #expect(extra.status == .created)
            let checklist = try await client.call(.get, "/api/v1/stack/tools/\(hubspot)/reviews", token: token)
            #expect(checklist.items.count == firstItems.count + 1)
            #expect(checklist.items.first { $0["id"] as? String == answered }?["status"] as? String == "passed")

            // A purchase request whose approver left the workspace: an admin decides the step, so it is not stuck.
            let approver = try await fixture.services.access.createUser(
                email: "finance@example.com", name: "Finance", password: "correct horse battery", actor: .system("test"))
            _ = try await fixture.services.access.setMember(fixture.a.scope, email: approver.email, role: .marketer)
            let owner = fixture.tokensA[.owner]!
            let chain = try await client.call(
                .put, "/api/v1/stack/approval-chain", token: owner, json: #"{"steps":[{"name":"Finance","approver_user_ids":["\#(approver.id)"]}]}"#)
            #expect(chain.status == .ok)
            let request = try await client.call(
                .post, "/api/v1/stack/requests", token: token, json: #"{"tool_name":"Gong","reason":"Call recording","cost_minor":1200000}"#)
            let requestID = try #require(request.object["id"] as? String)
            // While the approver is a member, only they decide.
            let early = try await client.call(.post, "/api/v1/stack/requests/\(requestID)/decisions", token: owner, json: #"{"decision":"approve"}"#)
            #expect(early.status == .forbidden)
            try await fixture.services.access.removeMember(fixture.a.scope, userID: approver.id)
            // A marketer still may not; an admin now may.
            #expect(try await client.call(.post, "/api/v1/stack/requests/\(requestID)/decisions", token: token, json: #"{"decision":"approve"}"#).status == .forbidden)
            // An admin's token may not (an override is a person's decision); the owner, signed in, may.
            #expect(try await client.call(.post, "/api/v1/stack/requests/\(requestID)/decisions", token: owner, json: #"{"decision":"approve"}"#).status == .forbidden)
            // The chain no longer lists them (a step with none left is an admin's), so it can be sent back as shown.
            let shown = try await client.call(.get, "/api/v1/stack/approval-chain", token: owner)
            #expect((shown.items.first?["approver_user_ids"] as? [String]) == [])
            #expect(try await client.call(.put, "/api/v1/stack/approval-chain", token: owner, json: shown.text).status == .ok)
            let decided = try await fixture.services.stack.purchases.decide(fixture.a.scope, id: requestID, approve: true, comment: "Finance left")
            #expect(decided.status == "approved")
            let audit = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id", [.text(requestID)])
            }
            #expect(audit.last?.first == .text("purchase_request.override_approve"))
        }
    }
}
