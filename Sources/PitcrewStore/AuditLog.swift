public import PitcrewCore
public import SQLKit
import Foundation

/// The audit trail: every write records who, what, when, and the record before and after, in the write's own transaction.
public enum AuditLog {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Records one write. Call it inside the transaction that makes the write, so both land or neither does.
    public static func record(
        _ db: any SQLDatabase, workspaceID: String?, actor: Actor, action: String, entity: String, entityID: String,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil
    ) async throws {
        let beforeJSON = try before.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let afterJSON = try after.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await db.raw(
            """
            INSERT INTO audit_log (id, workspace_id, actor_kind, actor_id, action, entity, entity_id, before_json, after_json, at)
            VALUES (\(bind: Identifier.make()), \(bind: workspaceID), \(bind: actor.kind), \(bind: actor.id), \(bind: action),
                    \(bind: entity), \(bind: entityID), \(bind: beforeJSON), \(bind: afterJSON), \(bind: Timestamp.now()))
            """
        ).run()
    }

    /// `record` for writes made with `RawSQL` (in the same transaction).
    public static func record(
        _ raw: RawSQL, workspaceID: String?, actor: Actor, action: String, entity: String, entityID: String,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil
    ) async throws {
        let beforeJSON = try before.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let afterJSON = try after.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await raw.run(
            """
            INSERT INTO audit_log (id, workspace_id, actor_kind, actor_id, action, entity, entity_id, before_json, after_json, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(Identifier.make()), .optional(workspaceID), .text(actor.kind), .text(actor.id), .text(action), .text(entity), .text(entityID),
             .optional(beforeJSON), .optional(afterJSON), .integer(Timestamp.now())])
    }

    /// The workspace's audit entries, newest first.
    public static func list(_ db: any SQLDatabase, workspaceID: String, page: PageRequest) async throws -> Page<AuditEntry> {
        // No sentinel for the first page: collations differ on where symbols sort relative to hex digits.
        let before: SQLQueryString = page.after.map { "AND id < \(bind: $0)" } ?? ""
        let rows = try await db.raw(
            """
            SELECT * FROM audit_log WHERE workspace_id = \(bind: workspaceID) \(before)
            ORDER BY id DESC LIMIT \(bind: page.limit + 1)
            """
        ).all()
        let entries = try rows.map { row in
            AuditEntry(
                id: try row.string("id"), workspaceID: try row.optionalString("workspace_id"), actorKind: try row.string("actor_kind"),
                actorID: try row.string("actor_id"), action: try row.string("action"), entity: try row.string("entity"),
                entityID: try row.string("entity_id"), before: try row.optionalString("before_json"),
                after: try row.optionalString("after_json"), at: try row.int64("at"))
        }
        return page.page(entries, id: \.id)
    }
}
