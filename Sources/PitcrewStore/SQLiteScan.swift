import CPitcrew
import Foundation
public import PitcrewCore

/// One row of `Database.scanSQLite`, read in place. Its buffers are SQLite's own and valid only during the call that
/// receives the row.
public struct ScanRow {
    let statement: OpaquePointer

    /// The column's text as bytes (empty for NULL).
    public func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = pitcrew_sqlite_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(pitcrew_sqlite_column_bytes(statement, column)))
    }

    public func int64(_ column: Int32) -> Int64 { pitcrew_sqlite_column_int64(statement, column) }
}

extension Database {
    /// SQLite only: runs one query (`?` placeholders) on a read connection of its own, through the C API, on a thread of
    /// its own (never the request threads), and hands every row to `row` in place. For scans of millions of rows, where
    /// decoding each row into values costs more than the query (attribution reads 10M touchpoints this way); everything
    /// else reads through `read`. Scans run concurrently with each other and with writes (WAL), each one consistent in
    /// itself.
    public func scanSQLite<State: Sendable>(
        _ sql: String, _ binds: [SQLValue], into initial: sending State, row: @escaping @Sendable (inout State, ScanRow) throws -> Void
    ) async throws -> State {
        guard case .sqlite(let path) = location else {
            throw PitcrewError(.unavailable, "Row scans need a SQLite database.")
        }
        let box = StateBox(initial)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<State, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result {
                    let connection = try NativeSQLite(path: path, readOnly: true)
                    defer { connection.close() }
                    var state = box.take()
                    try connection.forEachRow(sql, binds) { try row(&state, $0) }
                    return state
                })
            }
            thread.name = "pitcrew-scan"
            thread.start()
        }
    }
}

/// Hands a scan's state to its thread (taken exactly once, there).
private final class StateBox<State: Sendable>: @unchecked Sendable {
    private var state: State?
    init(_ state: State) { self.state = state }
    func take() -> State {
        defer { state = nil }
        return state!
    }
}
