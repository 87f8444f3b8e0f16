import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// A page view that repeats the visitor's touch within 30 minutes (a reload, a single-page app's routes) is the same
/// visit, not another touch; a visit that comes another way, or the same way later, is a new one.
@Suite struct RepeatTouchTests {
    typealias C = CollectionServiceTests

    static func page(_ id: String, anonymousID: String, at minutes: Double, url: String, referrer: String? = nil) -> String {
        let at = Timestamp.iso8601(Timestamp.parseISO8601("2026-11-02T10:00:00Z")! + Int64(minutes * 60_000))
        let page = referrer.map { #""url": "\#(url)", "referrer": "\#($0)""# } ?? #""url": "\#(url)""#
        return #"{"type": "page", "anonymousId": "\#(anonymousID)", "messageId": "\#(id)", "timestamp": "\#(at)", "context": {"page": {\#(page)}}}"#
    }

    func touches(_ f: C.Fixture) async throws -> [[SQLValue]] {
        try await f.database.rawRead { raw in
            try await raw.rows("SELECT anonymous_id, channel, occurred_at FROM touchpoints ORDER BY anonymous_id, occurred_at")
        }
    }

    @Test(arguments: TestBackend.available)
    func reloadsAndRoutesOfOneVisitAreOneTouch(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            let cpc = "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand"
            try await C.send(f, C.batch([
                // Three reloads of the ad's landing page.
                Self.page("r1", anonymousID: "a", at: 0, url: cpc), Self.page("r2", anonymousID: "a", at: 0.5, url: cpc),
                Self.page("r3", anonymousID: "a", at: 1, url: cpc),
                // A single-page app's routes, each still with the search engine as referrer.
                Self.page("s1", anonymousID: "b", at: 0, url: "https://acme.example/app", referrer: "https://www.google.com/"),
                Self.page("s2", anonymousID: "b", at: 2, url: "https://acme.example/app/pricing", referrer: "https://www.google.com/"),
            ]))
            #expect(try await touches(f).map { [$0[0], $0[1]] } == [[.text("a"), .text("Paid Search")], [.text("b"), .text("Organic Search")]])
            // Later requests: a reload arriving late (out of order) is still the same visit; coming back by the newsletter
            // is a new touch, and so is the ad again after it (another way than the nearest touch), and the ad an hour on.
            try await C.send(f, C.batch([Self.page("r4", anonymousID: "a", at: -5, url: cpc)]))
            try await C.send(f, C.batch([
                Self.page("n1", anonymousID: "a", at: 10, url: "https://acme.example/?utm_source=newsletter&utm_medium=email"),
                Self.page("r5", anonymousID: "a", at: 12, url: cpc),
                Self.page("r6", anonymousID: "a", at: 75, url: cpc),
            ]))
            #expect(try await touches(f).filter { $0[0] == .text("a") }.map(\.[1]) == [.text("Paid Search"), .text("Email"), .text("Paid Search"), .text("Paid Search")])
            // Once identified, the contact's touches count as the visitor's: a reload then is the same visit too.
            try await C.send(f, Array(#"{"anonymousId": "a", "traits": {"email": "ann@example.com"}, "messageId": "i1"}"#.utf8), type: .identify)
            try await C.send(f, C.batch([Self.page("r7", anonymousID: "a", at: 76, url: cpc)]))
            #expect(try await touches(f).filter { $0[0] == .text("a") }.count == 4)
            // Every page view is still an event.
            #expect(try await f.events.stats(f.acme.scope).byType["page"] == 10)
        }
    }

    /// A visit's touch is its first page view: when an earlier view of the visit arrives after its touch was stored (a
    /// backfill, a retried request), it takes the touch's place, so a conversion between the two still has its touch.
    @Test(arguments: TestBackend.available)
    func aLateEarlierViewOfAVisitIsItsTouch(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            let cpc = "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=black_friday"
            try await C.send(f, C.batch([Self.page("late", anonymousID: "a", at: 20, url: cpc)]))
            try await C.send(f, C.batch([
                Self.page("early", anonymousID: "a", at: 0, url: cpc),
                // Another way within the window is another touch, and stays.
                Self.page("mail", anonymousID: "a", at: 5, url: "https://acme.example/?utm_source=newsletter&utm_medium=email"),
            ]))
            let start = Timestamp.parseISO8601("2026-11-02T10:00:00Z")!
            #expect(try await touches(f).map { [$0[1], $0[2]] } == [[.text("Paid Search"), .integer(start)], [.text("Email"), .integer(start + 300_000)]])
            let event = try await f.database.rawRead { raw in
                try await raw.rows("SELECT e.message_id FROM touchpoints t JOIN events e ON e.id = t.event_id WHERE t.channel = 'Paid Search'")
            }
            #expect(event == [[.text("early")]])
        }
    }

    /// A track from outside a web page that says which campaign brought it (a mobile deep link, a server-side conversion)
    /// is a touch; a track without one, a browser's track on a page, or an identify, is not.
    @Test(arguments: TestBackend.available)
    func aTrackWithItsCampaignIsATouch(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, C.batch([
                #"{"type": "track", "anonymousId": "m", "event": "App Opened", "messageId": "t1", "context": {"campaign": {"source": "newsletter", "medium": "email", "name": "nov"}}}"#,
                #"{"type": "track", "anonymousId": "n", "event": "App Opened", "messageId": "t2"}"#,
                // A browser's track on a page with UTMs carries them too: the page view is the touch, not each track.
                #"{"type": "track", "anonymousId": "p", "event": "Clicked", "messageId": "t3", "context": {"campaign": {"source": "google", "medium": "cpc"}, "page": {"url": "https://acme.example/?utm_source=google&utm_medium=cpc"}}}"#,
                #"{"type": "identify", "anonymousId": "o", "traits": {"plan": "pro"}, "messageId": "i1", "context": {"campaign": {"source": "google", "medium": "cpc"}}}"#,
            ]))
            let stored = try await f.database.rawRead { raw in try await raw.rows("SELECT anonymous_id, channel, campaign FROM touchpoints") }
            #expect(stored == [[.text("m"), .text("Email"), .text("nov")]])
        }
    }
}
