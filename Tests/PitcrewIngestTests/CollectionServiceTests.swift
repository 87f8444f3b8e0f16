import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

@Suite struct CollectionServiceTests {
    struct Fixture {
        let database: Database
        let acme: SeededWorkspace
        let collection: CollectionService
        let events: EventService
        let key: String
    }

    static func with(_ backend: TestBackend, _ body: @Sendable (Fixture) async throws -> Void) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let collection = CollectionService(database: database, sources: SourceService(database: database))
            let (_, key) = try await collection.sources.create(acme.scope, name: "Website")
            try await body(Fixture(database: database, acme: acme, collection: collection, events: EventService(database: database), key: key))
        }
    }

    static func batch(_ messages: [String]) -> [UInt8] { Array(("{\"batch\": [" + messages.joined(separator: ",") + "]}").utf8) }

    /// Sends a body and processes the collection log, as the server's processor would.
    @discardableResult
    static func send(_ f: Fixture, _ body: [UInt8], type: MessageType? = nil, key: String? = nil) async throws -> CollectionService.Result {
        let result = try await f.collection.collect(body, type: type, basicUser: key ?? f.key)
        try await f.collection.processor.processPending()
        return result
    }

    func rows(_ database: Database, _ sql: String, _ binds: [SQLValue] = []) async throws -> [[SQLValue]] {
        try await database.rawRead { raw in try await raw.rows(sql, binds) }
    }

    @Test(arguments: TestBackend.available)
    func retriesNeverDoubleCount(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            let body = Self.batch((0..<50).map { #"{"type": "track", "anonymousId": "anon-\#($0 % 7)", "event": "Viewed", "messageId": "m-\#($0)"}"# })
            let first = try await Self.send(f, body)
            #expect(first.accepted == 50 && first.rejected.isEmpty)
            // The same batch again (an SDK retry), and concurrently twice more, before and after processing:
            // nothing new is stored.
            async let a = f.collection.collect(body, type: nil, basicUser: f.key)
            async let b = f.collection.collect(body, type: nil, basicUser: f.key)
            _ = try await (a, b)
            try await Self.send(f, body)
            #expect(try await f.collection.processor.pendingEntries() == 0)
            let stats = try await f.events.stats(f.acme.scope)
            #expect(stats.total == 50 && stats.byType == ["track": 50])
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM events")[0][0].integer == 50)
        }
    }

    /// Custom traits keep the JSON types they were sent with (as Segment keeps them): numbers, booleans, arrays, objects.
    @Test(arguments: TestBackend.available)
    func customTraitsKeepTheirTypes(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "identify", "userId": "u1", "traits": {"is_customer": true, "ltv": 1234.5, "seats": 12, "tags": ["a", "b"], "nested": {"a": [1, 2]}, "note": "7"}, "messageId": "i1"}"#,
                #"{"type": "group", "userId": "u1", "groupId": "g1", "traits": {"name": "Initech", "paying": false, "tags": ["x"]}, "messageId": "g1"}"#,
            ]))
            #expect(try await rows(f.database, "SELECT traits FROM contacts") == [[.text(#"{"is_customer":true,"ltv":1234.5,"nested":{"a":[1,2]},"note":"7","seats":12,"tags":["a","b"]}"#)]])
            #expect(try await rows(f.database, "SELECT traits FROM accounts") == [[.text(#"{"paying":false,"tags":["x"]}"#)]])
        }
    }

    @Test(arguments: TestBackend.available)
    func identifyStitchesAnonymousHistoryIntoOneContact(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "page", "anonymousId": "anon-1", "messageId": "p1", "context": {"page": {"url": "https://acme.example/?utm_source=newsletter&utm_medium=email&utm_campaign=Spring"}}}"#,
                #"{"type": "track", "anonymousId": "anon-1", "event": "Pricing Viewed", "messageId": "t1"}"#,
            ]))
            let anonymous = try await f.events.events(f.acme.scope, filter: EventFilter(anonymousID: "anon-1"), page: PageRequest())
            #expect(anonymous.items.count == 2 && anonymous.items.allSatisfy { $0.contactID == nil })
            let touch = try await rows(f.database, "SELECT channel, source, medium, campaign, contact_id FROM touchpoints")
            #expect(touch.count == 1 && touch[0][0] == .text("Email") && touch[0][1] == .text("newsletter") && touch[0][4] == .null)

            try await Self.send(f, Array(
                #"{"anonymousId": "anon-1", "traits": {"email": "Ann@Example.com", "firstName": "Ann", "phone": "(415) 555-0132", "plan": "pro", "address": {"country": "Germany"}}, "messageId": "i1"}"#.utf8),
                type: .identify)
            let contacts = try await rows(f.database, "SELECT id, email, first_name, phone, country, traits FROM contacts")
            #expect(contacts.count == 1)
            let contact = try #require(contacts.first)
            #expect(contact[1] == .text("ann@example.com") && contact[2] == .text("Ann") && contact[3] == .text("+14155550132") && contact[4] == .text("DE"))
            #expect(contact[5].text?.contains("\"plan\":\"pro\"") == true)
            let stitched = try await f.events.events(f.acme.scope, filter: EventFilter(anonymousID: "anon-1"), page: PageRequest())
            #expect(stitched.items.count == 3 && stitched.items.allSatisfy { $0.contactID == contact[0].text })
            #expect(try await rows(f.database, "SELECT contact_id FROM touchpoints")[0][0] == contact[0])

            // Later, a server-side track by user id on another device, then identify linking that user id to the email.
            try await Self.send(f, Self.batch([
                #"{"type": "track", "userId": "user-9", "event": "Trial Started", "messageId": "t2"}"#,
                #"{"type": "identify", "userId": "user-9", "traits": {"email": "ann@example.com"}, "messageId": "i2"}"#,
            ]))
            let after = try await rows(f.database, "SELECT id FROM contacts")
            #expect(after.count == 1 && after[0][0] == contact[0])
            let merges = try await rows(f.database, "SELECT kept_contact_id, merged_contact_id, reason, moved_identities FROM identity_merges")
            #expect(merges.count == 1 && merges[0][0] == contact[0] && merges[0][2] == .text("identify"))
            #expect(merges[0][3].text?.contains("user-9") == true)
            let all = try await rows(f.database, "SELECT DISTINCT contact_id FROM events")
            #expect(all.count == 1 && all[0][0] == contact[0])
        }
    }

    @Test(arguments: TestBackend.available)
    func twoUserIdsAreNeverMerged(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "identify", "userId": "u1", "anonymousId": "shared-laptop", "messageId": "a"}"#,
                #"{"type": "identify", "userId": "u2", "anonymousId": "shared-laptop", "messageId": "b"}"#,
            ]))
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0].integer == 2)
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM identity_merges")[0][0].integer == 0)
            // The debugger says why the second user did not get the device's anonymous id.
            let source = try #require(try await f.collection.sources.sources(f.acme.scope).first)
            let second = try #require(f.collection.debugger.entries(source: source.id).first { $0.messageID == "b" })
            #expect(second.notes == ["anonymousId shared-laptop belongs to the contact of another user id (a shared device); it stays with it"])
        }
    }

    /// An identified person with a business email belongs to that company's account (made by domain, named as the traits
    /// name the company), as a contacts import makes it; free-mail and placeholder addresses make none; a later group
    /// call with the company's website is that account, not a second one.
    @Test(arguments: TestBackend.available)
    func aBusinessEmailLinksTheCompanysAccount(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "identify", "userId": "u1", "traits": {"email": "ann@initech.example", "company": "Initech"}, "messageId": "i1"}"#,
                #"{"type": "identify", "anonymousId": "a2", "traits": {"email": "bo@initech.example"}, "messageId": "i2"}"#,
                #"{"type": "identify", "userId": "u3", "traits": {"email": "cy@gmail.com", "company": "Freelance"}, "messageId": "i3"}"#,
                #"{"type": "identify", "userId": "u4", "traits": {"email": "dee@example.com"}, "messageId": "i4"}"#,
            ]))
            let accounts = try await rows(f.database, "SELECT id, name, domain FROM accounts")
            #expect(accounts.count == 1 && accounts.first?[1] == .text("Initech") && accounts.first?[2] == .text("initech.example"), "\(accounts)")
            let linked = try await rows(f.database, "SELECT email FROM contacts WHERE account_id IS NOT NULL ORDER BY email")
            #expect(linked == [[.text("ann@initech.example")], [.text("bo@initech.example")]])
            try await Self.send(f, Self.batch([
                #"{"type": "group", "userId": "u1", "groupId": "org-9", "traits": {"name": "Initech Corp", "website": "https://initech.example"}, "messageId": "g1"}"#,
            ]))
            #expect(try await rows(f.database, "SELECT id, name, external_id FROM accounts") == [[accounts[0][0], .text("Initech Corp"), .text("org-9")]])
        }
    }

    @Test(arguments: TestBackend.available)
    func aliasAndGroup(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "identify", "anonymousId": "anon-a", "traits": {"email": "bo@globex.example"}, "messageId": "1"}"#,
                #"{"type": "identify", "userId": "bo", "messageId": "2"}"#,
                #"{"type": "alias", "previousId": "anon-a", "userId": "bo", "messageId": "3"}"#,
                #"{"type": "group", "userId": "bo", "groupId": "org-7", "traits": {"name": "Globex", "website": "https://www.globex.example/x", "employees": 250, "industry": "Energy"}, "messageId": "4"}"#,
            ]))
            let contacts = try await rows(f.database, "SELECT id, email, account_id FROM contacts")
            #expect(contacts.count == 1 && contacts[0][1] == .text("bo@globex.example"))
            let accounts = try await rows(f.database, "SELECT id, name, domain, employees, industry, external_id FROM accounts")
            #expect(accounts.count == 1)
            #expect(accounts[0][1] == .text("Globex") && accounts[0][2] == .text("globex.example") && accounts[0][3].integer == 250)
            #expect(accounts[0][5] == .text("org-7") && contacts[0][2] == accounts[0][0])
            #expect(try await rows(f.database, "SELECT reason FROM identity_merges").map { $0[0] } == [.text("alias")])
        }
    }

    @Test(arguments: TestBackend.available)
    func keysAreCheckedAndRotationRevocationTakeEffect(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            let body = Array(#"{"anonymousId": "a", "event": "E"}"#.utf8)
            await #expect(throws: PitcrewError.self) { _ = try await f.collection.collect(body, type: .track, basicUser: nil) }
            await #expect(throws: PitcrewError.self) { _ = try await f.collection.collect(body, type: .track, basicUser: "pcw_wrong") }
            let source = try #require(try await f.collection.sources.sources(f.acme.scope).first)
            let (_, newKey) = try await f.collection.sources.rotate(f.acme.scope, id: source.id)
            await #expect(throws: PitcrewError.self) { _ = try await f.collection.collect(body, type: .track, basicUser: f.key) }
            #expect(try await Self.send(f, body, type: .track, key: newKey).accepted == 1)
            _ = try await f.collection.sources.revoke(f.acme.scope, id: source.id)
            await #expect(throws: PitcrewError.self) { _ = try await f.collection.collect(body, type: .track, basicUser: newKey) }
            // Key in the body, as browsers send it; viewers cannot manage sources.
            let (_, browserKey) = try await f.collection.sources.create(f.acme.scope, name: "Browser")
            let browser = Array(#"{"writeKey": "\#(browserKey)", "batch": [{"type": "page", "anonymousId": "z"}]}"#.utf8)
            #expect(try await f.collection.collect(browser, type: nil, basicUser: nil).accepted == 1)
            try await f.collection.processor.processPending()
            // The key the browser sent is not kept in the stored log entry or anywhere else.
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM events WHERE context LIKE ?", [.text("%\(browserKey)%")])[0][0].integer == 0)
            await #expect(throws: PitcrewError.self) { _ = try await f.collection.sources.create(f.acme.scope(as: .marketer), name: "X") }
        }
    }

    @Test(arguments: TestBackend.available)
    func invalidSingleMessageIsRefusedWithItsField(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            do {
                _ = try await f.collection.collect(Array(#"{"anonymousId": "a"}"#.utf8), type: .track, basicUser: f.key)
                Issue.record("a track without event was accepted")
            } catch let error as PitcrewError {
                #expect(error.kind == .invalid && error.fieldErrors.map(\.field) == ["event"])
            }
            let entries = f.collection.debugger.entries(source: try #require(try await f.collection.sources.sources(f.acme.scope).first).id)
            #expect(entries.count == 1 && entries[0].accepted == false && entries[0].notes == ["event: is required for track"])
            #expect(try await f.events.stats(f.acme.scope).total == 0)
        }
    }

    /// The debugger shows every copy a sender sent as accepted (the API said 200), and says of each copy after the first
    /// that it was not stored again: in one request, a retry later, a retried identify.
    @Test(arguments: TestBackend.available)
    func theDebuggerSaysWhichCopiesWereNotStoredAgain(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            try await Self.send(f, Self.batch([
                #"{"type": "track", "userId": "u", "event": "A", "messageId": "dup-1"}"#,
                #"{"type": "track", "userId": "u", "event": "A", "messageId": "dup-1", "properties": {"other": true}}"#,
            ]))
            try await Self.send(f, Self.batch([#"{"type": "track", "userId": "u", "event": "A", "messageId": "dup-1"}"#]))
            try await Self.send(f, Self.batch([#"{"type": "identify", "userId": "u", "messageId": "id-1", "traits": {"plan": "pro"}}"#]))
            try await Self.send(f, Self.batch([#"{"type": "identify", "userId": "u", "messageId": "id-1", "traits": {"plan": "pro"}}"#]))
            let entries = f.collection.debugger.entries(source: try #require(try await f.collection.sources.sources(f.acme.scope).first).id).reversed()
            #expect(entries.map(\.messageID) == ["dup-1", "dup-1", "dup-1", "id-1", "id-1"] && entries.allSatisfy(\.accepted))
            #expect(entries.map { $0.notes.contains(EventDebugger.duplicateNote) } == [false, true, true, false, true])
            #expect(try await f.events.stats(f.acme.scope).total == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func messagesWithoutIdsAreNeverTakenForEachOther(backend: TestBackend) async throws {
        try await Self.with(backend) { f in
            // Each request is processed (and the log emptied) before the next: ids made for id-less messages must differ,
            // and a sender must not be able to claim them in advance.
            try await Self.send(f, Array(#"{"batch": [{"type": "track", "userId": "u", "event": "A", "messageId": "api-1-0"}]}"#.utf8))
            for _ in 0..<3 { try await Self.send(f, Array(#"{"userId": "u", "event": "No id"}"#.utf8), type: .track) }
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM events WHERE name = 'No id'")[0][0].integer == 3)
            #expect(try await rows(f.database, "SELECT COUNT(DISTINCT message_id) FROM events")[0][0].integer == 4)
        }
    }
}
