import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewStack
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

/// The MarTech pages, signed in through the real sign-in form.
@Suite struct StackPagesTests {
    @Test(arguments: TestBackend.available)
    func pagesShowTheStackEscapedAndDrawTheMap(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let stack = fixture.services.stack
            let scope = fixture.a.scope
            var input = ToolInput()
            input.name = .set("<script>alert(1)</script> CRM")
            input.category = .set("commerce_sales")
            let crm = try await stack.tools.createTool(scope, input)
            input.name = .set("Warehouse")
            input.category = .set("data")
            let warehouse = try await stack.tools.createTool(scope, input)
            var link = IntegrationInput()
            link.sourceToolID = .set(crm.id)
            link.targetToolID = .set(warehouse.id)
            link.objects = .set(["contacts"])
            _ = try await stack.tools.createIntegration(scope, link)
            link.sourceToolID = .set(warehouse.id)
            link.targetToolID = .set(crm.id)
            _ = try await stack.tools.createIntegration(scope, link)
            var contract = ContractInput()
            contract.amountMinor = .set(1_200_000)
            contract.billingPeriod = .set("annual")
            let today = CalendarDate(millis: Timestamp.now())
            contract.startDate = .set(today.adding(days: -300).description)
            contract.endDate = .set(today.adding(days: 60).description)
            contract.noticeDays = .set(30)
            _ = try await stack.tools.createContract(scope, toolID: crm.id, contract)

            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let overview = try await browser.get(client, "/martech")
            #expect(overview.status == .ok)
            #expect(!overview.text.contains("<script>alert(1)"))
            #expect(overview.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; CRM"))
            #expect(overview.text.contains("Annual cost by category") && overview.text.contains("<svg class=\"chart\""))
            #expect(overview.text.contains("$12,000"))
            let map = try await browser.get(client, "/martech/map")
            #expect(map.text.contains("2 tools, 2 integrations, 2 of them on a cycle"))
            #expect(map.text.components(separatedBy: "class=\"edge active cycle\"").count == 3)
            #expect(!map.text.contains("<script>alert"))
            let page = try await browser.get(client, "/martech/tools/\(crm.id)")
            #expect(page.status == .ok && page.text.contains("If it were retired") && page.text.contains("Warehouse"))
            let renewals = try await browser.get(client, "/martech/renewals")
            #expect(renewals.text.contains(today.adding(days: 30).description))
            #expect(try await browser.get(client, "/martech/tools/\(fixture.campaignA.id)").status == .notFound)

            // Adding a tool through the form; a duplicate shows the conflict.
            let added = try await browser.post(client, "/martech/tools", form: "name=Figma&category=content_experience&status=active")
            #expect(added.status == .seeOther || added.status == .found)
            let duplicate = try await browser.post(client, "/martech/tools", form: "name=Figma&category=content_experience&status=active")
            #expect(duplicate.status == .badRequest && duplicate.text.contains("A tool named Figma exists"))

            // Contracts, integrations, checks and reviews through the tool page's forms; problems are shown on the page.
            let form = "amount=12%2C000.50&currency=EUR&billing_period=annual&seats=5&start_date=2026-01-01&end_date=2026-12-31&notice_days=45&auto_renew=on"
            let saved = try await browser.post(client, "/martech/tools/\(warehouse.id)/contracts", form: form)
            #expect(saved.status == .seeOther || saved.status == .found)
            let contracts = try await stack.tools.contracts(scope, toolID: warehouse.id)
            #expect(contracts.map(\.amount) == [Money(minorUnits: 1_200_050, currency: "EUR")] && contracts.first?.autoRenew == true)
            let backwards = try await browser.post(
                client, "/martech/tools/\(warehouse.id)/contracts", form: "amount=10&billing_period=annual&start_date=2026-05-01&end_date=2026-01-01")
            #expect(backwards.status == .badRequest && backwards.text.contains("must not be before start_date"))
            let notAmount = try await browser.post(
                client, "/martech/tools/\(warehouse.id)/contracts", form: "amount=lots&billing_period=annual&start_date=2026-01-01&end_date=2026-02-01")
            #expect(notAmount.status == .badRequest && notAmount.text.contains("amount"))
            _ = try await browser.post(client, "/martech/tools/\(warehouse.id)/reviews", form: "kind=compliance")
            #expect(try await stack.reviews.items(scope, toolID: warehouse.id).count == ReviewService.templates["compliance"]!.count)
            let privateCheck = try await browser.post(client, "/martech/tools/\(warehouse.id)/checks", form: "url=http%3A%2F%2F10.0.0.1%2F")
            #expect(privateCheck.status == .badRequest && privateCheck.text.contains("private or loopback"))
            let figma = try await stack.tools.tools(scope).first { $0.name == "Figma" }!
            _ = try await browser.post(client, "/martech/tools/\(warehouse.id)/integrations", form: "direction=inbound&other=\(figma.id)&objects=assets&cadence=weekly")
            #expect(try await stack.tools.integrations(scope).contains { $0.sourceToolID == figma.id && $0.targetToolID == warehouse.id })
            let withEuro = try await browser.get(client, "/martech")
            #expect(withEuro.text.contains("Background jobs") && withEuro.text.contains("1 live contract is in another currency than USD"))

            // Approving a request through the page: the owner is an admin, so the default chain's steps are theirs.
            let request = try await stack.purchases.create(scope, toolName: "Mutiny", toolID: nil, reason: "ABM", costMinor: 100, currency: "USD")
            _ = try await browser.post(client, "/martech/requests/\(request.id)/decide", form: "decision=approve&comment=ok")
            #expect(try await stack.purchases.request(scope, id: request.id).currentStep == 1)
            let reviews = try await browser.get(client, "/martech/reviews")
            #expect(reviews.text.contains("✓ MOps"))
        }
    }
}
