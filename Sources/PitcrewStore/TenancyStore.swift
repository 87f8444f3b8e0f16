public import PitcrewCore
public import SQLKit

/// SQL for workspaces, users and memberships.
public enum TenancyStore {
    static func workspace(from row: any SQLRow) throws -> Workspace {
        Workspace(id: try row.string("id"), slug: try row.string("slug"), name: try row.string("name"), createdAt: try row.int64("created_at"))
    }

    static func user(from row: any SQLRow, prefix: String = "") throws -> User {
        User(
            id: try row.string(prefix + "id"), email: try row.string(prefix + "email"), name: try row.string(prefix + "name"),
            createdAt: try row.int64(prefix + "created_at"))
    }

    public static func insertWorkspace(_ db: any SQLDatabase, _ workspace: Workspace) async throws {
        try await db.raw(
            """
            INSERT INTO workspaces (id, slug, name, created_at)
            VALUES (\(bind: workspace.id), \(bind: workspace.slug), \(bind: workspace.name), \(bind: workspace.createdAt))
            """
        ).run()
    }

    public static func workspace(_ db: any SQLDatabase, slug: String) async throws -> Workspace? {
        try await db.raw("SELECT * FROM workspaces WHERE slug = \(bind: slug)").first().map(workspace(from:))
    }

    public static func workspace(_ db: any SQLDatabase, id: String) async throws -> Workspace? {
        try await db.raw("SELECT * FROM workspaces WHERE id = \(bind: id)").first().map(workspace(from:))
    }

    /// Workspaces the user is a member of, with the user's role in each, by name.
    public static func workspaces(_ db: any SQLDatabase, userID: String) async throws -> [(Workspace, Role)] {
        let rows = try await db.raw(
            """
            SELECT w.*, m.role FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
            WHERE m.user_id = \(bind: userID) ORDER BY w.name, w.id
            """
        ).all()
        return try rows.map { row in (try workspace(from: row), Role(rawValue: try row.string("role")) ?? .viewer) }
    }

    public static func insertUser(_ db: any SQLDatabase, _ user: User, passwordHash: String) async throws {
        try await db.raw(
            """
            INSERT INTO users (id, email, name, password_hash, created_at)
            VALUES (\(bind: user.id), \(bind: user.email), \(bind: user.name), \(bind: passwordHash), \(bind: user.createdAt))
            """
        ).run()
    }

    public static func updatePassword(_ db: any SQLDatabase, userID: String, passwordHash: String) async throws {
        try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash) WHERE id = \(bind: userID)").run()
    }

    public static func user(_ db: any SQLDatabase, email: String) async throws -> (User, passwordHash: String)? {
        guard let row = try await db.raw("SELECT * FROM users WHERE email = \(bind: email)").first() else { return nil }
        return (try user(from: row), try row.string("password_hash"))
    }

    public static func user(_ db: any SQLDatabase, id: String) async throws -> User? {
        try await db.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map { try user(from: $0) }
    }

    public static func role(_ db: any SQLDatabase, workspaceID: String, userID: String) async throws -> Role? {
        let row = try await db.raw(
            "SELECT role FROM memberships WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)"
        ).first()
        return try row.flatMap { Role(rawValue: try $0.string("role")) }
    }

    public static func upsertMembership(_ db: any SQLDatabase, workspaceID: String, userID: String, role: Role) async throws {
        try await db.raw(
            """
            INSERT INTO memberships (workspace_id, user_id, role, created_at)
            VALUES (\(bind: workspaceID), \(bind: userID), \(bind: role.rawValue), \(bind: Timestamp.now()))
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role
            """
        ).run()
    }

    public static func deleteMembership(_ db: any SQLDatabase, workspaceID: String, userID: String) async throws {
        try await db.raw("DELETE FROM memberships WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)").run()
    }

    /// Owners of the workspace, locking their rows on PostgreSQL so that two concurrent demotions cannot both see
    /// "another owner remains" (SQLite already serializes writers).
    public static func countOwners(_ db: any SQLDatabase, workspaceID: String) async throws -> Int {
        let lock: SQLQueryString = db.dialect.name == "sqlite" ? "" : "FOR UPDATE"
        return try await db.raw(
            "SELECT user_id FROM memberships WHERE workspace_id = \(bind: workspaceID) AND role = 'owner' \(lock)"
        ).all().count
    }

    /// Members ordered by user id, for keyset pagination.
    public static func members(_ db: any SQLDatabase, workspaceID: String, page: PageRequest) async throws -> Page<Member> {
        let rows = try await db.raw(
            """
            SELECT u.id, u.email, u.name, u.created_at, m.role, m.created_at AS joined_at
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(bind: workspaceID) AND u.id > \(bind: page.after ?? "")
            ORDER BY u.id LIMIT \(bind: page.limit + 1)
            """
        ).all()
        let members = try rows.map { row in
            Member(user: try user(from: row), role: Role(rawValue: try row.string("role")) ?? .viewer, joinedAt: try row.int64("joined_at"))
        }
        return page.page(members, id: \.user.id)
    }
}

extension TenancyStore {
    /// Deletes a workspace and, by cascade, everything in it.
    public static func deleteWorkspace(_ db: any SQLDatabase, id: String) async throws {
        try await db.raw("DELETE FROM workspaces WHERE id = \(bind: id)").run()
    }
}
