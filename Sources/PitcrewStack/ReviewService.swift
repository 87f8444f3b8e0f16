import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit

public struct ReviewItem: Sendable, Codable, Equatable {
    public var id: String
    public var toolID: String
    public var kind: String
    public var question: String
    public var answer: String?
    public var evidenceURL: String?
    public var reviewer: String?
    public var status: String
    public var nextReviewDate: String?
    @ISOTime public var updatedAt: Int64
}

public struct ReviewItemPatch: Sendable, Equatable {
    public var answer: PatchField<String> = .unchanged
    public var evidenceURL: PatchField<String> = .unchanged
    public var reviewer: PatchField<String> = .unchanged
    public var status: PatchField<String> = .unchanged
    public var nextReviewDate: PatchField<String> = .unchanged
    public init() {}
}

/// Privacy, security and compliance review checklists per tool. Starting a review adds the kind's standard questions
/// (or the caller's); each item is answered with evidence, a reviewer, a status and the date of the next review.
public struct ReviewService: Sendable {
    public let database: Database
    public static let kinds = ["privacy", "security", "compliance"]
    public static let statuses = ["open", "passed", "failed", "not_applicable"]

    public static let templates: [String: [String]] = [
        "privacy": [
            "Which personal data does the tool process, and on what legal basis?",
            "Is a data processing agreement (DPA) signed?",
            "Where is the data stored, and are transfers outside the EEA covered (SCCs)?",
            "Can the tool delete or export a person's data on request (DSAR)?",
            "Which sub-processors does the vendor use?",
        ],
        "security": [
            "Does the vendor hold a current SOC 2 Type II or ISO 27001 report?",
            "Is single sign-on (SAML/OIDC) enforced for all users?",
            "Is data encrypted in transit and at rest?",
            "Are API keys and integrations scoped to least privilege?",
            "When did the vendor last report a security incident, and how was it handled?",
        ],
        "compliance": [
            "Does the tool honour consent and opt-out preferences (GDPR, CAN-SPAM, CASL)?",
            "Are data retention periods configured to policy?",
            "Is an audit log of user actions available?",
            "Is the contract reviewed by legal and on file?",
        ],
    ]

    public init(database: Database) {
        self.database = database
    }

    static func item(from row: any SQLRow) throws -> ReviewItem {
        ReviewItem(
            id: try row.string("id"), toolID: try row.string("tool_id"), kind: try row.string("kind"), question: try row.string("question"),
            answer: try row.optionalString("answer"), evidenceURL: try row.optionalString("evidence_url"), reviewer: try row.optionalString("reviewer"),
            status: try row.string("status"), nextReviewDate: try row.optionalString("next_review_date"), updatedAt: try row.int64("updated_at"))
    }

    public func items(_ scope: AccessScope, toolID: String? = nil) async throws -> [ReviewItem] {
        try scope.require(.read)
        let filter: SQLQueryString = toolID.map { "AND tool_id = \(bind: $0)" } ?? ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM tool_reviews WHERE workspace_id = \(bind: scope.workspace.id) \(filter) ORDER BY tool_id, kind, id").all()
                .map(Self.item(from:))
        }
    }

    /// Starts a review of `kind` for a tool with the standard questions, or with `questions` when given, and returns the
    /// tool's checklist of that kind. A question the checklist already holds (same words, any case) is not added again,
    /// so starting a review twice does not double it; answered items keep their answers. `added` counts the new items.
    public func start(_ scope: AccessScope, toolID: String, kind: String, questions: [String]? = nil) async throws
        -> (items: [ReviewItem], added: Int)
    {
        try scope.require(.write)
        var validator = Validator()
        validator.check(Self.kinds.contains(kind), "kind", "must be one of \(Self.kinds.joined(separator: ", "))")
        let list = (questions ?? Self.templates[kind] ?? []).map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        if questions != nil { validator.check(!list.isEmpty, "questions", "must hold at least one question") }
        try validator.finish()
        return try await database.transaction { db in
            guard Identifier.isValid(toolID), try await StackStore.tool(db, workspaceID: scope.workspace.id, id: toolID) != nil else {
                throw PitcrewError.notFound("Tool")
            }
            let existing = try await db.raw(
                """
                SELECT * FROM tool_reviews WHERE workspace_id = \(bind: scope.workspace.id) AND tool_id = \(bind: toolID) AND kind = \(bind: kind)
                ORDER BY id
                """
            ).all().map(Self.item(from:))
            var asked = Set(existing.map { $0.question.lowercased() })
            var created: [ReviewItem] = []
            let now = Timestamp.now()
            for question in list where asked.insert(question.lowercased()).inserted {
                let item = ReviewItem(
                    id: Identifier.make(), toolID: toolID, kind: kind, question: question, answer: nil, evidenceURL: nil, reviewer: nil,
                    status: "open", nextReviewDate: nil, updatedAt: now)
                try await db.raw(
                    """
                    INSERT INTO tool_reviews (id, workspace_id, tool_id, kind, question, status, created_at, updated_at)
                    VALUES (\(bind: item.id), \(bind: scope.workspace.id), \(bind: toolID), \(bind: kind), \(bind: question), 'open', \(bind: now), \(bind: now))
                    """
                ).run()
                created.append(item)
            }
            if !created.isEmpty {
                try await AuditLog.record(
                    db, workspaceID: scope.workspace.id, actor: scope.actor, action: "review.start", entity: "tool", entityID: toolID, after: created)
            }
            return (existing + created, created.count)
        }
    }

    public func update(_ scope: AccessScope, id: String, _ patch: ReviewItemPatch) async throws -> ReviewItem {
        try scope.require(.write)
        return try await database.transaction { db in
            guard Identifier.isValid(id),
                let current = try await db.raw("SELECT * FROM tool_reviews WHERE workspace_id = \(bind: scope.workspace.id) AND id = \(bind: id)")
                    .first().map(Self.item(from:))
            else { throw PitcrewError.notFound("Review item") }
            var item = current
            var validator = Validator()
            item.answer = patch.answer.apply(to: current.answer)
            item.evidenceURL = patch.evidenceURL.apply(to: current.evidenceURL)
            if case .set(let url) = patch.evidenceURL {
                validator.check(Validation.isHTTPURL(url), "evidence_url", "must be an http(s) URL")
            }
            item.reviewer = patch.reviewer.apply(to: current.reviewer)
            switch patch.status {
            case .set(let status):
                validator.check(Self.statuses.contains(status), "status", "must be one of \(Self.statuses.joined(separator: ", "))")
                item.status = status
            case .clear: validator.add("status", "must not be null")
            case .unchanged: break
            }
            item.nextReviewDate = patch.nextReviewDate.apply(to: current.nextReviewDate)
            if case .set(let text) = patch.nextReviewDate { validator.check(CalendarDate(text) != nil, "next_review_date", "must be a date as YYYY-MM-DD") }
            if item.status == "passed" || item.status == "failed" {
                validator.check(item.reviewer != nil, "reviewer", "is required to close an item")
            }
            try validator.finish()
            item.updatedAt = Timestamp.now()
            try await db.raw(
                """
                UPDATE tool_reviews SET answer = \(bind: item.answer), evidence_url = \(bind: item.evidenceURL), reviewer = \(bind: item.reviewer),
                    status = \(bind: item.status), next_review_date = \(bind: item.nextReviewDate), updated_at = \(bind: item.updatedAt)
                WHERE id = \(bind: id)
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "review.update", entity: "review_item", entityID: id,
                before: current, after: item)
            return item
        }
    }
}
