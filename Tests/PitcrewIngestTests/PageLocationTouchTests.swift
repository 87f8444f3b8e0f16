import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// Server-side senders often give a page's `path` and `search` and no `url`: the UTMs and click ids in `search` still
/// make the touch, and the relative location is its landing page.
@Suite struct PageLocationTouchTests {
    typealias C = CollectionServiceTests

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
            ]))
            let stored = try await f.database.rawRead { raw in
                try await raw.rows("SELECT anonymous_id, channel, source, campaign, landing_url FROM touchpoints ORDER BY anonymous_id")
            }
            #expect(stored == [
                [.text("a"), .text("Email"), .text("newsletter"), .text("nov"), .text("/pricing?utm_source=Newsletter&utm_medium=email&utm_campaign=nov")],
                [.text("b"), .text("Paid Search"), .text("google"), .null, .text("/demo?gclid=abc")],
                [.text("c"), .text("Paid Social"), .text("linkedin"), .null, .text("https://acme.example/?utm_source=linkedin&utm_medium=paid_social")],
            ])
        }
    }
}
