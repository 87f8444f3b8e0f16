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

            // Approving a request through the page: the owner is an admin, so the default chain's steps are theirs.
            let request = try await stack.purchases.create(scope, toolName: "Mutiny", toolID: nil, reason: "ABM", costMinor: 100, currency: "USD")
            _ = try await browser.post(client, "/martech/requests/\(request.id)/decide", form: "decision=approve&comment=ok")
            #expect(try await stack.purchases.request(scope, id: request.id).currentStep == 1)
            let reviews = try await browser.get(client, "/martech/reviews")
            #expect(reviews.text.contains("✓ MOps"))
        }
    }
}
