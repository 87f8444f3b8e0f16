import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

@Suite struct CollectionAPITests {
    static func basic(_ key: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(key):".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    @Test(arguments: TestBackend.available)
    func segmentHTTPAPI(backend: TestBackend) async throws {
        // No processor in the background: the test says when the log is processed.
        try await TestApp.with(backend, config: { $0.collectionProcessing = false }) { client, fixture in
            let created = try await client.call(.post, "/api/v1/sources", token: fixture.tokensA[.admin], json: #"{"name": "Website"}"#)
            #expect(created.status == .created)
            let key = try #require(created.object["write_key"] as? String)
            // Marketers cannot create sources; keys are shown once.
            #expect(try await client.call(.post, "/api/v1/sources", token: fixture.tokensA[.marketer], json: #"{"name": "X"}"#).status == .forbidden)
            let listed = try await client.call(.get, "/api/v1/sources", token: fixture.tokensA[.viewer])
            #expect(listed.items.count == 1 && listed.items[0]["write_key"] == nil)

            let track = try await client.call(.post, "/v1/track", json: #"{"userId": "u1", "event": "Signed Up", "messageId": "m1"}"#, headers: Self.basic(key))
            #expect(track.status == .ok && track.object["success"] as? Bool == true)
            #expect(track.headers[.accessControlAllowOrigin] == "*")
            // analytics.js spells the paths with one letter.
            let page = try await client.call(.post, "/v1/p", json: #"{"anonymousId": "a1", "messageId": "m2"}"#, headers: Self.basic(key))
            #expect(page.status == .ok)
            let batch = try await client.call(
                .post, "/v1/batch", json: #"{"batch": [{"type": "identify", "userId": "u1", "traits": {"email": "u1@example.com"}, "messageId": "m3"}, {"type": "track", "userId": "u1"}]}"#,
                headers: Self.basic(key))
            #expect(batch.status == .ok)
            #expect((batch.object["rejected"] as? [[String: Any]])?.first?["field"] as? String == "batch[1].event")
            let invalid = try await client.call(.post, "/v1/track", json: #"{"event": "No ids"}"#, headers: Self.basic(key))
            #expect(invalid.status == .badRequest && invalid.isProblem && invalid.problemFields == ["userId"])
            #expect(invalid.headers[.accessControlAllowOrigin] == "*")
            let unauthenticated = try await client.call(.post, "/v1/track", json: #"{"userId": "u", "event": "E"}"#, headers: Self.basic("pcw_nope"))
            #expect(unauthenticated.status == .unauthorized && unauthenticated.headers[.wwwAuthenticate]?.hasPrefix("Basic ") == true)
            let oversized = try await client.call(
                .post, "/v1/track", json: #"{"userId": "u", "event": "\#(String(repeating: "x", count: 40_000))"}"#, headers: Self.basic(key))
            #expect(oversized.status == .badRequest && oversized.problemFields == ["body"])
            let preflight = try await client.execute(
                uri: "/v1/batch", method: .options, headers: [.accessControlRequestHeaders: "content-type, anonymousid"], body: nil)
            #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowHeaders] == "content-type, anonymousid")

            // Accepted, not yet processed: counted as waiting, in this workspace only.
            let before = try await client.call(.get, "/api/v1/events/stats", token: fixture.tokensA[.viewer])
            #expect(before.object["total"] as? Int == 0 && before.object["waiting"] as? Int == 3)
            #expect(try await client.call(.get, "/api/v1/events/stats", token: fixture.tokenB).object["waiting"] as? Int == 0)
            try await fixture.services.collection.processor.processPending()
            let events = try await client.call(.get, "/api/v1/events", token: fixture.tokensA[.viewer])
            #expect(events.items.map { $0["message_id"] as? String } == ["m3", "m2", "m1"])
            #expect((events.items[0]["traits"] as? [String: Any])?["email"] as? String == "u1@example.com")
            #expect(events.items[2]["contact_id"] as? String != nil && events.items[0]["contact_id"] as? String == events.items[2]["contact_id"] as? String)
            let filtered = try await client.call(.get, "/api/v1/events?type=page", token: fixture.tokensA[.viewer])
            #expect(filtered.items.count == 1)
            #expect(try await client.call(.get, "/api/v1/events?type=teleport", token: fixture.tokensA[.viewer]).problemFields == ["type"])
            let stats = try await client.call(.get, "/api/v1/events/stats", token: fixture.tokensA[.viewer])
            #expect(stats.object["total"] as? Int == 3 && (stats.object["by_type"] as? [String: Int]) == ["track": 1, "page": 1, "identify": 1])
            #expect(stats.object["waiting"] as? Int == 0)
            // Another workspace sees none of it.
            #expect(try await client.call(.get, "/api/v1/events/stats", token: fixture.tokenB).object["total"] as? Int == 0)
            let sourceID = try #require(listed.items[0]["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/sources/\(sourceID)/debugger", token: fixture.tokenB).status == .notFound)
            let debugger = try await client.call(.get, "/api/v1/sources/\(sourceID)/debugger", token: fixture.tokensA[.viewer])
            #expect(debugger.items.contains { $0["accepted"] as? Bool == false })
            // Refusals show what the sender sent: the endpoint's type, the ids, the size; a request refused whole too.
            let refused = debugger.items.filter { $0["accepted"] as? Bool == false }
            #expect(refused.contains { $0["type"] as? String == "track" && ($0["notes"] as? [String]) == ["userId: userId or anonymousId is required"] }, "\(refused)")
            #expect(refused.contains { $0["user_id"] as? String == "u1" && ($0["size"] as? Int ?? 0) > 0 && $0["type"] as? String == "track" }, "\(refused)")
            #expect(refused.contains {
                $0["type"] as? String == "track" && ($0["notes"] as? [String])?.first?.hasPrefix("request refused: body: The request is over the limit of 32 KB") == true
                    && ($0["size"] as? Int ?? 0) > 40_000  // the request's own size, not the limit
            }, "\(refused)")

            let revoked = try await client.call(.delete, "/api/v1/sources/\(sourceID)", token: fixture.tokensA[.admin])
            #expect(revoked.status == .ok && revoked.object["revoked_at"] as? String != nil)
            #expect(try await client.call(.post, "/v1/track", json: #"{"userId": "u", "event": "E"}"#, headers: Self.basic(key)).status == .unauthorized)
        }
    }

    /// `from` and `to` are inclusive, as in reports: a date takes in that whole day, a date-time that instant.
    @Test(arguments: TestBackend.available)
    func eventDatesAreInclusive(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let key = try #require(try await client.call(.post, "/api/v1/sources", token: fixture.tokensA[.admin], json: #"{"name": "Web"}"#).object["write_key"] as? String)
            let day = String(Timestamp.iso8601(Timestamp.now() - 3 * 86_400_000).prefix(10))
            let body = #"{"userId": "u1", "event": "Old", "messageId": "d1", "timestamp": "\#(day)T10:00:00Z"}"#
            #expect(try await client.call(.post, "/v1/track", json: body, headers: Self.basic(key)).status == .ok)
            try await fixture.services.collection.processor.processPending()
            func count(_ query: String) async throws -> Int { try await client.call(.get, "/api/v1/events?\(query)", token: fixture.tokensA[.viewer]).items.count }
            #expect(try await count("from=\(day)&to=\(day)") == 1)
            #expect(try await count("to=\(day)T10:00:00Z") == 1)
            #expect(try await count("to=\(day)T09:59:59Z") == 0)
            #expect(try await count("from=\(day)T10:00:01Z") == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func importsThroughTheAPI(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let csv = "Email,First Name\nann@example.com,Ann\nbad-email,Bo\n"
            let failed = try await client.execute(
                uri: "/api/v1/imports?kind=contacts&file_name=people.csv", method: .post,
                headers: [.authorization: "Bearer \(fixture.tokensA[.marketer]!)", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(failed.status == .created && failed.object["status"] as? String == "failed")
            let problem = try #require((failed.object["problems"] as? [[String: Any]])?.first)
            #expect(problem["row"] as? Int == 3 && problem["column"] as? String == "Email" && problem["value"] as? String == "bad-email")
            let partial = try await client.execute(
                uri: "/api/v1/imports?kind=contacts&skip_bad_rows=true", method: .post,
                headers: [.authorization: "Bearer \(fixture.tokensA[.marketer]!)"], body: ByteBuffer(string: csv))
            #expect(partial.object["status"] as? String == "partial" && partial.object["inserted"] as? Int == 1)
            let viewer = try await client.execute(
                uri: "/api/v1/imports?kind=contacts", method: .post, headers: [.authorization: "Bearer \(fixture.tokensA[.viewer]!)"],
                body: ByteBuffer(string: csv))
            #expect(viewer.status == .forbidden)
            // JSON Lines say what they are by their content type; no format parameter needed.
            let lines = try await client.execute(
                uri: "/api/v1/imports?kind=contacts&dry_run=1", method: .post,
                headers: [.authorization: "Bearer \(fixture.tokensA[.marketer]!)", .contentType: "application/x-ndjson"],
                body: ByteBuffer(string: #"{"email":"jl@acme.example","first_name":"Jo"}"# + "\n"))
            #expect(lines.status == .ok && lines.object["status"] as? String == "validated" && lines.object["inserted"] as? Int == 1, "\(lines.text)")
            let bad = try await client.call(.post, "/api/v1/imports?kind=leads&dry_run=maybe", token: fixture.tokensA[.marketer])
            #expect(bad.status == .badRequest)
            let list = try await client.call(.get, "/api/v1/imports", token: fixture.tokensA[.viewer])
            #expect(list.items.count == 2)
            let id = try #require(list.items.first?["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/imports/\(id)", token: fixture.tokenB).status == .notFound)
        }
    }
}

@Suite struct DataSettingsAPITests {
    @Test(arguments: TestBackend.available)
    func groupingCountryAndCustomFieldsApplyToCollection(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let admin = fixture.tokensA[.admin]
            let initial = try await client.call(.get, "/api/v1/data-settings", token: fixture.tokensA[.viewer])
            #expect(((initial.object["channel_grouping"] as? [String: Any])?["rules"] as? [Any])?.isEmpty == false)
            let grouping = #"{"rules": [{"channel": "Newsletter", "conditions": [{"field": "source", "equals": ["newsletter"]}]}]}"#
            let patched = try await client.call(
                .patch, "/api/v1/data-settings", token: admin, json: #"{"default_country": "Germany", "channel_grouping": \#(grouping)}"#)
            #expect(patched.status == .ok && patched.object["default_country"] as? String == "DE")
            #expect(try await client.call(.patch, "/api/v1/data-settings", token: admin, json: #"{"default_country": "Atlantis"}"#).problemFields == ["default_country"])
            // The workspace's currency: what imports read amounts in when a file does not say, and what reports count.
            #expect(patched.object["currency"] as? String == "USD")
            let euros = try await client.call(.patch, "/api/v1/data-settings", token: admin, json: #"{"currency": "eur"}"#)
            #expect(euros.status == .ok && euros.object["currency"] as? String == "EUR" && euros.object["default_country"] as? String == "DE")
            #expect(try await client.call(.patch, "/api/v1/data-settings", token: admin, json: #"{"currency": "EURO"}"#).problemFields == ["currency"])
            let costs = try await fixture.services.imports.run(
                fixture.a.scope, .bytes(Array("Day,Channel,Campaign,Cost\n2026-03-01,Paid Search,Brand,10.50\n".utf8)),
                ImportRequest(kind: .spend, fileName: "costs.csv"))
            #expect(costs.inserted == 1 && costs.notes.contains { $0.hasPrefix("The file has no currency column: amounts that do not name their currency were read as EUR") })
            // An amount that names its currency is in it.
            let pounds = try await fixture.services.imports.run(
                fixture.a.scope, .bytes(Array("Day,Channel,Campaign,Cost\n2026-03-02,Paid Search,Brand,\"GBP 8,000.50\"\n".utf8)),
                ImportRequest(kind: .spend, fileName: "costs.csv"))
            #expect(pounds.inserted == 1, "\(pounds.problems)")
            let stored = try await fixture.database.rawRead { raw in try await raw.rows("SELECT currency, cost_minor FROM spend ORDER BY day") }
            #expect(stored == [[.text("EUR"), .integer(1_050)], [.text("GBP"), .integer(800_050)]])
            #expect(try await client.call(.patch, "/api/v1/data-settings", token: admin, json: #"{"channel_grouping": {"rules": 5}}"#).problemFields == ["channel_grouping.rules"])
            #expect(try await client.call(.patch, "/api/v1/data-settings", token: fixture.tokensA[.marketer], json: #"{"default_country": null}"#).status == .forbidden)
            let field = try await client.call(.put, "/api/v1/custom-fields", token: admin, json: #"{"entity": "contact", "key": "seats", "label": "Seats", "type": "number"}"#)
            #expect(field.status == .ok)
            #expect(try await client.call(.put, "/api/v1/custom-fields", token: admin, json: #"{"entity": "deal", "key": "x y", "label": "", "type": "money"}"#).problemFields.sorted() == ["entity", "key", "label", "type"])

            let (_, key) = try await fixture.services.collection.sources.create(fixture.a.scope, name: "Site")
            let headers: HTTPFields = [.authorization: "Basic " + Data("\(key):".utf8).base64EncodedString(), .contentType: "application/json"]
            let batch = #"{"batch": [{"type": "page", "anonymousId": "v1", "context": {"page": {"url": "https://a.example/?utm_source=Newsletter&utm_medium=email"}}}, {"type": "identify", "anonymousId": "v1", "traits": {"email": "v@a.example", "phone": "030 901820", "seats": "12"}}]}"#
            #expect(try await client.call(.post, "/v1/batch", json: batch, headers: headers).status == .ok)
            try await fixture.services.collection.processor.processPending()
            let rows = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT t.channel, c.phone, c.traits FROM touchpoints t JOIN contacts c ON c.id = t.contact_id WHERE t.workspace_id = ?", [.text(fixture.a.workspace.id)])
            }
            #expect(rows.count == 1 && rows[0][0] == .text("Newsletter") && rows[0][1] == .text("+4930901820"), "\(rows)")
            #expect(rows[0][2].text?.contains(#""seats":12"#) == true)
        }
    }
}
