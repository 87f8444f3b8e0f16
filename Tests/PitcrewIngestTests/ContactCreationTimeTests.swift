import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// A contact was created when it was first identified, not when Pitcrew processed the message: a backfilled month of
/// identifies makes contacts of those dates (attribution's lead milestone, cohorts), and an earlier identifying message
/// arriving later moves the date back. Anonymous page views do not make anyone a contact earlier.
@Suite struct ContactCreationTimeTests {
    typealias C = CollectionServiceTests

    func created(_ f: C.Fixture) async throws -> [String: Int64] {
        try await f.database.rawRead { raw in
            try await raw.rows("SELECT email, created_at FROM contacts WHERE email IS NOT NULL")
        }.reduce(into: [:]) { $0[$1[0].text ?? ""] = $1[1].integer }
    }

    @Test(arguments: TestBackend.available)
    func contactsAreCreatedWhenFirstIdentified(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            let october = Timestamp.parseISO8601("2026-10-25T10:00:00Z")!
            try await C.send(f, C.batch([
                #"{"type": "page", "anonymousId": "a1", "messageId": "p1", "timestamp": "2026-10-01T10:00:00Z", "context": {"page": {"url": "https://acme.example/"}}}"#,
                #"{"type": "identify", "anonymousId": "a1", "userId": "u1", "messageId": "i1", "timestamp": "2026-10-25T10:00:00Z", "traits": {"email": "old@oldco.example"}}"#,
            ]))
            #expect(try await created(f)["old@oldco.example"] == october)
            // Its user's track of October 20th, sent late, is an earlier identification.
            try await C.send(f, C.batch([#"{"type": "track", "userId": "u1", "event": "Signed Up", "messageId": "t1", "timestamp": "2026-10-20T08:00:00Z"}"#]))
            #expect(try await created(f)["old@oldco.example"] == Timestamp.parseISO8601("2026-10-20T08:00:00Z")!)
            // An identify of today makes a contact of today.
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "u2", "messageId": "i2", "traits": {"email": "new@newco.example"}}"#]))
            let now = Timestamp.now()
            #expect(try #require(try await created(f)["new@newco.example"]) > now - 60_000)
        }
    }
}
