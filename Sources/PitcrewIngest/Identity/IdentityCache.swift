import Synchronization

/// Known identity → contact mappings of this process, so identified traffic resolves its contact without a query.
/// Only positive mappings are kept. Changes made in a transaction are applied after it commits (`apply`), and the
/// whole cache is dropped when a write fails, so a rolled-back merge never leaves a stale mapping.
final class IdentityCache: Sendable {
    struct Key: Hashable, Sendable {
        let workspaceID: String
        let kind: IdentityKind
        let value: String
    }

    private let entries = Mutex<[Key: String]>([:])
    let capacity: Int

    init(capacity: Int = 2_000_000) { self.capacity = capacity }

    func lookup(_ key: Key) -> String? { entries.withLock { $0[key] } }

    func lookup(_ keys: [Key]) -> [Key: String] {
        entries.withLock { entries in
            var found: [Key: String] = [:]
            for key in keys { if let contact = entries[key] { found[key] = contact } }
            return found
        }
    }

    func apply(_ changes: [Key: String]) {
        guard !changes.isEmpty else { return }
        entries.withLock { entries in
            if entries.count + changes.count > capacity { entries.removeAll(keepingCapacity: true) }
            entries.merge(changes) { _, new in new }
        }
    }

    func removeAll() { entries.withLock { $0.removeAll() } }
}

/// The kinds of identifiers that point at a contact.
public enum IdentityKind: String, Sendable, Codable, CaseIterable {
    case userID = "user_id"
    case anonymousID = "anonymous_id"
    case email
    case externalID = "external_id"
}
