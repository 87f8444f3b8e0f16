import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewDemo
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

/// Regression tests for defects found in review.
@Suite struct ReviewFixTests {
    @Test(arguments: TestBackend.available)
    func hugeBudgetsAreAValidationErrorNotACrash(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let response = try await browser.post(client, "/campaigns", form: "name=Huge&budget=100000000000000000")
            #expect(response.status == .badRequest && response.text.contains("Budget must be a whole number"))
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func signInNeverRedirectsOffSite(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            let page = try await client.call(.get, "/login")
            let token = try #require(cookieValue(page.cookies["pitcrew_login_csrf"]))
            for next in ["%2F%09%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example", "%2F%0D%0ALocation%3A%20x"] {
                let response = try await client.call(
                    .post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "pitcrew_login_csrf=\(token)"],
                    body: "_csrf=\(token)&next=\(next)&email=alpha-owner%40example.com&password=correct+horse+battery")
                #expect(response.headers[.location] == "/", "next=\(next)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func tokensAreLimitedByTheirCreatorsCurrentRole(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let access = fixture.services.access
            _ = try await access.createUser(email: "ada@example.com", name: "Ada", password: "a long password", actor: .system("test"))
            let ada = try #require(try await access.user(email: "ada@example.com"))
            _ = try await access.setMember(fixture.a.scope, email: "ada@example.com", role: .admin)
            let adaScope = AccessScope(workspace: fixture.a.workspace, actor: .user(id: ada.id), role: .admin)
            let token = try await access.createToken(adaScope, name: "ada", role: .admin).secret
            #expect(try await client.call(.get, "/api/v1/tokens", token: token).status == .ok)
            _ = try await access.setMember(fixture.a.scope, email: "ada@example.com", role: .viewer)
            #expect(try await client.call(.get, "/api/v1/tokens", token: token).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/campaigns", token: token).status == .ok)
            try await access.removeMember(fixture.a.scope, userID: ada.id)
            #expect(try await client.call(.get, "/api/v1/campaigns", token: token).status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func removedFromTheCurrentWorkspaceFallsBackToAnother(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            _ = try await fixture.services.access.setMember(fixture.b.scope, email: "alpha-owner@example.com", role: .marketer)
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            #expect(try await browser.post(client, "/workspace", form: "slug=beta").status == .seeOther)
            try await fixture.services.access.removeMember(fixture.b.scope, userID: fixture.a.owner.id)
            let home = try await browser.get(client, "/")
            #expect(home.status == .ok && home.text.contains("Workspace alpha"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aSignedInUserCanStillUseTheSignInForm(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let page = try await client.call(.get, "/login", headers: browser.cookie)
            let token = try #require(cookieValue(page.cookies["pitcrew_login_csrf"]))
            let response = try await client.call(
                .post, "/login",
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "pitcrew_session=\(browser.session); pitcrew_login_csrf=\(token)"],
                body: "_csrf=\(token)&email=alpha-owner%40example.com&password=correct+horse+battery")
            #expect(response.status == .seeOther)
        }
    }

    @Test(arguments: TestBackend.available)
    func theDemoNeverReplacesARealWorkspace(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            _ = try await SeededWorkspace.make(access, slug: "demo")
            var options = DemoOptions()
            options.contacts = 10
            do {
                _ = try await DemoGenerator(database: database, access: access, campaigns: CampaignService(database: database)).generate(options)
                Issue.record("expected a conflict")
            } catch let error as PitcrewError {
                #expect(error.kind == .conflict)
            }
            #expect(try await access.workspace(slug: "demo")?.name == "Workspace demo")
        }
    }

    @Test(arguments: TestBackend.available)
    func uniqueViolationsAreConflicts(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let seeded = try await SeededWorkspace.make(access, slug: "taken")
            var duplicate = seeded.workspace
            duplicate.id = Identifier.make()
            let copy = duplicate
            do {
                try await database.transaction { db in try await TenancyStore.insertWorkspace(db, copy) }
                Issue.record("expected a conflict")
            } catch let error as PitcrewError {
                #expect(error.kind == .conflict)
            }
        }
    }

    @Test func postgresURLsDecodePasswordsOnce() throws {
        let url = try PostgresURL("postgres://app:50%25off@db.internal/x")
        #expect(url.password == "50%off")
    }
}
