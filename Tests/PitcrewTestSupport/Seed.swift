public import PitcrewCore
public import PitcrewStore

/// A workspace with an owner, made through the services as a real user would.
public struct SeededWorkspace: Sendable {
    public var workspace: Workspace
    public var owner: User
    public var scope: AccessScope

    /// Creates user `<slug>-owner@example.com` (password `correct horse battery`) owning workspace `slug`.
    public static func make(_ access: AccessService, slug: String) async throws -> SeededWorkspace {
        let owner = try await access.createUser(
            email: "\(slug)-owner@example.com", name: "Owner of \(slug)", password: "correct horse battery", actor: .system("test"))
        let workspace = try await access.createWorkspace(slug: slug, name: "Workspace \(slug)", owner: owner, actor: .system("test"))
        return SeededWorkspace(workspace: workspace, owner: owner, scope: AccessScope(workspace: workspace, actor: .user(id: owner.id), role: .owner))
    }

    /// A scope for the same workspace with another role (as a member of that role would have).
    public func scope(as role: Role) -> AccessScope {
        AccessScope(workspace: workspace, actor: scope.actor, role: role)
    }
}

extension AccessService {
    /// Services with a cheap bcrypt cost for tests.
    public static func forTests(_ database: Database) -> AccessService { AccessService(database: database, bcryptCost: 4) }
}
