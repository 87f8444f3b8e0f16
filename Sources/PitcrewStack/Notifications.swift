import Foundation
public import PitcrewCore
public import PitcrewStore
public import SQLKit

/// Where a workspace's alerts go besides the in-app list: a webhook (JSON POST, `notify.webhook` job) and email
/// (`notify.email` job, sent when the server has an SMTP server configured), both retried by the queue. Enqueued in the
/// transaction that raises the alert, so an alert is never lost, and never sent for a write that rolled back.
public enum Notifications {
    public static func enqueue(
        _ db: any SQLDatabase, workspaceID: String, event: String, subject: String, text: String, data: [String: String]
    ) async throws {
        guard let row = try await db.raw("SELECT alert_webhook_url, alert_emails FROM workspaces WHERE id = \(bind: workspaceID)").first() else {
            return
        }
        if let url = try row.optionalString("alert_webhook_url"), !url.isEmpty {
            // The id is fixed when the notification is made, so a receiver can drop a retried delivery.
            let body: [String: Any] = [
                "id": Identifier.make(), "event": event, "workspace_id": workspaceID, "at": Timestamp.iso8601(Timestamp.now()), "subject": subject, "data": data,
            ]
            let payload = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            try await JobQueue.enqueue(db, workspaceID: workspaceID, kind: "notify.webhook", payload: payload, maxAttempts: 6)
        }
        let emails = AlertSettings.emails(try row.optionalString("alert_emails"))
        if !emails.isEmpty {
            let payload = String(decoding: try JSONEncoder().encode(EmailPayload(to: emails, subject: subject, text: text)), as: UTF8.self)
            try await JobQueue.enqueue(db, workspaceID: workspaceID, kind: "notify.email", payload: payload, maxAttempts: 6)
        }
    }

    struct EmailPayload: Codable {
        var to: [String]
        var subject: String
        var text: String
    }

    /// `notify.email`: sends the alert to the workspace's recipients; without an SMTP server configured, it is skipped.
    public static func deliverEmail(_ smtp: SMTPConfiguration?, _ job: Job) async throws {
        guard let smtp else { return }
        let payload = try JSONDecoder().decode(EmailPayload.self, from: Data(job.payload.utf8))
        try await SMTPClient.send(smtp, to: payload.to, subject: payload.subject, body: payload.text)
    }

    /// `notify.webhook`: posts the payload to the workspace's webhook; anything but a 2xx is retried by the queue.
    public static func deliverWebhook(_ database: Database, _ job: Job) async throws {
        guard let workspaceID = job.workspaceID else { return }
        let (url, hosts) = try await database.read { db in
            let url = try await db.raw("SELECT alert_webhook_url FROM workspaces WHERE id = \(bind: workspaceID)").first()?
                .optionalString("alert_webhook_url")
            return (url, try await StackStore.allowedHosts(db, workspaceID: workspaceID))
        }
        guard let url, !url.isEmpty else { return }  // unset since: nothing to deliver
        let response = try await OutboundHTTP.send(
            method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(job.payload.utf8), timeout: .seconds(10),
            allowedHosts: hosts)
        guard (200..<300).contains(response.status) else {
            throw PitcrewError(.unavailable, "webhook answered \(response.status)")
        }
    }
}

public struct AlertSettings: Sendable, Codable, Equatable {
    public var webhookURL: String?
    /// Who gets alerts by email (sent when the server has an SMTP server: `pitcrew serve --smtp-url`).
    public var emails: [String]
    public init(webhookURL: String?, emails: [String] = []) {
        self.webhookURL = webhookURL
        self.emails = emails
    }

    static func emails(_ json: String?) -> [String] {
        guard let json, let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else { return [] }
        return list
    }
}

public struct Alert: Sendable, Codable, Equatable {
    public var id: String
    public var kind: String
    public var entityID: String?
    public var title: String
    public var dueDate: String?
    @ISOTime public var createdAt: Int64
    @OptionalISOTime public var readAt: Int64?
}

/// In-app alerts (renewal decisions 120, 90 and 30 days ahead) and where else they go.
public struct AlertService: Sendable {
    public let database: Database
    public static let renewalThresholds = [120, 90, 30]

    public init(database: Database) {
        self.database = database
    }

    public func alerts(_ scope: AccessScope, unreadOnly: Bool = false) async throws -> [Alert] {
        try scope.require(.read)
        let filter: SQLQueryString = unreadOnly ? "AND read_at IS NULL" : ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM alerts WHERE workspace_id = \(bind: scope.workspace.id) \(filter) ORDER BY due_date, created_at, id LIMIT 200")
                .all().map {
                    Alert(
                        id: try $0.string("id"), kind: try $0.string("kind"), entityID: try $0.optionalString("entity_id"), title: try $0.string("title"),
                        dueDate: try $0.optionalString("due_date"), createdAt: try $0.int64("created_at"), readAt: try $0.optionalInt64("read_at"))
                }
        }
    }

    /// Dismisses an alert for the whole workspace, so it takes a role that may write (a viewer could otherwise hide a
    /// renewal from everyone); recorded in the audit log.
    public func markRead(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            let rows = try await db.raw(
                "UPDATE alerts SET read_at = \(bind: Timestamp.now()) WHERE workspace_id = \(bind: scope.workspace.id) AND id = \(bind: id) RETURNING id"
            ).all()
            if rows.isEmpty { throw PitcrewError.notFound("Alert") }
            try await AuditLog.record(db, workspaceID: scope.workspace.id, actor: scope.actor, action: "alert.read", entity: "alert", entityID: id)
        }
    }

    /// Admins only: webhook URLs often carry a secret (Slack and Teams put their token in the URL).
    public func settings(_ scope: AccessScope) async throws -> AlertSettings {
        try scope.require(.manageMembers)
        return try await database.read { db in
            let row = try await db.raw("SELECT alert_webhook_url, alert_emails FROM workspaces WHERE id = \(bind: scope.workspace.id)").first()
            return AlertSettings(
                webhookURL: try row?.optionalString("alert_webhook_url"), emails: AlertSettings.emails(try row?.optionalString("alert_emails")))
        }
    }

    public func updateSettings(_ scope: AccessScope, _ input: AlertSettings) async throws -> AlertSettings {
        try scope.require(.manageMembers)
        var settings = input
        var validator = Validator()
        if let url = settings.webhookURL {
            validator.check(Validation.isHTTPURL(url), "webhook_url", "must be an http(s) URL")
        }
        settings.emails = input.emails.enumerated().compactMap { index, raw in
            let email = Validation.normalizedEmail(raw)
            validator.check(email != nil, "emails[\(index)]", "is not an email address")
            return email
        }
        validator.check(settings.emails.count <= 50, "emails", "must hold at most 50 addresses")
        try validator.finish()
        let emailsJSON = settings.emails.isEmpty ? nil : String(decoding: try JSONEncoder().encode(settings.emails), as: UTF8.self)
        let saved = settings
        try await database.transaction { db in
            try await db.raw(
                "UPDATE workspaces SET alert_webhook_url = \(bind: saved.webhookURL), alert_emails = \(bind: emailsJSON) WHERE id = \(bind: scope.workspace.id)"
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "alerts.settings", entity: "workspace", entityID: scope.workspace.id,
                after: saved)
        }
        return settings
    }

    /// `stack.renewal_scan`: for every contract whose decision date is 120, 90 or 30 days away or closer, raises the alert of
    /// the tightest threshold reached (once: alerts are keyed by contract, threshold and decision date) and notifies.
    /// Returns how many alerts were raised.
    @discardableResult
    public func scanRenewals(today: CalendarDate = CalendarDate(millis: Timestamp.now())) async throws -> Int {
        try await database.transaction { db in
            let rows = try await db.raw(
                """
                SELECT c.*, t.name AS tool_name FROM contracts c JOIN tools t ON t.id = c.tool_id
                WHERE (c.end_date >= \(bind: today.description) OR c.auto_renew = \(bind: true))
                AND (t.status <> 'retired' OR c.auto_renew = \(bind: true))
                """
            ).all()
            var raised = 0
            for row in rows {
                let contract = try StackStore.contract(from: row)
                let end = contract.currentEnd(on: today)
                let decision = contract.decisionDate(on: today)
                guard end >= today else { continue }
                let days = Int(decision.daysSinceEpoch - today.daysSinceEpoch)
                guard let threshold = Self.renewalThresholds.filter({ days <= $0 }).min() else { continue }
                let key = "renewal:\(contract.id):\(threshold):\(decision)"
                let tool = try row.string("tool_name")
                let what = contract.autoRenew ? "renews automatically on \(end)" : "ends on \(end)"
                let title = days >= 0
                    ? "\(tool): decide by \(decision) (\(days) days) — the contract \(what)"
                    : "\(tool): the decision date \(decision) has passed — the contract \(what)"
                let inserted = try await db.raw(
                    """
                    INSERT INTO alerts (id, workspace_id, kind, alert_key, entity_id, title, due_date, created_at)
                    VALUES (\(bind: Identifier.make()), \(bind: contract.workspaceID), 'renewal', \(bind: key), \(bind: contract.id), \(bind: title),
                            \(bind: decision.description), \(bind: Timestamp.now()))
                    ON CONFLICT DO NOTHING RETURNING id
                    """
                ).all()
                guard !inserted.isEmpty else { continue }
                raised += 1
                try await Notifications.enqueue(
                    db, workspaceID: contract.workspaceID, event: "renewal.due", subject: title,
                    text: "\(title).\n\nAnnual cost: \(Money(minorUnits: contract.annualCost, currency: contract.amount.currency).formatted()). "
                        + "Notice period: \(contract.noticeDays) days. Renew, renegotiate or cancel before \(decision).\n",
                    data: [
                        "contract_id": contract.id, "tool_id": contract.toolID, "tool": tool, "decision_date": decision.description,
                        "end_date": end.description, "threshold_days": String(threshold), "auto_renew": String(contract.autoRenew),
                    ])
            }
            return raised
        }
    }
}
