import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit

public struct UptimeCheck: Sendable, Codable, Equatable {
    public var id: String
    public var workspaceID: String
    public var toolID: String
    public var url: String
    public var method: String
    public var expectedStatus: Int64
    public var intervalSeconds: Int64
    public var timeoutMs: Int64
    public var enabled: Bool
    @ISOTime public var nextRunAt: Int64
    @ISOTime public var createdAt: Int64
}

public struct UptimeResult: Sendable, Codable, Equatable {
    @ISOTime public var checkedAt: Int64
    public var up: Bool
    public var statusCode: Int64?
    public var latencyMs: Int64
    public var error: String?
}

public struct Incident: Sendable, Codable, Equatable {
    public var id: String
    public var toolID: String
    public var checkID: String
    @ISOTime public var openedAt: Int64
    @OptionalISOTime public var closedAt: Int64?
    public var cause: String
}

public struct UptimeCheckInput: Sendable, Equatable {
    public var url: String
    public var method: String = "GET"
    public var expectedStatus: Int64 = 200
    public var intervalSeconds: Int64 = 300
    public var timeoutMs: Int64 = 10_000
    public var enabled: Bool = true
    public init(url: String) { self.url = url }
}

/// HTTP uptime checks per tool, run by the job queue: `uptime.schedule` (periodic) enqueues one `uptime.check` job per
/// due check; the check records the result, the day's rollup, and opens or closes the tool's incident. A target that
/// cannot be reached (refused, timed out, blocked by the address policy) is recorded as down with the cause — the job
/// itself succeeds, since the check did its work.
public struct UptimeService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    static func check(from row: any SQLRow) throws -> UptimeCheck {
        UptimeCheck(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), toolID: try row.string("tool_id"), url: try row.string("url"),
            method: try row.string("method"), expectedStatus: try row.int64("expected_status"), intervalSeconds: try row.int64("interval_seconds"),
            timeoutMs: try row.int64("timeout_ms"), enabled: try row.bool("enabled"), nextRunAt: try row.int64("next_run_at"),
            createdAt: try row.int64("created_at"))
    }

    /// One check of the workspace, or not found.
    static func check(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> UptimeCheck {
        guard Identifier.isValid(id),
            let check = try await db.raw("SELECT * FROM uptime_checks WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
                .map(Self.check(from:))
        else { throw PitcrewError.notFound("Uptime check") }
        return check
    }

    public func checks(_ scope: AccessScope, toolID: String? = nil) async throws -> [UptimeCheck] {
        try scope.require(.read)
        let filter: SQLQueryString = toolID.map { "AND tool_id = \(bind: $0)" } ?? ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM uptime_checks WHERE workspace_id = \(bind: scope.workspace.id) \(filter) ORDER BY id").all()
                .map(Self.check(from:))
        }
    }

    public func createCheck(_ scope: AccessScope, toolID: String, _ input: UptimeCheckInput) async throws -> UptimeCheck {
        try scope.require(.write)
        let method = try await validate(input, workspaceID: scope.workspace.id)
        let now = Timestamp.now()
        let check = UptimeCheck(
            id: Identifier.make(), workspaceID: scope.workspace.id, toolID: toolID, url: input.url, method: method,
            expectedStatus: input.expectedStatus, intervalSeconds: input.intervalSeconds, timeoutMs: input.timeoutMs, enabled: input.enabled,
            nextRunAt: now, createdAt: now)
        return try await database.transaction { db in
            guard Identifier.isValid(toolID), try await StackStore.tool(db, workspaceID: scope.workspace.id, id: toolID) != nil else {
                throw PitcrewError.notFound("Tool")
            }
            try await db.raw(
                """
                INSERT INTO uptime_checks (id, workspace_id, tool_id, url, method, expected_status, interval_seconds, timeout_ms, enabled,
                                           next_run_at, created_at, updated_at)
                VALUES (\(bind: check.id), \(bind: check.workspaceID), \(bind: toolID), \(bind: check.url), \(bind: method),
                        \(bind: check.expectedStatus), \(bind: check.intervalSeconds), \(bind: check.timeoutMs), \(bind: check.enabled),
                        \(bind: now), \(bind: now), \(bind: now))
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "uptime_check.create", entity: "uptime_check", entityID: check.id,
                after: check)
            return check
        }
    }

    /// Changes a check (pause it with `enabled = false`); the next run is due at once when it is switched on.
    public func updateCheck(_ scope: AccessScope, id: String, _ change: (inout UptimeCheckInput) -> Void) async throws -> UptimeCheck {
        try scope.require(.write)
        let current = try await database.read { db in try await Self.check(db, workspaceID: scope.workspace.id, id: id) }
        var input = UptimeCheckInput(url: current.url)
        (input.method, input.expectedStatus, input.intervalSeconds, input.timeoutMs, input.enabled) =
            (current.method, current.expectedStatus, current.intervalSeconds, current.timeoutMs, current.enabled)
        change(&input)
        let method = try await validate(input, workspaceID: scope.workspace.id)
        var updated = current
        (updated.url, updated.method, updated.expectedStatus, updated.intervalSeconds, updated.timeoutMs, updated.enabled) =
            (input.url, method, input.expectedStatus, input.intervalSeconds, input.timeoutMs, input.enabled)
        if updated.enabled && !current.enabled { updated.nextRunAt = Timestamp.now() }
        let saved = updated
        return try await database.transaction { db in
            try await db.raw(
                """
                UPDATE uptime_checks SET url = \(bind: saved.url), method = \(bind: saved.method), expected_status = \(bind: saved.expectedStatus),
                    interval_seconds = \(bind: saved.intervalSeconds), timeout_ms = \(bind: saved.timeoutMs), enabled = \(bind: saved.enabled),
                    next_run_at = \(bind: saved.nextRunAt), updated_at = \(bind: Timestamp.now())
                WHERE workspace_id = \(bind: scope.workspace.id) AND id = \(bind: id)
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "uptime_check.update", entity: "uptime_check", entityID: id,
                before: current, after: saved)
            return saved
        }
    }

    /// Checks a check's settings; returns the method upper-cased.
    private func validate(_ input: UptimeCheckInput, workspaceID: String) async throws -> String {
        var validator = Validator()
        let method = input.method.uppercased()
        validator.check(["GET", "HEAD", "POST"].contains(method), "method", "must be GET, HEAD or POST")
        validator.check((100...599).contains(input.expectedStatus), "expected_status", "must be an HTTP status between 100 and 599")
        validator.check((30...86_400).contains(input.intervalSeconds), "interval_seconds", "must be between 30 and 86400")
        validator.check((100...30_000).contains(input.timeoutMs), "timeout_ms", "must be between 100 and 30000")
        let components = URLComponents(string: input.url)
        let host = components?.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) ?? ""
        let schemeOK = components?.scheme?.lowercased() == "http" || components?.scheme?.lowercased() == "https"
        validator.check(schemeOK && !host.isEmpty && components?.user == nil, "url", "must be an http(s) URL without credentials")
        try validator.finish()
        let allowed = try await allowedHosts(workspaceID)
        // A literal address is judged now; names are judged each time they are resolved.
        if (host == "localhost" || host.hasSuffix(".localhost") || AddressPolicy.isAddressLiteral(host) && !AddressPolicy.isPublic(host)),
            !allowed.contains(host)
        {
            throw PitcrewError.invalid("url", "\(host) is a private or loopback address; an admin must allow the host first")
        }
        return method
    }

    public func deleteCheck(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            let current = try await Self.check(db, workspaceID: scope.workspace.id, id: id)
            try await db.raw("DELETE FROM uptime_checks WHERE id = \(bind: id)").run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "uptime_check.delete", entity: "uptime_check", entityID: id,
                before: current)
        }
    }

    /// The check's latest results; another workspace's check is not found.
    public func results(_ scope: AccessScope, checkID: String, limit: Int = 100) async throws -> [UptimeResult] {
        try scope.require(.read)
        return try await database.read { db in
            _ = try await Self.check(db, workspaceID: scope.workspace.id, id: checkID)
            return try await db.raw(
                """
                SELECT checked_at, up, status_code, latency_ms, error FROM uptime_results
                WHERE workspace_id = \(bind: scope.workspace.id) AND check_id = \(bind: checkID) ORDER BY checked_at DESC LIMIT \(bind: Int64(limit))
                """
            ).all().map {
                UptimeResult(
                    checkedAt: try $0.int64("checked_at"), up: try $0.bool("up"), statusCode: try $0.optionalInt64("status_code"),
                    latencyMs: try $0.int64("latency_ms"), error: try $0.optionalString("error"))
            }
        }
    }

    public func incidents(_ scope: AccessScope, toolID: String? = nil) async throws -> [Incident] {
        try scope.require(.read)
        let filter: SQLQueryString = toolID.map { "AND tool_id = \(bind: $0)" } ?? ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM incidents WHERE workspace_id = \(bind: scope.workspace.id) \(filter) ORDER BY opened_at DESC LIMIT 200")
                .all().map {
                    Incident(
                        id: try $0.string("id"), toolID: try $0.string("tool_id"), checkID: try $0.string("check_id"),
                        openedAt: try $0.int64("opened_at"), closedAt: try $0.optionalInt64("closed_at"), cause: try $0.string("cause"))
                }
        }
    }

    // MARK: Outbound allowlist (admins)

    public func allowedHosts(_ scope: AccessScope) async throws -> [String] {
        try scope.require(.read)
        return try await allowedHosts(scope.workspace.id).sorted()
    }

    public func allowHost(_ scope: AccessScope, host: String) async throws {
        try scope.require(.manageMembers)
        let name = host.trimmingASCIIWhitespace().lowercased()
        guard !name.isEmpty, name.count <= 253, !name.contains("/"), !name.contains(" ") else {
            throw PitcrewError.invalid("host", "must be a host name or address, such as status.example.com or 10.0.0.5")
        }
        try await database.transaction { db in
            try await db.raw(
                "INSERT INTO outbound_allowed_hosts (workspace_id, host, created_at) VALUES (\(bind: scope.workspace.id), \(bind: name), \(bind: Timestamp.now())) ON CONFLICT DO NOTHING"
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "outbound.allow", entity: "host", entityID: name)
        }
    }

    public func disallowHost(_ scope: AccessScope, host: String) async throws {
        try scope.require(.manageMembers)
        try await database.transaction { db in
            let deleted = try await db.raw(
                "DELETE FROM outbound_allowed_hosts WHERE workspace_id = \(bind: scope.workspace.id) AND host = \(bind: host.lowercased()) RETURNING host"
            ).all()
            if deleted.isEmpty { throw PitcrewError.notFound("Allowed host") }
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "outbound.disallow", entity: "host", entityID: host.lowercased())
        }
    }

    func allowedHosts(_ workspaceID: String) async throws -> Set<String> {
        try await database.read { db in
            try await StackStore.allowedHosts(db, workspaceID: workspaceID)
        }
    }

    // MARK: Job handlers

    /// `uptime.schedule`: enqueues a check job for every enabled check that is due, and moves its next run on.
    public func scheduleDue(now: Int64 = Timestamp.now()) async throws {
        try await database.transaction { db in
            let due = try await db.raw("SELECT * FROM uptime_checks WHERE next_run_at <= \(bind: now) AND enabled = \(bind: true)").all()
                .map(Self.check(from:))
            for check in due {
                try await JobQueue.enqueue(
                    db, workspaceID: check.workspaceID, kind: "uptime.check", payload: "{\"check_id\":\"\(check.id)\"}",
                    uniqueKey: "uptime:\(check.id)", maxAttempts: 2)
                try await db.raw(
                    "UPDATE uptime_checks SET next_run_at = \(bind: now + check.intervalSeconds * 1_000) WHERE id = \(bind: check.id)"
                ).run()
            }
        }
    }

    /// `uptime.check`: runs one check and records it.
    public func run(checkID: String) async throws {
        guard let check = try await database.read({ db in
            try await db.raw("SELECT * FROM uptime_checks WHERE id = \(bind: checkID)").first().map(Self.check(from:))
        }) else { return }  // deleted since it was scheduled
        let allowed = try await allowedHosts(check.workspaceID)
        let at = Timestamp.now()
        var result = UptimeResult(checkedAt: at, up: false, statusCode: nil, latencyMs: 0, error: nil)
        do {
            let response = try await OutboundHTTP.send(
                method: check.method, url: check.url, timeout: .milliseconds(check.timeoutMs), allowedHosts: allowed)
            result.statusCode = Int64(response.status)
            result.latencyMs = response.latencyMilliseconds
            result.up = Int64(response.status) == check.expectedStatus
            if !result.up { result.error = "expected status \(check.expectedStatus), got \(response.status)" }
        } catch {
            result.latencyMs = Timestamp.now() - at
            result.error = error.description
        }
        try await record(check, result)
    }

    func record(_ check: UptimeCheck, _ result: UptimeResult) async throws {
        let day = CalendarDate(millis: result.checkedAt).description
        try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO uptime_results (id, workspace_id, check_id, checked_at, up, status_code, latency_ms, error)
                VALUES (\(bind: Identifier.make()), \(bind: check.workspaceID), \(bind: check.id), \(bind: result.checkedAt), \(bind: result.up),
                        \(bind: result.statusCode), \(bind: result.latencyMs), \(bind: result.error))
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO uptime_daily (workspace_id, check_id, day, up_count, total, latency_sum)
                VALUES (\(bind: check.workspaceID), \(bind: check.id), \(bind: day), \(bind: Int64(result.up ? 1 : 0)), 1, \(bind: result.latencyMs))
                ON CONFLICT (check_id, day) DO UPDATE SET up_count = uptime_daily.up_count + excluded.up_count,
                    total = uptime_daily.total + 1, latency_sum = uptime_daily.latency_sum + excluded.latency_sum
                """
            ).run()
            // Raw results are kept a week; the daily rollups hold the percentages.
            try await db.raw(
                "DELETE FROM uptime_results WHERE check_id = \(bind: check.id) AND checked_at < \(bind: result.checkedAt - 7 * 86_400_000)"
            ).run()
            let open = try await db.raw(
                "SELECT id FROM incidents WHERE check_id = \(bind: check.id) AND closed_at IS NULL"
            ).first().map { try $0.string("id") }
            let tool = try await db.raw("SELECT name FROM tools WHERE id = \(bind: check.toolID)").first()?.string("name") ?? check.toolID
            if !result.up && open == nil {
                let id = Identifier.make()
                try await db.raw(
                    """
                    INSERT INTO incidents (id, workspace_id, tool_id, check_id, opened_at, cause)
                    VALUES (\(bind: id), \(bind: check.workspaceID), \(bind: check.toolID), \(bind: check.id), \(bind: result.checkedAt),
                            \(bind: result.error ?? "down"))
                    """
                ).run()
                try await Notifications.enqueue(
                    db, workspaceID: check.workspaceID, event: "incident.opened", subject: "\(tool) is down",
                    text: "\(tool) failed its uptime check \(check.method) \(check.url) at \(Timestamp.iso8601(result.checkedAt)): \(result.error ?? "down").\n",
                    data: ["incident_id": id, "tool_id": check.toolID, "url": check.url, "cause": result.error ?? "down"])
            } else if result.up, let open {
                try await db.raw("UPDATE incidents SET closed_at = \(bind: result.checkedAt) WHERE id = \(bind: open)").run()
                try await Notifications.enqueue(
                    db, workspaceID: check.workspaceID, event: "incident.closed", subject: "\(tool) is up again",
                    text: "\(tool) passed its uptime check \(check.method) \(check.url) at \(Timestamp.iso8601(result.checkedAt)).\n", data: ["incident_id": open, "tool_id": check.toolID, "url": check.url])
            }
        }
    }
}
