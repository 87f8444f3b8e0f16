import Logging
import PitcrewCore
import PitcrewStore
import Synchronization

/// One accepted request waiting to be made durable.
struct LogEntry: Sendable {
    let workspaceID: String
    let sourceID: String
    let receivedAt: Int64
    /// The message type of a single-message endpoint, or "batch".
    let kind: String
    let messages: Int
    let body: String
    /// Random, made on receipt: messages sent without a messageId get `api-<seed>-<position>`, unguessable and never
    /// repeated, the same however often the entry is processed.
    let idSeed: String
}

/// Group commit of the collection log: requests hand in their entry and wait; one writer appends everything that is
/// waiting in one transaction (one fsync) and answers every request. While a commit runs the next group gathers, so
/// groups grow with the load and no request waits on a timer.
final class LogAppender: Sendable {
    private struct Waiting {
        let entry: LogEntry
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = false
    }

    let log: CollectionLog
    let logger: Logger
    private let state = Mutex(State())
    /// Commits run on a thread of their own (SQLite is called synchronously), not on the request threads.
    static let executor = DedicatedThreadExecutor(name: "pitcrew-log")

    init(log: CollectionLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    /// Returns once the entry is committed; throws if the commit failed (then nothing of it was written).
    func append(_ entry: LogEntry) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.waiting.append(Waiting(entry: entry, continuation: continuation))
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task(executorPreference: Self.executor) { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLock { state -> [Waiting] in
                let group = Array(state.waiting.prefix(5_000))
                state.waiting.removeFirst(group.count)
                if group.isEmpty { state.running = false }
                return group
            }
            if group.isEmpty { return }
            do {
                let values = group.flatMap { waiting -> [SQLValue] in
                    let entry = waiting.entry
                    return [
                        .text(entry.workspaceID), .text(entry.sourceID), .integer(entry.receivedAt), .text(entry.kind),
                        .integer(Int64(entry.messages)), .text(entry.body), .text(entry.idSeed),
                    ]
                }
                try await log.database().rawTransaction { raw in
                    try await raw.insert(
                        "ingest_log", columns: ["workspace_id", "source_id", "received_at", "kind", "messages", "body", "id_seed"], values: values)
                }
                for waiting in group { waiting.continuation.resume() }
            } catch {
                logger.error("Could not store accepted events", metadata: ["error": "\(error)"])
                for waiting in group {
                    waiting.continuation.resume(throwing: PitcrewError(.unavailable, "The events could not be stored; send them again."))
                }
            }
        }
    }
}
