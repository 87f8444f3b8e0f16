import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

/// `/api/v1/contacts`, `/api/v1/accounts` and undoing identity merges, in the API and on the contact page.
@Suite struct ContactAPITests {
    typealias D = DataPagesTests

    @Test(arguments: TestBackend.available)
    func contactsAccountsAndMergeUndo(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let (_, key) = try await fixture.services.collection.sources.create(fixture.a.scope, name: "Website")
            let messages = [
                ("/v1/identify", #"{"anonymousId":"anon-1","traits":{"email":"ann@example.com","firstName":"Ann","favoriteColor":"teal"},"messageId":"i-1"}"#),
                ("/v1/track", #"{"userId":"user-9","event":"Trial Started","messageId":"t-1"}"#),
                ("/v1/group", #"{"userId":"user-9","groupId":"org-7","traits":{"name":"Globex","website":"https://www.globex.example"},"messageId":"g-1"}"#),
                ("/v1/identify", #"{"userId":"user-9","traits":{"email":"ann@example.com"},"messageId":"i-2"}"#),
            ]
            for (path, json) in messages {
                #expect(try await D.send(client, path, key: key, json).status == .ok, "\(path)")
                try await D.process(fixture)
            }
            let viewer = fixture.tokensA[.viewer]

            // Lists: newest first, searchable, validated.
            let list = try await client.call(.get, "/api/v1/contacts", token: viewer)
            #expect(list.status == .ok && list.items.count == 1 && list.items[0]["email"] as? String == "ann@example.com")
            #expect(list.object["next_cursor"] is NSNull)
            #expect(try await client.call(.get, "/api/v1/contacts?q=ANN", token: viewer).items.count == 1)
            #expect(try await client.call(.get, "/api/v1/contacts?q=nobody", token: viewer).items.isEmpty)
            let badLimit = try await client.call(.get, "/api/v1/contacts?limit=0", token: viewer)
            #expect(badLimit.status == .badRequest && badLimit.isProblem && badLimit.problemFields == ["limit"])
            #expect(try await client.call(.get, "/api/v1/contacts").status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/contacts", token: fixture.tokenB).items.isEmpty)

            // One contact: traits as sent (keys not rewritten), identities, the merge, the timeline.
            let contactID = try #require(list.items[0]["id"] as? String)
            let contact = try await client.call(.get, "/api/v1/contacts/\(contactID)", token: viewer)
            #expect(contact.status == .ok && contact.object["first_name"] as? String == "Ann")
            #expect((contact.object["traits"] as? [String: Any])?["favoriteColor"] as? String == "teal")
            let identities = (contact.object["identities"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? ""):\($0["value"] ?? "")" }
            #expect(identities.contains("user_id:user-9") && identities.contains("anonymous_id:anon-1"))
            #expect((contact.object["timeline"] as? [[String: Any]])?.contains { $0["title"] as? String == "Trial Started" } == true)
            let merges = contact.object["merges"] as? [[String: Any]] ?? []
            try #require(merges.count == 1)
            let mergeID = try #require(merges[0]["id"] as? String)
            let mergedID = try #require(merges[0]["merged_contact_id"] as? String)
            #expect(merges[0]["reason"] as? String == "identify" && merges[0]["undone_at"] == nil)
            #expect(try await client.call(.get, "/api/v1/contacts/\(contactID)", token: fixture.tokenB).status == .notFound)
            // A merged contact's id gives the contact it went into (in this workspace only).
            #expect(try await client.call(.get, "/api/v1/contacts/\(mergedID)", token: viewer).object["id"] as? String == contactID)
            #expect(try await client.call(.get, "/api/v1/contacts/\(mergedID)", token: fixture.tokenB).status == .notFound)

            // Accounts.
            let accounts = try await client.call(.get, "/api/v1/accounts?q=globex", token: viewer)
            #expect(accounts.items.count == 1 && accounts.items[0]["contacts"] as? Int == 1 && accounts.items[0]["domain"] as? String == "globex.example")
            let accountID = try #require(accounts.items[0]["id"] as? String)
            let account = try await client.call(.get, "/api/v1/accounts/\(accountID)", token: viewer)
            #expect(account.status == .ok && account.object["name"] as? String == "Globex" && account.object["external_id"] as? String == "org-7")
            #expect((account.object["contacts"] as? [[String: Any]])?.first?["id"] as? String == contactID)
            #expect(try await client.call(.get, "/api/v1/accounts/\(accountID)", token: fixture.tokenB).status == .notFound)

            // The page offers the undo to those who may write.
            let browser = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let page = try await browser.get(client, "/data/contacts/\(contactID)")
            let action = "/data/contacts/\(contactID)/merges/\(mergeID)/undo"
            #expect(page.text.contains("Merged into this contact") && page.text.contains(#"action="\#(action)""#))
            #expect(try await browser.post(client, action, form: "", csrf: false).status == .forbidden)

            // Viewers may not undo; another workspace cannot see the merge.
            let forbidden = try await client.call(.post, "/api/v1/identity-merges/\(mergeID)/undo", token: viewer)
            #expect(forbidden.status == .forbidden && forbidden.isProblem)
            #expect(try await client.call(.post, "/api/v1/identity-merges/\(mergeID)/undo", token: fixture.tokenB).status == .notFound)

            let undone = try await browser.post(client, action, form: "")
            #expect(undone.status == .ok && undone.text.contains("Merge undone") && undone.text.contains("undone "))
            #expect(!undone.text.contains(#"action="\#(action)""#))
            let both = try await client.call(.get, "/api/v1/contacts", token: viewer)
            #expect(Set(both.items.compactMap { $0["id"] as? String }) == [contactID, mergedID])
            let restored = try await client.call(.get, "/api/v1/contacts/\(mergedID)", token: viewer)
            #expect(restored.status == .ok && restored.object["account_id"] as? String == accountID)
            #expect((restored.object["timeline"] as? [[String: Any]])?.contains { $0["title"] as? String == "Trial Started" } == true)

            let again = try await client.call(.post, "/api/v1/identity-merges/\(mergeID)/undo", token: fixture.tokensA[.marketer])
            #expect(again.status == .conflict && again.isProblem && again.problemFields == ["id"])
            let audit = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT actor_kind FROM audit_log WHERE action = 'identity_merge.undo' AND entity_id = ?", [.text(mergeID)])
            }
            #expect(audit == [[.text("user")]])
        }
    }
}
