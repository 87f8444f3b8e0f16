public import PitcrewCore
public import PitcrewStore
import SQLKit
import Synchronization

/// A place events come from (a website, an app, a server), with its write key.
public struct Source: Sendable, Codable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    /// The first characters of the write key, to tell keys apart; the key itself is shown once.
    public var keyPrefix: String
    public var createdAt: Int64
    public var rotatedAt: Int64?
    public var revokedAt: Int64?
    public var lastEventAt: Int64?
}

/// Sources and their write keys. Keys are random, shown once, stored as SHA-256; a rotated or revoked key stops
/// working at once in this process (and within `keyCacheAge` on other nodes).
public final class SourceService: Sendable {
    public let database: Database
    let keyCacheAge: Int64
    private let keys = Mutex<[String: (source: (id: String, workspaceID: String)?, at: Int64)]>([:])

    public init(database: Database, keyCacheAge: Int64 = 5_000) {
        self.database = database
        self.keyCacheAge = keyCacheAge
    }

    static let columns = "id, workspace_id, name, write_key_prefix, created_at, rotated_at, revoked_at, last_event_at"

    static func source(_ row: [SQLValue]) -> Source {
        Source(
            id: row[0].text ?? "", workspaceID: row[1].text ?? "", name: row[2].text ?? "", keyPrefix: row[3].text ?? "",
            createdAt: row[4].integer ?? 0, rotatedAt: row[5].integer, revokedAt: row[6].integer, lastEventAt: row[7].integer)
    }

    static func newKey() -> String { "pcw_" + Secrets.random(bytes: 24) }

    public func sources(_ scope: AccessScope) async throws -> [Source] {
        try scope.require(.read)
        return try await database.rawRead { raw in
            try await raw.rows("SELECT \(Self.columns) FROM sources WHERE workspace_id = ? ORDER BY name", [.text(scope.workspace.id)]).map(Self.source)
        }
    }

    public func source(_ scope: AccessScope, id: String) async throws -> Source {
        try scope.require(.read)
        guard Identifier.isValid(id), let row = try await database.rawRead({ raw in
            try await raw.rows("SELECT \(Self.columns) FROM sources WHERE workspace_id = ? AND id = ?", [.text(scope.workspace.id), .text(id)]).first
        }) else { throw PitcrewError.notFound("Source") }
        return Self.source(row)
    }

    /// Creates a source; returns it with its write key (the only time the key is available).
    public func create(_ scope: AccessScope, name: String) async throws -> (Source, writeKey: String) {
        try scope.require(.manageMembers)
        var validator = Validator()
        let name = Validation.name(name, field: "name", max: 100, into: &validator)
        try validator.finish()
        let key = Self.newKey()
        let source = Source(
            id: Identifier.make(), workspaceID: scope.workspace.id, name: name, keyPrefix: String(key.prefix(10)), createdAt: Timestamp.now())
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM sources WHERE workspace_id = \(bind: scope.workspace.id) AND name = \(bind: name)").first() != nil {
                throw PitcrewError.conflict("name", "A source named \"\(name)\" exists.")
            }
            try await db.raw(
                """
                INSERT INTO sources (id, workspace_id, name, write_key_hash, write_key_prefix, created_by, created_at)
                VALUES (\(bind: source.id), \(bind: source.workspaceID), \(bind: name), \(bind: Secrets.hash(key)), \(bind: source.keyPrefix),
                        \(bind: scope.actor.id), \(bind: source.createdAt))
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "source.create", entity: "source", entityID: source.id, after: source)
        }
        return (source, key)
    }

    /// Replaces the write key; the old key stops working.
    public func rotate(_ scope: AccessScope, id: String) async throws -> (Source, writeKey: String) {
        try scope.require(.manageMembers)
        let current = try await source(scope, id: id)
        guard current.revokedAt == nil else { throw PitcrewError(.conflict, "The source is revoked; create a new one.") }
        let key = Self.newKey()
        var updated = current
        updated.keyPrefix = String(key.prefix(10))
        updated.rotatedAt = Timestamp.now()
        let rotated = updated
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE sources SET write_key_hash = \(bind: Secrets.hash(key)), write_key_prefix = \(bind: rotated.keyPrefix),
                rotated_at = \(bind: rotated.rotatedAt) WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspace.id)
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "source.rotate", entity: "source", entityID: id,
                before: current, after: rotated)
        }
        forgetKeys(of: id)
        return (rotated, key)
    }

    /// Revokes the source's key; its events stay.
    public func revoke(_ scope: AccessScope, id: String) async throws -> Source {
        try scope.require(.manageMembers)
        let current = try await source(scope, id: id)
        var revoked = current
        revoked.revokedAt = current.revokedAt ?? Timestamp.now()
        let updated = revoked
        try await database.transaction { db in
            try await db.raw(
                "UPDATE sources SET revoked_at = \(bind: updated.revokedAt) WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspace.id)"
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "source.revoke", entity: "source", entityID: id,
                before: current, after: updated)
        }
        forgetKeys(of: id)
        return updated
    }

    private func forgetKeys(of sourceID: String) {
        keys.withLock { keys in keys = keys.filter { $0.value.source?.id != sourceID } }
    }

    /// The source a write key belongs to, or nil for unknown and revoked keys. Answers are cached briefly.
    public func authenticate(writeKey: String) async throws -> (id: String, workspaceID: String)? {
        let now = Timestamp.now()
        if let entry = keys.withLock({ $0[writeKey] }), now - entry.at < keyCacheAge { return entry.source }
        let hash = Secrets.hash(writeKey)
        let found = try await database.rawRead { raw -> (id: String, workspaceID: String)? in
            guard let row = try await raw.rows(
                "SELECT id, workspace_id FROM sources WHERE write_key_hash = ? AND revoked_at IS NULL", [.text(hash)]
            ).first, let id = row[0].text, let workspace = row[1].text else { return nil }
            return (id, workspace)
        }
        keys.withLock { keys in
            if keys.count > 10_000 { keys.removeAll() }
            keys[writeKey] = (found, now)
        }
        return found
    }
}
