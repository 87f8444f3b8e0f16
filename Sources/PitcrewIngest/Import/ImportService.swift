public import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit
import Synchronization

/// What to import and how.
public struct ImportRequest: Sendable {
    public enum Format: String, Sendable { case csv, jsonl }

    public var kind: ImportKind?
    /// An explicit mapping (a mapping file); nil detects one from the header.
    public var mapping: ImportMapping?
    public var fileName: String
    public var format: Format
    /// Validate and count, write nothing.
    public var dryRun: Bool
    /// Import the good rows and report the bad ones (default: all or nothing).
    public var skipBadRows: Bool

    /// How to read 03/04/2024; nil takes the mapping's, else the one usual in the workspace's default country.
    public var dayOrder: DayOrder?

    public init(
        kind: ImportKind?, mapping: ImportMapping? = nil, fileName: String, format: Format? = nil, dryRun: Bool = false, skipBadRows: Bool = false,
        dayOrder: DayOrder? = nil
    ) {
        self.dayOrder = dayOrder
        self.kind = kind ?? mapping?.kind
        self.mapping = mapping
        self.fileName = fileName
        self.format = format ?? (fileName.lowercased().hasSuffix(".jsonl") || fileName.lowercased().hasSuffix(".ndjson") ? .jsonl : .csv)
        self.dryRun = dryRun
        self.skipBadRows = skipBadRows
    }
}

/// Where the rows come from.
public enum ImportInput: Sendable {
    case file(path: String)
    case bytes([UInt8])
}

/// What an import did, row by row where it went wrong.
public struct ImportReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case running, succeeded, partial, failed, validated }

    public var id: String
    public var kind: ImportKind?
    public var fileName: String
    public var preset: String?
    public var status: Status
    public var dryRun: Bool
    public var skipBadRows: Bool
    public var rowsRead = 0
    public var rowsBad = 0
    public var inserted = 0
    public var updated = 0
    /// Rows that matched a stored record and changed nothing (a file imported again).
    public var unchanged = 0
    /// The first `ImportService.problemLimit` problems (row, column, value, reason).
    public var problems: [ImportProblem] = []
    public var problemsTruncated = false
    public var message = ""
    public var columns: [String] = []
    /// What the import decided about the whole file (the day order it read dates in, summary rows it skipped).
    public var notes: [String] = []
    public var createdAt: Int64
    public var finishedAt: Int64?
}

/// Imports contacts, accounts, opportunities, spend and offline touchpoints from CSV or JSON Lines.
/// The file streams through in chunks (memory does not grow with it). All or nothing by default: the whole import is
/// one transaction, and any bad row (or a broken file) rolls it back, after reading on to report every bad row.
/// A dry run does the same work and always rolls back, so its counts of inserts and updates are exact.
public final class ImportService: Sendable {
    public static let problemLimit = 1_000
    public static let chunkRows = 2_000
    public let database: Database
    /// Rows read so far by the imports this process runs (whichever service instance runs them), by import id.
    private static let progress = Mutex<[String: Int]>([:])

    public init(database: Database) { self.database = database }

    /// Rows read so far by a running import of this process.
    public func rowsRead(importID: String) -> Int? { Self.progress.withLock { $0[importID] } }

    struct Rollback: Error { let report: ImportReport }

    /// Runs an import. `onProgress` gets rows read and, for files, the fraction of bytes read.
    public func run(
        _ scope: AccessScope, _ input: ImportInput, _ request: ImportRequest, onProgress: @Sendable (Int, Double?) -> Void = { _, _ in }
    ) async throws -> ImportReport {
        try scope.require(request.dryRun ? .read : .write)
        var report = ImportReport(
            id: Identifier.make(), kind: request.kind, fileName: request.fileName, status: .running, dryRun: request.dryRun,
            skipBadRows: request.skipBadRows, createdAt: Timestamp.now())
        // Known as running here before its row is written: a report read in between would otherwise call it interrupted.
        Self.progress.withLock { $0[report.id] = 0 }
        defer { Self.progress.withLock { _ = $0.removeValue(forKey: report.id) } }
        if !request.dryRun { try await record(scope, report) }
        do {
            report = try await execute(scope, input, request, report: report, onProgress: onProgress)
        } catch let rollback as Rollback {
            report = rollback.report
        } catch let failure as FileFailure {
            report.status = .failed
            report.problems = [failure.problem]
            report.message = "The file could not be imported; nothing was written."
        } catch {
            // Anything else (the database, a workspace deleted meanwhile, a cancelled request): the history says it failed.
            if !request.dryRun {
                var failed = report
                failed.status = .failed
                failed.message = "The import stopped because of an error on the server; nothing of it was written."
                failed.finishedAt = Timestamp.now()
                try? await record(scope, failed)
            }
            throw error
        }
        // On PostgreSQL a campaign made while the import ran could not see its rows: spend and touchpoints it wrote
        // that name a campaign are linked now (a lookup per campaign in the index of unlinked rows).
        if !request.dryRun, [.spend, .touchpoints].contains(report.kind), [.succeeded, .partial].contains(report.status) {
            let workspaceID = scope.workspace.id
            try await database.transaction { db in try await CampaignStore.linkAllUnlinked(db, workspaceID: workspaceID) }
        }
        report.finishedAt = Timestamp.now()
        if !request.dryRun { try await record(scope, report) }
        return report
    }

    struct FileFailure: Error { let problem: ImportProblem }

    private func reader(_ input: ImportInput, _ format: ImportRequest.Format, delimiter: Delimiter?) throws(FileFailure) -> any RecordReader {
        do {
            switch (input, format) {
            case (.file(let path), .csv): return try DelimitedReader(path: path, delimiter: delimiter)
            case (.bytes(let bytes), .csv): return try DelimitedReader(bytes: bytes, delimiter: delimiter)
            case (.file(let path), .jsonl): return try JSONLinesReader.allKeys(path: path)
            case (.bytes(let bytes), .jsonl): return try JSONLinesReader.allKeys(bytes: bytes)
            }
        } catch {
            throw FileFailure(problem: Self.problem(error))
        }
    }

    /// Errors about one record that the reader has read past, so the rows after it can still be read.
    static func isRowLevel(_ error: any Error) -> Bool {
        if let error = error as? DelimitedReaderError, case .fieldCountMismatch = error.kind { return true }
        if let error = error as? JSONLinesReaderError {
            switch error.kind {
            case .invalidJSON, .duplicateKey, .unknownKey: return true
            default: return false
            }
        }
        return false
    }

    static func problem(_ error: any Error) -> ImportProblem {
        if let error = error as? DelimitedReaderError {
            return ImportProblem(row: error.row, column: error.columnName ?? error.column.map { "column \($0)" }, reason: error.reason)
        }
        if let error = error as? JSONLinesReaderError {
            return ImportProblem(row: error.row, column: error.key, reason: error.reason)
        }
        return ImportProblem(row: 0, reason: "\(error)")
    }

    private func execute(
        _ scope: AccessScope, _ input: ImportInput, _ request: ImportRequest, report start: ImportReport, onProgress: @Sendable (Int, Double?) -> Void
    ) async throws -> ImportReport {
        var report = start
        let reader = try reader(input, request.format, delimiter: request.mapping?.delimiter)
        // The mapping: the one given, or one detected from the header (a known export, or column names).
        // A mapping without columns only sets how to read the file (delimiter, day order, currency, …): the columns are
        // detected as if none were given.
        var mapping: ImportMapping
        if let given = request.mapping, !given.columns.isEmpty {
            mapping = given
        } else {
            // A known export given as another kind would write its columns into the wrong fields (a contacts export's
            // record ids as account ids): refused before anything is read.
            if let kind = request.kind ?? request.mapping?.kind, let other = ImportMapping.exportOfAnotherKind(than: kind, header: reader.header) {
                throw FileFailure(problem: ImportProblem(
                    row: 1, column: "columns",
                    reason: "this file looks like this known export: \(other.title), which holds \(other.kind.rawValue), not \(kind.rawValue): import it as "
                        + "\(other.kind.rawValue), or give a mapping that says which columns are which"))
            }
            let detected = ImportMapping.detect(kind: request.kind ?? request.mapping?.kind, header: reader.header)
            report.preset = detected.presetName
            mapping = detected.mapping
            report.columns = detected.notes.map(\.description)
            if let given = request.mapping {
                mapping.delimiter = given.delimiter ?? mapping.delimiter
                mapping.dayOrder = given.dayOrder ?? mapping.dayOrder
                mapping.currency = given.currency ?? mapping.currency
                mapping.channel = given.channel ?? mapping.channel
                mapping.source = given.source ?? mapping.source
            }
        }
        report.kind = mapping.kind
        if let kind = request.kind, kind != mapping.kind {
            throw FileFailure(problem: ImportProblem(row: 1, reason: "the mapping is for \(mapping.kind) but the import is of \(kind)"))
        }
        let mapper: RowMapper
        do {
            mapper = try RowMapper(mapping: mapping, header: reader.header)
        } catch {
            throw FileFailure(problem: ImportProblem(row: 1, column: error.path, reason: error.reason))
        }
        if !mapper.unmatchedColumns.isEmpty {
            report.notes.append(
                "The mapping names columns this file does not have, ignored: "
                    + mapper.unmatchedColumns.map { "\"\($0)\"" }.joined(separator: ", ") + ".")
        }
        let workspaceID = scope.workspace.id
        let settings = try await database.rawRead { raw in try await WorkspaceSettings.load(raw, workspaceID: workspaceID) }
        let dayOrder = request.dayOrder ?? mapping.dayOrder ?? .usual(in: settings.defaultCountry)
        // Said only when the file has a date that reads both ways (03/04/2024) and nobody chose the order.
        let dayOrderNote: String? = {
            guard request.dayOrder == nil, mapping.dayOrder == nil else { return nil }
            let (reading, other) = dayOrder == .monthFirst ? ("month first (MM/DD/YYYY)", "day_first") : ("day first (DD/MM/YYYY)", "month_first")
            let why = settings.defaultCountry.map { "as usual in \($0), the workspace's country" } ?? "as no workspace country is set"
            return "Numeric dates like 03/04/2024 were read \(reading), \(why); import with day order \(other) if the file writes them the other way."
        }()
        // Said when amounts were read in the workspace's currency because nothing else said which.
        let currencyNote: String? =
            mapping.currency == nil && !mapping.columns.values.contains("currency")
                && mapping.columns.values.contains { mapping.kind.field(named: $0)?.type == .money }
            ? "The file has no currency column: amounts that do not name their currency were read as \(settings.currency), the workspace's currency (data settings); "
                + "a mapping's currency reads them as another." : nil
        let normalizer = RowNormalizer(
            kind: mapping.kind, mapper: mapper, dayOrder: dayOrder, defaultCountry: settings.defaultCountry ?? "US",
            currency: mapping.currency ?? settings.currency)
        let totalBytes: Int? = {
            if case .file(let path) = input { return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil }
            return nil
        }()
        let dryRun = request.dryRun
        let id = report.id
        let kind = mapping.kind
        // Reading, mapping and normalizing (one core) run a chunk ahead of the writes (the other core).
        let chunks = ChunkReader(reader: reader, mapper: mapper, normalizer: normalizer, kind: kind, skipBadRows: request.skipBadRows)
        // Spend and touchpoints refer to campaigns read before the transaction, so only those imports keep SQLite's checks.
        let ownReferencesOnly = [.contacts, .accounts, .opportunities].contains(kind)
        let finished = try await database.rawTransaction(checkingForeignKeys: !ownReferencesOnly) { [report] raw -> ImportReport in
            var report = report
            let writer = ImportWriter(
                raw: raw, workspaceID: workspaceID, kind: kind, now: Timestamp.now(), classifier: settings.classifier,
                campaigns: settings.campaigns)
            // Without foreign-key checks nothing else would notice a workspace deleted since the import began.
            guard try await !raw.rows("SELECT 1 FROM workspaces WHERE id = ?", [.text(workspaceID)]).isEmpty else {
                throw PitcrewError.notFound("Workspace")
            }
            var next = Task { chunks.next() }
            var firstChunk = true
            do {
                while true {
                    let chunk = await next.value
                    if !chunk.isLast { next = Task { chunks.next() } }
                    if let failure = chunk.failure {
                        // A broken file (bad quoting, not UTF-8): nothing of it is written, whatever the mode.
                        chunks.take(into: &report, dayOrderNote: dayOrderNote)
                        report.status = .failed
                        report.message = "The file could not be read past row \(failure.row): \(failure.reason). Nothing was imported."
                        report.inserted = 0
                        report.updated = 0
                        report.unchanged = 0
                        throw Rollback(report: report)
                    }
                    if firstChunk, chunks.writing, !dryRun, let totalBytes, chunk.bytesRead > 0 {
                        // The first chunk tells about how many rows the file holds.
                        try await writer.deferContactIndexes(expectedRows: Int(Double(chunk.rowsRead) * Double(totalBytes) / Double(chunk.bytesRead)))
                    }
                    firstChunk = false
                    if chunks.writing { try await writer.write(chunk.rows) }
                    Self.progress.withLock { $0[id] = chunk.rowsRead }
                    onProgress(chunk.rowsRead, totalBytes.map { total in chunk.isLast ? 1 : Double(chunk.bytesRead) / Double(max(total, 1)) })
                    if chunk.isLast { break }
                }
            } catch {
                // A failed write: stop reading ahead before the transaction ends.
                next.cancel()
                _ = await next.value
                throw error
            }
            if chunks.writing { try await writer.buildDeferredIndexes() }
            chunks.take(into: &report, dayOrderNote: dayOrderNote)
            report.inserted = writer.inserted
            if let currencyNote {
                report.notes.append(currencyNote)
            }
            report.notes += writer.notes
            report.updated = writer.updated + writer.spendCounts.updated
            report.unchanged = writer.unchanged + writer.spendCounts.unchanged
            if !chunks.writing {
                report.status = .failed
                report.inserted = 0
                report.updated = 0
                report.unchanged = 0
                let good = report.rowsRead - report.rowsBad - chunks.summaryRows
                report.message = "\(report.rowsBad) of \(report.rowsRead) rows have problems; nothing was imported"
                    + (good > 0 ? " (use skip bad rows to import \(good == 1 ? "the good row" : "the \(good) good rows"))." : ".")
                throw Rollback(report: report)
            }
            if dryRun {
                report.status = .validated
                report.message = "Dry run: \(report.rowsRead) rows read, \(report.rowsBad) with problems; it would insert \(report.inserted) and update \(report.updated)"
                    + (report.unchanged > 0 ? " (\(report.unchanged) unchanged)" : "") + ". Nothing was written."
                throw Rollback(report: report)
            }
            if report.rowsBad > 0, report.inserted + report.updated + report.unchanged == 0 {
                // Skipping bad rows when every row is bad imports nothing: that is a failed import, not a partial one.
                report.status = .failed
                report.message = "\(report.rowsBad) of \(report.rowsRead) rows have problems and none is good; nothing was imported."
                return report
            }
            report.status = report.rowsBad > 0 ? .partial : .succeeded
            report.message = "\(report.rowsRead) rows read: \(report.inserted) inserted, \(report.updated) updated"
                + (report.unchanged > 0 ? ", \(report.unchanged) unchanged" : "")
                + (report.rowsBad > 0 ? ", \(report.rowsBad) skipped for problems." : ".")
            return report
        }
        return finished
    }

    // MARK: History

    private func record(_ scope: AccessScope, _ report: ImportReport) async throws {
        let problems = String(decoding: try JSONEncoder().encode(report.problems), as: UTF8.self)
        let notes = String(decoding: try JSONEncoder().encode(StoredNotes(notes: report.notes, columns: report.columns)), as: UTF8.self)
        try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO imports (id, workspace_id, kind, file_name, preset, status, dry_run, skip_bad_rows, rows_read, rows_bad, inserted, updated,
                                     unchanged, problems, message, created_by, created_at, finished_at, notes, runner)
                VALUES (\(bind: report.id), \(bind: scope.workspace.id), \(bind: report.kind?.rawValue ?? "unknown"), \(bind: report.fileName),
                        \(bind: report.preset), \(bind: report.status.rawValue), \(bind: report.dryRun), \(bind: report.skipBadRows),
                        \(bind: report.rowsRead), \(bind: report.rowsBad), \(bind: report.inserted), \(bind: report.updated),
                        \(bind: report.unchanged), \(bind: problems),
                        \(bind: report.message), \(bind: scope.actor.id), \(bind: report.createdAt), \(bind: report.finishedAt), \(bind: notes),
                        \(bind: ImportRunner.current.stored))
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, preset = excluded.preset, status = excluded.status,
                    rows_read = excluded.rows_read, rows_bad = excluded.rows_bad, inserted = excluded.inserted, updated = excluded.updated,
                    unchanged = excluded.unchanged, problems = excluded.problems, message = excluded.message, finished_at = excluded.finished_at,
                    notes = excluded.notes
                """
            ).run()
            if report.status != .running {
                try await AuditLog.record(
                    db, workspaceID: scope.workspace.id, actor: scope.actor, action: "import.\(report.status.rawValue)", entity: "import",
                    entityID: report.id, after: ImportSummary(report))
            }
        }
    }

    /// What `imports.notes` holds.
    struct StoredNotes: Codable {
        var notes: [String]
        var columns: [String]
    }

    struct ImportSummary: Encodable {
        var kind: String?
        var fileName: String
        var rowsRead, rowsBad, inserted, updated, unchanged: Int

        init(_ report: ImportReport) {
            kind = report.kind?.rawValue
            fileName = report.fileName
            rowsRead = report.rowsRead
            rowsBad = report.rowsBad
            inserted = report.inserted
            updated = report.updated
            unchanged = report.unchanged
        }
    }

    /// The workspace's imports, newest first; `before` (an import id) starts after that one.
    public func imports(_ scope: AccessScope, limit: Int = 50, before: String? = nil) async throws -> [ImportReport] {
        if let before { return try await reports(scope, "AND id < ? ORDER BY id DESC LIMIT ?", [.text(before), .integer(Int64(limit))]) }
        return try await reports(scope, "ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
    }

    public func report(_ scope: AccessScope, id: String) async throws -> ImportReport {
        guard Identifier.isValid(id), let report = try await reports(scope, "AND id = ?", [.text(id)]).first else {
            throw PitcrewError.notFound("Import")
        }
        return report
    }

    private func reports(_ scope: AccessScope, _ clause: String, _ binds: [SQLValue]) async throws -> [ImportReport] {
        try scope.require(.read)
        let rows = try await database.rawRead { raw in
            try await raw.rows(
                """
                SELECT id, kind, file_name, preset, status, dry_run, skip_bad_rows, rows_read, rows_bad, inserted, updated, problems, message,
                       created_at, finished_at, unchanged, notes, runner FROM imports WHERE workspace_id = ? \(clause)
                """, [.text(scope.workspace.id)] + binds)
        }
        return rows.map { row in
            var report = ImportReport(
                id: row[0].text ?? "", kind: row[1].text.flatMap(ImportKind.init), fileName: row[2].text ?? "", preset: row[3].text,
                status: ImportReport.Status(rawValue: row[4].text ?? "") ?? .failed, dryRun: row[5].integer == 1, skipBadRows: row[6].integer == 1,
                createdAt: row[13].integer ?? 0)
            report.rowsRead = Int(row[7].integer ?? 0)
            report.rowsBad = Int(row[8].integer ?? 0)
            report.inserted = Int(row[9].integer ?? 0)
            report.updated = Int(row[10].integer ?? 0)
            report.unchanged = Int(row[15].integer ?? 0)
            report.problems = (row[11].text.flatMap { try? JSONDecoder().decode([ImportProblem].self, from: Data($0.utf8)) }) ?? []
            report.message = row[12].text ?? ""
            report.finishedAt = row[14].integer
            if let notes = row[16].text.flatMap({ try? JSONDecoder().decode(StoredNotes.self, from: Data($0.utf8)) }) {
                report.notes = notes.notes
                report.columns = notes.columns
            }
            guard report.status == .running else { return report }
            if let read = rowsRead(importID: report.id) {
                report.rowsRead = read
                return report
            }
            // Run by another process: the command line, or another server. (This process's own imports are in `progress`
            // while they run.)
            let runner = row[17].text.flatMap(ImportRunner.init(stored:)).flatMap { $0 == ImportRunner.current ? nil : $0 }
            switch runner?.isAlive {
            case true?: report.message = "Running in process \(runner?.processID ?? 0) on this host; its progress shows where it was started."
            case nil where runner != nil: report.message = "Running on \(runner?.host ?? "another host") (process \(runner?.processID ?? 0))."
            default:
                report.status = .failed
                report.message = "Interrupted (the process running it stopped before it finished); nothing of it was written."
            }
            return report
        }
    }

}

extension ColumnNote: CustomStringConvertible {
    /// How the column was read: `"E-mail" → email`, `"Zip" → trait zip`, `"Notes": ignored (why)`.
    public var description: String {
        switch outcome {
        case .mapped(let field): "\"\(header)\" → \(field)"
        case .keptAsTrait(let name): "\"\(header)\" → trait \(name)"
        case .ignored(let reason): "\"\(header)\": ignored (\(reason))"
        }
    }
}
