import Foundation
public import PitcrewCore
import PitcrewIngest
public import PitcrewStore
import SQLKit

/// One problem in an activity file or request: row (1-based line in the file, or the item's index + 1), column, value, reason.
public struct UsageProblem: Sendable, Codable, Equatable {
    public var row: Int
    public var column: String
    public var value: String
    public var reason: String
}

public struct UsageImportReport: Sendable, Codable, Equatable {
    public var rows: Int
    public var inserted: Int
    public var updated: Int
    public var skipped: Int
    public var dryRun: Bool
    public var committed: Bool
    public var problems: [UsageProblem]
}

/// One user's activity in one tool (optionally with one feature), as given by an export or the API.
public struct UsageRecord: Sendable, Equatable {
    public var tool: String
    public var user: String
    public var lastActive: String
    public var feature: String?
    public init(tool: String, user: String, lastActive: String, feature: String? = nil) {
        self.tool = tool
        self.user = user
        self.lastActive = lastActive
        self.feature = feature
    }
}

/// Per-user activity: CSV import (`tool,user,last_active[,feature]`, tools by name or id) and the API's JSON rows.
/// Rows upsert by (tool, user, feature): a newer last-active date replaces an older one. Like other imports it is one
/// transaction: by default any bad row rolls everything back (after every problem has been reported), `skipBadRows`
/// keeps the good ones, a dry run reports exact counts and writes nothing.
public struct UsageService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let synonyms: [String: [String]] = [
        "tool": ["tool", "tool_name", "tool name", "application", "app", "app_name", "tool_id"],
        "user": ["user", "user_email", "email", "user email", "login", "username"],
        "last_active": ["last_active", "last_active_at", "last active", "last_login", "last login", "last_seen", "last seen", "last_activity"],
        "feature": ["feature", "feature_used", "feature used", "module"],
    ]

    /// Reads a CSV (any delimiter) of activity rows.
    public func importCSV(_ scope: AccessScope, bytes: [UInt8], dryRun: Bool = false, skipBadRows: Bool = false) async throws -> UsageImportReport {
        try scope.require(.write)
        var reader: DelimitedReader
        do {
            reader = try DelimitedReader(bytes: bytes)
        } catch let error as DelimitedReaderError {
            throw PitcrewError.invalid("file", error.description)
        }
        let header = reader.header.map { $0.lowercased() }
        var columns: [String: Int] = [:]
        for (field, names) in Self.synonyms {
            if let index = header.firstIndex(where: { names.contains($0) }) { columns[field] = index }
        }
        var validator = Validator()
        for field in ["tool", "user", "last_active"] where columns[field] == nil {
            validator.add("file", "needs a \(field) column (header names accepted: \(Self.synonyms[field]!.joined(separator: ", ")))")
        }
        try validator.finish()
        var records: [(row: Int, record: UsageRecord)] = []
        do {
            while let record = try reader.next() {
                records.append((record.row, UsageRecord(
                    tool: record[columns["tool"]!], user: record[columns["user"]!], lastActive: record[columns["last_active"]!],
                    feature: columns["feature"].map { record[$0] })))
            }
        } catch let error as DelimitedReaderError {
            // A broken file writes nothing, whatever the mode.
            throw PitcrewError.invalid("file", error.description)
        }
        return try await write(scope, records, dryRun: dryRun, skipBadRows: skipBadRows)
    }

    /// Writes activity rows given through the API (row numbers are the items' positions, from 1).
    public func record(_ scope: AccessScope, _ rows: [UsageRecord], dryRun: Bool = false, skipBadRows: Bool = false) async throws -> UsageImportReport {
        try scope.require(.write)
        return try await write(scope, rows.enumerated().map { ($0.offset + 1, $0.element) }, dryRun: dryRun, skipBadRows: skipBadRows)
    }

    private struct Rollback: Error { var report: UsageImportReport }

    private func write(_ scope: AccessScope, _ records: [(row: Int, record: UsageRecord)], dryRun: Bool, skipBadRows: Bool) async throws
        -> UsageImportReport
    {
        let workspaceID = scope.workspace.id
        do {
            return try await database.transaction { db in
                let tools = try await StackStore.tools(db, workspaceID: workspaceID)
                var byName: [String: String] = [:]
                for tool in tools {
                    byName[tool.name.lowercased()] = tool.id
                    byName[tool.id] = tool.id
                }
                var existing: [String: (id: String, lastActive: Int64)] = [:]
                for row in try await db.raw(
                    "SELECT id, tool_id, user_email, last_active_at, feature FROM tool_usage WHERE workspace_id = \(bind: workspaceID)"
                ).all() {
                    let key = "\(try row.string("tool_id"))\u{1}\(try row.string("user_email"))\u{1}\(try row.optionalString("feature") ?? "")"
                    existing[key] = (try row.string("id"), try row.int64("last_active_at"))
                }
                var problems: [UsageProblem] = []
                var inserted = 0, updated = 0, skipped = 0
                let horizon = Timestamp.now() + 86_400_000
                for (row, record) in records {
                    var rowProblems: [UsageProblem] = []
                    let toolID = byName[record.tool.trimmingASCIIWhitespace().lowercased()] ?? byName[record.tool.trimmingASCIIWhitespace()]
                    if toolID == nil { rowProblems.append(.init(row: row, column: "tool", value: record.tool, reason: "no tool with this name or id")) }
                    var email = ""
                    switch EmailAddress.normalize(record.user) {
                    case .success(let value): email = value
                    case .failure(let problem): rowProblems.append(.init(row: row, column: "user", value: record.user, reason: problem.reason))
                    }
                    var at: Int64 = 0
                    switch FlexibleDate.parseInstant(record.lastActive, order: .monthFirst) {
                    case .success(let value):
                        at = value
                        if value > horizon {
                            rowProblems.append(.init(row: row, column: "last_active", value: record.lastActive, reason: "is in the future"))
                        }
                    case .failure(let problem):
                        rowProblems.append(.init(row: row, column: "last_active", value: record.lastActive, reason: problem.reason))
                    }
                    if !rowProblems.isEmpty {
                        problems += rowProblems
                        skipped += 1
                        continue
                    }
                    // Control characters are dropped (the reports pack activity with them as separators).
                    let feature = record.feature.map { String($0.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }).trimmingASCIIWhitespace() }
                        .flatMap { $0.isEmpty ? nil : $0 }
                    let key = "\(toolID!)\u{1}\(email)\u{1}\(feature ?? "")"
                    if let current = existing[key] {
                        if at > current.lastActive {
                            try await db.raw("UPDATE tool_usage SET last_active_at = \(bind: at) WHERE id = \(bind: current.id)").run()
                            existing[key] = (current.id, at)
                            updated += 1
                        }
                    } else {
                        let id = Identifier.make()
                        try await db.raw(
                            """
                            INSERT INTO tool_usage (id, workspace_id, tool_id, user_email, last_active_at, feature)
                            VALUES (\(bind: id), \(bind: workspaceID), \(bind: toolID!), \(bind: email), \(bind: at), \(bind: feature))
                            """
                        ).run()
                        existing[key] = (id, at)
                        inserted += 1
                    }
                }
                let failed = !problems.isEmpty && !skipBadRows
                let report = UsageImportReport(
                    rows: records.count, inserted: failed ? 0 : inserted, updated: failed ? 0 : updated, skipped: skipped, dryRun: dryRun,
                    committed: !dryRun && !failed, problems: problems)
                if dryRun || failed {
                    var uncommitted = report
                    if dryRun && !failed { (uncommitted.inserted, uncommitted.updated) = (inserted, updated) }
                    throw Rollback(report: uncommitted)
                }
                try await AuditLog.record(
                    db, workspaceID: workspaceID, actor: scope.actor, action: "tool_usage.import", entity: "tool_usage", entityID: workspaceID,
                    after: ["rows": records.count, "inserted": inserted, "updated": updated, "skipped": skipped])
                return report
            }
        } catch let rollback as Rollback {
            return rollback.report
        }
    }
}
