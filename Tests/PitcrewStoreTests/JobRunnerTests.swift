import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Synchronization
import Testing

/// The durable job queue on real storage: one open job per key, retries with backoff until dead, and a job whose
/// process died during its last attempt is not run again.
@Suite struct JobRunnerTests {
    struct Boom: Error {}

    static func status(_ database: Database, _ kind: String) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT status FROM jobs WHERE kind = \(bind: kind) ORDER BY created_at").all().map { try $0.string("status") }
        }
    }

    @Test(arguments: TestBackend.available)
    func retriesUntilDeadAndKeysStayUnique(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let ran = Mutex(0)
            let runner = JobRunner(
                database: database,
                handlers: [
                    "ok": { _ in ran.withLock { $0 += 1 } },
                    "fails": { _ in throw Boom() },
                ])
            let first = try await database.transaction { db in try await JobQueue.enqueue(db, workspaceID: nil, kind: "ok", uniqueKey: "k") }
            let second = try await database.transaction { db in try await JobQueue.enqueue(db, workspaceID: nil, kind: "ok", uniqueKey: "k") }
            #expect(first && !second)
            try await database.transaction { db in _ = try await JobQueue.enqueue(db, workspaceID: nil, kind: "fails", maxAttempts: 2) }
            #expect(try await runner.runDue() == 2)
            #expect(ran.withLock { $0 } == 1)
            #expect(try await Self.status(database, "fails") == ["pending"])
            // Not due before its backoff; due after it; dead after the last attempt.
            #expect(try await runner.runDue() == 0)
            #expect(try await runner.runDue(now: Timestamp.now() + 60_000) == 1)
            #expect(try await Self.status(database, "fails") == ["dead"])
            // Once done, the key is free again.
            #expect(try await database.transaction { db in try await JobQueue.enqueue(db, workspaceID: nil, kind: "ok", uniqueKey: "k") })
        }
    }

    @Test(arguments: TestBackend.available)
    func aJobThatDiedOnItsLastAttemptIsNotRetried(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let ran = Mutex(0)
            let runner = JobRunner(database: database, handlers: ["crash": { _ in ran.withLock { $0 += 1 } }])
            try await database.transaction { db in
                _ = try await JobQueue.enqueue(db, workspaceID: nil, kind: "crash", maxAttempts: 3)
                _ = try await JobQueue.enqueue(db, workspaceID: nil, kind: "crash", maxAttempts: 3)
                // Two runs that never came back: one on its last attempt, one with attempts left.
                let expired = Timestamp.now() - 1_000
                try await db.raw("UPDATE jobs SET status = 'running', attempts = 3, locked_until = \(bind: expired) WHERE id = (SELECT MIN(id) FROM jobs)").run()
                try await db.raw("UPDATE jobs SET status = 'running', attempts = 1, locked_until = \(bind: expired) WHERE id = (SELECT MAX(id) FROM jobs)").run()
            }
            #expect(try await runner.runDue() == 1)
            #expect(ran.withLock { $0 } == 1)
            #expect(try await Self.status(database, "crash").sorted() == ["dead", "done"])
        }
    }
}
