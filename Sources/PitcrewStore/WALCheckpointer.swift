import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// Moves SQLite's write-ahead log into the database file in the background, so commits never pay for it.
/// The writers run with `wal_autocheckpoint=0`; this task checkpoints (PASSIVE: never blocks the writer or readers)
/// when the log has grown past `Limits.thresholdBytes` or has waited `Limits.maxWait`, and truncates it on close.
///
/// A passive checkpoint cannot finish while writes keep coming (a bulk load, a burst of events): new frames arrive while
/// it copies, the log is never fully copied, so it is never restarted and grows without bound (a 1M-contact demo filled
/// a 60 GB disk). Past `Limits.writerPauseBytes` the checkpoint therefore runs holding the write lock: writers wait for one
/// checkpoint (about a second), it copies everything, and the next commit starts the log from its beginning again.
final class WALCheckpointer: Sendable {
    let walPath: String
    let connection: SQLiteConnection
    let writeLock: AsyncLock
    let logger: Logger
    /// When to checkpoint: past `thresholdBytes` of log (or after `maxWait`), and with writers paused past `writerPauseBytes`.
    struct Limits: Sendable {
        var thresholdBytes = 32 << 20
        var writerPauseBytes = 256 << 20
        var maxWait: Duration = .seconds(2)
        /// False leaves the log to the writers' own checks (`checkpointIfOverdue`): tests of that check alone.
        var background = true
    }

    let limits: Limits
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// When a writer last checked the log itself (`checkpointIfOverdue`), in nanoseconds of the monotonic clock.
    private let lastWriterCheck = Mutex<UInt64>(0)

    init(databasePath: String, connection: SQLiteConnection, writeLock: AsyncLock, limits: Limits = Limits(), logger: Logger) {
        self.limits = limits
        self.walPath = databasePath + "-wal"
        self.connection = connection
        self.writeLock = writeLock
        self.logger = logger
    }

    static func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }

    func start() {
        guard limits.background else { return }
        let walPath = walPath
        let checkpointer = self
        let limits = limits
        let started = Task.detached(priority: .utility) {
            var waited: Duration = .zero
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                waited += .milliseconds(100)
                let size = Self.size(walPath)
                guard size > 0, size >= limits.thresholdBytes || waited >= limits.maxWait else { continue }
                waited = .zero
                do {
                    let frames = try await checkpointer.checkpoint()
                    if frames * 4096 >= limits.writerPauseBytes {
                        // The log has not started over: writes kept coming while it copied. Copy the rest with writers paused.
                        await checkpointer.writeLock.lock()
                        var failure: (any Error)?
                        do { _ = try await checkpointer.checkpoint() } catch { failure = error }
                        await checkpointer.writeLock.unlock()
                        if let failure { throw failure }
                    }
                } catch is CancellationError {
                    break  // closing: `stop()` checkpoints once more
                } catch {
                    checkpointer.logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        task.withLock { $0 = started }
    }

    /// Called by a writer holding the write lock, before its transaction: if the log is past `writerPauseBytes` (it has
    /// not started over since), copies it now, with this writer and so every writer waiting. The background loop does
    /// the same, but a loop at utility priority can be starved by the very writes that grow the log (a bulk load on a
    /// busy machine); this check cannot be, so the log stays bounded however the threads are scheduled. It looks at
    /// most every 50 ms (a `stat` of the log file) so that writers pay nothing measurable.
    func checkpointIfOverdue() async {
        let now = DispatchTime.now().uptimeNanoseconds
        let due = lastWriterCheck.withLock { last in
            guard now &- last >= 50_000_000 else { return false }
            last = now
            return true
        }
        guard due, Self.size(walPath) >= max(limits.writerPauseBytes, limits.thresholdBytes) else { return }
        do {
            _ = try await checkpoint()
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// Stops the loop and checkpoints everything (the log is truncated when no reader holds it).
    /// A passive checkpoint; returns the frames in the log. A log that is copied in full starts over at the next commit,
    /// unless another commit came first, and then it keeps growing.
    private func checkpoint() async throws -> Int {
        try await connection.query("PRAGMA wal_checkpoint(PASSIVE)").first?.column("log")?.integer ?? 0
    }

    func stop() async {
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
        _ = try? await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
        try? await connection.close()
    }
}
