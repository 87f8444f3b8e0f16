public import PitcrewCore
public import SQLKit

/// A unit of background work, as a handler receives it.
public struct Job: Sendable {
    public var id: String
    public var workspaceID: String?
    public var kind: String
    /// JSON text; its shape belongs to the kind's handler.
    public var payload: String
    public var attempts: Int
    public var maxAttempts: Int
}

/// The durable job queue: jobs are rows in `jobs`, enqueued in the transaction of the write that causes them (so both land
/// or neither does), claimed by `JobRunner`, retried with backoff, and kept as `dead` after their last attempt.
public enum JobQueue {
    /// Enqueues a job. With a `uniqueKey`, at most one pending or running job holds the key: a second enqueue is a no-op
    /// and returns false (`postponing`: it moves the pending job's `runAt` to this one's instead).
    @discardableResult
    public static func enqueue(
        _ db: any SQLDatabase, workspaceID: String?, kind: String, payload: String = "{}", uniqueKey: String? = nil,
        runAt: Int64 = Timestamp.now(), maxAttempts: Int = 5, postponing: Bool = false
    ) async throws -> Bool {
        let rows = try await db.raw(
            """
            INSERT INTO jobs (id, workspace_id, kind, payload, unique_key, run_at, status, attempts, max_attempts, created_at)
            VALUES (\(bind: Identifier.make()), \(bind: workspaceID), \(bind: kind), \(bind: payload), \(bind: uniqueKey), \(bind: runAt),
                    'pending', 0, \(bind: Int64(maxAttempts)), \(bind: Timestamp.now()))
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).all()
        if rows.isEmpty, postponing, let uniqueKey {
            try await db.raw("UPDATE jobs SET run_at = \(bind: runAt) WHERE unique_key = \(bind: uniqueKey) AND status = 'pending'").run()
        }
        return !rows.isEmpty
    }

    /// Counts by status, for the UI's job status and tests; of one workspace, and of the kinds that begin with
    /// `kindPrefix` (`notify.`), when given.
    public static func counts(_ db: any SQLDatabase, workspaceID: String? = nil, kindPrefix: String? = nil) async throws -> [String: Int] {
        var filter: SQLQueryString = "WHERE 1 = 1"
        if let workspaceID { filter = "\(filter) AND workspace_id = \(bind: workspaceID)" }
        // (Kinds are `area.name` constants: the prefix has no LIKE wildcards.)
        if let kindPrefix { filter = "\(filter) AND kind LIKE \(bind: kindPrefix + "%")" }
        let rows = try await db.raw("SELECT status, COUNT(*) AS n FROM jobs \(filter) GROUP BY status").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.string("status")] = try row.int("n") }
        return counts
    }

    /// Recent failures of a workspace's jobs (the last error of each), newest first.
    public static func failures(_ db: any SQLDatabase, workspaceID: String, limit: Int = 20) async throws -> [(kind: String, error: String, at: Int64)] {
        try await db.raw(
            """
            SELECT kind, last_error, COALESCE(finished_at, run_at) AS at FROM jobs
            WHERE workspace_id = \(bind: workspaceID) AND last_error IS NOT NULL ORDER BY run_at DESC LIMIT \(bind: Int64(limit))
            """
        ).all().map { (try $0.string("kind"), try $0.string("last_error"), try $0.int64("at")) }
    }
}
