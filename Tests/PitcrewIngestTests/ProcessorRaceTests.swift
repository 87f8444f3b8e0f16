import PitcrewCore
@testable import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// Two processors on one SQLite file (two `pitcrew` processes, or a server and a command) must never take each other's
/// log entries: a processor that read the log before the other one emptied it may not delete what arrived since.
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
            // A new request arrives; SQLite gives it the freed seq.
            _ = try await first.collect(Array(#"{"userId": "u1", "event": "Signed Up", "messageId": "m2"}"#.utf8), type: .track, basicUser: key)
            let log = try await database.rawRead { raw in try await raw.rows("SELECT seq FROM ingest_log", []) }
            #expect(log.map { $0[0].integer } == [1])

            await #expect(throws: IngestProcessor.Raced.self) { _ = try await second.processor.commit(stale, deadLetters: deadLetters) }
            try await first.processor.processPending()
            let stored = try await database.rawRead { raw in try await raw.rows("SELECT message_id FROM events ORDER BY message_id", []) }
            #expect(stored.map { $0[0].text } == ["m1", "m2"])
        }
    }
}
