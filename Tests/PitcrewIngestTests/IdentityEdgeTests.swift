import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// Traits that must not cost an event or put one person's email on another.
@Suite struct IdentityEdgeTests {
    typealias C = CollectionServiceTests

    func rows(_ database: Database, _ sql: String) async throws -> [[SQLValue]] {
        try await database.rawRead { raw in try await raw.rows(sql) }
    }

    @Test(arguments: TestBackend.available)
    func badStoredEmailsInContextTraitsDoNotCostTheEvent(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            // SDKs attach stored traits to every call: a bad or empty email there leaves the email out, the event stays.
            let track = try await C.send(f, Array(#"{"anonymousId": "x", "event": "E", "context": {"traits": {"email": "N/A"}}, "messageId": "t1"}"#.utf8), type: .track)
            #expect(track.accepted == 1)
            let page = try await C.send(f, Array(#"{"anonymousId": "x", "context": {"traits": {"email": ""}}, "messageId": "p1"}"#.utf8), type: .page)
            #expect(page.accepted == 1)
            let empty = try await C.send(f, Array(#"{"anonymousId": "y", "traits": {"email": " ", "firstName": "Yu"}, "messageId": "i1"}"#.utf8), type: .identify)
            #expect(empty.accepted == 1)
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM events")[0][0] == .integer(3))
            #expect(try await rows(f.database, "SELECT email, first_name FROM contacts") == [[.null, .text("Yu")]])
            // A bad email in the message's own traits is still refused, naming the field.
            await #expect(throws: PitcrewError.self) {
                try await f.collection.collect(Array(#"{"userId": "u", "traits": {"email": "john@localhost"}}"#.utf8), type: .identify, basicUser: f.key)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func anEmailThatStaysWithAnotherPersonIsNotCopied(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, C.batch([
                #"{"type": "identify", "userId": "alice-uid", "traits": {"email": "alice@example.com"}, "messageId": "a"}"#,
                #"{"type": "identify", "userId": "U-100", "traits": {"email": "jane@example.com", "phone": "030 12345678", "country": "Germany"}, "messageId": "j"}"#,
            ]))
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "U-100", "traits": {"email": "alice@example.com", "title": "CFO"}, "messageId": "j2"}"#]))
            let contacts = try await rows(f.database, "SELECT email, title, phone FROM contacts ORDER BY email")
            #expect(contacts == [[.text("alice@example.com"), .null, .null], [.text("jane@example.com"), .text("CFO"), .text("+493012345678")]])
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM identity_merges")[0][0] == .integer(0))
            // Nor onto a user id seen for the first time.
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "new-uid", "traits": {"email": "alice@example.com"}, "messageId": "n"}"#]))
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts WHERE email = 'alice@example.com'")[0][0] == .integer(1))
        }
    }

    @Test(arguments: TestBackend.available)
    func anOldEmailStillFindsItsContact(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            _ = try await ImportService(database: f.database).run(
                f.acme.scope, .bytes(Array("email\nx@example.com\n".utf8)), ImportRequest(kind: .contacts, fileName: "f.csv"))
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "u1", "traits": {"email": "x@example.com"}, "messageId": "a"}"#]))
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "u1", "traits": {"email": "y@example.com"}, "messageId": "b"}"#]))
            // x@ was the contact's identity by its column; now y@ is there, and x@ is a row of the same contact.
            try await C.send(f, C.batch([#"{"type": "identify", "anonymousId": "z", "traits": {"email": "x@example.com"}, "messageId": "c"}"#]))
            let contacts = try await rows(f.database, "SELECT id FROM contacts")
            #expect(contacts.count == 1)
            #expect(try await rows(f.database, "SELECT kind, contact_id FROM identities WHERE value = 'x@example.com'") == [[.text("email"), contacts.first?[0] ?? .null]])
            #expect(try await rows(f.database, "SELECT DISTINCT contact_id FROM events") == [[contacts.first?[0] ?? .null]])
        }
    }

    @Test(arguments: TestBackend.available)
    func aGroupCallBeforeAnythingElseMakesTheMember(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, Array(#"{"userId": "grp-first", "groupId": "acct-77", "traits": {"name": "Umbrella"}, "messageId": "g1"}"#.utf8), type: .group)
            try await C.send(f, Array(#"{"userId": "grp-first", "traits": {"email": "leon@umbrella.example"}, "messageId": "i1"}"#.utf8), type: .identify)
            let contacts = try await rows(f.database, "SELECT c.id, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id")
            #expect(contacts.count == 1 && contacts.first?[1] == .text("Umbrella"))
            #expect(try await rows(f.database, "SELECT contact_id FROM events WHERE message_id = 'g1'") == [[contacts.first?[0] ?? .null]])
        }
    }

    @Test(arguments: TestBackend.available)
    func theDebuggerShowsTheIdAMessageIsStoredUnder(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, Array(#"{"userId": "ph1", "traits": {"phone": "abc"}}"#.utf8), type: .identify)
            let source = try #require(try await f.collection.sources.sources(f.acme.scope).first)
            let entry = try #require(f.collection.debugger.entries(source: source.id).last)
            let stored = try await rows(f.database, "SELECT message_id FROM events")
            #expect(stored.count == 1 && stored[0][0] == .optional(entry.messageID))
            #expect(entry.notes.contains { $0.contains("traits.phone") })
        }
    }

    @Test(arguments: TestBackend.available)
    func headCountsAsCRMsWriteThem(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, C.batch([
                #"{"type": "group", "userId": "u1", "groupId": "g1", "traits": {"name": "One", "employees": "1,200"}, "messageId": "a"}"#,
                #"{"type": "group", "userId": "u2", "groupId": "g2", "traits": {"name": "Two", "employees": "1e300"}, "messageId": "b"}"#,
            ]))
            let accounts = try await rows(f.database, "SELECT name, employees, traits FROM accounts ORDER BY name")
            #expect(accounts.count == 2 && accounts[0][1] == .integer(1_200))
            #expect(accounts[1][1] == .null && accounts[1][2].text?.contains("1e300") == true)
        }
    }
}

