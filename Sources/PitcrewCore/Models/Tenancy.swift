/// A tenant: one company's (or one team's) marketing operations. Every row of data belongs to exactly one.
public struct Workspace: Sendable, Equatable, Codable {
    public var id: String
    public var slug: String
    public var name: String
    public var createdAt: Int64

    public init(id: String, slug: String, name: String, createdAt: Int64) {
        self.id = id
        self.slug = slug
        self.name = name
        self.createdAt = createdAt
    }
}

/// A person who can sign in. Passwords are kept only as bcrypt hashes, never on this type.
public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var email: String
    public var name: String
    public var createdAt: Int64

    public init(id: String, email: String, name: String, createdAt: Int64) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }
}

/// A user's role in one workspace.
public struct Member: Sendable, Equatable, Codable {
    public var user: User
    public var role: Role
    public var joinedAt: Int64

    public init(user: User, role: Role, joinedAt: Int64) {
        self.user = user
        self.role = role
        self.joinedAt = joinedAt
    }
}

/// An API token's public description. The secret is shown once at creation and stored only as a SHA-256 hash.
public struct APIToken: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var role: Role
    /// The first characters of the secret, so people can tell tokens apart (`pc_3f9a…`).
    public var prefix: String
    public var createdBy: String?
    public var createdAt: Int64
    public var lastUsedAt: Int64?
    public var revokedAt: Int64?

    public init(
        id: String, workspaceID: String, name: String, role: Role, prefix: String, createdBy: String?, createdAt: Int64,
        lastUsedAt: Int64?, revokedAt: Int64?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.role = role
        self.prefix = prefix
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// Who did something: a signed-in user, an API token, or the system itself (CLI, demo generator, jobs).
public enum Actor: Sendable, Equatable {
    case user(id: String)
    case token(id: String)
    case system(String)

    public var kind: String {
        switch self {
        case .user: "user"
        case .token: "token"
        case .system: "system"
        }
    }

    public var id: String {
        switch self {
        case .user(let id), .token(let id), .system(let id): id
        }
    }
}

/// One recorded write: who, what, when, with the record before and after (JSON).
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String?
    public var actorKind: String
    public var actorID: String
    public var action: String
    public var entity: String
    public var entityID: String
    public var before: String?
    public var after: String?
    public var at: Int64

    public init(
        id: String, workspaceID: String?, actorKind: String, actorID: String, action: String, entity: String, entityID: String,
        before: String?, after: String?, at: Int64
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.actorKind = actorKind
        self.actorID = actorID
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
        self.at = at
    }
}

/// The caller of a service: who they are, which workspace they act in, and their role there.
public struct AccessScope: Sendable, Equatable {
    public var workspace: Workspace
    public var actor: Actor
    public var role: Role

    public init(workspace: Workspace, actor: Actor, role: Role) {
        self.workspace = workspace
        self.actor = actor
        self.role = role
    }

    /// Throws `.forbidden` unless the role allows `permission`.
    public func require(_ permission: Permission) throws(PitcrewError) {
        guard role.allows(permission) else {
            throw .forbidden("This needs the \(permission.minimumRole.rawValue) role or higher; you are \(role.rawValue).")
        }
    }
}
