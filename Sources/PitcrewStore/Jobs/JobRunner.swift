import Foundation
public import Logging
public import PitcrewCore
import SQLKit
public import ServiceLifecycle

/// Runs the job queue: claims due jobs (several at a time, so one slow uptime check does not hold up an alert), runs each
/// kind's handler, and records the outcome. Periodic kinds are kept enqueued. A job whose runner died is claimed again
/// once its lease runs out. On PostgreSQL several servers can share the queue (`FOR UPDATE SKIP LOCKED`).
public final class JobRunner: Service, Sendable {
    public typealias Handler = @Sendable (Job) async throws -> Void

    public struct Periodic: Sendable {
        public var kind: String
        public var every: Duration
        public init(kind: String, every: Duration) {
            self.kind = kind
            self.every = every
        }
    }

    let database: Database
    let handlers: [String: Handler]
    let periodic: [Periodic]
    let concurrency: Int
    let pollInterval: Duration
    let lease: Duration
    let logger: Logger

    public init(
        database: Database, handlers: [String: Handler], periodic: [Periodic] = [], concurrency: Int = 4,
        pollInterval: Duration = .seconds(1), lease: Duration = .seconds(300), logger: Logger = Logger(label: "pitcrew.jobs")
    ) {
        self.database = database
        self.handlers = handlers
        self.periodic = periodic
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.lease = lease
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var first = true
            while !Task.isCancelled {
                do {
                    try await self.schedulePeriodic(startingNow: first)
                    first = false
                    _ = try await self.runDue()
                } catch {
                    self.logger.error("Job queue pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.pollInterval)
            }
        }
    }

    /// Makes sure each periodic kind has a pending job: due now on the first pass, one period later afterwards.
    public func schedulePeriodic(startingNow: Bool) async throws {
        guard !periodic.isEmpty else { return }
        try await database.transaction { db in
            for item in self.periodic {
                let runAt = startingNow ? Timestamp.now() : Timestamp.now() + item.every.milliseconds
                try await JobQueue.enqueue(db, workspaceID: nil, kind: item.kind, uniqueKey: "periodic:\(item.kind)", runAt: runAt)
            }
        }
    }

    /// Claims and runs every job due at `now`, `concurrency` at a time; returns how many ran. Tests call this directly.
    @discardableResult
    public func runDue(now: Int64 = Timestamp.now()) async throws -> Int {
        var total = 0
        while true {
            let batch = try await claim(now: now, limit: concurrency)
            if batch.isEmpty { return total }
            total += batch.count
            await withTaskGroup(of: Void.self) { group in
                for job in batch { group.addTask { await self.execute(job) } }
            }
        }
    }

    private func claim(now: Int64, limit: Int) async throws -> [Job] {
        let leaseEnd = Timestamp.now() + lease.milliseconds
        let skipLocked: SQLQueryString = database.backend == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { db in
            // Jobs whose runner died mid-run go back to the queue once their lease has run out — unless that was their last
            // attempt: a job that kills its process must not do so for ever.
            try await db.raw(
                """
                UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
                    last_error = CASE WHEN attempts >= max_attempts THEN 'the runner stopped during the last attempt' ELSE last_error END
                WHERE status = 'running' AND locked_until < \(bind: Timestamp.now())
                """
            ).run()
            let rows = try await db.raw(
                """
                UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = \(bind: leaseEnd)
                WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= \(bind: now)
                             ORDER BY run_at LIMIT \(bind: Int64(limit)) \(skipLocked))
                RETURNING id, workspace_id, kind, payload, attempts, max_attempts
                """
            ).all()
            return try rows.map { row in
                Job(
                    id: try row.string("id"), workspaceID: try row.optionalString("workspace_id"), kind: try row.string("kind"),
                    payload: try row.string("payload"), attempts: try row.int("attempts"), maxAttempts: try row.int("max_attempts"))
            }
        }
    }

    private func execute(_ job: Job) async {
        let outcome: (any Error)?
        if let handler = handlers[job.kind] {
            do {
                try await handler(job)
                outcome = nil
            } catch {
                outcome = error
            }
        } else {
            outcome = PitcrewError(.invalid, "No handler for job kind \(job.kind).")
        }
        do {
            try await database.transaction { db in
                let now = Timestamp.now()
                if let outcome {
                    let message = String(describing: outcome).prefix(1_000)
                    if job.attempts >= job.maxAttempts {
                        try await db.raw(
                            "UPDATE jobs SET status = 'dead', last_error = \(bind: String(message)), finished_at = \(bind: now) WHERE id = \(bind: job.id)"
                        ).run()
                    } else {
                        // 10 s, 20 s, 40 s … capped at an hour.
                        let backoff = Int64(min(3_600_000, 10_000 << min(job.attempts - 1, 12)))
                        try await db.raw(
                            """
                            UPDATE jobs SET status = 'pending', last_error = \(bind: String(message)), run_at = \(bind: now + backoff),
                            locked_until = NULL WHERE id = \(bind: job.id)
                            """
                        ).run()
                    }
                    self.logger.warning("Job failed", metadata: ["kind": "\(job.kind)", "attempt": "\(job.attempts)", "error": "\(message)"])
                } else {
                    try await db.raw(
                        "UPDATE jobs SET status = 'done', finished_at = \(bind: now), locked_until = NULL WHERE id = \(bind: job.id)"
                    ).run()
                    // Finished jobs are kept a week for the job status view (the delete walks the (status, run_at) index).
                    try await db.raw("DELETE FROM jobs WHERE status = 'done' AND run_at < \(bind: now - 7 * 86_400_000)").run()
                }
            }
        } catch {
            logger.error("Could not record a job's outcome", metadata: ["kind": "\(job.kind)", "error": "\(error)"])
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
