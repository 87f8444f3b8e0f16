import Foundation
import PitcrewCore
import PitcrewStore

/// Identity work of one write transaction in one workspace: finds the contact behind an identifier, creates contacts,
/// stitches anonymous ids, user ids and emails into one contact, and merges contacts (recording each merge with a
/// snapshot of the merged contact and the identities it moved, so the merge can be undone).
///
/// Merge rule: identifiers seen together (identify, alias) belong to one person, except that two contacts that each
/// have a different user id are never merged (two accounts of a product are two people, even on one browser).
final class IdentityResolver {
    let raw: RawSQL
    let workspaceID: String
    let cache: IdentityCache
    let now: Int64
    let defaultCountry: String?
    var customFields: [String: CustomFieldType]?
    /// Mappings learned or changed in this transaction; applied to the cache after commit.
    private(set) var staged: [IdentityCache.Key: String] = [:]
    /// Identifiers `prefetch` looked up and found nowhere (until `attach` maps them).
    private var absent = Set<IdentityCache.Key>()
    private(set) var warnings: [String: [String]] = [:]
    /// Contacts merged away in this transaction → the contact they were merged into.
    private(set) var mergedInto: [String: String] = [:]

    /// The contact an id stands for now (following merges made in this transaction).
    func current(_ contact: String?) -> String? {
        guard var id = contact else { return nil }
        while let next = mergedInto[id] { id = next }
        return id
    }

    init(raw: RawSQL, workspaceID: String, cache: IdentityCache, now: Int64, defaultCountry: String?) {
        self.raw = raw
        self.workspaceID = workspaceID
        self.cache = cache
        self.now = now
        self.defaultCountry = defaultCountry
    }

    func key(_ kind: IdentityKind, _ value: String) -> IdentityCache.Key {
        IdentityCache.Key(workspaceID: workspaceID, kind: kind, value: value)
    }

    /// Looks up many identifiers at once (staged, then the cache, then the database in slices).
    func prefetch(_ keys: Set<IdentityCache.Key>) async throws {
        var missing = keys.filter { staged[$0] == nil }
        for (key, contact) in cache.lookup(Array(missing)) {
            staged[key] = contact
            missing.remove(key)
        }
        for (kind, keys) in Dictionary(grouping: missing, by: \.kind) {
            let rows = try await raw.rows(in: keys.map(\.value), leading: [.text(workspaceID), .text(kind.rawValue)]) {
                "SELECT value, contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value IN (\($0))"
            }
            for row in rows {
                if let value = row[0].text, let contact = row[1].text { staged[key(kind, value)] = contact }
            }
            if let column = Self.impliedColumns[kind] {
                let unresolved = keys.filter { staged[$0] == nil }.map(\.value)
                for (value, contact) in try await impliedContacts(column, unresolved) { staged[key(kind, value)] = contact }
            }
            for key in keys where staged[key] == nil { absent.insert(key) }
        }
    }

    /// Identities a contact has by its own columns, without an identities row: its email and its external id (imports
    /// write no rows for them, which halves what a contact import writes). Rows win over columns: a merged contact's
    /// email is a row pointing at the contact it went into.
    static let impliedColumns: [IdentityKind: String] = [.email: "email", .externalID: "external_id"]

    /// `value → contact` for contacts whose `column` holds one of `values` (the oldest contact when several do).
    func impliedContacts(_ column: String, _ values: [String]) async throws -> [String: String] {
        try await raw.oldestIDs("contacts", column, values, workspaceID: workspaceID)
    }

    /// The contact an identifier points at (after `prefetch`, or with a query).
    func contact(_ kind: IdentityKind, _ value: String) async throws -> String? {
        let key = key(kind, value)
        if let contact = staged[key] { return contact }
        if absent.contains(key) { return nil }
        if let contact = cache.lookup(key) {
            staged[key] = contact
            return contact
        }
        let rows = try await raw.rows(
            "SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
            [.text(workspaceID), .text(kind.rawValue), .text(value)])
        var found = rows.first?[0].text
        if found == nil, let column = Self.impliedColumns[kind] { found = try await impliedContacts(column, [value])[value] }
        guard let contact = found else { return nil }
        staged[key] = contact
        return contact
    }

    /// Known contact of a message without changing anything: user id first, then anonymous id.
    func resolvedContact(userID: String?, anonymousID: String?) async throws -> String? {
        if let userID, let contact = try await contact(.userID, userID) { return contact }
        if let anonymousID, let contact = try await contact(.anonymousID, anonymousID) { return contact }
        return nil
    }

    func attach(_ kind: IdentityKind, _ value: String, to contact: String) async throws {
        try await raw.run(
            """
            INSERT INTO identities (workspace_id, kind, value, contact_id, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, kind, value) DO UPDATE SET contact_id = excluded.contact_id
            """,
            [.text(workspaceID), .text(kind.rawValue), .text(value), .text(contact), .integer(now)])
        staged[key(kind, value)] = contact
        absent.remove(key(kind, value))
    }

    /// New contacts for user ids seen on track/page/screen calls, written together by `flushNewUsers` (one INSERT
    /// per table instead of several statements per user).
    private var newUsers: [(contact: String, userID: String, anonymousID: String?)] = []

    /// The contact of a user id first seen now; created with the next flush.
    func newUser(_ userID: String, anonymousID: String?) -> String {
        let contact = Identifier.make()
        newUsers.append((contact, userID, anonymousID))
        staged[key(.userID, userID)] = contact
        absent.remove(key(.userID, userID))
        if let anonymousID, staged[key(.anonymousID, anonymousID)] == nil {
            staged[key(.anonymousID, anonymousID)] = contact
            absent.remove(key(.anonymousID, anonymousID))
        }
        return contact
    }

    func flushNewUsers() async throws {
        guard !newUsers.isEmpty else { return }
        let users = newUsers
        newUsers.removeAll()
        try await raw.insert(
            "contacts", columns: ["id", "workspace_id", "created_at", "updated_at"],
            values: users.flatMap { [SQLValue.text($0.contact), .text(workspaceID), .integer(now), .integer(now)] })
        var identities: [SQLValue] = []
        for user in users {
            identities += [.text(workspaceID), .text(IdentityKind.userID.rawValue), .text(user.userID), .text(user.contact), .integer(now)]
            if let anonymousID = user.anonymousID, staged[key(.anonymousID, anonymousID)] == user.contact {
                identities += [.text(workspaceID), .text(IdentityKind.anonymousID.rawValue), .text(anonymousID), .text(user.contact), .integer(now)]
            }
        }
        try await raw.insert(
            "identities", columns: ["workspace_id", "kind", "value", "contact_id", "created_at"], values: identities,
            suffix: " ON CONFLICT (workspace_id, kind, value) DO UPDATE SET contact_id = excluded.contact_id")
        for user in users where user.anonymousID != nil && staged[key(.anonymousID, user.anonymousID!)] == user.contact {
            try await backfill(contact: user.contact, anonymousID: user.anonymousID)
        }
    }

    func createContact(email: String?) async throws -> String {
        let id = Identifier.make()
        try await raw.run(
            "INSERT INTO contacts (id, workspace_id, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [.text(id), .text(workspaceID), .optional(email), .integer(now), .integer(now)])
        return id
    }

    /// Points the stored anonymous events and touches of an anonymous id at the contact. (Events with a user id always
    /// get their contact when stored: a new user id makes one.)
    func backfill(contact: String, anonymousID: String?) async throws {
        if let anonymousID {
            for table in ["events", "touchpoints"] {
                try await raw.run(
                    "UPDATE \(table) SET contact_id = ? WHERE workspace_id = ? AND anonymous_id = ? AND contact_id IS NULL",
                    [.text(contact), .text(workspaceID), .text(anonymousID)])
            }
        }
        try await raw.run(
            """
            UPDATE touchpoints SET account_id = (SELECT account_id FROM contacts WHERE id = ?)
            WHERE workspace_id = ? AND contact_id = ? AND account_id IS NULL
            """,
            [.text(contact), .text(workspaceID), .text(contact)])
    }

    /// The user ids a contact has.
    func userIDs(of contact: String) async throws -> Set<String> {
        let rows = try await raw.rows(
            "SELECT value FROM identities WHERE workspace_id = ? AND contact_id = ? AND kind = 'user_id'",
            [.text(workspaceID), .text(contact)])
        return Set(rows.compactMap { $0[0].text })
    }

    /// Stitches the identifiers of an identify (or a track with a new user id) into one contact; returns it.
    @discardableResult
    func identify(_ message: SegmentMessage) async throws -> String {
        let email = message.traitScalars["email"]
        var candidates: [(IdentityKind, String)] = []
        if let userID = message.userID { candidates.append((.userID, userID)) }
        if let email { candidates.append((.email, email)) }
        if let anonymousID = message.anonymousID { candidates.append((.anonymousID, anonymousID)) }
        var found: [String] = []
        for (kind, value) in candidates {
            guard let contact = try await contact(kind, value), !found.contains(contact) else { continue }
            // A contact known by another user id is another person (a shared device or inbox): not this one.
            if let userID = message.userID, kind != .userID {
                let users = try await userIDs(of: contact)
                if !users.isEmpty, !users.contains(userID) {
                    if kind == .anonymousID {
                        record(message.messageID, ["anonymousId \(value) belongs to the contact of another user id (a shared device); it stays with it"])
                    }
                    continue
                }
            }
            found.append(contact)
        }
        var keeper: String
        if let oldest = found.min() {
            // The oldest contact (ids are time-ordered) stays, so links to it keep working.
            keeper = oldest
            let keeperUsers = try await userIDs(of: keeper)
            for other in found where other != keeper {
                let otherUsers = try await userIDs(of: other)
                if !keeperUsers.isEmpty, !otherUsers.isEmpty, keeperUsers.isDisjoint(with: otherUsers) { continue }
                try await merge(keep: keeper, merged: other, reason: "identify", messageID: message.messageID)
            }
            // The message is from its user id's contact when that one stayed apart (a merge of the two was undone).
            if let userID = message.userID, let own = current(staged[key(.userID, userID)]), own != current(keeper) { keeper = own }
        } else {
            // (An email that points at another person, skipped above, is not written onto the new contact.)
            keeper = try await createContact(email: email.flatMap { staged[key(.email, $0)] == nil ? $0 : nil })
        }
        for (kind, value) in candidates where staged[key(kind, value)] != keeper {
            // An identifier of a contact that was not merged (a different person) stays with that contact.
            if let current = staged[key(kind, value)], current != keeper { continue }
            try await attach(kind, value, to: keeper)
        }
        // An email that stayed with another person (another user id) is not written onto this contact: two contacts
        // would carry it, and imports and lookups by email would find either.
        var message = message
        if let email, let owner = staged[key(.email, email)], owner != keeper {
            message.traitScalars["email"] = nil
            record(message.messageID, ["traits.email: \(email) belongs to another contact (another user id); left with it"])
        }
        try await updateContact(keeper, message: message)
        try await backfill(contact: keeper, anonymousID: message.anonymousID)
        return keeper
    }

    /// `alias`: the previous id (an anonymous id or an older user id) and the new user id are one person.
    func alias(_ message: SegmentMessage) async throws {
        guard let userID = message.userID, let previous = message.previousID else { return }
        let previousContact = try await contact(.userID, previous)
        let anonymousContact = previousContact == nil ? try await contact(.anonymousID, previous) : nil
        let fromPrevious = previousContact ?? anonymousContact
        let toUser = try await contact(.userID, userID)
        switch (fromPrevious, toUser) {
        case let (from?, to?) where from != to:
            try await merge(keep: min(from, to), merged: max(from, to), reason: "alias", messageID: message.messageID)
        case (let from?, nil):
            try await attach(.userID, userID, to: from)
                    case (nil, let to?):
            try await attach(.anonymousID, previous, to: to)
            try await backfill(contact: to, anonymousID: previous)
        case (nil, nil):
            let contact = try await createContact(email: nil)
            try await attach(.userID, userID, to: contact)
            try await attach(.anonymousID, previous, to: contact)
            try await backfill(contact: contact, anonymousID: previous)
        default:
            break
        }
    }

    /// `group`: finds or creates the account by its group id, updates it from traits, links the sender's contact.
    func group(_ message: SegmentMessage) async throws {
        guard let groupID = message.groupID else { return }
        let outcome = TraitMapping.account(scalars: message.traitScalars, objects: message.traitObjects, literals: message.traitLiterals)
        // The oldest account with this group id (chosen here: ORDER BY id would let SQLite walk every account by id).
        let existing = try await raw.rows(
            "SELECT id, traits FROM accounts WHERE workspace_id = ? AND external_id = ?", [.text(workspaceID), .text(groupID)])
        let accountID: String
        // Else the company's account made from an email's domain (an identify) or an import, not yet known by a group id:
        // the same company, which takes the group id rather than a second account being made.
        var byDomain: [[SQLValue]] = []
        if existing.isEmpty, let domain = outcome.columns.first(where: { $0.0 == "domain" })?.1.text {
            byDomain = try await raw.rows(
                "SELECT id, traits FROM accounts WHERE workspace_id = ? AND domain = ? AND external_id IS NULL", [.text(workspaceID), .text(domain)])
        }
        if let row = (existing.isEmpty ? byDomain : existing).min(by: { ($0[0].text ?? "") < ($1[0].text ?? "") }), let id = row[0].text {
            accountID = id
            let columns = existing.isEmpty ? outcome.columns + [("external_id", .text(groupID))] : outcome.columns
            try await updateRow("accounts", id: id, columns: columns, traits: TraitMapping.merged(row[1].text, with: outcome.traits))
        } else {
            accountID = Identifier.make()
            let name = outcome.columns.first(where: { $0.0 == "name" })?.1.text ?? groupID
            try await raw.run(
                "INSERT INTO accounts (id, workspace_id, name, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(accountID), .text(workspaceID), .text(name), .text(groupID), .integer(now), .integer(now)])
            try await updateRow("accounts", id: accountID, columns: outcome.columns, traits: TraitMapping.merged(nil, with: outcome.traits))
        }
        record(message.messageID, outcome.warnings)
        var contact = try await resolvedContact(userID: message.userID, anonymousID: message.anonymousID)
        if contact == nil, let userID = message.userID {
            // A user id first seen in a group call is a contact too (as on a track), and a member of the account.
            let created = try await createContact(email: nil)
            try await attach(.userID, userID, to: created)
            if let anonymousID = message.anonymousID {
                try await attach(.anonymousID, anonymousID, to: created)
                try await backfill(contact: created, anonymousID: anonymousID)
            }
            contact = created
        }
        if let contact {
            try await raw.run(
                "UPDATE contacts SET account_id = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
                [.text(accountID), .integer(now), .text(contact), .text(workspaceID)])
            try await raw.run(
                "UPDATE touchpoints SET account_id = ? WHERE workspace_id = ? AND contact_id = ? AND account_id IS NULL",
                [.text(accountID), .text(workspaceID), .text(contact)])
        }
    }

    func record(_ messageID: String, _ messages: [String]) {
        if !messages.isEmpty { warnings[messageID, default: []] += messages }
    }

    func updateContact(_ contact: String, message: SegmentMessage) async throws {
        guard !message.traitScalars.isEmpty || !message.traitObjects.isEmpty else { return }
        if customFields == nil {
            let rows = try await raw.rows(
                "SELECT key, type FROM custom_fields WHERE workspace_id = ? AND entity = 'contact'", [.text(workspaceID)])
            customFields = Dictionary(uniqueKeysWithValues: rows.compactMap { row in
                guard let key = row[0].text, let type = row[1].text.flatMap(CustomFieldType.init) else { return nil }
                return (key, type)
            })
        }
        let outcome = TraitMapping.contact(
            scalars: message.traitScalars, objects: message.traitObjects, literals: message.traitLiterals, defaultCountry: defaultCountry,
            customFields: customFields ?? [:])
        record(message.messageID, outcome.warnings)
        var traits: String?
        if !outcome.traits.isEmpty {
            let stored = try await raw.rows("SELECT traits FROM contacts WHERE id = ?", [.text(contact)]).first?[0].text
            traits = TraitMapping.merged(stored, with: outcome.traits)
        }
        try await keepImpliedIdentities(of: contact, replacedBy: outcome.columns)
        try await updateRow("contacts", id: contact, columns: outcome.columns, traits: traits)
        try await linkCompany(of: contact, message: message)
    }

    /// A person with a business email (or whose traits give the company's website) belongs to that company's account, as
    /// a contacts import makes it: the account of that domain, else a new one named as the traits name the company (else
    /// by its domain). Only for a contact with no account yet: a group call or an import that set one stays.
    func linkCompany(of contact: String, message: SegmentMessage) async throws {
        guard let row = try await raw.rows(
            "SELECT account_id, email FROM contacts WHERE id = ? AND workspace_id = ?", [.text(contact), .text(workspaceID)]
        ).first, row[0] == .null else { return }
        let website = (message.traitScalars["website"] ?? message.traitScalars["company_website"]).flatMap(CompanyDomain.fromWebsite)
        guard let domain = website ?? row[1].text.flatMap(CompanyDomain.fromNormalizedEmail) else { return }
        let company = message.traitScalars["company"] ?? message.traitScalars["company_name"] ?? message.traitScalars["companyName"]
            ?? message.traitObjects["company"].flatMap { TraitMapping.jsonObject($0)?["name"] as? String }
        let name = company.map { $0.trimmingASCIIWhitespace() }.flatMap { $0.isEmpty ? nil : $0 } ?? domain
        let found = try await raw.oldestIDs("accounts", "domain", [domain], workspaceID: workspaceID)[domain]
        let account = found ?? Identifier.make()
        if found == nil {
            try await raw.run(
                "INSERT INTO accounts (id, workspace_id, name, domain, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(account), .text(workspaceID), .text(String(name.prefix(500))), .text(domain), .integer(now), .integer(now)])
        }
        try await raw.run(
            "UPDATE contacts SET account_id = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
            [.text(account), .integer(now), .text(contact), .text(workspaceID)])
    }

    /// Before `columns` overwrite a contact's email or external id, the old value becomes an identities row, so it
    /// still finds the contact (the column was its identity: see `impliedColumns`).
    func keepImpliedIdentities(of contact: String, replacedBy columns: [(String, SQLValue)]) async throws {
        let kept = try await Self.keepImpliedIdentities(raw, workspaceID: workspaceID, contact: contact, replacedBy: columns, now: now)
        for (kind, old) in kept { staged[key(kind, old)] = staged[key(kind, old)] ?? contact }
    }

    /// `keepImpliedIdentities` for writers without a resolver (imports); returns the (kind, old value) pairs it kept.
    @discardableResult
    static func keepImpliedIdentities(
        _ raw: RawSQL, workspaceID: String, contact: String, replacedBy columns: [(String, SQLValue)], now: Int64
    ) async throws -> [(IdentityKind, String)] {
        let kinds = impliedColumns.filter { _, column in columns.contains { $0.0 == column } }.sorted { $0.key.rawValue < $1.key.rawValue }
        guard !kinds.isEmpty, let row = try await raw.rows(
            "SELECT \(kinds.map(\.value).joined(separator: ", ")) FROM contacts WHERE id = ? AND workspace_id = ?", [.text(contact), .text(workspaceID)]
        ).first else { return [] }
        let stored = Dictionary(uniqueKeysWithValues: zip(kinds.map(\.value), row.map(\.text)))
        return try await keepImpliedIdentities(raw, workspaceID: workspaceID, contact: contact, stored: stored, replacedBy: columns, now: now)
    }

    /// The same, with the contact's current values of the implied columns already read (`stored`: column → value; imports
    /// read those of a whole chunk at once).
    @discardableResult
    static func keepImpliedIdentities(
        _ raw: RawSQL, workspaceID: String, contact: String, stored: [String: String?], replacedBy columns: [(String, SQLValue)], now: Int64
    ) async throws -> [(IdentityKind, String)] {
        var kept: [(IdentityKind, String)] = []
        var values: [SQLValue] = []
        for (kind, column) in impliedColumns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let old = stored[column] ?? nil, let new = columns.first(where: { $0.0 == column })?.1.text, new != old else { continue }
            kept.append((kind, old))
            values += [.text(workspaceID), .text(kind.rawValue), .text(old), .text(contact), .integer(now)]
        }
        try await raw.insert(
            "identities", columns: ["workspace_id", "kind", "value", "contact_id", "created_at"], values: values,
            suffix: " ON CONFLICT (workspace_id, kind, value) DO NOTHING")
        return kept
    }

    func updateRow(_ table: String, id: String, columns: [(String, SQLValue)], traits: String?) async throws {
        var assignments = columns.map { "\($0.0) = ?" }
        var binds = columns.map(\.1)
        if let traits {
            assignments.append("traits = ?")
            binds.append(.text(traits))
        }
        guard !assignments.isEmpty else { return }
        assignments.append("updated_at = ?")
        binds.append(.integer(now))
        try await raw.run(
            "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE id = ? AND workspace_id = ?", binds + [.text(id), .text(workspaceID)])
    }

    /// The kept contact's fields a merge fills from the merged contact when they are empty.
    static let fillableColumns = ["email", "first_name", "last_name", "title", "phone", "country", "account_id", "lifecycle_stage", "external_id"]

    static let contactColumns = [
        "id", "email", "first_name", "last_name", "title", "phone", "country", "account_id", "lifecycle_stage", "external_id", "traits",
        "created_at", "updated_at",
    ]

    /// Moves everything of `merged` to `keep`, fills `keep`'s empty fields from it, deletes it, and records the merge.
    func merge(keep: String, merged: String, reason: String, messageID: String?) async throws {
        // Two contacts whose merge was undone stay apart: someone decided they are two people.
        let split = try await raw.rows(
            """
            SELECT id FROM identity_merges WHERE workspace_id = ? AND undone_at IS NOT NULL
            AND ((kept_contact_id = ? AND merged_contact_id = ?) OR (kept_contact_id = ? AND merged_contact_id = ?))
            """, [.text(workspaceID), .text(keep), .text(merged), .text(merged), .text(keep)])
        guard split.isEmpty else {
            if let messageID { record(messageID, ["not merged with contact \(merged): a merge of the two was undone"]) }
            return
        }
        let columns = Self.contactColumns
        guard let row = try await raw.rows(
            "SELECT \(columns.joined(separator: ", ")) FROM contacts WHERE id = ? AND workspace_id = ?", [.text(merged), .text(workspaceID)]
        ).first else { return }
        var snapshot: [String: Any] = [:]
        for (index, column) in columns.enumerated() {
            switch row[index] {
            case .text(let text): snapshot[column] = text
            case .integer(let value): snapshot[column] = value
            case .bool(let value): snapshot[column] = value
            case .null: snapshot[column] = NSNull()
            }
        }
        // Its identities: the rows, and those its own columns imply (they become rows of the kept contact, since the
        // merged row goes).
        var identities = try await raw.rows(
            "SELECT kind, value FROM identities WHERE workspace_id = ? AND contact_id = ?", [.text(workspaceID), .text(merged)]
        ).map { [$0[0].text ?? "", $0[1].text ?? ""] }
        // Only values no row claims yet and the kept contact's own columns do not hold (those already find it).
        let keptOwn = try await raw.rows(
            "SELECT email, external_id FROM contacts WHERE id = ? AND workspace_id = ?", [.text(keep), .text(workspaceID)]
        ).first ?? []
        var implied: [SQLValue] = []
        var impliedKeys: [[String]] = []
        for (kind, column) in Self.impliedColumns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let value = row[columns.firstIndex(of: column)!].text, !identities.contains([kind.rawValue, value]),
                !keptOwn.contains(.text(value))
            else { continue }
            implied += [.text(workspaceID), .text(kind.rawValue), .text(value), .text(merged), .integer(now)]
            impliedKeys.append([kind.rawValue, value])
        }
        let written = try await raw.insertNew(
            "identities", columns: ["workspace_id", "kind", "value", "contact_id", "created_at"], values: implied,
            conflictColumns: ["workspace_id", "kind", "value"], keyColumn: 2)
        identities += zip(impliedKeys, written).filter(\.1).map(\.0)
        let moved = identities.map { ["kind": $0[0], "value": $0[1]] }
        // What an undo needs beyond the identities: rows no identity traces back, and the kept contact's empty fields.
        let untraced: [String: [String]] = [
            "opportunities": try await raw.rows(
                "SELECT id FROM opportunities WHERE workspace_id = ? AND contact_id = ?", [.text(workspaceID), .text(merged)]
            ).compactMap { $0[0].text },
            "touchpoints": try await raw.rows(
                "SELECT id FROM touchpoints WHERE workspace_id = ? AND contact_id = ? AND event_id IS NULL", [.text(workspaceID), .text(merged)]
            ).compactMap { $0[0].text },
        ]
        let fillable = Self.fillableColumns
        let keptRow = try await raw.rows(
            "SELECT \(fillable.joined(separator: ", ")) FROM contacts WHERE id = ? AND workspace_id = ?", [.text(keep), .text(workspaceID)]
        ).first ?? []
        var filled = fillable.enumerated().filter { index, column in
            index < keptRow.count && keptRow[index] == .null && row[columns.firstIndex(of: column)!] != .null
        }.map(\.element)
        // Custom traits the kept contact lacks come from the merged one too (its own values win), recorded as
        // `traits.KEY` so an undo takes them back.
        if let mergedTraits = row[columns.firstIndex(of: "traits")!].text.flatMap(TraitMapping.jsonObject), !mergedTraits.isEmpty {
            let keptTraitsText = try await raw.rows(
                "SELECT traits FROM contacts WHERE id = ? AND workspace_id = ?", [.text(keep), .text(workspaceID)]
            ).first?[0].text
            let keptTraits = keptTraitsText.flatMap(TraitMapping.jsonObject) ?? [:]
            let added = mergedTraits.filter { keptTraits[$0.key] == nil }
            if !added.isEmpty {
                try await raw.run(
                    "UPDATE contacts SET traits = ? WHERE id = ? AND workspace_id = ?",
                    [.optional(TraitMapping.merged(keptTraitsText, with: added)), .text(keep), .text(workspaceID)])
                filled += added.keys.sorted().map { "traits." + $0 }
            }
        }
        for table in ["identities", "events", "touchpoints", "opportunities"] {
            try await raw.run(
                "UPDATE \(table) SET contact_id = ? WHERE workspace_id = ? AND contact_id = ?", [.text(keep), .text(workspaceID), .text(merged)])
        }
        try await raw.run(
            "UPDATE contacts SET " + fillable.map { "\($0) = COALESCE(\($0), ?)" }.joined(separator: ", ") + ", updated_at = ? WHERE id = ?",
            fillable.map { column in row[columns.firstIndex(of: column)!] } + [.integer(now), .text(keep)])
        try await raw.run("DELETE FROM contacts WHERE id = ?", [.text(merged)])
        mergedInto[merged] = keep
        let snapshotText = String(decoding: try JSONSerialization.data(withJSONObject: snapshot, options: [.sortedKeys]), as: UTF8.self)
        let movedText = String(decoding: try JSONSerialization.data(withJSONObject: moved, options: [.sortedKeys]), as: UTF8.self)
        let filledText = String(decoding: try JSONSerialization.data(withJSONObject: filled), as: UTF8.self)
        let untracedText = String(decoding: try JSONSerialization.data(withJSONObject: untraced, options: [.sortedKeys]), as: UTF8.self)
        try await raw.run(
            """
            INSERT INTO identity_merges (id, workspace_id, kept_contact_id, merged_contact_id, merged_contact, moved_identities, reason, message_id, at,
                                         filled_fields, moved_rows)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(Identifier.make()), .text(workspaceID), .text(keep), .text(merged), .text(snapshotText), .text(movedText), .text(reason),
             .optional(messageID), .integer(now), .text(filledText), .text(untracedText)])
        for identity in moved {
            if let kind = IdentityKind(rawValue: identity["kind"] ?? ""), let value = identity["value"] { staged[key(kind, value)] = keep }
        }
    }
}
