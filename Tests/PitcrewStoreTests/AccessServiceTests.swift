import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@Suite struct AccessServiceTests {
    @Test(arguments: TestBackend.available)
    func usersWorkspacesAndMembers(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let seeded = try await SeededWorkspace.make(access, slug: "acme")
            let analyst = try await access.createUser(email: "Ana@Example.com ", name: "Ana", password: "long enough pw", actor: .system("test"))
            #expect(analyst.email == "ana@example.com")
            _ = try await access.setMember(seeded.scope, email: "ana@example.com", role: .analyst)
            let members = try await access.members(seeded.scope, page: PageRequest(limit: 10))
            #expect(Set(members.items.map(\.user.email)) == ["acme-owner@example.com", "ana@example.com"])

            // Duplicate user and slug are conflicts that name the field.
            await #expect(throws: PitcrewError.conflict("email", "A user with this email exists.")) {
                _ = try await access.createUser(email: "ana@example.com", name: "Ana 2", password: "long enough pw", actor: .system("test"))
            }
            do {
                _ = try await access.createWorkspace(slug: "acme", name: "Again", owner: nil, actor: .system("test"))
                Issue.record("expected a conflict")
            } catch let error as PitcrewError {
                #expect(error.kind == .conflict && error.fieldErrors.first?.field == "slug")
            }
            // An analyst may not manage members; nobody may demote the last owner.
            let analystScope = AccessScope(workspace: seeded.workspace, actor: .user(id: analyst.id), role: .analyst)
            await #expect(throws: PitcrewError.forbidden("This needs the admin role or higher; you are analyst.")) {
                _ = try await access.setMember(analystScope, email: "ana@example.com", role: .owner)
            }
            do {
                _ = try await access.setMember(seeded.scope, email: "acme-owner@example.com", role: .viewer)
                Issue.record("expected a conflict")
            } catch let error as PitcrewError {
                #expect(error.kind == .conflict)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func invalidInputReportsEveryFieldAndWritesNothing(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            do {
                _ = try await access.createUser(email: "nope", name: "  ", password: "short", actor: .system("test"))
                Issue.record("expected invalid")
            } catch let error as PitcrewError {
                #expect(error.kind == .invalid)
                #expect(Set(error.fieldErrors.map(\.field)) == ["email", "name", "password"])
            }
            let count = try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func sessionsLoginAndExpire(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let seeded = try await SeededWorkspace.make(access, slug: "acme")
            await #expect(throws: PitcrewError.self) { _ = try await access.login(email: "acme-owner@example.com", password: "wrong password") }
            let (secret, session) = try await access.login(email: " ACME-owner@example.com", password: "correct horse battery")
            #expect(session.workspaceID == seeded.workspace.id)
            #expect(try await access.session(secret: secret)?.user.id == seeded.owner.id)
            // The database keeps only a hash of the secret.
            let stored = try await database.read { db in try await db.raw("SELECT token_hash FROM sessions").all().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(stored == [Secrets.hash(secret)])
            try await access.logout(secret: secret)
            #expect(try await access.session(secret: secret) == nil)

            let shortLived = AccessService(database: database, bcryptCost: 4, sessionLifetimeMillis: -1)
            let (expired, _) = try await shortLived.login(email: "acme-owner@example.com", password: "correct horse battery")
            #expect(try await access.session(secret: expired) == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func tokensAreHashedScopedAndRevocable(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let other = try await SeededWorkspace.make(access, slug: "other")
            let (token, secret) = try await access.createToken(acme.scope, name: "ci", role: .marketer)
            #expect(secret.hasPrefix("pc_") && secret.count > 40)
            let scope = try await access.authenticate(tokenSecret: secret)
            #expect(scope.workspace.id == acme.workspace.id && scope.role == .marketer)
            let hashes = try await database.read { db in try await db.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(!hashes.contains(secret) && hashes.contains(Secrets.hash(secret)))

            // A token's role cannot exceed its creator's; another workspace cannot revoke it.
            await #expect(throws: PitcrewError.self) { _ = try await access.createToken(acme.scope(as: .admin), name: "x", role: .owner) }
            await #expect(throws: PitcrewError.notFound("API token")) { _ = try await access.revokeToken(other.scope, id: token.id) }

            _ = try await access.revokeToken(acme.scope, id: token.id)
            await #expect(throws: PitcrewError.self) { _ = try await access.authenticate(tokenSecret: secret) }
            await #expect(throws: PitcrewError.self) { _ = try await access.authenticate(tokenSecret: "pc_made_up") }
        }
    }

    @Test(arguments: TestBackend.available)
    func everyWriteIsAudited(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            let (token, _) = try await access.createToken(acme.scope, name: "ci", role: .viewer)
            _ = try await access.revokeToken(acme.scope, id: token.id)
            let entries = try await access.auditLog(acme.scope, page: PageRequest(limit: 50)).items
            #expect(entries.map(\.action) == ["token.revoke", "token.create", "member.add", "workspace.create"])
            let revoke = entries[0]
            #expect(revoke.actorKind == "user" && revoke.actorID == acme.owner.id && revoke.entityID == token.id)
            #expect(revoke.before?.contains("\"revoked_at\"") == false || revoke.before?.contains("revokedAt") == false)
            #expect(revoke.after?.contains("revokedAt") == true)
            await #expect(throws: PitcrewError.self) { _ = try await access.auditLog(acme.scope(as: .marketer), page: PageRequest()) }
        }
    }
}

@Suite struct OwnerRaceTests {
    /// Two owners demoting each other at the same time must leave one owner, on either backend.
    @Test(arguments: TestBackend.available)
    func concurrentDemotionsKeepAnOwner(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            for round in 0..<5 {
                let seeded = try await SeededWorkspace.make(access, slug: "race-\(round)")
                let second = try await access.createUser(
                    email: "second-\(round)@example.com", name: "Second", password: "a long password", actor: .system("test"))
                _ = try await access.setMember(seeded.scope, email: second.email, role: .owner)
                let secondScope = AccessScope(workspace: seeded.workspace, actor: .user(id: second.id), role: .owner)
                async let first: Void = { _ = try? await access.setMember(seeded.scope, email: second.email, role: .viewer) }()
                async let other: Void = { _ = try? await access.setMember(secondScope, email: seeded.owner.email, role: .viewer) }()
                _ = await (first, other)
                let owners = try await access.members(seeded.scope, page: PageRequest(limit: 10)).items.filter { $0.role == .owner }
                #expect(owners.count == 1, "round \(round)")
            }
        }
    }
}
