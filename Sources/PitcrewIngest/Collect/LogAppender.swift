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

/// The writer of the collection log. Group commit: requests hand in their entry and wait; one writer appends everything
/// that is waiting in one transaction (one fsync) and answers every request. While a commit runs the next group gathers,
/// so groups grow with the load and no request waits on a timer.
///
/// On SQLite it also deletes the entries the processor has finished (`retire`), in the same transactions: the log file has
/// one writer, and the processor runs at lowered priority, so were it to take the log's write lock itself it could be
/// descheduled holding it and stall every request behind it.
final class LogAppender: Sendable {
    private struct Waiting {
        let entry: LogEntry
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Retiring {
        let seqs: ClosedRange<Int64>
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var retiring: [Retiring] = []
        var running = false
    }

    let log: CollectionLog
    let logger: Logger
    private let state = Mutex(State())
    /// Commits run on a thread of their own (SQLite is called synchronously), not on the request threads.
    static let executor = DedicatedThreadExecutor(name: "pitcrew-log")
    static let columns = ["workspace_id", "source_id", "received_at", "kind", "messages", "body", "id_seed"]

    init(log: CollectionLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    /// Returns once the entry is committed; throws if the commit failed (then nothing of it was written).
    func append(_ entry: LogEntry) async throws {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { $0.waiting.append(Waiting(entry: entry, continuation: continuation)) }
        }
    }

    /// Deletes processed entries (seqs `seqs`); returns once that is committed.
    func retire(_ seqs: ClosedRange<Int64>) async throws {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { $0.retiring.append(Retiring(seqs: seqs, continuation: continuation)) }
        }
    }

    private func enqueue(_ add: (inout State) -> Void) {
        let start = state.withLock { state -> Bool in
            add(&state)
            if state.running { return false }
            state.running = true
            return true
        }
        if start { Task(executorPreference: Self.executor) { await self.drain() } }
    }

    private func drain() async {
        while true {
            let (group, retiring) = state.withLock { state -> ([Waiting], [Retiring]) in
                let group = Array(state.waiting.prefix(5_000))
                state.waiting.removeFirst(group.count)
                let retiring = state.retiring
                state.retiring.removeAll()
                if group.isEmpty, retiring.isEmpty { state.running = false }
                return (group, retiring)
            }
            if group.isEmpty, retiring.isEmpty { return }
            do {
                let values = group.flatMap { waiting -> [SQLValue] in
                    let entry = waiting.entry
                    return [
                        .text(entry.workspaceID), .text(entry.sourceID), .integer(entry.receivedAt), .text(entry.kind),
                        .integer(Int64(entry.messages)), .text(entry.body), .text(entry.idSeed),
                    ]
                }
                try await log.database().rawTransaction { raw in
                    for range in retiring.map(\.seqs) {
                        try await raw.run("DELETE FROM ingest_log WHERE seq >= ? AND seq <= ?", [.integer(range.lowerBound), .integer(range.upperBound)])
                    }
                    try await raw.insert("ingest_log", columns: Self.columns, values: values)
                }
                for waiting in group { waiting.continuation.resume() }
                for retired in retiring { retired.continuation.resume() }
            } catch {
                logger.error("Could not write the collection log", metadata: ["error": "\(error)"])
                for waiting in group {
                    waiting.continuation.resume(throwing: PitcrewError(.unavailable, "The events could not be stored; send them again."))
                }
                for retired in retiring { retired.continuation.resume(throwing: error) }
            }
        }
    }
}
