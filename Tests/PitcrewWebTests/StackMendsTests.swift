import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewStack
import PitcrewStore
import PitcrewTestSupport
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
            // The chain as shown is accepted as it is.
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["steps": steps]), as: UTF8.self)
            #expect(try await client.call(.put, "/api/v1/stack/approval-chain", token: owner, json: body).status == .ok)

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
}
