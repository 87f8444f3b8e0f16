import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// Moves SQLite's write-ahead log into the database file in the background, so commits never pay for it.
/// The writers run with `wal_autocheckpoint=0`; this task checkpoints (PASSIVE: never blocks the writer or readers)
/// when the log has grown past `thresholdBytes` or has waited `maxWait`, and truncates it on close.
final class WALCheckpointer: Sendable {
    let walPath: String
    let connection: SQLiteConnection
    let logger: Logger
    static let thresholdBytes = 32 << 20
    static let maxWait: Duration = .seconds(2)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(databasePath: String, connection: SQLiteConnection, logger: Logger) {
        self.walPath = databasePath + "-wal"
        self.connection = connection
        self.logger = logger
    }

    func start() {
        let walPath = walPath
        let connection = connection
        let logger = logger
        let started = Task.detached(priority: .utility) {
            var waited: Duration = .zero
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                waited += .milliseconds(100)
                let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
                guard size > 0, size >= Self.thresholdBytes || waited >= Self.maxWait else { continue }
                waited = .zero
                do {
                    _ = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        task.withLock { $0 = started }
    }

    /// Stops the loop and checkpoints everything (the log is truncated when no reader holds it).
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
