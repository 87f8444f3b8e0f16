import Foundation
import PitcrewCore
@testable import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// Two processors on one SQLite file (two `pitcrew` processes, or a server and a command) must never take each other's
/// log entries: a processor that read the log before the other one emptied it may not delete what arrived since (an
/// earlier version matched entries by a count of seqs, which SQLite reused once the log was empty).
@Suite struct ProcessorRaceTests {
    @Test func aStaleProcessorNeverDeletesANewerEntryWithAReusedSeq() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let first = CollectionService(database: database, sources: SourceService(database: database))
            let second = CollectionService(database: database, sources: SourceService(database: database))
            let (_, key) = try await first.sources.create(acme.scope, name: "Website")

            _ = try await first.collect(Array(#"{"userId": "u1", "traits": {"email": "ann@example.com"}, "messageId": "m1"}"#.utf8), type: .identify, basicUser: key)
            // The second processor reads the entry, then loses the race: the first one processes it and empties the log.
            let (stale, deadLetters) = try await second.processor.readOldest()
            #expect(stale.map(\.seq) == [1])
            try await first.processor.processPending()
            // A new request arrives.
            _ = try await first.collect(Array(#"{"userId": "u1", "event": "Signed Up", "messageId": "m2"}"#.utf8), type: .track, basicUser: key)
            #expect(try await first.processor.pendingEntries() == 1)

            await #expect(throws: IngestProcessor.Raced.self) { _ = try await second.processor.commit(stale, deadLetters: deadLetters) }
            try await first.processor.processPending()
            let stored = try await database.rawRead { raw in try await raw.rows("SELECT message_id FROM events ORDER BY message_id", []) }
            #expect(stored.map { $0[0].text } == ["m1", "m2"])
        }
    }
}

/// On SQLite the collection log is a file of its own, so appending never waits behind the processor's transactions.
@Suite struct CollectionLogFileTests {
    @Test func theLogIsItsOwnFileAdoptsOldEntriesAndIsBackedUp() async throws {
        try await TestDatabase.with(.sqlite) { database in
            guard case .sqlite(let path) = database.location else { return }
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            // An entry an earlier version accepted into the database file itself.
            try await database.rawTransaction { raw in
                try await raw.insert(
                    "ingest_log", columns: ["workspace_id", "source_id", "received_at", "kind", "messages", "body", "id_seed"],
                    values: [
                        .text(acme.workspace.id), .text("old-source"), .integer(Timestamp.now()), .text("track"), .integer(1),
                        .text(#"{"userId": "u0", "event": "Old", "messageId": "m0"}"#), .text("seed-0"),
                    ])
            }
            let collection = CollectionService(database: database, sources: SourceService(database: database))
            let (_, key) = try await collection.sources.create(acme.scope, name: "Website")
            _ = try await collection.collect(Array(#"{"userId": "u1", "event": "New", "messageId": "m1"}"#.utf8), type: .track, basicUser: key)
            // Both wait in the log file; the database file's table was emptied into it.
            #expect(FileManager.default.fileExists(atPath: path + "-collect"))
            #expect(try await collection.processor.pendingEntries() == 2)
            let inMain = try await database.rawRead { raw in try await raw.rows("SELECT COUNT(*) FROM ingest_log", []) }
            #expect(inMain[0][0].integer == 0)
            // A backup taken now carries the waiting entries in its own log file.
            let copy = path + "-backup.sqlite"
            defer { for suffix in ["", "-collect", "-collect-wal", "-collect-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
            try await database.backup(to: copy)
            let backedUp = try await Database.with(.sqlite(path: copy + "-collect")) { log in
                try await log.rawRead { raw in try await raw.rows("SELECT COUNT(*) FROM ingest_log", []) }
            }
            #expect(backedUp[0][0].integer == 2)

            try await collection.processor.processPending()
            #expect(try await collection.processor.pendingEntries() == 0)
            let stored = try await database.rawRead { raw in try await raw.rows("SELECT message_id FROM events ORDER BY message_id", []) }
            #expect(stored.map { $0[0].text } == ["m0", "m1"])
        }
    }
}
