import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// Identity merges are recorded and can be undone: the merged contact comes back with what it brought.
@Suite struct MergeUndoTests {
    typealias C = CollectionServiceTests

    func rows(_ database: Database, _ sql: String, _ binds: [SQLValue] = []) async throws -> [[SQLValue]] {
        try await database.rawRead { raw in try await raw.rows(sql, binds) }
    }

    func contactOf(_ f: C.Fixture, messageID: String) async throws -> SQLValue {
        try #require(try await rows(f.database, "SELECT contact_id FROM events WHERE message_id = ?", [.text(messageID)]).first)[0]
    }

    @Test(arguments: TestBackend.available)
    func undoingAMergeGivesTheMergedContactBackItsHistory(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            // Ann browses anonymously, then identifies with her email: contact A.
            try await C.send(f, C.batch([
                #"{"type": "page", "anonymousId": "anon-1", "messageId": "p1", "context": {"page": {"url": "https://acme.example/?utm_source=google&utm_medium=cpc"}}}"#,
                #"{"type": "identify", "anonymousId": "anon-1", "traits": {"email": "ann@example.com", "firstName": "Ann", "plan": "pro"}, "messageId": "i1"}"#,
            ]))
            // On another device a user id shows up with a title, a tracked page view and an opportunity: contact B.
            try await C.send(f, C.batch([
                #"{"type": "identify", "userId": "user-9", "traits": {"title": "CMO", "plan": "free", "team_size": "12"}, "messageId": "i2"}"#,
                #"{"type": "page", "userId": "user-9", "messageId": "p2", "context": {"page": {"url": "https://acme.example/?utm_source=linkedin&utm_medium=paid_social"}}}"#,
                #"{"type": "track", "userId": "user-9", "event": "Trial Started", "messageId": "t2"}"#,
            ]))
            let a = try await contactOf(f, messageID: "i1")
            let b = try await contactOf(f, messageID: "t2")
            #expect(a != b)
            let opportunity = Identifier.make()
            try await f.database.rawTransaction { raw in
                try await raw.run(
                    "INSERT INTO opportunities (id, workspace_id, contact_id, name, stage, amount_minor, currency, created_at) VALUES (?, ?, ?, 'Deal', 'open', 100, 'USD', 0)",
                    [.text(opportunity), .text(f.acme.workspace.id), b])
            }

            // The user id is identified with Ann's email: B is merged into A, and A's empty title is filled from B.
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "user-9", "traits": {"email": "ann@example.com"}, "messageId": "i3"}"#]))
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0].integer == 1)
            #expect(try await rows(f.database, "SELECT title FROM contacts WHERE id = ?", [a])[0][0] == .text("CMO"))
            // Custom traits A lacks come from B; A's own stay.
            #expect(try await rows(f.database, "SELECT traits FROM contacts WHERE id = ?", [a])[0][0] == .text(#"{"plan":"pro","team_size":"12"}"#))
            let detail = try await ContactService(database: f.database).contact(f.acme.scope, id: a.text ?? "")
            let merge = try #require(detail.merges.first)
            #expect(detail.merges.count == 1 && merge.mergedContactID == b.text && merge.reason == "identify" && merge.undoneAt == nil)
            #expect(merge.movedIdentities.contains { $0.kind == "user_id" && $0.value == "user-9" })
            // The merged contact's id gives the contact it is now part of; search finds it by its user and anonymous ids.
            let contacts = ContactService(database: f.database)
            #expect(try await contacts.contact(f.acme.scope, id: b.text ?? "").id == a.text)
            for id in ["user-9", "anon-1"] {
                #expect(try await contacts.contacts(f.acme.scope, search: id, after: nil).items.map(\.id) == [a.text], "\(id)")
            }

            // A viewer may not undo; an unknown merge is not found.
            let viewer = AccessScope(workspace: f.acme.workspace, actor: .user(id: f.acme.owner.id), role: .viewer)
            await #expect(throws: PitcrewError.self) { try await f.collection.undoMerge(viewer, id: merge.id) }
            await #expect(throws: PitcrewError.notFound("Merge")) { try await f.collection.undoMerge(f.acme.scope, id: Identifier.make()) }

            // The team size A got from B changes after the merge: the new value stays with A when the merge is undone.
            try await C.send(f, C.batch([#"{"type": "identify", "anonymousId": "anon-1", "traits": {"team_size": "15"}, "messageId": "i2b"}"#]))

            let undone = try await f.collection.undoMerge(f.acme.scope, id: merge.id)
            #expect(undone.undoneAt != nil)
            let restored = try await rows(f.database, "SELECT id, title, email FROM contacts WHERE id = ?", [b])
            #expect(restored.count == 1 && restored[0][1] == .text("CMO") && restored[0][2] == .null)
            #expect(try await rows(f.database, "SELECT traits FROM contacts WHERE id = ?", [b])[0][0] == .text(#"{"plan":"free","team_size":"12"}"#))
            #expect(try await rows(f.database, "SELECT traits FROM contacts WHERE id = ?", [a])[0][0] == .text(#"{"plan":"pro","team_size":"15"}"#))
            // A's title came from B and goes back to empty; its own fields stay.
            #expect(try await rows(f.database, "SELECT title, first_name, email FROM contacts WHERE id = ?", [a])[0] == [.null, .text("Ann"), .text("ann@example.com")])
            #expect(try await rows(f.database, "SELECT contact_id FROM identities WHERE kind = 'user_id' AND value = 'user-9'")[0][0] == b)
            #expect(try await rows(f.database, "SELECT contact_id FROM identities WHERE kind = 'anonymous_id' AND value = 'anon-1'")[0][0] == a)
            // Events sent under B's user id go back to B (the linking identify too); Ann's anonymous history stays with A.
            for message in ["i2", "p2", "t2", "i3"] { #expect(try await contactOf(f, messageID: message) == b, "\(message)") }
            for message in ["p1", "i1"] { #expect(try await contactOf(f, messageID: message) == a, "\(message)") }
            let touches = try await rows(f.database, "SELECT source, contact_id FROM touchpoints ORDER BY source")
            #expect(touches == [[.text("google"), a], [.text("linkedin"), b]])
            #expect(try await rows(f.database, "SELECT contact_id FROM opportunities WHERE id = ?", [.text(opportunity)])[0][0] == b)
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM audit_log WHERE action = 'identity_merge.undo' AND entity_id = ?", [.text(merge.id)])[0][0].integer == 1)

            // Once only.
            await #expect(throws: PitcrewError.self) { try await f.collection.undoMerge(f.acme.scope, id: merge.id) }
            // The processor's cache forgot the merged mapping: the user id's next event lands on B.
            try await C.send(f, C.batch([#"{"type": "track", "userId": "user-9", "event": "Upgraded", "messageId": "t4"}"#]))
            #expect(try await contactOf(f, messageID: "t4") == b)
            // The undo sticks: the same identify again (SDKs resend it at every login) does not merge the two again.
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "user-9", "traits": {"email": "ann@example.com"}, "messageId": "i5"}"#]))
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0].integer == 2)
            #expect(try await contactOf(f, messageID: "i5") == b)
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM identity_merges")[0][0].integer == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aMergeWhoseKeptContactWasMergedAgainWaitsForThatUndo(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            // Three contacts, oldest first: E (cy@), X (x@), U (user-1). An alias folds U into X; then an identify of
            // user-1 with E's email folds X into E, the oldest.
            try await C.send(f, C.batch([#"{"type": "identify", "anonymousId": "anon-y", "traits": {"email": "cy@example.com"}, "messageId": "i1"}"#]))
            try await C.send(f, C.batch([#"{"type": "identify", "anonymousId": "anon-x", "traits": {"email": "x@example.com"}, "messageId": "i2"}"#]))
            try await C.send(f, C.batch([#"{"type": "track", "userId": "user-1", "event": "Viewed", "messageId": "t1"}"#]))
            try await C.send(f, C.batch([#"{"type": "alias", "previousId": "anon-x", "userId": "user-1", "messageId": "a1"}"#]))
            try await C.send(f, C.batch([#"{"type": "identify", "userId": "user-1", "traits": {"email": "cy@example.com"}, "messageId": "i3"}"#]))
            let merges = try await rows(f.database, "SELECT id, kept_contact_id, merged_contact_id FROM identity_merges ORDER BY at, id")
            try #require(merges.count == 2)
            let first = try #require(merges[0][0].text)
            let second = try #require(merges[1][0].text)
            #expect(merges[1][2] == merges[0][1])  // the first merge's kept contact was merged by the second
            await #expect(throws: PitcrewError.self) { try await f.collection.undoMerge(f.acme.scope, id: first) }
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0].integer == 1)
            _ = try await f.collection.undoMerge(f.acme.scope, id: second)
            _ = try await f.collection.undoMerge(f.acme.scope, id: first)
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0].integer == 3)
            #expect(try await contactOf(f, messageID: "t1") == merges[0][2])
            #expect(try await rows(f.database, "SELECT email FROM contacts WHERE id = ?", [merges[0][1]])[0][0] == .text("x@example.com"))
        }
    }

    @Test(arguments: TestBackend.available)
    func anImportedContactsEmailFollowsItThroughAMergeAndBack(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            try await C.send(f, Array(#"{"userId": "u1", "anonymousId": "x", "traits": {"firstName": "Uma"}, "messageId": "i1"}"#.utf8), type: .identify)
            let imported = try await ImportService(database: f.database).run(
                f.acme.scope, .bytes(Array("email,external_id\numa@example.com,77\n".utf8)), ImportRequest(kind: .contacts, fileName: "f.csv"))
            #expect(imported.inserted == 1)
            // The user id's contact (older) keeps; the imported one, found by its email, is merged into it.
            try await C.send(f, Array(#"{"userId": "u1", "traits": {"email": "uma@example.com"}, "messageId": "i2"}"#.utf8), type: .identify)
            let contacts = ContactService(database: f.database)
            let kept = try #require(try await contacts.contacts(f.acme.scope, search: nil, after: nil).items.first)
            let detail = try await contacts.contact(f.acme.scope, id: kept.id)
            #expect(detail.email == "uma@example.com" && detail.merges.count == 1)
            #expect(detail.identities.map { "\($0.kind):\($0.value)" } == ["anonymous_id:x", "email:uma@example.com", "external_id:77", "user_id:u1"])

            _ = try await f.collection.undoMerge(f.acme.scope, id: try #require(detail.merges.first?.id))
            let after = try await contacts.contact(f.acme.scope, id: kept.id)
            #expect(after.email == nil && after.identities.map { "\($0.kind):\($0.value)" } == ["anonymous_id:x", "user_id:u1"])
            // The email finds the imported contact again.
            try await C.send(f, Array(#"{"anonymousId": "y", "traits": {"email": "uma@example.com"}, "messageId": "i3"}"#.utf8), type: .identify)
            let restored = try #require(detail.merges.first?.mergedContactID)
            #expect(try await rows(f.database, "SELECT contact_id FROM events WHERE message_id = 'i3'") == [[.text(restored)]])
            #expect(try await rows(f.database, "SELECT COUNT(*) FROM contacts")[0][0] == .integer(2))
        }
    }

    /// Two processes (nodes) on one database: one undoes a merge, the other's cached identities must not outlive it.
    @Test(arguments: TestBackend.available)
    func anotherProcessForgetsItsCachedIdentitiesAfterAnUndo(backend: TestBackend) async throws {
        try await C.with(backend) { f in
            let other = CollectionService(database: f.database, sources: SourceService(database: f.database))
            func sendThere(_ json: String) async throws {
                _ = try await other.collect(Array(json.utf8), type: nil, basicUser: f.key)
                try await other.processor.processPending()
            }
            try await sendThere(#"{"batch": [{"type": "identify", "anonymousId": "a1", "traits": {"email": "mo@example.com"}, "messageId": "i1"}]}"#)
            try await sendThere(#"{"batch": [{"type": "track", "userId": "mo-uid", "event": "E", "messageId": "t1"}]}"#)
            try await sendThere(#"{"batch": [{"type": "identify", "userId": "mo-uid", "traits": {"email": "mo@example.com"}, "messageId": "i2"}]}"#)
            let merge = try #require(try await rows(f.database, "SELECT id, merged_contact_id FROM identity_merges").first)
            // The other process now knows mo-uid → the kept contact. This one undoes the merge.
            _ = try await f.collection.undoMerge(f.acme.scope, id: try #require(merge[0].text))
            try await sendThere(#"{"batch": [{"type": "track", "userId": "mo-uid", "event": "E", "messageId": "t2"}]}"#)
            #expect(try await contactOf(f, messageID: "t2") == merge[1])
        }
    }
}

