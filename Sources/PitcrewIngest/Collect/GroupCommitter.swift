import Logging
import PitcrewCore
import Synchronization

/// Group commit: requests hand their messages in and wait; one writer takes everything that is waiting, writes it in
/// one transaction (one fsync), and answers every request. While a commit runs the next group gathers, so the group
/// grows with the load and no request waits on a timer.
final class GroupCommitter: Sendable {
    private struct Waiting {
        let submission: Submission
        let continuation: CheckedContinuation<CommitOutcome, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = false
    }

    let writer: EventWriter
    let logger: Logger
    /// Most messages one transaction takes (the rest wait for the next).
    let maximumMessages: Int
    private let state = Mutex(State())

    init(writer: EventWriter, logger: Logger, maximumMessages: Int = 20_000) {
        self.writer = writer
        self.logger = logger
        self.maximumMessages = maximumMessages
    }

    /// Returns once the messages are committed (or throws if the commit failed: then nothing of them was written).
    func commit(_ submission: Submission) async throws -> CommitOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.waiting.append(Waiting(submission: submission, continuation: continuation))
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLock { state -> [Waiting] in
                var count = 0
                var taken = 0
                while taken < state.waiting.count, count < maximumMessages {
                    count += state.waiting[taken].submission.messages.count
                    taken += 1
                }
                if taken == 0 {
                    state.running = false
                    return []
                }
                let group = Array(state.waiting[0..<taken])
                state.waiting.removeFirst(taken)
                return group
            }
            if group.isEmpty { return }
            await write(group)
        }
    }

    private func write(_ group: [Waiting]) async {
        let submissions = group.map(\.submission)
        var lastError: (any Error)?
        // One retry: a failed write drops the identity cache (a stale mapping is one cause) and deduplicates anew.
        for attempt in 0..<2 {
            do {
                let outcomes = try await writer.write(submissions, receivedAt: Timestamp.now())
                for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
                return
            } catch {
                lastError = error
                writer.cache.removeAll()
                logger.warning("Event commit failed", metadata: ["attempt": "\(attempt + 1)", "error": "\(error)"])
            }
        }
        let error = lastError ?? PitcrewError(.unavailable, "The events could not be stored.")
        for waiting in group { waiting.continuation.resume(throwing: error) }
    }
}
