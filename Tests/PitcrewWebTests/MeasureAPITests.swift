import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewDemo
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

@Suite struct MeasureAPITests {
    static func demo(_ fixture: Fixture) async throws -> (Workspace, String) {
        var options = DemoOptions()
        options.contacts = 300
        options.eventsPerContact = 5
        options.slug = "demo"
        options.ownerEmail = "alpha-owner@example.com"
        options.ownerPassword = "correct horse battery"
        let demo = try await DemoGenerator(database: fixture.database, access: fixture.services.access, campaigns: fixture.services.campaigns)
            .generate(options)
        let scope = AccessScope(workspace: demo.workspace, actor: .system("test"), role: .owner)
        let token = try await fixture.services.access.createToken(scope, name: "analyst", role: .analyst).secret
        return (demo.workspace, token)
    }

    @Test(arguments: TestBackend.available)
    func attributionAndFunnelEndpoints(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let (_, token) = try await Self.demo(fixture)
            let response = try await client.call(.get, "/api/v1/attribution?models=last_touch,markov&conversion=opportunity_created&unit=account", token: token)
            #expect(response.status == .ok, "\(response.text)")
            let body = response.object
            #expect(body["models"] as? [String] == ["last_touch", "markov"])
            let rows = body["rows"] as? [[String: Any]] ?? []
            #expect(rows.contains { $0["model"] as? String == "markov" && $0["removal_effect"] != nil })
            #expect(rows.contains { $0["cost_minor"] != nil && $0["roi"] != nil })
            let totals = body["totals"] as? [String: Any] ?? [:]
            #expect((totals["conversions"] as? Int ?? 0) > 0 && (totals["cost_minor"] as? Int ?? 0) > 0)

            // Seeded bootstrap intervals: the same seed gives the same bounds, and they bracket the estimate.
            let query = "/api/v1/attribution?models=markov&conversion=opportunity_created&unit=account&bootstrap=20&seed=7"
            let first = try await client.call(.get, query, token: token).object["rows"] as? [[String: Any]] ?? []
            let second = try await client.call(.get, query, token: token).object["rows"] as? [[String: Any]] ?? []
            let withInterval = first.filter { $0["conversions_low"] != nil }
            #expect(!withInterval.isEmpty)
            #expect(withInterval.map { $0["conversions_low"] as? Double } == second.filter { $0["conversions_low"] != nil }.map { $0["conversions_low"] as? Double })
            #expect(try await client.call(.get, "/api/v1/attribution?bootstrap=1", token: token).problemFields == ["bootstrap"])

            let funnel = try await client.call(.get, "/api/v1/funnels", token: token)
            #expect(funnel.status == .ok)
            #expect((funnel.object["steps"] as? [[String: Any]])?.count == 6)

            // Viewers may not run analyses; bad parameters are named.
            #expect(try await client.call(.get, "/api/v1/attribution", token: fixture.tokensA[.viewer]).status == .forbidden)
            let bad = try await client.call(
                .get, "/api/v1/attribution?models=magic&unit=planet&conversion=maybe&from=yesterday&lookback_days=x&order=9", token: token)
            #expect(bad.status == .badRequest && Set(bad.problemFields) == ["models", "unit", "conversion", "from", "lookback_days", "order"])
            let badFunnel = try await client.call(.get, "/api/v1/funnels?steps=stage:lead,event:X", token: token)
            #expect(badFunnel.status == .badRequest && badFunnel.problemFields == ["steps"])
        }
    }

    @Test(arguments: TestBackend.available)
    func analyticsPagesRenderChartsAndTables(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            // The demo's owner is alpha-owner, so the switcher offers the demo workspace.
            _ = try await Self.demo(fixture)
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            #expect(try await browser.post(client, "/workspace", form: "slug=demo").status == .seeOther)
            let page = try await browser.get(client, "/analytics?model=markov&conversion=opportunity_created")
            #expect(page.status == .ok)
            #expect(page.text.contains("Attributed conversions by channel · markov") && page.text.contains("<svg"))
            // The conversions offered are the workspace's own events; one a link names that has none yet is offered too.
            #expect(page.text.contains(#"<option value="event:Webinar Attended""#) && page.text.contains(#"<option value="event:Email Clicked""#))
            let demoID = try #require(try await fixture.database.rawRead { raw in try await raw.rows("SELECT id FROM workspaces WHERE slug = 'demo'") }.first?[0].text)
            try await fixture.database.rawTransaction { raw in
                try await raw.run(
                    "INSERT INTO events (id, workspace_id, message_id, type, name, occurred_at, received_at) VALUES (?, ?, 'own-1', 'track', 'Quote Accepted', 1, 1)",
                    [.text(Identifier.make()), .text(demoID)])
            }
            #expect(try await browser.get(client, "/analytics?model=markov").text.contains(#"<option value="event:Quote Accepted""#))
            let named = try await browser.get(client, "/analytics?conversion=event:Trial%20Started")
            #expect(named.text.contains(#"<option value="event:Trial Started" selected"#))
            #expect(page.text.contains("Model comparison") && page.text.contains("ROAS"))
            // Deals created are pipeline, not revenue; won deals are revenue.
            #expect(page.text.contains(">Pipeline</th>") && page.text.contains(">Pipeline ROI</th>") && !page.text.contains(">Revenue</th>"))
            let won = try await browser.get(client, "/analytics?model=last_touch&conversion=won")
            #expect(won.text.contains(">Revenue</th>") && won.text.contains(">ROI</th>"))
            let bad = try await browser.get(client, "/analytics?from=nonsense")
            #expect(bad.status == .badRequest && bad.text.contains("from"))
            let funnel = try await browser.get(client, "/analytics/funnel")
            #expect(funnel.status == .ok && funnel.text.contains("Monthly cohorts") && funnel.text.contains("<svg"))
            let events = try await browser.get(client, "/analytics/funnel?steps=event:Page%20Viewed,event:Email%20Clicked")
            #expect(events.status == .ok && events.text.contains("Page Viewed"))
        }
    }
}
