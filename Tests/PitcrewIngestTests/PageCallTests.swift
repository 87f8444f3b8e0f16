import Foundation
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// What page calls carry besides a URL.
@Suite struct PageCallTests {
    typealias C = CollectionServiceTests

    /// Server-side senders often give a page's `path` and `search` and no `url`: the UTMs and click ids in `search` still
    /// make the touch, and the relative location is its landing page.
    @Test(arguments: TestBackend.available)
    func aPageWithOnlyPathAndSearchIsATouch(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, C.batch([
                #"{"type": "page", "anonymousId": "a", "messageId": "p1", "context": {"page": {"path": "/pricing", "search": "?utm_source=Newsletter&utm_medium=email&utm_campaign=nov"}}}"#,
                // In the page call's properties, and `search` without its question mark.
                #"{"type": "page", "anonymousId": "b", "messageId": "p2", "properties": {"path": "/demo", "search": "gclid=abc"}}"#,
                // A full URL wins over path and search.
                #"{"type": "page", "anonymousId": "c", "messageId": "p3", "context": {"page": {"url": "https://acme.example/?utm_source=linkedin&utm_medium=paid_social", "path": "/", "search": "?utm_source=x&utm_medium=cpc"}}}"#,
                // A path alone, with no referrer, is a direct visit: no touch.
                #"{"type": "page", "anonymousId": "d", "messageId": "p4", "context": {"page": {"path": "/about"}}}"#,
                // A server-side track that says its campaign is a touch, whatever page path it names.
                #"{"type": "track", "anonymousId": "e", "event": "Signed Up", "messageId": "t5", "context": {"page": {"path": "/signup"}, "campaign": {"source": "newsletter", "medium": "email", "name": "nov"}}}"#,
            ]))
            let stored = try await f.database.rawRead { raw in
                try await raw.rows("SELECT anonymous_id, channel, source, campaign, landing_url FROM touchpoints ORDER BY anonymous_id")
            }
            #expect(stored == [
                [.text("a"), .text("Email"), .text("newsletter"), .text("nov"), .text("/pricing?utm_source=Newsletter&utm_medium=email&utm_campaign=nov")],
                [.text("b"), .text("Paid Search"), .text("google"), .null, .text("/demo?gclid=abc")],
                [.text("c"), .text("Paid Social"), .text("linkedin"), .null, .text("https://acme.example/?utm_source=linkedin&utm_medium=paid_social")],
                [.text("e"), .text("Email"), .text("newsletter"), .text("nov"), .null],
            ])
        }
    }

    /// A page's category (`analytics.page("Docs", "Pricing")`) is kept in its properties, unless they name one.
    @Test(arguments: TestBackend.available)
    func aPagesCategoryIsKept(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, C.batch([
                #"{"type": "page", "userId": "u", "messageId": "c1", "name": "Pricing", "category": "Docs"}"#,
                #"{"type": "page", "userId": "u", "messageId": "c2", "name": "Pricing", "category": "Docs \"A\"", "properties": { "path": "/pricing" }}"#,
                #"{"type": "page", "userId": "u", "messageId": "c3", "name": "Pricing", "category": "Docs", "properties": {"category": "Own"}}"#,
                #"{"type": "page", "userId": "u", "messageId": "c4", "name": "Pricing", "properties": {}}"#,
                "{\"type\": \"page\", \"userId\": \"u\", \"messageId\": \"c5\", \"category\": \"Docs\", \"properties\": {\r\n}}",
                #"{"type": "page", "userId": "u", "messageId": "c6", "category": 123, "properties": {"a": {"b": [1, {"c": 2}]}}}"#,
            ]))
            let stored = try await f.database.rawRead { raw in try await raw.rows("SELECT message_id, properties FROM events ORDER BY message_id") }
            #expect(stored == [
                [.text("c1"), .text(#"{"category": "Docs"}"#)], [.text("c2"), .text(#"{"category": "Docs \"A\"",  "path": "/pricing" }"#)],
                [.text("c3"), .text(#"{"category": "Own"}"#)], [.text("c4"), .text("{}")], [.text("c5"), .text(#"{"category": "Docs"}"#)],
                [.text("c6"), .text(#"{"a": {"b": [1, {"c": 2}]}}"#)],  // a category that is not a string is ignored, not refused
            ])
            for row in stored { #expect((try? JSONSerialization.jsonObject(with: Data((row[1].text ?? "").utf8))) != nil, "\(row)") }
        }
    }
}
