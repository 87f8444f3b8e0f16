import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

/// A browser session driven through the router: keeps the cookies the server sets.
struct BrowserSession {
    var session: String
    var csrf: String

    /// Signs in through the real login form (double-submit CSRF cookie, bcrypt check, session cookie).
    static func signIn(_ client: any TestClientProtocol, email: String, password: String = "correct horse battery") async throws -> BrowserSession {
        let page = try await client.call(.get, "/login")
        let loginCSRF = try #require(cookieValue(page.cookies["pitcrew_login_csrf"]))
        let form = "_csrf=\(loginCSRF)&next=%2F&email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password.replacingOccurrences(of: " ", with: "+"))"
        let response = try await client.call(
            .post, "/login", json: nil,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "pitcrew_login_csrf=\(loginCSRF)"], body: form)
        #expect(response.status == .seeOther)
        let session = try #require(cookieValue(response.cookies["pitcrew_session"]))
        let home = try await client.call(.get, "/", headers: [.cookie: "pitcrew_session=\(session)"])
        let csrf = try #require(home.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
        return BrowserSession(session: session, csrf: String(csrf))
    }

    var cookie: HTTPFields { [.cookie: "pitcrew_session=\(session)"] }

    func get(_ client: any TestClientProtocol, _ path: String) async throws -> TestResponse {
        try await client.call(.get, path, headers: cookie)
    }

    func post(_ client: any TestClientProtocol, _ path: String, form: String, csrf: Bool = true) async throws -> TestResponse {
        var headers = cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.call(.post, path, headers: headers, body: (csrf ? "_csrf=\(self.csrf)&" : "") + form)
    }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields, body: String) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
    }
}

@Suite struct PageTests {
    @Test(arguments: TestBackend.available)
    func signInSetsAHardenedSessionCookie(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            let page = try await client.call(.get, "/login")
            #expect(page.status == .ok && page.text.contains("Sign in to Pitcrew"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let loginCSRF = try #require(cookieValue(page.cookies["pitcrew_login_csrf"]))
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "pitcrew_login_csrf=\(loginCSRF)", HTTPField.Name("X-Forwarded-Proto")!: "https",
            ]
            let noCSRF = try await client.call(.post, "/login", headers: headers, body: "email=alpha-owner%40example.com&password=correct+horse+battery")
            #expect(noCSRF.status == .forbidden && noCSRF.headers[.contentType]?.hasPrefix("text/html") == true)
            let wrong = try await client.call(.post, "/login", headers: headers, body: "_csrf=\(loginCSRF)&email=alpha-owner%40example.com&password=nope")
            #expect(wrong.status == .unauthorized && wrong.text.contains("not right"))
            let ok = try await client.call(
                .post, "/login", headers: headers, body: "_csrf=\(loginCSRF)&next=%2Fcampaigns&email=alpha-owner%40example.com&password=correct+horse+battery")
            #expect(ok.status == .seeOther && ok.headers[.location] == "/campaigns")
            let cookie = try #require(ok.cookies["pitcrew_session"])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure") && cookie.contains("Path=/"))
            let offsite = try await client.call(
                .post, "/login", headers: headers, body: "_csrf=\(loginCSRF)&next=%2F%2Fevil.example&email=alpha-owner%40example.com&password=correct+horse+battery")
            #expect(offsite.headers[.location] == "/")
        }
    }

    @Test(arguments: TestBackend.available)
    func repeatedFailedSignInsAreThrottled(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            let page = try await client.call(.get, "/login")
            let loginCSRF = try #require(cookieValue(page.cookies["pitcrew_login_csrf"]))
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "pitcrew_login_csrf=\(loginCSRF)"]
            for _ in 0..<5 {
                let wrong = try await client.call(.post, "/login", headers: headers, body: "_csrf=\(loginCSRF)&email=alpha-owner%40example.com&password=guess")
                #expect(wrong.status == .unauthorized)
            }
            let locked = try await client.call(
                .post, "/login", headers: headers, body: "_csrf=\(loginCSRF)&email=alpha-owner%40example.com&password=correct+horse+battery")
            #expect(locked.status == .tooManyRequests && locked.text.contains("Too many failed sign-ins") && locked.cookies["pitcrew_session"] == nil)
            // Other people still get in.
            _ = try await BrowserSession.signIn(client, email: "beta-owner@example.com")
        }
    }

    @Test(arguments: TestBackend.available)
    func pagesNeedASessionAndShowRealNumbers(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let anonymous = try await client.call(.get, "/")
            #expect(anonymous.status == .found && anonymous.headers[.location]?.hasPrefix("/login") == true)
            let expired = try await client.call(.get, "/campaigns", headers: [.cookie: "pitcrew_session=made-up"])
            #expect(expired.status == .found)

            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let home = try await browser.get(client, "/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Workspace alpha") && home.text.contains("<svg") == false)  // no events or spend yet: honest empty states
            #expect(home.text.contains("No events in the last 30 days"))
            for area in ["enablement", "pmo", "planning", "ai", "budgeting"] {
                let page = try await browser.get(client, "/areas/\(area)")
                #expect(page.status == .ok && page.text.contains("Not built yet"), "area \(area)")
            }
            for area in ["martech", "analytics", "data"] {
                let page = try await browser.get(client, "/areas/\(area)")
                #expect(page.status == .ok && !page.text.contains("Not built yet"), "area \(area)")
            }
            #expect(try await browser.get(client, "/areas/nonsense").status == .notFound)
            let campaigns = try await browser.get(client, "/campaigns")
            #expect(campaigns.text.contains("Alpha launch") && !campaigns.text.contains("Beta launch"))
            #expect(try await browser.get(client, "/settings/members").text.contains("alpha-owner@example.com"))
            _ = fixture
        }
    }

    @Test(arguments: TestBackend.available)
    func formsNeedTheCSRFTokenAndOutputIsEscaped(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let forged = try await browser.post(client, "/campaigns", form: "name=Forged", csrf: false)
            #expect(forged.status == .forbidden)
            let apiForged = try await client.call(.post, "/api/v1/campaigns", json: #"{"name":"Forged"}"#, headers: browser.cookie)
            #expect(apiForged.status == .forbidden && apiForged.isProblem)
            var headers = browser.cookie
            headers[HTTPField.Name("X-CSRF-Token")!] = browser.csrf
            #expect(try await client.call(.post, "/api/v1/campaigns", json: #"{"name":"Via API with session"}"#, headers: headers).status == .created)

            let created = try await browser.post(client, "/campaigns", form: "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&utm_campaign=xss&budget=1200")
            #expect(created.status == .seeOther)
            let list = try await browser.get(client, "/campaigns")
            #expect(list.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !list.text.contains("<script>alert(1)"))
            #expect(list.text.contains("$1,200"))
            let invalid = try await browser.post(client, "/campaigns", form: "name=Bad+dates&start_date=2026-05-01&end_date=2026-04-01")
            #expect(invalid.status == .badRequest && invalid.text.contains("end_date"))
            let names = try await fixture.services.campaigns.campaigns(fixture.a.scope, page: PageRequest(limit: 50)).items.map(\.name)
            #expect(!names.contains("Forged") && !names.contains("Bad dates"))

            let token = try await browser.post(client, "/settings/tokens", form: "name=Reporting&role=analyst")
            let secret = try #require(token.text.firstMatch(of: /<code class="secret">(pc_[^<]+)<\/code>/)?.1)
            #expect(try await client.call(.get, "/api/v1/campaigns", token: String(secret)).status == .ok)

            let logout = try await browser.post(client, "/logout", form: "")
            #expect(logout.status == .seeOther)
            #expect(try await browser.get(client, "/").status == .found)
        }
    }

    @Test(arguments: TestBackend.available)
    func workspaceSwitcherOnlyOffersMemberships(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            _ = try await fixture.services.access.setMember(fixture.b.scope, email: "alpha-owner@example.com", role: .viewer)
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            #expect(try await browser.post(client, "/workspace", form: "slug=beta").status == .seeOther)
            let home = try await browser.get(client, "/")
            #expect(home.text.contains("Workspace beta") && home.text.contains("viewer"))
            let notMember = try await BrowserSession.signIn(client, email: "beta-owner@example.com")
            #expect(try await notMember.post(client, "/workspace", form: "slug=alpha").status == .notFound)
        }
    }
}
