import HummingbirdBcrypt
import NIOPosix
public import PitcrewCore
import SQLKit
import Synchronization

/// Users, workspaces, memberships, sessions and API tokens: who may do what, where.
/// The web layer and the CLI both call this; it holds every rule about access.
public struct AccessService: Sendable {
    public let database: Database
    /// bcrypt cost; 12 in production, lower in tests (each step doubles the time).
    public let bcryptCost: UInt8
    public let sessionLifetimeMillis: Int64
    /// Failed sign-ins per email and per client (shared by copies of this service).
    public let throttle: LoginThrottle

    public init(
        database: Database, bcryptCost: UInt8 = 12, sessionLifetimeMillis: Int64 = 14 * 86_400_000, throttle: LoginThrottle = LoginThrottle()
    ) {
        self.database = database
        self.bcryptCost = bcryptCost
        self.sessionLifetimeMillis = sessionLifetimeMillis
        self.throttle = throttle
    }

    /// Hashes checked when the email is unknown, so that a wrong email takes as long as a wrong password. Made on the
    /// first such sign-in (once per cost) rather than whenever a service is built, which CLI commands do for lookups.
    private static let dummyHashes = Mutex<[UInt8: String]>([:])

    private func dummyHash() async throws -> String {
        if let known = Self.dummyHashes.withLock({ $0[bcryptCost] }) { return known }
        let made = try await hash("pitcrew-timing-equalizer")
        return Self.dummyHashes.withLock { hashes in
            if let known = hashes[bcryptCost] { return known }
            hashes[bcryptCost] = made
            return made
        }
    }

    /// bcrypt runs on NIO's blocking thread pool, never on the cooperative pool that serves requests.
    private func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    private func hash(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    // MARK: Users and workspaces

    /// Creates a user with a bcrypt-hashed password.
    public func createUser(email: String, name: String, password: String, actor: Actor) async throws -> User {
        var validator = Validator()
        let normalized = Validation.normalizedEmail(email)
        validator.check(normalized != nil, "email", "is not a valid email address")
        let name = Validation.name(name, field: "name", into: &validator)
        validator.check(password.count >= 10, "password", "must be at least 10 characters")
        validator.check(password.utf8.count <= 72, "password", "must be at most 72 bytes (bcrypt's limit)")
        try validator.finish()
        let email = normalized!
        let user = User(id: Identifier.make(), email: email, name: name, createdAt: Timestamp.now())
        let hash = try await hash(password)
        try await database.transaction { db in
            if try await TenancyStore.user(db, email: email) != nil { throw PitcrewError.conflict("email", "A user with this email exists.") }
            try await TenancyStore.insertUser(db, user, passwordHash: hash)
            try await AuditLog.record(db, workspaceID: nil, actor: actor, action: "user.create", entity: "user", entityID: user.id, after: user)
        }
        return user
    }

    public func setPassword(email: String, password: String, actor: Actor) async throws {
        guard password.count >= 10, password.utf8.count <= 72 else { throw PitcrewError.invalid("password", "must be 10 to 72 characters") }
        let hash = try await hash(password)
        try await database.transaction { db in
            guard let (user, _) = try await TenancyStore.user(db, email: email.lowercased()) else { throw PitcrewError.notFound("User") }
            try await TenancyStore.updatePassword(db, userID: user.id, passwordHash: hash)
            try await AuditLog.record(db, workspaceID: nil, actor: actor, action: "user.password", entity: "user", entityID: user.id)
        }
    }

    public func user(email: String) async throws -> User? {
        try await database.read { db in try await TenancyStore.user(db, email: email.lowercased())?.0 }
    }

    /// Creates a workspace; `owner`, when given, becomes its first owner.
    public func createWorkspace(slug: String, name: String, owner: User?, actor: Actor) async throws -> Workspace {
        var validator = Validator()
        validator.check(Validation.isSlug(slug), "slug", "must be 2–48 characters of a–z, 0–9 and inner hyphens")
        let name = Validation.name(name, field: "name", into: &validator)
        try validator.finish()
        let workspace = Workspace(id: Identifier.makeWorkspaceID(), slug: slug, name: name, createdAt: Timestamp.now())
        try await database.transaction { db in
            if try await TenancyStore.workspace(db, slug: slug) != nil {
                throw PitcrewError.conflict("slug", "A workspace with the slug \(slug) exists.")
            }
            try await TenancyStore.insertWorkspace(db, workspace)
            try await AuditLog.record(
                db, workspaceID: workspace.id, actor: actor, action: "workspace.create", entity: "workspace", entityID: workspace.id,
                after: workspace)
            if let owner {
                try await TenancyStore.upsertMembership(db, workspaceID: workspace.id, userID: owner.id, role: .owner)
                try await AuditLog.record(
                    db, workspaceID: workspace.id, actor: actor, action: "member.add", entity: "membership", entityID: owner.id,
                    after: ["user_id": owner.id, "role": Role.owner.rawValue])
            }
        }
        return workspace
    }

    public func workspace(slug: String) async throws -> Workspace? {
        try await database.read { db in try await TenancyStore.workspace(db, slug: slug) }
    }

    /// The workspaces a user belongs to, with their role in each.
    public func workspaces(of user: User) async throws -> [(Workspace, Role)] {
        try await database.read { db in try await TenancyStore.workspaces(db, userID: user.id) }.map { ($0.0, $0.1) }
    }

    /// The caller's scope in a workspace, or `.notFound` when the user is not a member (existence is not revealed).
    public func scope(user: User, workspaceSlug: String) async throws -> AccessScope {
        try await database.read { db in
            guard let workspace = try await TenancyStore.workspace(db, slug: workspaceSlug),
                let role = try await TenancyStore.role(db, workspaceID: workspace.id, userID: user.id)
            else { throw PitcrewError.notFound("Workspace \(workspaceSlug)") }
            return AccessScope(workspace: workspace, actor: .user(id: user.id), role: role)
        }
    }

    /// The scope for a user in a workspace by id (sessions remember the id).
    public func scope(user: User, workspaceID: String) async throws -> AccessScope? {
        try await database.read { db in
            guard let workspace = try await TenancyStore.workspace(db, id: workspaceID),
                let role = try await TenancyStore.role(db, workspaceID: workspace.id, userID: user.id)
            else { return nil }
            return AccessScope(workspace: workspace, actor: .user(id: user.id), role: role)
        }
    }

    // MARK: Members

    public func members(_ scope: AccessScope, page: PageRequest) async throws -> Page<Member> {
        try scope.require(.read)
        return try await database.read { db in try await TenancyStore.members(db, workspaceID: scope.workspace.id, page: page) }
    }

    /// Adds an existing user to the workspace, or changes their role. Only owners may grant or take away `owner`.
    public func setMember(_ scope: AccessScope, email: String, role: Role) async throws -> Member {
        try scope.require(.manageMembers)
        if role == .owner { try scope.require(.manageWorkspace) }
        return try await database.transaction { db in
            guard let (user, _) = try await TenancyStore.user(db, email: email.lowercased()) else {
                throw PitcrewError.invalid("email", "no user has this email; create the user first")
            }
            let previous = try await TenancyStore.role(db, workspaceID: scope.workspace.id, userID: user.id)
            if previous == .owner, role != .owner {
                try scope.require(.manageWorkspace)
                if try await TenancyStore.countOwners(db, workspaceID: scope.workspace.id) <= 1 {
                    throw PitcrewError.conflict("role", "A workspace must keep at least one owner.")
                }
            }
            try await TenancyStore.upsertMembership(db, workspaceID: scope.workspace.id, userID: user.id, role: role)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: previous == nil ? "member.add" : "member.update",
                entity: "membership", entityID: user.id, before: previous.map { ["role": $0.rawValue] }, after: ["role": role.rawValue])
            return Member(user: user, role: role, joinedAt: Timestamp.now())
        }
    }

    public func removeMember(_ scope: AccessScope, userID: String) async throws {
        try scope.require(.manageMembers)
        try await database.transaction { db in
            guard let previous = try await TenancyStore.role(db, workspaceID: scope.workspace.id, userID: userID) else {
                throw PitcrewError.notFound("Member")
            }
            if previous == .owner {
                try scope.require(.manageWorkspace)
                if try await TenancyStore.countOwners(db, workspaceID: scope.workspace.id) <= 1 {
                    throw PitcrewError.conflict("user_id", "A workspace must keep at least one owner.")
                }
            }
            try await TenancyStore.deleteMembership(db, workspaceID: scope.workspace.id, userID: userID)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "member.remove", entity: "membership", entityID: userID,
                before: ["role": previous.rawValue])
        }
    }

    // MARK: Sessions

    /// Checks the password and opens a session. Returns the session secret (for the cookie) and the session.
    /// `client` (the caller's address) is counted with the email by the throttle; locked out, this throws `rateLimited`.
    public func login(email: String, password: String, client: String? = nil) async throws -> (secret: String, session: SessionRecord) {
        try throttle.check(email: email, client: client)
        let found = try await database.read { db in try await TenancyStore.user(db, email: email.trimmingASCIIWhitespace().lowercased()) }
        let stored: String
        if let found { stored = found.passwordHash } else { stored = try await dummyHash() }
        let matches = try await verify(password, hash: stored)
        guard let (user, _) = found, matches else {
            throttle.failed(email: email, client: client)
            throw PitcrewError(.unauthenticated, "The email or password is not right.")
        }
        throttle.succeeded(email: email)
        let secret = Secrets.random()
        let first = try await workspaces(of: user).first?.0
        let session = SessionRecord(
            user: user, workspaceID: first?.id, csrfToken: Secrets.random(bytes: 24), expiresAt: Timestamp.now() + sessionLifetimeMillis)
        try await database.transaction { db in
            try await AuthStore.deleteExpiredSessions(db, now: Timestamp.now())
            try await AuthStore.insertSession(
                db, tokenHash: Secrets.hash(secret), userID: user.id, workspaceID: session.workspaceID, csrfToken: session.csrfToken,
                expiresAt: session.expiresAt)
        }
        return (secret, session)
    }

    /// The live session for a secret, or nil when unknown or expired.
    public func session(secret: String) async throws -> SessionRecord? {
        let record = try await database.read { db in try await AuthStore.session(db, tokenHash: Secrets.hash(secret)) }
        guard let record, record.expiresAt > Timestamp.now() else { return nil }
        return record
    }

    public func logout(secret: String) async throws {
        try await database.transaction { db in try await AuthStore.deleteSession(db, tokenHash: Secrets.hash(secret)) }
    }

    /// Makes `slug` the session's current workspace; the user must be a member.
    public func switchWorkspace(secret: String, user: User, slug: String) async throws -> AccessScope {
        let scope = try await scope(user: user, workspaceSlug: slug)
        try await database.transaction { db in
            try await AuthStore.setSessionWorkspace(db, tokenHash: Secrets.hash(secret), workspaceID: scope.workspace.id)
        }
        return scope
    }

    // MARK: API tokens

    /// Creates an API token bound to the scope's workspace. The secret is returned once and stored only as a hash.
    /// A token's role can never exceed the role of whoever creates it.
    public func createToken(_ scope: AccessScope, name: String, role: Role) async throws -> (token: APIToken, secret: String) {
        try scope.require(.manageMembers)
        var validator = Validator()
        let name = Validation.name(name, field: "name", max: 100, into: &validator)
        validator.check(role <= scope.role, "role", "must not be higher than your own role (\(scope.role.rawValue))")
        try validator.finish()
        let secret = "pc_" + Secrets.random()
        let createdBy: String? = if case .user(let id) = scope.actor { id } else { nil }
        let token = APIToken(
            id: Identifier.make(), workspaceID: scope.workspace.id, name: name, role: role, prefix: String(secret.prefix(10)),
            createdBy: createdBy, createdAt: Timestamp.now(), lastUsedAt: nil, revokedAt: nil)
        try await database.transaction { db in
            try await AuthStore.insertToken(db, token, tokenHash: Secrets.hash(secret))
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "token.create", entity: "api_token", entityID: token.id,
                after: token)
        }
        return (token, secret)
    }

    /// The scope a bearer token grants, or `.unauthenticated` when the token is unknown or revoked.
    public func authenticate(tokenSecret: String) async throws -> AccessScope {
        let hash = Secrets.hash(tokenSecret)
        let found: (APIToken, Workspace, Role)? = try await database.read { db in
            guard let token = try await AuthStore.token(db, tokenHash: hash), token.revokedAt == nil,
                let workspace = try await TenancyStore.workspace(db, id: token.workspaceID)
            else { return nil }
            // A token never does more than its creator may do now: demoting or removing the creator limits the token.
            // Tokens made by the CLI (no creator) keep their role.
            guard let creator = token.createdBy else { return (token, workspace, token.role) }
            guard let current = try await TenancyStore.role(db, workspaceID: workspace.id, userID: creator) else { return nil }
            return (token, workspace, min(token.role, current))
        }
        guard let (token, workspace, role) = found else {
            throw PitcrewError(.unauthenticated, "The API token is unknown or revoked, or its creator left the workspace.")
        }
        let now = Timestamp.now()
        if (token.lastUsedAt ?? 0) < now - 60_000 {
            // Recorded at most once a minute per token, so authentication stays a read on the hot path.
            try await database.transaction { db in try await AuthStore.touchToken(db, id: token.id, at: now) }
        }
        return AccessScope(workspace: workspace, actor: .token(id: token.id), role: role)
    }

    public func tokens(_ scope: AccessScope, page: PageRequest) async throws -> Page<APIToken> {
        try scope.require(.manageMembers)
        return try await database.read { db in try await AuthStore.tokens(db, workspaceID: scope.workspace.id, page: page) }
    }

    public func revokeToken(_ scope: AccessScope, id: String) async throws -> APIToken {
        try scope.require(.manageMembers)
        return try await database.transaction { db in
            guard Identifier.isValid(id), let token = try await AuthStore.token(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("API token")
            }
            let now = Timestamp.now()
            try await AuthStore.revokeToken(db, workspaceID: scope.workspace.id, id: id, at: now)
            var revoked = token
            revoked.revokedAt = token.revokedAt ?? now
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "token.revoke", entity: "api_token", entityID: id,
                before: token, after: revoked)
            return revoked
        }
    }

    public func auditLog(_ scope: AccessScope, page: PageRequest) async throws -> Page<AuditEntry> {
        try scope.require(.manageMembers)
        return try await database.read { db in try await AuditLog.list(db, workspaceID: scope.workspace.id, page: page) }
    }
}
