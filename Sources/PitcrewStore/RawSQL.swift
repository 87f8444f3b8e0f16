import Logging
public import PitcrewCore
public import SQLKit
import PostgresKit
import PostgresNIO
import SQLiteKit
import SQLiteNIO

/// A value bound to a `?` placeholder of `RawSQL`.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case null

    public static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    public static func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }

    public var text: String? {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .text(let text): Int64(text)
        case .bool(let value): value ? 1 : 0
        case .null: nil
        }
    }
}

/// Statements on the connection of one transaction, bypassing SQLKit's `Encodable` binding: the hot write paths (event
/// collection, imports) bind millions of values a second, and the per-value boxing of SQLKit shows up there.
/// SQL is written once with `?` placeholders; PostgreSQL gets them renumbered to `$1…`.
public struct RawSQL: Sendable {
    enum Connection: Sendable {
        /// SQLite readers (SQLiteNIO).
        case sqlite(SQLiteConnection)
        /// The SQLite write path (C API, cached statements).
        case native(NativeSQLite)
        case postgres(PostgresConnection)
    }

    let connection: Connection
    let logger: Logger

    /// Most values one statement may bind (SQLite's limit is 32,766; PostgreSQL's 65,535).
    public static let maximumBinds = 32_000

    public var backend: Database.Backend {
        switch connection {
        case .sqlite, .native: .sqlite
        case .postgres: .postgres
        }
    }

    public func run(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await rows(sql, binds)
    }

    /// Runs a statement and returns its rows as values in column order.
    public func rows(_ sql: String, _ binds: [SQLValue] = []) async throws -> [[SQLValue]] {
        switch connection {
        case .native(let native):
            return try native.rows(sql, binds)
        case .sqlite(let connection):
            let data: [SQLiteData] = binds.map {
                switch $0 {
                case .text(let text): .text(text)
                case .integer(let value): .integer(SQLiteInt64(value))
                case .bool(let value): .integer(value ? 1 : 0)
                case .null: .null
                }
            }
            let rows = try await connection.query(sql, data)
            return rows.map { row in
                row.columns.map { column in
                    switch column.data {
                    case .integer(let value): .integer(Int64(value))
                    case .text(let text): .text(text)
                    case .float(let value): .integer(Int64(value))
                    case .blob(let buffer): .text(String(buffer: buffer))
                    case .null: .null
                    }
                }
            }
        case .postgres(let connection):
            var bindings = PostgresBindings(capacity: binds.count)
            for value in binds {
                switch value {
                case .text(let text): bindings.append(text)
                case .integer(let value): bindings.append(value)
                case .bool(let value): bindings.append(value)
                case .null: bindings.appendNull()
                }
            }
            let query = PostgresQuery(unsafeSQL: RawSQL.numberPlaceholders(sql), binds: bindings)
            var result: [[SQLValue]] = []
            for try await row in try await connection.query(query, logger: logger) {
                var values: [SQLValue] = []
                for cell in row {
                    if cell.bytes == nil {
                        values.append(.null)
                        continue
                    }
                    switch cell.dataType {
                    case .int8, .int4, .int2: values.append(.integer(try cell.decode(Int64.self)))
                    case .bool: values.append(.bool(try cell.decode(Bool.self)))
                    case .numeric: values.append(.integer(Int64(try cell.decode(String.self)) ?? 0))
                    default: values.append(.text(try cell.decode(String.self)))
                    }
                }
                result.append(values)
            }
            return result
        }
    }

    /// `?` → `$1, $2, …` (Pitcrew's SQL never has `?` inside string literals).
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + sql.utf8.count / 4)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                out += "$\(index)"
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// `(?, ?, ?), (?, ?, ?)…` for `rows` rows of `columns` values.
    public static func valuesList(rows: Int, columns: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: one, count: rows).joined(separator: ", ")
    }
}

extension RawSQL {
    /// Runs a lookup `… IN (…)` for many values, in slices under the bind limit, and returns every slice's rows.
    /// `sql` is given the placeholder list of a slice; `leading` binds come before the slice's values.
    public func rows(in values: some Collection<String>, leading: [SQLValue] = [], _ sql: (String) -> String) async throws -> [[SQLValue]] {
        let list = Array(values)
        var result: [[SQLValue]] = []
        var start = 0
        while start < list.count {
            let slice = list[start..<min(list.count, start + 900)]
            result += try await rows(sql(Array(repeating: "?", count: slice.count).joined(separator: ", ")), leading + slice.map(SQLValue.text))
            start += slice.count
        }
        return result
    }

    /// Inserts rows (`values` holds `columns.count` values per row): on SQLite one prepared single-row INSERT run per
    /// row, on PostgreSQL multi-row INSERTs under the bind limit. `suffix` is appended (e.g. `ON CONFLICT … DO NOTHING`).
    public func insert(_ table: String, columns: [String], values: [SQLValue], suffix: String = "") async throws {
        guard !values.isEmpty else { return }
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        if case .native(let native) = connection {
            try native.run(head + RawSQL.valuesList(rows: 1, columns: columns.count) + suffix, rows: values, columns: columns.count)
            return
        }
        let perRow = columns.count
        let rowsPerStatement = min(1_000, RawSQL.maximumBinds / perRow)
        let rowCount = values.count / perRow
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + rowsPerStatement)
            try await run(head + RawSQL.valuesList(rows: end - start, columns: perRow) + suffix, Array(values[(start * perRow)..<(end * perRow)]))
            start = end
        }
    }
}

extension RawSQL {
    /// Inserts rows, skipping those that clash with a unique key (`conflictColumns`), and says which rows were new.
    /// `keyColumn` is the position of a column unique within `values` (e.g. the message id) used to match PostgreSQL's
    /// RETURNING rows back to the input.
    public func insertNew(
        _ table: String, columns: [String], values: [SQLValue], conflictColumns: [String], keyColumn: Int
    ) async throws -> [Bool] {
        guard !values.isEmpty else { return [] }
        let perRow = columns.count
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let conflict = " ON CONFLICT (\(conflictColumns.joined(separator: ", "))) DO NOTHING"
        if case .native(let native) = connection {
            return try native.run(head + RawSQL.valuesList(rows: 1, columns: perRow) + conflict, rows: values, columns: perRow)
        }
        let rowCount = values.count / perRow
        var inserted = Set<String>()
        let rowsPerStatement = min(1_000, RawSQL.maximumBinds / perRow)
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + rowsPerStatement)
            let returned = try await rows(
                head + RawSQL.valuesList(rows: end - start, columns: perRow) + conflict + " RETURNING \(columns[keyColumn])",
                Array(values[(start * perRow)..<(end * perRow)]))
            for row in returned { if let key = row.first?.text { inserted.insert(key) } }
            start = end
        }
        return (0..<rowCount).map { inserted.contains(values[$0 * perRow + keyColumn].text ?? "") }
    }
}

extension Database {
    /// Runs `body` in one write transaction on the raw executor (on SQLite, the C-API writer connection).
    ///
    /// `checkingForeignKeys: false` is for bulk writers whose every reference is to a row read or written in the same
    /// transaction (imports of contacts, accounts and opportunities): SQLite's checks of those would cost a quarter of the
    /// insert time and could not fail. PostgreSQL checks them as always.
    public func rawTransaction<T: Sendable>(checkingForeignKeys: Bool = true, _ body: @Sendable (RawSQL) async throws -> T) async throws -> T {
        switch storage {
        case .sqlite(_, let native, _, let lock, _):
            await lock.lock()
            await checkpointer?.checkpointIfOverdue()
            // The pragma has no effect inside a transaction, so it is set around it (the write lock keeps other writers out).
            if !checkingForeignKeys { _ = try? native.rows("PRAGMA foreign_keys=OFF", []) }
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await Database.inRawTransaction(RawSQL(connection: .native(native), logger: logger), begin: "BEGIN IMMEDIATE", body))
            } catch {
                result = .failure(error)
            }
            if !checkingForeignKeys { _ = try? native.rows("PRAGMA foreign_keys=ON", []) }
            await lock.unlock()
            return try result.get()
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await Database.inRawTransaction(RawSQL(connection: .postgres(connection), logger: logger), begin: "BEGIN", body)
            }
        }
    }

    /// Runs read-only raw statements on a reader connection.
    public func rawRead<T: Sendable>(_ body: @Sendable (RawSQL) async throws -> T) async throws -> T {
        switch storage {
        case .sqlite(_, _, let readers, _, let next):
            return try await body(RawSQL(connection: .sqlite(readers[next.next() % readers.count]), logger: logger))
        case .postgres(let client):
            return try await client.withConnection { connection in try await body(RawSQL(connection: .postgres(connection), logger: logger)) }
        }
    }

    private static func inRawTransaction<T: Sendable>(
        _ raw: RawSQL, begin: String, _ body: @Sendable (RawSQL) async throws -> T
    ) async throws -> T {
        try await raw.run(begin)
        do {
            let result = try await body(raw)
            try await raw.run("COMMIT")
            return result
        } catch {
            try? await raw.run("ROLLBACK")
            throw Database.mapConstraintViolation(error)
        }
    }
}
