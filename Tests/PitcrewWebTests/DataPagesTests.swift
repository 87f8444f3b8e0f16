import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

/// The Data Management pages: sources and write keys, the live debugger, events, contacts and accounts.
@Suite struct DataPagesTests {
    /// `Authorization: Basic base64(KEY:)` and a JSON body, as Segment's libraries send messages.
    static func basic(_ key: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(key):".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    static func send(_ client: any TestClientProtocol, _ path: String, key: String, _ json: String) async throws -> TestResponse {
        try await client.call(.post, path, headers: basic(key), body: json)
    }

    static func form(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    /// Creates a source through the page; returns the page and the write key it shows (once).
    static func createSource(_ client: any TestClientProtocol, _ browser: BrowserSession, name: String) async throws -> (TestResponse, String) {
        let response = try await browser.post(client, "/data/sources", form: "name=\(form(name))")
        #expect(response.status == .ok)
        let key = try #require(response.text.firstMatch(of: /<code class="secret">(pcw_[^<]+)<\/code>/)?.1)
        return (response, String(key))
    }

    /// Collection answers once a request is logged; this turns the log into events, contacts and touchpoints now.
    /// The app's own processor runs too: on PostgreSQL it may hold entries (`SKIP LOCKED`) when `processPending()`
    /// returns, so wait until the log is empty (its rows are deleted in the transaction that writes their events).
    static func process(_ fixture: Fixture) async throws {
        for _ in 0..<500 {
            try await fixture.services.collection.processor.processPending()
            if try await fixture.services.collection.processor.pendingEntries() == 0 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("The collection log was not processed within 5 s.")
    }

    static func ids(_ database: Database, _ sql: String, _ binds: [SQLValue]) async throws -> [String] {
        try await database.rawRead { raw in try await raw.rows(sql, binds) }.compactMap { $0.first?.text }
    }

    @Test(arguments: TestBackend.available)
    func sourcesShowTheWriteKeyOnceAndEscapeNames(backend: TestBackend) async throws {
        // No processor in the background: the test says when the log is processed.
        try await TestApp.with(backend, config: { $0.collectionProcessing = false }) { client, fixture in
            let anonymous = try await client.call(.get, "/data/sources")
            #expect(anonymous.status == .found && anonymous.headers[.location]?.hasPrefix("/login") == true)
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let empty = try await browser.get(client, "/data/sources")
            #expect(empty.status == .ok && empty.text.contains("No sources yet") && empty.text.contains("No events stored yet"))
            #expect(try await browser.post(client, "/data/sources", form: "name=Forged", csrf: false).status == .forbidden)

            let (created, key) = try await Self.createSource(client, browser, name: "Website")
            #expect(created.text.contains("Website") && created.text.contains("not shown again"))
            #expect(created.text.contains("http://localhost/js/pitcrew.js") && created.text.contains("data-write-key=&quot;\(key)&quot;"))
            #expect(created.text.contains("curl -u \(key): -H") && created.text.contains("http://localhost/v1/track"))
            #expect(!created.text.contains("<script"))  // the snippet is shown as text, never run

            let list = try await browser.get(client, "/data/sources")
            #expect(list.status == .ok && list.text.contains("Website") && list.text.contains(String(key.prefix(10))))
            #expect(!list.text.contains(key))

            _ = try await Self.createSource(client, browser, name: #"<b>Shop & "Co"</b>"#)
            let escaped = try await browser.get(client, "/data/sources")
            #expect(escaped.text.contains("&lt;b&gt;Shop &amp; &quot;Co&quot;&lt;/b&gt;") && !escaped.text.contains("<b>Shop"))
            let duplicate = try await browser.post(client, "/data/sources", form: "name=Website")
            #expect(duplicate.status == .badRequest && duplicate.text.contains("exists") && !duplicate.text.contains("class=\"secret\""))

            // Rotating shows a new key once; the old one stops working. Revoking marks the source revoked.
            let source = try #require(try await fixture.services.collection.sources.sources(fixture.a.scope).first(where: { $0.name == "Website" }))
            let rotated = try await browser.post(client, "/data/sources/\(source.id)/rotate", form: "")
            #expect(rotated.status == .ok && rotated.text.contains("The new write key of Website"))
            let newKey = String(try #require(rotated.text.firstMatch(of: /<code class="secret">(pcw_[^<]+)<\/code>/)?.1))
            #expect(newKey != key)
            #expect(try await Self.send(client, "/v1/track", key: key, #"{"userId":"u1","event":"Old Key"}"#).status != .ok)
            #expect(try await Self.send(client, "/v1/track", key: newKey, #"{"userId":"u1","event":"New Key"}"#).status == .ok)
            let waiting = try await browser.get(client, "/data/sources")
            #expect(!waiting.text.contains(newKey))
            // The accepted message is not processed yet: the page says so.
            #expect(waiting.text.contains("1 accepted message is waiting to be stored as events"))
            try await fixture.services.collection.processor.processPending()
            #expect(!(try await browser.get(client, "/data/sources").text.contains("waiting to be stored")))
            let revoked = try await browser.post(client, "/data/sources/\(source.id)/revoke", form: "")
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/data/sources")
            #expect(try await browser.get(client, "/data/sources").text.contains("revoked"))
            #expect(try await Self.send(client, "/v1/track", key: newKey, #"{"userId":"u1","event":"Revoked"}"#).status != .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func viewersSeeSourcesButCannotManageThem(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let access = fixture.services.access
            _ = try await access.createUser(email: "vera@example.com", name: "Vera", password: "a long password", actor: .system("test"))
            _ = try await access.setMember(fixture.a.scope, email: "vera@example.com", role: .viewer)
            _ = try await fixture.services.collection.sources.create(fixture.a.scope, name: "Website")
            let viewer = try await BrowserSession.signIn(client, email: "vera@example.com", password: "a long password")
            let page = try await viewer.get(client, "/data/sources")
            #expect(page.status == .ok && page.text.contains("Website") && !page.text.contains("New source"))
            #expect(!page.text.contains("/rotate"))
            #expect(try await viewer.post(client, "/data/sources", form: "name=Mine").status == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available)
    func debuggerListsMessagesAsTheyArrive(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let (_, key) = try await Self.createSource(client, browser, name: "Website")
            let source = try #require(try await fixture.services.collection.sources.sources(fixture.a.scope).first)
            let quiet = try await browser.get(client, "/data/sources/\(source.id)")
            #expect(quiet.status == .ok && quiet.text.contains("No messages since the server started"))

            let sent = try await Self.send(client, "/v1/track", key: key, #"{"userId":"u1","event":"Signed Up","messageId":"m-1"}"#)
            #expect(sent.status == .ok)
            let refused = try await Self.send(client, "/v1/track", key: key, #"{"userId":"u1","messageId":"m-2"}"#)
            #expect(refused.status == .badRequest)

            let page = try await browser.get(client, "/data/sources/\(source.id)")
            #expect(page.status == .ok && page.text.contains("Live event debugger") && page.text.contains("in memory"))
            #expect(page.text.contains(#"<meta http-equiv="refresh" content="3">"#))
            #expect(page.text.contains("Signed Up") && page.text.contains("<code>u1</code>"))
            #expect(page.text.contains("✓") && page.text.contains("✗") && page.text.contains("event: is required for track"))
            #expect(page.text.contains(#"href="/data/events""#))
            // Newest first: the refused message is above the accepted one.
            let refusedAt = try #require(page.text.range(of: "event: is required for track"))
            let acceptedAt = try #require(page.text.range(of: "Signed Up"))
            #expect(refusedAt.lowerBound < acceptedAt.lowerBound)
            let paused = try await browser.get(client, "/data/sources/\(source.id)?paused=1")
            #expect(paused.status == .ok && !paused.text.contains("http-equiv=\"refresh\"") && paused.text.contains("Signed Up"))

            try await Self.process(fixture)
            let list = try await browser.get(client, "/data/sources")
            #expect(list.text.contains("<svg") && list.text.contains("track"))
        }
    }

    @Test(arguments: TestBackend.available)
    func eventsFilterAndPage(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let (_, key) = try await Self.createSource(client, browser, name: "Website")
            let clicks = (0..<105).map { #"{"type":"track","userId":"u1","event":"Clicked","messageId":"c-\#($0)"}"# }
            let batch = #"{"batch":["# + clicks.joined(separator: ",") + #",{"type":"identify","userId":"u1","traits":{"email":"u1@example.com"},"messageId":"i-1"},{"type":"track","userId":"u1","event":"Signed Up","messageId":"s-1"}]}"#
            #expect(try await Self.send(client, "/v1/batch", key: key, batch).status == .ok)
            try await Self.process(fixture)

            let first = try await browser.get(client, "/data/events")
            #expect(first.status == .ok && first.text.contains("<td>Clicked</td>") && first.text.contains("<td>Website</td>"))
            let next = try #require(first.text.firstMatch(of: /<a href="(\/data\/events\?[^"]+)">Next page<\/a>/)?.1)
            let second = try await browser.get(client, String(next).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.status == .ok && second.text.contains("<td>Clicked</td>") && !second.text.contains("Next page"))

            let signedUp = try await browser.get(client, "/data/events?type=&name=Signed+Up&contact_id=")
            #expect(signedUp.status == .ok && signedUp.text.contains("<td>Signed Up</td>") && !signedUp.text.contains("<td>Clicked</td>"))
            let identifies = try await browser.get(client, "/data/events?type=identify")
            #expect(identifies.text.contains("<td>identify</td>") && !identifies.text.contains("<td>Clicked</td>"))
            #expect(identifies.text.contains(#"<option value="identify" selected>"#))
            let named = try await browser.get(client, "/data/events?type=track&name=Clicked")
            let namedNext = try #require(named.text.firstMatch(of: /<a href="(\/data\/events\?[^"]+)">Next page<\/a>/)?.1)
            #expect(namedNext.contains("type=track&amp;name=Clicked&amp;cursor="))

            let badType = try await browser.get(client, "/data/events?type=bogus")
            #expect(badType.status == .badRequest && badType.text.contains("type"))
            #expect(try await browser.get(client, "/data/events?contact_id=nonsense").status == .badRequest)
            #expect(try await browser.get(client, "/data/events?cursor=nonsense").status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func contactAndAccountPagesShowHistory(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let (_, key) = try await Self.createSource(client, browser, name: "Website")
            let messages = [
                ("/v1/identify", #"{"userId":"u2","traits":{"email":"ann@example.com","firstName":"Ann","lastName":"Lee","segment":"<b>vip</b>","seats":12},"messageId":"i-1"}"#),
                ("/v1/page", #"{"userId":"u2","name":"Pricing","context":{"page":{"url":"https://acme.example/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=Spring"}},"messageId":"p-1"}"#),
                ("/v1/track", #"{"userId":"u2","event":"Demo Requested","properties":{"plan":"<pro>"},"messageId":"t-1"}"#),
                ("/v1/group", #"{"userId":"u2","groupId":"org-7","traits":{"name":"Globex","website":"https://www.globex.example"},"messageId":"g-1"}"#),
            ]
            for (path, json) in messages {
                #expect(try await Self.send(client, path, key: key, json).status == .ok, "\(path)")
                // One at a time: with two processors (the app's and this one) PostgreSQL could take later entries first.
                try await Self.process(fixture)
            }

            let list = try await browser.get(client, "/data/contacts")
            #expect(list.status == .ok && list.text.contains("ann@example.com") && list.text.contains("Globex"))
            #expect(try await browser.get(client, "/data/contacts?q=ANN").text.contains("ann@example.com"))
            #expect(try await browser.get(client, "/data/contacts?q=Ann+Lee").text.contains("ann@example.com"))
            let none = try await browser.get(client, "/data/contacts?q=%25")
            #expect(none.status == .ok && !none.text.contains("ann@example.com") && none.text.contains("No contact matches"))
            #expect(try await browser.get(client, "/data/contacts?cursor=nonsense").status == .badRequest)

            let contactID = try #require(try await Self.ids(
                fixture.database, "SELECT id FROM contacts WHERE workspace_id = ? AND email = ?", [.text(fixture.a.workspace.id), .text("ann@example.com")]
            ).first)
            let contact = try await browser.get(client, "/data/contacts/\(contactID)")
            #expect(contact.status == .ok && contact.text.contains("<h1>Ann Lee</h1>") && contact.text.contains("ann@example.com"))
            #expect(contact.text.contains("Demo Requested") && contact.text.contains("Page: Pricing") && contact.text.contains("Touch: Email"))
            // A touch says which campaign it is linked to, or that no campaign in Pitcrew has its UTM campaign.
            #expect(contact.text.contains("campaign Spring (no Pitcrew campaign)"))
            var spring = CampaignInput()
            spring.name = .set("Spring Launch")
            spring.utmCampaign = .set("spring")
            _ = try await fixture.services.campaigns.createCampaign(fixture.a.scope, spring)
            #expect(try await browser.get(client, "/data/contacts/\(contactID)").text.contains("campaign Spring Launch (Spring)"))
            // A page view says which page, from its context.
            #expect(contact.text.contains("https://acme.example/pricing?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=Spring</"))
            #expect(contact.text.contains("&quot;plan&quot;:&quot;&lt;pro&gt;&quot;") && !contact.text.contains("<pro>"))
            // Custom traits as rows (name, value as written, other JSON compact), escaped.
            #expect(contact.text.contains(#"<th scope="row">segment</th><td>&lt;b&gt;vip&lt;/b&gt;</td>"#) && !contact.text.contains("<b>vip"))
            #expect(contact.text.contains(#"<th scope="row">seats</th><td>12</td>"#))
            #expect(contact.text.contains("<code>u2</code>"))  // the user id identity
            #expect(contact.text.contains("/data/events?contact_id=\(contactID)"))
            // Newest first: the track came after the page view.
            let trackAt = try #require(contact.text.range(of: "Demo Requested"))
            let pageAt = try #require(contact.text.range(of: "Page: Pricing"))
            #expect(trackAt.lowerBound < pageAt.lowerBound)

            let accountID = try #require(try await Self.ids(
                fixture.database, "SELECT id FROM accounts WHERE workspace_id = ?", [.text(fixture.a.workspace.id)]
            ).first)
            #expect(contact.text.contains(#"<a href="/data/accounts/\#(accountID)">Globex</a>"#))
            let account = try await browser.get(client, "/data/accounts/\(accountID)")
            #expect(account.status == .ok && account.text.contains("<h1>Globex</h1>") && account.text.contains("globex.example"))
            #expect(account.text.contains("ann@example.com") && account.text.contains("Demo Requested"))
            #expect(account.text.contains(#"href="/data/contacts/\#(contactID)""#))
            // The account's deals: created, and won when they closed.
            try await fixture.database.rawTransaction { raw in
                try await raw.run(
                    """
                    INSERT INTO opportunities (id, workspace_id, account_id, name, stage, amount_minor, currency, created_at, closed_at, won)
                    VALUES (?, ?, ?, 'Globex renewal', 'Closed Won', 1250050, 'EUR', 1700000000000, 1710000000000, TRUE)
                    """, [.text(Identifier.make()), .text(fixture.a.workspace.id), .text(accountID)])
            }
            let withDeal = try await browser.get(client, "/data/accounts/\(accountID)")
            #expect(withDeal.text.contains("Deal created: Globex renewal") && withDeal.text.contains("Deal won: Globex renewal"))
            #expect(withDeal.text.contains("Closed Won · "))
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherWorkspacesRecordsAreNotFound(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let collection = fixture.services.collection
            let (sourceB, keyB) = try await collection.sources.create(fixture.b.scope, name: "Beta site")
            _ = try await collection.collect(
                Array(#"{"userId":"b1","traits":{"email":"bob@beta.example"},"messageId":"bi-1"}"#.utf8), type: .identify, basicUser: keyB)
            try await Self.process(fixture)
            _ = try await collection.collect(
                Array(#"{"userId":"b1","groupId":"org-b","traits":{"name":"Beta Corp"},"messageId":"bg-1"}"#.utf8), type: .group, basicUser: keyB)
            try await Self.process(fixture)
            let workspaceB: [SQLValue] = [.text(fixture.b.workspace.id)]
            let contactB = try #require(try await Self.ids(fixture.database, "SELECT id FROM contacts WHERE workspace_id = ?", workspaceB).first)
            let accountB = try #require(try await Self.ids(fixture.database, "SELECT id FROM accounts WHERE workspace_id = ?", workspaceB).first)

            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            #expect(try await browser.get(client, "/data/sources/\(sourceB.id)").status == .notFound)
            #expect(try await browser.post(client, "/data/sources/\(sourceB.id)/rotate", form: "").status == .notFound)
            #expect(try await browser.post(client, "/data/sources/\(sourceB.id)/revoke", form: "").status == .notFound)
            #expect(try await browser.get(client, "/data/contacts/\(contactB)").status == .notFound)
            #expect(try await browser.get(client, "/data/accounts/\(accountB)").status == .notFound)
            #expect(try await browser.get(client, "/data/contacts/not-an-id").status == .notFound)
            #expect(try await browser.get(client, "/data/accounts/not-an-id").status == .notFound)
            #expect(!(try await browser.get(client, "/data/sources").text.contains("Beta site")))
            #expect(!(try await browser.get(client, "/data/contacts").text.contains("bob@beta.example")))
            let events = try await browser.get(client, "/data/events?contact_id=\(contactB)")
            #expect(events.status == .ok && !events.text.contains("<code>b1</code>"))
            // Beta's key still works: nothing above changed it.
            #expect(try await fixture.services.collection.sources.source(fixture.b.scope, id: sourceB.id).revokedAt == nil)
        }
    }
}
