import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit

/// One step of the approval chain: a name (e.g. "Finance") and who may decide it (members' user ids; empty = any admin).
public struct ApprovalStep: Sendable, Codable, Equatable {
    public var name: String
    public var approverUserIDs: [String]
    public init(name: String, approverUserIDs: [String]) {
        self.name = name
        self.approverUserIDs = approverUserIDs
    }

    // `approverUserIds`: the API's snake-case encoder makes it `approver_user_ids` (from `…IDs` it made `approver_user_i_ds`,
    // which a PUT of the chain then refused). Chains stored with the old key still read.
    enum CodingKeys: String, CodingKey { case name, approverUserIds, approverUserIDs }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        approverUserIDs = try container.decodeIfPresent([String].self, forKey: .approverUserIds)
            ?? container.decode([String].self, forKey: .approverUserIDs)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(approverUserIDs, forKey: .approverUserIds)
    }
}

public struct PurchaseDecision: Sendable, Codable, Equatable {
    public var step: Int
    public var stepName: String
    public var decision: String
    public var userID: String
    public var comment: String?
    @ISOTime public var at: Int64
}

public struct PurchaseRequest: Sendable, Codable, Equatable {
    public var id: String
    public var toolName: String
    public var toolID: String?
    public var reason: String
    public var cost: Money
    public var requesterUserID: String
    /// The chain as it was when the request was made (later changes to the workspace's chain do not move it).
    public var chain: [ApprovalStep]
    public var currentStep: Int
    /// pending, approved or rejected.
    public var status: String
    public var decisions: [PurchaseDecision]
    @ISOTime public var createdAt: Int64
}

/// Purchase requests and their approval chain (default: MOps → Finance → Security, each decided by an admin unless the
/// workspace names approvers). Every decision is recorded on the request and in the audit log.
public struct PurchaseService: Sendable {
    public let database: Database
    public static let defaultChain = [
        ApprovalStep(name: "MOps", approverUserIDs: []), ApprovalStep(name: "Finance", approverUserIDs: []),
        ApprovalStep(name: "Security", approverUserIDs: []),
    ]

    public init(database: Database) {
        self.database = database
    }

    public func chain(_ scope: AccessScope) async throws -> [ApprovalStep] {
        try scope.require(.read)
        return try await database.read { db in try await Self.chain(db, workspaceID: scope.workspace.id, membersOnly: true) }
    }

    /// The workspace's chain. With `membersOnly`, approvers who have left the workspace are not in it: what `GET` shows
    /// lists the people who can decide and can be sent back to `PUT`. Requests keep the chain as it was set, so a step
    /// whose approvers all left stays theirs, decided by an admin's audited override (see `decide`), not by any admin.
    static func chain(_ db: any SQLDatabase, workspaceID: String, membersOnly: Bool) async throws -> [ApprovalStep] {
        guard let text = try await db.raw("SELECT approval_chain FROM workspaces WHERE id = \(bind: workspaceID)").first()?
            .optionalString("approval_chain"), var chain = try? JSONDecoder().decode([ApprovalStep].self, from: Data(text.utf8))
        else { return defaultChain }
        let named = chain.flatMap(\.approverUserIDs)
        guard membersOnly, !named.isEmpty else { return chain }
        let members = Set(
            try await db.raw("SELECT user_id FROM memberships WHERE workspace_id = \(bind: workspaceID)").all()
                .map { try $0.decode(column: "user_id", as: String.self) })
        for index in chain.indices { chain[index].approverUserIDs.removeAll { !members.contains($0) } }
        return chain
    }

    public func setChain(_ scope: AccessScope, _ steps: [ApprovalStep]) async throws -> [ApprovalStep] {
        try scope.require(.manageMembers)
        return try await database.transaction { db in
            var validator = Validator()
            validator.check((1...10).contains(steps.count), "steps", "must hold 1 to 10 steps")
            for (index, step) in steps.enumerated() {
                validator.check(!step.name.trimmingASCIIWhitespace().isEmpty, "steps[\(index)].name", "must not be empty")
                for (j, user) in step.approverUserIDs.enumerated() {
                    let role = Identifier.isValid(user) ? try await TenancyStore.role(db, workspaceID: scope.workspace.id, userID: user) : nil
                    validator.check(role != nil, "steps[\(index)].approver_user_ids[\(j)]", "must be a member of this workspace")
                }
            }
            try validator.finish()
            let text = String(decoding: try JSONEncoder().encode(steps), as: UTF8.self)
            try await db.raw("UPDATE workspaces SET approval_chain = \(bind: text) WHERE id = \(bind: scope.workspace.id)").run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "approval_chain.update", entity: "workspace",
                entityID: scope.workspace.id, after: steps)
            return steps
        }
    }

    public func requests(_ scope: AccessScope) async throws -> [PurchaseRequest] {
        try scope.require(.read)
        return try await database.read { db in
            let rows = try await db.raw("SELECT * FROM purchase_requests WHERE workspace_id = \(bind: scope.workspace.id) ORDER BY id DESC LIMIT 500").all()
            // Every request's decisions in one read.
            let decisions = Dictionary(
                grouping: try await db.raw(
                    "SELECT * FROM purchase_decisions WHERE workspace_id = \(bind: scope.workspace.id) ORDER BY at, id"
                ).all().map { (try $0.string("request_id"), try Self.decision(from: $0)) },
                by: \.0)
            return try rows.map { try Self.request(from: $0, decisions: decisions[try $0.string("id")]?.map(\.1) ?? []) }
        }
    }

    public func request(_ scope: AccessScope, id: String) async throws -> PurchaseRequest {
        try scope.require(.read)
        return try await database.read { db in
            guard Identifier.isValid(id),
                let row = try await db.raw("SELECT * FROM purchase_requests WHERE workspace_id = \(bind: scope.workspace.id) AND id = \(bind: id)").first()
            else { throw PitcrewError.notFound("Purchase request") }
            return try await Self.request(from: row, db: db)
        }
    }

    static func decision(from row: any SQLRow) throws -> PurchaseDecision {
        PurchaseDecision(
            step: try row.int("step"), stepName: try row.string("step_name"), decision: try row.string("decision"), userID: try row.string("user_id"),
            comment: try row.optionalString("comment"), at: try row.int64("at"))
    }

    static func request(from row: any SQLRow, db: any SQLDatabase) async throws -> PurchaseRequest {
        let decisions = try await db.raw("SELECT * FROM purchase_decisions WHERE request_id = \(bind: try row.string("id")) ORDER BY at, id").all()
        return try request(from: row, decisions: decisions.map(decision(from:)))
    }

    static func request(from row: any SQLRow, decisions: [PurchaseDecision]) throws -> PurchaseRequest {
        PurchaseRequest(
            id: try row.string("id"), toolName: try row.string("tool_name"), toolID: try row.optionalString("tool_id"), reason: try row.string("reason"),
            cost: Money(minorUnits: try row.int64("cost_minor"), currency: try row.string("currency")),
            requesterUserID: try row.string("requester_user_id"),
            chain: (try? JSONDecoder().decode([ApprovalStep].self, from: Data(try row.string("chain").utf8))) ?? [],
            currentStep: try row.int("current_step"), status: try row.string("status"), decisions: decisions, createdAt: try row.int64("created_at"))
    }

    public func create(_ scope: AccessScope, toolName: String, toolID: String?, reason: String, costMinor: Int64, currency: String) async throws
        -> PurchaseRequest
    {
        try scope.require(.write)
        var validator = Validator()
        let name = Validation.name(toolName, field: "tool_name", into: &validator)
        validator.check(!reason.trimmingASCIIWhitespace().isEmpty, "reason", "must not be empty")
        validator.check(costMinor >= 0, "cost_minor", "must not be negative")
        validator.check(Money.isCurrencyCode(currency.uppercased()), "currency", "must be an ISO 4217 code such as USD")
        try validator.finish()
        return try await database.transaction { db in
            if let toolID {
                guard Identifier.isValid(toolID), try await StackStore.tool(db, workspaceID: scope.workspace.id, id: toolID) != nil else {
                    throw PitcrewError.invalid("tool_id", "no tool with this id in this workspace")
                }
            }
            let chain = try await Self.chain(db, workspaceID: scope.workspace.id, membersOnly: false)
            let now = Timestamp.now()
            let request = PurchaseRequest(
                id: Identifier.make(), toolName: name, toolID: toolID, reason: reason.trimmingASCIIWhitespace(),
                cost: Money(minorUnits: costMinor, currency: currency.uppercased()), requesterUserID: scope.actor.id, chain: chain, currentStep: 0,
                status: "pending", decisions: [], createdAt: now)
            try await db.raw(
                """
                INSERT INTO purchase_requests (id, workspace_id, tool_name, tool_id, reason, cost_minor, currency, requester_user_id, chain,
                                               current_step, status, created_at, updated_at)
                VALUES (\(bind: request.id), \(bind: scope.workspace.id), \(bind: name), \(bind: toolID), \(bind: request.reason), \(bind: costMinor),
                        \(bind: request.cost.currency), \(bind: scope.actor.id), \(bind: String(decoding: try JSONEncoder().encode(chain), as: UTF8.self)),
                        0, 'pending', \(bind: now), \(bind: now))
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "purchase_request.create", entity: "purchase_request",
                entityID: request.id, after: request)
            return request
        }
    }

    /// Approves or rejects the request's current step. The decider must be one of the step's approvers (an admin when the
    /// step names none, or when every approver it names has left the workspace); a rejection ends the request, the last
    /// approval approves it.
    public func decide(_ scope: AccessScope, id: String, approve: Bool, comment: String?) async throws -> PurchaseRequest {
        try scope.require(.read)
        return try await database.transaction { db in
            guard Identifier.isValid(id),
                let row = try await db.raw("SELECT * FROM purchase_requests WHERE workspace_id = \(bind: scope.workspace.id) AND id = \(bind: id)").first()
            else { throw PitcrewError.notFound("Purchase request") }
            let before = try await Self.request(from: row, db: db)
            guard before.status == "pending", before.currentStep < before.chain.count else {
                throw PitcrewError.conflict("status", "The request is already \(before.status).")
            }
            let step = before.chain[before.currentStep]
            let admin = scope.role.allows(.manageMembers)
            var allowed = step.approverUserIDs.isEmpty ? admin : scope.actor.kind == "user" && step.approverUserIDs.contains(scope.actor.id)
            var override = false
            if !allowed, admin, scope.actor.kind == "user", scope.actor.id != before.requesterUserID {
                // Every approver of the step has left the workspace: an admin (a person, not the requester) decides it, so
                // the request is not stuck. Audited as an override.
                let members = Set(
                    try await db.raw("SELECT user_id FROM memberships WHERE workspace_id = \(bind: scope.workspace.id)").all()
                        .map { try $0.decode(column: "user_id", as: String.self) })
                override = !step.approverUserIDs.contains(where: members.contains)
                allowed = override
            }
            guard allowed else {
                throw PitcrewError.forbidden(
                    step.approverUserIDs.isEmpty
                        ? "The \(step.name) step is decided by an admin." : "You are not an approver of the \(step.name) step.")
            }
            let now = Timestamp.now()
            let nextStep = approve ? before.currentStep + 1 : before.currentStep
            let status = !approve ? "rejected" : (nextStep >= before.chain.count ? "approved" : "pending")
            // Only if nobody decided this step in the meantime (two approvers at once: the second gets a 409).
            let moved = try await db.raw(
                """
                UPDATE purchase_requests SET current_step = \(bind: Int64(nextStep)), status = \(bind: status), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND status = 'pending' AND current_step = \(bind: Int64(before.currentStep)) RETURNING id
                """
            ).all()
            guard !moved.isEmpty else { throw PitcrewError.conflict("status", "Someone else decided this step just now; reload the request.") }
            try await db.raw(
                """
                INSERT INTO purchase_decisions (id, workspace_id, request_id, step, step_name, decision, user_id, comment, at)
                VALUES (\(bind: Identifier.make()), \(bind: scope.workspace.id), \(bind: id), \(bind: Int64(before.currentStep)), \(bind: step.name),
                        \(bind: approve ? "approved" : "rejected"), \(bind: scope.actor.id), \(bind: comment), \(bind: now))
                """
            ).run()
            let after = try await Self.request(
                from: try await db.raw("SELECT * FROM purchase_requests WHERE id = \(bind: id)").first()!, db: db)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "purchase_request." + (override ? "override_" : "") + (approve ? "approve" : "reject"),
                entity: "purchase_request", entityID: id, before: before, after: after)
            return after
        }
    }
}
