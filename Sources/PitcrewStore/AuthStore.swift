public import PitcrewCore
public import SQLKit

/// A signed-in browser session. Only the hash of the session secret is stored.
public struct SessionRecord: Sendable, Equatable {
    public var user: User
    public var workspaceID: String?
    public var csrfToken: String
    public var expiresAt: Int64
}

/// SQL for sessions and API tokens.
public enum AuthStore {
    public static func insertSession(
        _ db: any SQLDatabase, tokenHash: String, userID: String, workspaceID: String?, csrfToken: String, expiresAt: Int64
    ) async throws {
        try await db.raw(
            """
            INSERT INTO sessions (token_hash, user_id, workspace_id, csrf_token, created_at, expires_at)
            VALUES (\(bind: tokenHash), \(bind: userID), \(bind: workspaceID), \(bind: csrfToken), \(bind: Timestamp.now()), \(bind: expiresAt))
            """
        ).run()
    }

    public static func session(_ db: any SQLDatabase, tokenHash: String) async throws -> SessionRecord? {
        guard
            let row = try await db.raw(
                """
                SELECT u.id, u.email, u.name, u.created_at, s.workspace_id, s.csrf_token, s.expires_at
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(bind: tokenHash)
                """
            ).first()
        else { return nil }
        return SessionRecord(
            user: try TenancyStore.user(from: row), workspaceID: try row.optionalString("workspace_id"),
            csrfToken: try row.string("csrf_token"), expiresAt: try row.int64("expires_at"))
    }

    public static func setSessionWorkspace(_ db: any SQLDatabase, tokenHash: String, workspaceID: String) async throws {
        try await db.raw("UPDATE sessions SET workspace_id = \(bind: workspaceID) WHERE token_hash = \(bind: tokenHash)").run()
    }

    public static func deleteSession(_ db: any SQLDatabase, tokenHash: String) async throws {
        try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    public static func deleteExpiredSessions(_ db: any SQLDatabase, now: Int64) async throws {
        try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
    }

    static func token(from row: any SQLRow) throws -> APIToken {
        APIToken(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            role: Role(rawValue: try row.string("role")) ?? .viewer, prefix: try row.string("prefix"),
            createdBy: try row.optionalString("created_by"), createdAt: try row.int64("created_at"),
            lastUsedAt: try row.optionalInt64("last_used_at"), revokedAt: try row.optionalInt64("revoked_at"))
    }

    public static func insertToken(_ db: any SQLDatabase, _ token: APIToken, tokenHash: String) async throws {
        try await db.raw(
            """
            INSERT INTO api_tokens (id, workspace_id, name, role, token_hash, prefix, created_by, created_at)
            VALUES (\(bind: token.id), \(bind: token.workspaceID), \(bind: token.name), \(bind: token.role.rawValue),
                    \(bind: tokenHash), \(bind: token.prefix), \(bind: token.createdBy), \(bind: token.createdAt))
            """
        ).run()
    }

    public static func token(_ db: any SQLDatabase, tokenHash: String) async throws -> APIToken? {
        try await db.raw("SELECT * FROM api_tokens WHERE token_hash = \(bind: tokenHash)").first().map(token(from:))
    }

    public static func token(_ db: any SQLDatabase, workspaceID: String, id: String) async throws -> APIToken? {
        try await db.raw("SELECT * FROM api_tokens WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
            .map(token(from:))
    }

    public static func tokens(_ db: any SQLDatabase, workspaceID: String, page: PageRequest) async throws -> Page<APIToken> {
        let rows = try await db.raw(
            """
            SELECT * FROM api_tokens WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: page.after ?? "")
            ORDER BY id LIMIT \(bind: page.limit + 1)
            """
        ).all()
        return page.page(try rows.map(token(from:)), id: \.id)
    }

    public static func revokeToken(_ db: any SQLDatabase, workspaceID: String, id: String, at: Int64) async throws {
        try await db.raw(
            "UPDATE api_tokens SET revoked_at = \(bind: at) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND revoked_at IS NULL"
        ).run()
    }

    public static func touchToken(_ db: any SQLDatabase, id: String, at: Int64) async throws {
        try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: at) WHERE id = \(bind: id)").run()
    }
}
