import Foundation
import PitcrewCore
import PitcrewStore

/// Writes chunks of normalized rows of one import inside its transaction: upserts by key, links accounts, contacts and
/// campaigns, and counts what was inserted and updated.
final class ImportWriter {
    let raw: RawSQL
    let workspaceID: String
    let kind: ImportKind
    let now: Int64
    let classifier: ChannelClassifier
    let campaigns: CampaignChoice
    private(set) var inserted = 0
    private(set) var updated = 0
    /// Rows that matched a stored record and changed nothing (a file imported again).
    private(set) var unchanged = 0
    /// References to records Pitcrew does not have (an opportunity's account), by what was missing: rows and the first value.
    private var unresolved: [(what: String, phrase: NotePhrase, rows: Int, first: String)] = []

    enum NotePhrase { case unknown, closedWithoutDate, emailElsewhere, shared }

    /// What the report says of references the import could not follow (written without the link), and of rows it wrote
    /// that lack something they need.
    var notes: [String] {
        (spendRowsAdded > 0
            ? ["\(spendRowsAdded) \(spendRowsAdded == 1 ? "row was" : "rows were") added to an earlier row of the same day, channel, campaign and "
                + "account (segments of one day's spend: ad groups, devices, networks)."]
            : [])
            + (touchContactsMadeCount > 0
            ? ["\(touchContactsMadeCount) \(touchContactsMadeCount == 1 ? "person" : "people") the file names \(touchContactsMadeCount == 1 ? "was" : "were") "
                + "not a contact yet: made \(touchContactsMadeCount == 1 ? "a contact" : "contacts") (by email, else by record id)."]
            : [])
            + unresolved.map { note in
            switch note.phrase {
            case .unknown:
                "\(note.rows) \(note.rows == 1 ? "row names" : "rows name") \(note.what) Pitcrew does not have (first: \"\(note.first)\"); imported without it."
            case .emailElsewhere:
                "\(note.rows) \(note.rows == 1 ? "row gives" : "rows give") a contact an email another contact has (first: \"\(note.first)\"); "
                    + "the email was left with that contact."
            case .shared:
                "\(note.rows) \(note.rows == 1 ? "row names" : "rows name") \(note.what) (first: \"\(note.first)\"); linked to the oldest of them."
            case .closedWithoutDate:
                "\(note.rows) \(note.rows == 1 ? "deal is" : "deals are") closed without a close date (first: \"\(note.first)\"); "
                    + "a deal counts as a won conversion once it has one."
            }
        }
    }

    private func unresolved(_ what: String, _ value: String, phrase: NotePhrase = .unknown) {
        if let index = unresolved.firstIndex(where: { $0.what == what }) {
            unresolved[index].rows += 1
        } else {
            unresolved.append((what, phrase, 1, value))
        }
    }
    /// Contacts this import created for offline touches, with the creation time given them (their earliest touch so far):
    /// a later chunk with an earlier touch moves it back. Bounded like `accountsSeenLimit`.
    private var touchContactsCreated: [String: Int64] = [:]
    private var touchContactsMadeCount = 0
    /// Spend rows this import wrote, by key (`spendKey`): later rows of a key add to them.
    private var spendWritten: [String: String] = [:]
    /// Stored spend rows this import replaced, by id: the figures stored before and the file's (cost, currency,
    /// impressions, clicks, campaign, campaign id), to count them as updated or unchanged once the file is read.
    private var spendReplaced: [String: (original: [SQLValue], now: [SQLValue])] = [:]
    /// Ids are time-ordered: a row id at or after this one was made by this import (touches of the file itself, not ones
    /// stored before it that a row may complete), with no memory per row.
    private let firstOwnID = Identifier.make()
    /// Rows added to an earlier row of their key (segments of one day's spend).
    private(set) var spendRowsAdded = 0
    /// Accounts of contacts' companies already found or made by this import (domain → id, name → id): a file names the
    /// same companies chunk after chunk. Bounded; past the bound the database is asked again.
    private var accountsSeenByDomain: [String: String] = [:]
    private var accountsSeenByName: [String: String] = [:]
    static let accountsSeenLimit = 200_000
    /// Whether accounts known by name only may exist in the workspace (nil until asked).
    private var accountsWithoutDomain: Bool?
    /// A first load: on SQLite an import holds the write lock for its whole transaction, so in a workspace that had no
    /// contacts when it began only contacts this import wrote can match a row, and only rows that repeat an earlier row's
    /// email or record id (`TypedRow.repeatsKey`, which the reader works out) are looked up. Nil until the first chunk of
    /// contacts; false once the reader stops knowing (past `writtenKeyLimit` keys).
    private var firstLoad: Bool?
    /// Past this many keys the reader stops remembering them, and every row is looked up again (memory stays bounded).
    static let writtenKeyLimit = 2_000_000

    init(
        raw: RawSQL, workspaceID: String, kind: ImportKind, now: Int64, classifier: ChannelClassifier, campaigns: CampaignChoice
    ) {
        self.raw = raw
        self.workspaceID = workspaceID
        self.kind = kind
        self.now = now
        self.classifier = classifier
        self.campaigns = campaigns
    }

    /// Indexes of contacts that no lookup of a contacts import uses (by account, and by id within the workspace), and the
    /// statements that make them: a large load drops them and builds them once its rows are in (one sort instead of an
    /// insert at a random place per row: the C ceiling program loads 1M contacts in 7.5 s instead of 10.0). Both happen
    /// in the import's transaction, so a failed or interrupted import leaves them as they were.
    static let deferrableContactIndexes = ["contacts_account", "contacts_workspace_id"]
    private var deferredIndexes: [String] = []

    /// Defers `deferrableContactIndexes` when this contacts import (about `expectedRows` rows) is a large first load: the
    /// workspace has no contacts, and the file holds at least a quarter as many rows as the contacts stored (workspaces
    /// together), so building the indexes of the whole table costs less than adding each row to them. (A re-import
    /// writes few index entries: its rows are mostly unchanged.) SQLite only: its write lock holds the whole import;
    /// PostgreSQL keeps its indexes.
    func deferContactIndexes(expectedRows: Int) async throws {
        guard kind == .contacts, raw.backend == .sqlite, expectedRows >= Self.deferIndexesFrom else { return }
        guard try await workspaceHadNoContacts() else { return }
        // The builds sort through temporary files (see `buildDeferredIndexes`): without a directory SQLite can write them
        // in, the indexes stay, rather than fail the whole import at its end.
        guard Self.sqliteCanWriteTemporaryFiles() else { return }
        let stored = try await raw.rows("SELECT COUNT(*) FROM contacts").first?.first?.integer ?? 0
        guard Int64(expectedRows) * 4 >= stored else { return }
        let names = Self.deferrableContactIndexes
        let definitions = try await raw.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND name IN (\(names.map { _ in "?" }.joined(separator: ", ")))",
            names.map { .text($0) })
        for definition in definitions {
            guard let name = definition.first?.text, names.contains(name), let sql = definition.last?.text else { continue }
            try await raw.run("DROP INDEX \(name)")
            deferredIndexes.append(sql)
        }
    }

    static let deferIndexesFrom = 50_000

    /// Whether the workspace had no contacts when this import began (asked once: by the index deferral, then the first
    /// chunk of contacts).
    private var hadNoContacts: Bool?

    private func workspaceHadNoContacts() async throws -> Bool {
        if let hadNoContacts { return hadNoContacts }
        let empty = try await raw.rows("SELECT 1 FROM contacts WHERE workspace_id = ? LIMIT 1", [.text(workspaceID)]).isEmpty
        hadNoContacts = empty
        return empty
    }

    /// Whether one of the directories SQLite writes temporary files in (its `unixTempFileDir` order) is writable.
    static func sqliteCanWriteTemporaryFiles() -> Bool {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["SQLITE_TMPDIR"], environment["TMPDIR"], "/var/tmp", "/usr/tmp", "/tmp", "."].compactMap { $0 }
        return candidates.contains { directory in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.isWritableFile(atPath: directory)
        }
    }

    /// Builds the indexes `deferContactIndexes` dropped. Each build reads the whole table, and read through the memory
    /// map every page of it would count as the process's memory (the 1M-contact import peaked at 617 MB so); SQLite sorts
    /// the entries in up to the page cache's size of memory, with its temporary files in memory too. So the indexes are
    /// built reading with read(), in a small cache, with temporary files on disk; the settings are restored after.
    func buildDeferredIndexes() async throws {
        guard !deferredIndexes.isEmpty else { return }
        let settings = ["cache_size", "temp_store", "mmap_size"]
        var saved: [String] = []
        for setting in settings { saved.append("PRAGMA \(setting)=\(try await raw.rows("PRAGMA \(setting)").first?.first?.integer ?? 0)") }
        // A setting SQLite refuses (a change of temp_store once the connection has temporary tables) stays as the writer had it.
        for pragma in ["PRAGMA temp_store=FILE", "PRAGMA cache_size=-32768", "PRAGMA mmap_size=0"] { try? await raw.run(pragma) }
        do {
            for sql in deferredIndexes { try await raw.run(sql) }
        } catch {
            for pragma in saved { try? await raw.run(pragma) }
            throw error
        }
        for pragma in saved { try await raw.run(pragma) }
        deferredIndexes = []
    }

    func write(_ rows: [TypedRow]) async throws {
        guard !rows.isEmpty else { return }
        switch kind {
        case .contacts: try await writeContacts(rows)
        case .accounts: try await writeAccounts(rows)
        case .opportunities: try await writeOpportunities(rows)
        case .spend: try await writeSpend(rows)
        case .touchpoints: try await writeTouchpoints(rows)
        }
    }

    // MARK: Lookups

    /// `column value → id` for rows of `table` in this workspace whose `column` is one of `values`.
    func ids(_ table: String, _ column: String, _ values: Set<String>) async throws -> [String: String] {
        try await raw.oldestIDs(table, column, values, workspaceID: workspaceID)
    }

    func insert(_ table: String, _ columns: [String], _ values: [SQLValue]) async throws {
        try await raw.insert(table, columns: columns, values: values)
    }

    func update(_ table: String, id: String, _ assignments: [(String, SQLValue)]) async throws {
        guard !assignments.isEmpty else { return }
        try await raw.run(
            "UPDATE \(table) SET \(assignments.map { "\($0.0) = ?" }.joined(separator: ", ")), updated_at = ? WHERE workspace_id = ? AND id = ?",
            assignments.map(\.1) + [.integer(now), .text(workspaceID), .text(id)])
    }

    /// Finds or creates accounts by domain (the company of contacts); returns domain → account id.
    func accountsByDomain(_ wanted: [String: String]) async throws -> [String: String] {
        guard !wanted.isEmpty else { return [:] }
        var found = try await accountIDs("domain", wanted.keys, seen: accountsSeenByDomain)
        // A company met before by name only (a free-mail contact's, an account import without a website) is the same
        // account: it gets the domain instead of a second account being made.
        // (Asked only while such accounts may exist: the workspace had one when the import began, or the import made one.)
        if accountsWithoutDomain == nil {
            accountsWithoutDomain = try await !raw.rows(
                "SELECT 1 FROM accounts WHERE workspace_id = ? AND domain IS NULL LIMIT 1", [.text(workspaceID)]
            ).isEmpty
        }
        let named = accountsWithoutDomain == true ? Set(wanted.filter { found[$0.key] == nil && $0.value != $0.key }.values) : []
        if !named.isEmpty {
            var byName = try await raw.oldestIDs("accounts", "name", named, workspaceID: workspaceID, condition: "domain IS NULL")
            for (domain, name) in wanted.sorted(by: { $0.key < $1.key }) where found[domain] == nil {
                guard let id = byName.removeValue(forKey: name) else { continue }
                try await raw.run("UPDATE accounts SET domain = ?, updated_at = ? WHERE id = ?", [.text(domain), .integer(now), .text(id)])
                found[domain] = id
            }
        }
        var values: [SQLValue] = []
        for (domain, name) in wanted.filter({ found[$0.key] == nil }).sorted(by: { $0.key < $1.key }) {
            let id = Identifier.make()
            found[domain] = id
            values += [.text(id), .text(workspaceID), .text(name), .text(domain), .integer(now), .integer(now)]
        }
        try await insert("accounts", ["id", "workspace_id", "name", "domain", "created_at", "updated_at"], values)
        Self.remember(found, in: &accountsSeenByDomain)
        return found
    }

    /// Finds or creates accounts by exact name (companies known by name only); returns name → account id.
    func accountsByName(_ names: Set<String>) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        var found = try await accountIDs("name", names, seen: accountsSeenByName)
        var values: [SQLValue] = []
        for name in names.sorted() where found[name] == nil {
            let id = Identifier.make()
            found[name] = id
            values += [.text(id), .text(workspaceID), .text(name), .integer(now), .integer(now)]
        }
        try await insert("accounts", ["id", "workspace_id", "name", "created_at", "updated_at"], values)
        if !values.isEmpty { accountsWithoutDomain = true }
        Self.remember(found, in: &accountsSeenByName)
        return found
    }

    /// Accounts by `column` (domain or name): those this import has seen, then the database for the rest.
    private func accountIDs(_ column: String, _ keys: some Collection<String>, seen: [String: String]) async throws -> [String: String] {
        var found: [String: String] = [:]
        found.reserveCapacity(keys.count)
        var unknown = Set<String>()
        for key in keys {
            if let id = seen[key] { found[key] = id } else { unknown.insert(key) }
        }
        for (key, id) in try await ids("accounts", column, unknown) where found[key] == nil { found[key] = id }
        return found
    }

    /// Adds accounts found or made to what this import has seen, within `accountsSeenLimit` (only those it had not seen:
    /// most of a chunk's companies were met in earlier chunks).
    private static func remember(_ found: [String: String], in seen: inout [String: String]) {
        if seen.count + found.count > accountsSeenLimit { seen.removeAll(keepingCapacity: true) }
        for (key, id) in found where seen[key] == nil { seen[key] = id }
    }

    // MARK: Kinds

    static let contactFields = ["email", "external_id", "first_name", "last_name", "title", "phone", "country", "lifecycle_stage"]

    func writeContacts(_ rows: [TypedRow]) async throws {
        // The hot path of large imports: rows are read in place by index, the fields by position (`contactColumns`).
        let emailColumn = 0, externalColumn = 1
        if firstLoad == nil { firstLoad = raw.backend == .sqlite ? try await workspaceHadNoContacts() : false }
        // (Rows are read in place, `rows[index].field`, in every pass: a `for row in rows` copies each row, retaining all its
        // fields, and those copies were a tenth of the writing thread's own time.)
        if firstLoad == true, rows.indices.contains(where: { rows[$0].repeatsKey == nil }) { firstLoad = false }
        let everyKey = firstLoad != true
        var emailKeys = Set<String>()
        var externalKeys = Set<String>()
        var companies: [String: String] = [:]
        var namesWithoutDomain = Set<String>()
        for index in rows.indices {
            if everyKey || rows[index].repeatsKey == true {
                if let email = rows[index].contactColumns[emailColumn].text { emailKeys.insert(email) }
                if let external = rows[index].contactColumns[externalColumn].text { externalKeys.insert(external) }
            }
            if let domain = rows[index].companyDomain {
                if companies[domain] == nil { companies[domain] = rows[index].text("company") ?? domain }
            } else if let name = rows[index].text("company") {
                namesWithoutDomain.insert(name)
            }
        }
        var emailsOfOld = Set<String>()
        let existingByEmail = try await contactIDs(.email, keptAs: &emailsOfOld, emailKeys)
        let existingByExternal = try await contactIDs(.externalID, externalKeys)
        // The stored values of the contacts this chunk updates, read at once: an update writes only what changed (a file
        // imported again writes nothing), keeps replaced emails and external ids as identities, and merges the traits.
        var stored = try await storedContacts(Set(existingByEmail.values).union(existingByExternal.values))
        let accounts = try await accountsByDomain(companies)
        // A company without a domain (a free-mail address, no website) is found or made by its name.
        let accountsByName = try await accountsByName(namesWithoutDomain)
        // Rows to insert, `width` values each, in one flat array.
        let columns = Self.contactFields + ["id", "workspace_id", "account_id", "traits", "created_at", "updated_at"]
        var inserts: [SQLValue] = []
        inserts.reserveCapacity(rows.count * columns.count)
        // Contacts this chunk inserted or updated, by email and by external id.
        var seenByEmail: [String: String] = [:]
        seenByEmail.reserveCapacity(rows.count)
        var seenByExternal: [String: String] = [:]
        // Contacts of this chunk waiting to be inserted (id → where its values start in `inserts`): a later row of the
        // same contact changes the waiting row, as it would change a stored one (the later row wins).
        var pending: [String: Int] = [:]
        pending.reserveCapacity(rows.count)
        let accountColumn = Self.contactFields.count + 2
        let createdColumn = accountColumn + 2
        let workspace = SQLValue.text(workspaceID)
        // Record ids of another system for contacts met by email (see below), kept as identities once the contacts exist.
        var otherRecordIDs: [SQLValue] = []
        // A first load inserts a row that repeats no earlier row's key straight away (nothing can match it), with no
        // lookups; its contact is remembered by position, and entered in `seenBy…` and `pending` only when a later row of
        // the chunk repeats one of its keys (rare), as the rows before it were.
        var insertedAt: [(id: String, start: Int)?] = everyKey ? [] : Array(repeating: nil, count: rows.count)
        var registered = 0
        for index in rows.indices {
            let email = rows[index].contactColumns[emailColumn].text
            let external = rows[index].contactColumns[externalColumn].text
            let domain = rows[index].companyDomain
            let account = domain.flatMap { accounts[$0] } ?? (domain == nil ? rows[index].text("company").flatMap { accountsByName[$0] } : nil)
            if !everyKey, rows[index].repeatsKey == false {
                let id = Identifier.make()
                insertedAt[index] = (id, inserts.count)
                Self.appendContact(rows[index], id: id, workspace: workspace, account: account, created: rows[index].integer("created_at"), now: now, to: &inserts)
                inserted += 1
                continue
            }
            if !everyKey {
                for earlier in registered..<index {
                    guard let (id, start) = insertedAt[earlier] else { continue }
                    if let earlierEmail = rows[earlier].contactColumns[emailColumn].text, seenByEmail[earlierEmail] == nil { seenByEmail[earlierEmail] = id }
                    if let earlierExternal = rows[earlier].contactColumns[externalColumn].text { seenByExternal[earlierExternal] = id }
                    pending[id] = start
                }
                registered = index
            }
            // The record id is the surest key (the contact's own, or one kept as an identity); then the email: one person is one
            // contact, as in HubSpot or Mautic. A contact met by email that already has another record id (the same person
            // in HubSpot and in Salesforce, or two CRM records sharing an email) keeps its id, and this row's id becomes an
            // identity of it, so later rows with either id find it.
            var existing = external.flatMap { seenByExternal[$0] ?? existingByExternal[$0] }
            if existing == nil, let email { existing = seenByEmail[email] ?? existingByEmail[email] }
            // A contact keeps the record id it has; another one (found by email, or by an id it keeps as an identity) is
            // kept as an identity, never written over it.
            // (Stored values of this chunk's contacts were read above; one found otherwise, earlier in the chunk, is read now.)
            if let existing, pending[existing] == nil, stored[existing] == nil {
                stored.merge(try await storedContacts([existing])) { first, _ in first }
            }
            var otherRecordID = false
            if let existing, let external {
                let current = pending[existing].map { inserts[$0 + externalColumn].text } ?? stored[existing]?["external_id"] ?? nil
                if let current, current != external {
                    otherRecordID = true
                    otherRecordIDs += [workspace, .text(IdentityKind.externalID.rawValue), .text(external), .text(existing), .integer(now)]
                }
            }
            // The email stays where it is when it belongs to another contact (this row's record id is one contact, its
            // email another: reported, not copied, so one email stays one person) or when it is one this contact had
            // before (an older file must not take back a newer email).
            var keepEmail = false
            if let existing, let email {
                let owner = seenByEmail[email] ?? existingByEmail[email]
                if let owner, owner != existing {
                    keepEmail = true
                    unresolved("an email that another contact has; it was left with that contact", email, phrase: .emailElsewhere)
                } else if seenByEmail[email] == nil, emailsOfOld.contains(email) {
                    keepEmail = true
                }
            }
            if let existing {
                if let email, !keepEmail, seenByEmail[email] == nil { seenByEmail[email] = existing }
                if let external, seenByExternal[external] == nil { seenByExternal[external] = existing }
            }
            // The source's creation date is the contact's when the row is that contact's own record (its record id, or
            // no other one), not another system's record of the same person.
            let created = otherRecordID ? nil : rows[index].integer("created_at")
            // Columns this row does not write: another system's record id, an email that stays where it is.
            func writes(_ position: Int) -> Bool { !(otherRecordID && position == externalColumn) && !(keepEmail && position == emailColumn) }
            if let existing, let start = pending[existing] {
                for (position, value) in rows[index].contactColumns.enumerated() where value != .null && writes(position) {
                    // An email replaced before the contact is even stored is kept as an identity, as for a stored one.
                    if position == emailColumn, let old = inserts[start + position].text, old != value.text {
                        otherRecordIDs += [workspace, .text(IdentityKind.email.rawValue), .text(old), .text(existing), .integer(now)]
                    }
                    inserts[start + position] = value
                }
                if let created { inserts[start + createdColumn] = .integer(created) }
                if let account { inserts[start + accountColumn] = .text(account) }
                if !rows[index].traits.isEmpty {
                    inserts[start + accountColumn + 1] = .optional(TraitMapping.merged(inserts[start + accountColumn + 1].text, with: rows[index].traits))
                }
                updated += 1
                continue
            }
            if let existing {
                let row = rows[index]
                var current = stored[existing] ?? [:]
                var assignments = zip(Self.contactFields.indices, row.contactColumns).filter {
                    $0.1 != .null && $0.1.text != current[Self.contactFields[$0.0]] ?? nil && writes($0.0)
                }.map { (Self.contactFields[$0.0], $0.1) }
                if let account, account != current["account_id"] ?? nil { assignments.append(("account_id", .text(account))) }
                // The source's creation date (a CRM's Create Date) is the contact's: a corrected file corrects it.
                if let created, String(created) != current["created_at"] ?? nil {
                    assignments.append(("created_at", .integer(created)))
                }
                if !row.traits.isEmpty {
                    let merged = TraitMapping.merged(current["traits"] ?? nil, with: row.traits)
                    if merged != current["traits"] ?? nil { assignments.append(("traits", .optional(merged))) }
                }
                try await IdentityResolver.keepImpliedIdentities(
                    raw, workspaceID: workspaceID, contact: existing, stored: current, replacedBy: assignments, now: now)
                for (column, value) in assignments { current[column] = value.text }
                stored[existing] = current
                try await update("contacts", id: existing, assignments)
                if assignments.isEmpty { unchanged += 1 } else { updated += 1 }
                continue
            }
            let id = Identifier.make()
            if let email, seenByEmail[email] == nil { seenByEmail[email] = id }
            if let external { seenByExternal[external] = id }
            pending[id] = inserts.count
            Self.appendContact(rows[index], id: id, workspace: workspace, account: account, created: created, now: now, to: &inserts)
            inserted += 1
        }
        try await insert("contacts", columns, inserts)
        try await raw.insert(
            "identities", columns: ["workspace_id", "kind", "value", "contact_id", "created_at"], values: otherRecordIDs,
            suffix: " ON CONFLICT (workspace_id, kind, value) DO NOTHING")
    }

    /// A new contact's values, in the order of `writeContacts`' columns. One value at a time: an array literal here would
    /// be allocated and freed for every row.
    private static func appendContact(
        _ row: TypedRow, id: String, workspace: SQLValue, account: String?, created: Int64?, now: Int64, to inserts: inout [SQLValue]
    ) {
        inserts.append(contentsOf: row.contactColumns)
        inserts.append(.text(id))
        inserts.append(workspace)
        inserts.append(.optional(account))
        inserts.append(.optional(row.traitsJSON))
        inserts.append(.integer(created ?? now))
        inserts.append(.integer(now))
    }

    /// Contacts by email or record id: the contact whose column holds it, else the one that keeps it as an identity (an
    /// email or record id it had before, or another system's record id).
    private func contactIDs(_ kind: IdentityKind, _ keys: Set<String>) async throws -> [String: String] {
        var keptAs = Set<String>()
        return try await contactIDs(kind, keptAs: &keptAs, keys)
    }

    /// The same; `keptAs` gets the keys found as identities (values a contact had before, not its current one).
    private func contactIDs(_ kind: IdentityKind, keptAs: inout Set<String>, _ keys: Set<String>) async throws -> [String: String] {
        let column = kind == .email ? "email" : "external_id"
        var found = try await ids("contacts", column, keys)
        guard found.count < keys.count else { return found }
        let rest = keys.filter { found[$0] == nil }
        for row in try await raw.rows(in: rest, leading: [.text(workspaceID), .text(kind.rawValue)], {
            "SELECT value, contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value IN (\($0))"
        }) {
            if let value = row[0].text, let contact = row[1].text {
                found[value] = contact
                keptAs.insert(value)
            }
        }
        return found
    }

    /// Column → value of the stored contacts (`contactFields`, account and traits), by id.
    private func storedContacts(_ ids: Set<String>) async throws -> [String: [String: String?]] {
        try await storedValues("contacts", Self.contactFields + ["account_id", "traits", "created_at"], ids, as: \.text)
    }

    static let accountFields = ["name", "domain", "industry", "employees", "country", "external_id"]
    static let opportunityColumns = ["name", "stage", "amount_minor", "currency", "created_at", "closed_at", "won", "account_id", "contact_id"]

    func writeAccounts(_ rows: [TypedRow]) async throws {
        let byExternal = try await ids("accounts", "external_id", Set(rows.compactMap { $0.text("external_id") }))
        let byDomain = try await ids("accounts", "domain", Set(rows.compactMap { $0.text("domain") ?? $0.text("website").flatMap(CompanyDomain.fromWebsite) }))
        let byName = try await ids("accounts", "name", Set(rows.compactMap { $0.text("name") }))
        var stored = try await storedValues(
            "accounts", Self.accountFields + ["traits"], Set(byExternal.values).union(byDomain.values).union(byName.values))
        // An account of the same name is this row's when nothing tells them apart: no other record id, no other domain (a
        // contacts import made it from the company column; this companies export gives its record id and domain).
        func sameByName(_ row: TypedRow) -> String? {
            guard let id = row.text("name").flatMap({ byName[$0] }), let account = stored[id] else { return nil }
            let apart = ["external_id", "domain"].contains { field in
                guard let given = row.values[field], let kept = account[field], kept != .null else { return false }
                return !Self.same(given, kept)
            }
            return apart ? nil : id
        }
        var inserts: [SQLValue] = []
        var seen: [String: String] = [:]
        var pending: [String: Int] = [:]
        for var row in rows {
            if row.values["domain"] == nil, let domain = row.text("website").flatMap(CompanyDomain.fromWebsite) { row.values["domain"] = .text(domain) }
            let key = row.text("external_id").map { "x:" + $0 } ?? row.text("domain").map { "d:" + $0 } ?? "n:" + (row.text("name") ?? "")
            let existing = seen[key] ?? row.text("external_id").flatMap { byExternal[$0] } ?? row.text("domain").flatMap { byDomain[$0] } ?? sameByName(row)
            let traitsColumn = Self.accountFields.count + 4
            if let existing, let start = pending[existing] {
                for (position, field) in Self.accountFields.enumerated() { if let value = row.values[field] { inserts[start + position] = value } }
                if !row.traits.isEmpty {
                    inserts[start + traitsColumn] = .optional(TraitMapping.merged(inserts[start + traitsColumn].text, with: row.traits))
                }
                updated += 1
                continue
            }
            if let existing {
                // Only what changed is written; the same file again writes nothing. Custom columns merge into the traits.
                var assignments = Self.accountFields.compactMap { field in
                    row.values[field].flatMap { Self.same($0, stored[existing]?[field]) ? nil : (field, $0) }
                }
                if !row.traits.isEmpty {
                    let kept = stored[existing]?["traits"]?.text
                    let merged = TraitMapping.merged(kept, with: row.traits)
                    if merged != kept { assignments.append(("traits", .optional(merged))) }
                }
                try await update("accounts", id: existing, assignments)
                for (field, value) in assignments { stored[existing, default: [:]][field] = value }
                if assignments.isEmpty { unchanged += 1 } else { updated += 1 }
                continue
            }
            let id = Identifier.make()
            seen[key] = id
            pending[id] = inserts.count
            inserts += Self.accountFields.map { row.values[$0] ?? .null }
                + [.text(id), .text(workspaceID), .integer(now), .integer(now), .optional(row.traitsJSON)]
            inserted += 1
        }
        try await insert("accounts", Self.accountFields + ["id", "workspace_id", "created_at", "updated_at", "traits"], inserts)
    }

    /// Stored values of `columns` of rows of `table`, by id (what an update compares with), each read by `value`.
    private func storedValues<Value>(
        _ table: String, _ columns: [String], _ ids: Set<String>, as value: (SQLValue) -> Value = { $0 }
    ) async throws -> [String: [String: Value]] {
        var found: [String: [String: Value]] = [:]
        for row in try await raw.rows(in: ids, leading: [.text(workspaceID)], {
            "SELECT id, \(columns.joined(separator: ", ")) FROM \(table) WHERE workspace_id = ? AND id IN (\($0))"
        }) {
            guard let id = row[0].text else { continue }
            found[id] = Dictionary(uniqueKeysWithValues: zip(columns, row.dropFirst().map(value)))
        }
        return found
    }

    /// Whether a value to write equals the stored one (booleans are 0/1 on SQLite, true/false on PostgreSQL).
    /// Values equal one by one, as `same` compares two.
    static func same(_ values: [SQLValue], _ stored: [SQLValue]) -> Bool {
        values.count == stored.count && zip(values, stored).allSatisfy { same($0, $1) }
    }

    static func same(_ value: SQLValue, _ stored: SQLValue?) -> Bool {
        switch (value, stored ?? .null) {
        case (.bool(let a), .bool(let b)): a == b
        case (.bool(let a), .integer(let b)): (a ? 1 : 0) == b
        case (.integer(let a), .bool(let b)): a == (b ? 1 : 0)
        case (let a, let b): a.text == b.text && (a == .null) == (b == .null)
        }
    }

    func writeOpportunities(_ rows: [TypedRow]) async throws {
        let existing = try await ids("opportunities", "external_id", Set(rows.compactMap { $0.text("external_id") }))
        let accountsByExternal = try await ids("accounts", "external_id", Set(rows.compactMap { $0.text("account_external_id") }))
        let accountsByDomain = try await ids("accounts", "domain", Set(rows.compactMap { $0.text("account_domain") }))
        // Accounts by name: several can share one (two "Acme" companies); the oldest is taken, and the report says so.
        var sharedNames = Set<String>()
        var accountsByName = try await raw.oldestIDs(
            "accounts", "name", Set(rows.compactMap { $0.text("account_name") }), workspaceID: workspaceID, shared: &sharedNames)
        // A name written in another case ("globex corp" for "Globex Corp") is the same account.
        let otherCase = Set(rows.compactMap { $0.text("account_name") }.filter { accountsByName[$0] == nil })
        if !otherCase.isEmpty {
            var sharedLower = Set<String>()
            let byLower = try await raw.oldestIDs(
                "accounts", "lower(name)", Set(otherCase.map { $0.lowercased() }), workspaceID: workspaceID, shared: &sharedLower)
            for name in otherCase {
                if let id = byLower[name.lowercased()] { accountsByName[name] = id }
                if sharedLower.contains(name.lowercased()) { sharedNames.insert(name) }
            }
        }
        let contacts = try await contactIDs(.email, Set(rows.compactMap { $0.text("contact_email") }))
        var stored = try await storedValues("opportunities", Self.opportunityColumns, Set(existing.values))
        var inserts: [[SQLValue]] = []
        var seen: [String: String] = [:]
        var pending: [String: Int] = [:]
        for row in rows {
            guard let external = row.text("external_id") else { continue }
            let byReference = row.text("account_external_id").flatMap { accountsByExternal[$0] } ?? row.text("account_domain").flatMap { accountsByDomain[$0] }
            let account = byReference ?? row.text("account_name").flatMap { accountsByName[$0] }
            let contact = row.text("contact_email").flatMap { contacts[$0] }
            if account == nil, let reference = row.text("account_external_id") ?? row.text("account_domain") ?? row.text("account_name") {
                unresolved("an account", reference)
            }
            if contact == nil, let email = row.text("contact_email") { unresolved("a contact email", email) }
            if byReference == nil, account != nil, let name = row.text("account_name"), sharedNames.contains(name) {
                unresolved("an account name that several accounts have", name, phrase: .shared)
            }
            // Without Won / Closed columns (Salesforce's standard opportunity report has neither) the stage says it.
            let stage = Self.stageOutcome(row.text("stage"))
            let won = row.bool("won") ?? (stage == .won)
            let closed = row.bool("is_closed") ?? (won || stage == .lost)
            let closedAt: SQLValue = closed ? (row.values["closed_at"] ?? .null) : .null
            if closed, row.values["closed_at"] == nil, stored[existing[external] ?? ""]?["closed_at"].map({ $0 == .null }) ?? true {
                unresolved("closed without a close date", external, phrase: .closedWithoutDate)
            }
            let values: [(String, SQLValue)] = [
                ("name", row.values["name"] ?? .text(external)), ("stage", row.values["stage"] ?? .text("unknown")),
                ("amount_minor", row.values["amount"] ?? .integer(0)), ("currency", row.values["currency"] ?? .text("USD")),
                ("created_at", row.values["created_at"] ?? .integer(now)), ("closed_at", closedAt), ("won", .bool(won)),
                ("account_id", .optional(account)), ("contact_id", .optional(contact)),
            ]
            if let id = seen[external], let index = pending[id] {
                inserts[index] = [.text(id), .text(workspaceID), .text(external)] + values.map(\.1)
                updated += 1
                continue
            }
            if let id = seen[external] ?? existing[external] {
                // A stored deal changes only in what the row says: a column the file does not have, or a blank cell,
                // keeps the stored value (a stage-only update keeps the amount, the account and the close date).
                var says: [(String, SQLValue)] = []
                for (field, column) in [("name", "name"), ("stage", "stage"), ("created_at", "created_at")] {
                    if let value = row.values[field] { says.append((column, value)) }
                }
                if let amount = row.values["amount"] { says += [("amount_minor", amount), ("currency", row.values["currency"] ?? .text("USD"))] }
                if row.bool("won") != nil || row.bool("is_closed") != nil || row.text("stage") != nil {
                    says.append(("won", .bool(won)))
                    says.append(("closed_at", closed ? (row.values["closed_at"] ?? stored[id]?["closed_at"] ?? .null) : .null))
                } else if let closedAt = row.values["closed_at"] {
                    says.append(("closed_at", closedAt))
                }
                if let account { says.append(("account_id", .text(account))) }
                if let contact { says.append(("contact_id", .text(contact))) }
                let changes = says.filter { !Self.same($0.1, stored[id]?[$0.0]) }
                if changes.isEmpty {
                    unchanged += 1
                    continue
                }
                try await raw.run(
                    "UPDATE opportunities SET \(changes.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ?", changes.map(\.1) + [.text(id)])
                for (column, value) in changes { stored[id, default: [:]][column] = value }
                updated += 1
                continue
            }
            let id = Identifier.make()
            seen[external] = id
            pending[id] = inserts.count
            inserts.append([.text(id), .text(workspaceID), .text(external)] + values.map(\.1))
            inserted += 1
        }
        try await insert(
            "opportunities", ["id", "workspace_id", "external_id", "name", "stage", "amount_minor", "currency", "created_at", "closed_at", "won",
                              "account_id", "contact_id"], inserts.flatMap { $0 })
    }

    enum StageOutcome { case open, won, lost }

    /// What a stage name says of a deal, read as a whole: "Closed Won", "Won", "Closed - Won", HubSpot's "closedwon" and
    /// the same in German, French, Spanish and Italian are won; the same with "lost" are lost. Anything else
    /// ("Negotiation", "Closed" alone, "Won't buy", "Lost contact - reengage") is left to the file's Won/Closed columns.
    static func stageOutcome(_ stage: String?) -> StageOutcome {
        guard let stage else { return .open }
        var words = stage.lowercased().split { !$0.isLetter && $0 != "'" && $0 != "’" }.map(String.init)
        if words.count == 1, let word = words.first, word.hasPrefix("closed"), word.count > 6 { words = [String(word.dropFirst(6))] }
        if words.count == 2, let first = words.first, closedWords.contains(first) { words.removeFirst() }
        guard words.count == 1, let word = words.first else { return .open }
        if wonWords.contains(word) { return .won }
        if lostWords.contains(word) { return .lost }
        return .open
    }

    static let closedWords: Set<String> = ["closed", "close", "deal", "abgeschlossen", "fermé", "ferme", "cerrado", "cerrada", "chiuso", "chiusa"]
    static let wonWords: Set<String> = ["won", "gewonnen", "gagné", "gagne", "ganado", "ganada", "vinto", "vinta"]
    static let lostWords: Set<String> = ["lost", "verloren", "perdu", "perdido", "perdida", "perso", "persa"]

    /// A spend row's identity: day, channel (any case), the campaign as the file names it (any case), source, ad account
    /// and currency (amounts in two currencies never add up). By name, not by the campaign it is linked to: a campaign
    /// renamed since still has the rows a report downloaded again names.
    static func spendKey(day: String?, channel: String?, campaign: String?, source: String?, adAccount: String?, currency: String?) -> String {
        [day ?? "", channel?.lowercased() ?? "", campaign?.lowercased() ?? "", source ?? "", adAccount ?? "", currency ?? ""].joined(separator: "\u{1F}")
    }

    static func spendKey(_ row: TypedRow, campaign: String?) -> String {
        spendKey(
            day: row.text("day"), channel: row.text("channel"), campaign: campaign, source: row.text("source"), adAccount: row.text("ad_account"),
            currency: row.text("currency"))
    }

    /// Rows of one key in a file are segments of one day's spend (ad groups, devices, networks: columns not imported):
    /// they add up to one row, and that total replaces what a report of the same key stored before. Each key counts once
    /// (inserted, updated or unchanged); `spendRowsAdded` counts the rows added to an earlier one.
    func writeSpend(_ rows: [TypedRow]) async throws {
        var existing: [String: String] = [:]
        // Rows stored before spend kept the campaign name (migration 0006) have no name: those with a campaign are found by
        // its id (the key with the campaign's id for a name), those without by day, channel and source only (the first
        // row of this import for them takes one over, rather than adding to it).
        var byCampaignID: [String: String] = [:]
        var unnamed: [String: String] = [:]
        let stored = try await raw.rows(in: Set(rows.compactMap { $0.text("day") }), leading: [.text(workspaceID)]) {
            """
            SELECT id, day, channel, campaign_id, campaign, source, cost_minor, currency, impressions, clicks, ad_account FROM spend
            WHERE workspace_id = ? AND day IN (\($0))
            """
        }
        // The stored figures (cost, currency, impressions, clicks, campaign, campaign id, ad account) by id: a row equal to
        // them is unchanged.
        var figures: [String: [SQLValue]] = [:]
        // Stored rows by their key without the ad account: a report that gives the account finds a row stored before spend
        // kept accounts (or from a report without the column), and one without it finds the only account's row.
        var byKeyWithoutAccount: [String: [String]] = [:]
        for row in stored {
            guard let id = row[0].text else { continue }
            figures[id] = [row[6], row[7], row[8], row[9], row[4], row[3], row[10]]
            if let name = row[4].text {
                let key = Self.spendKey(day: row[1].text, channel: row[2].text, campaign: name, source: row[5].text, adAccount: nil, currency: row[7].text)
                byKeyWithoutAccount[key, default: []].append(id)
            }
            let key = { (campaign: String?) in
                Self.spendKey(day: row[1].text, channel: row[2].text, campaign: campaign, source: row[5].text, adAccount: row[10].text, currency: row[7].text)
            }
            switch (row[4].text, row[3].text) {
            case (let name?, _): existing[key(name)] = id
            case (nil, let campaignID?): byCampaignID[key(campaignID)] = id
            case (nil, nil): unnamed[[row[1].text ?? "", row[2].text?.lowercased() ?? "", row[5].text ?? ""].joined(separator: "\u{1F}")] = id
            }
        }
        // The chunk's rows, one per key, in the order of their first row.
        var keyed: [(key: String, row: TypedRow)] = []
        var position: [String: Int] = [:]
        for var row in rows {
            // "paid search" in a file is the grouping's "Paid Search": spend meets the touches of its channel.
            if let channel = row.text("channel") { row.values["channel"] = .text(classifier.canonical(channel)) }
            let key = Self.spendKey(row, campaign: row.text("campaign"))
            if let index = position[key] {
                for field in ["cost", "impressions", "clicks"] {
                    keyed[index].row.values[field] = .integer((keyed[index].row.values[field]?.integer ?? 0) + (row.values[field]?.integer ?? 0))
                }
                spendRowsAdded += 1
            } else {
                position[key] = keyed.count
                keyed.append((key, row))
            }
        }
        var inserts: [SQLValue] = []
        for (key, row) in keyed {
            let campaign = campaigns.forValue(row.text("campaign"), channel: row.text("channel"))
            let cost = row.values["cost"] ?? .integer(0), impressions = row.values["impressions"] ?? .integer(0), clicks = row.values["clicks"] ?? .integer(0)
            let values: [SQLValue] = [cost, row.values["currency"] ?? .text("USD"), impressions, clicks]
            if let id = spendWritten[key] {
                // The key's rows in an earlier chunk: these add to them.
                try await raw.run(
                    "UPDATE spend SET cost_minor = cost_minor + ?, impressions = impressions + ?, clicks = clicks + ? WHERE workspace_id = ? AND id = ?",
                    [cost, impressions, clicks, .text(workspaceID), .text(id)])
                if var replaced = spendReplaced[id] {
                    // (The figures' slots of cost, impressions and clicks.)
                    for (slot, value) in [(0, cost), (2, impressions), (3, clicks)] {
                        replaced.now[slot] = .integer((replaced.now[slot].integer ?? 0) + (value.integer ?? 0))
                    }
                    spendReplaced[id] = replaced
                }
                spendRowsAdded += 1
            } else if let id = existing[key] ?? campaign.flatMap({ byCampaignID[Self.spendKey(row, campaign: $0)] })
                ?? Self.sameButAccount(row, byKeyWithoutAccount, figures: figures, taken: spendReplaced)
                ?? (row.text("campaign") != nil ? unnamed.removeValue(forKey: Self.legacyKey(row)) : nil)
            {
                // Against what was stored before, the import's figures replace the stored ones (a report downloaded again).
                // The row keeps the campaign it has when its name no longer names one (the campaign was renamed).
                spendWritten[key] = id
                let linked = SQLValue.optional(campaign ?? figures[id]?[5].text)
                // The account the row gives, else the one stored.
                let account = SQLValue.optional(row.text("ad_account") ?? figures[id]?[6].text)
                let replacing = values + [.optional(row.text("campaign")), linked, account]
                let current = figures[id] ?? []
                spendReplaced[id] = (current, replacing)
                if Self.same(replacing, current) { continue }
                try await raw.run(
                    """
                    UPDATE spend SET cost_minor = ?, currency = ?, impressions = ?, clicks = ?, campaign = ?, campaign_id = ?, ad_account = ?
                    WHERE workspace_id = ? AND id = ?
                    """,
                    values + [.optional(row.text("campaign")), linked, account, .text(workspaceID), .text(id)])
            } else {
                let id = Identifier.make()
                spendWritten[key] = id
                inserts += [
                    .text(id), .text(workspaceID), row.values["day"] ?? .null, row.values["channel"] ?? .text("Unassigned"), .optional(campaign),
                    .optional(row.text("campaign")),
                ] + values + [.optional(row.text("source")), .optional(row.text("ad_account"))]
                inserted += 1
            }
        }
        try await insert(
            "spend",
            ["id", "workspace_id", "day", "channel", "campaign_id", "campaign", "cost_minor", "currency", "impressions", "clicks", "source", "ad_account"],
            inserts)
    }

    /// The stored row of the same day, channel, campaign, source and currency a row takes over when the ad accounts do
    /// not say it is another: a row that gives its account, the stored one of no account (spend stored before accounts
    /// were kept, or from a report without the column); a row that gives none, the only stored one. Not one this import
    /// already replaced.
    static func sameButAccount(
        _ row: TypedRow, _ byKeyWithoutAccount: [String: [String]], figures: [String: [SQLValue]],
        taken: [String: (original: [SQLValue], now: [SQLValue])]
    ) -> String? {
        let key = spendKey(
            day: row.text("day"), channel: row.text("channel"), campaign: row.text("campaign"), source: row.text("source"), adAccount: nil,
            currency: row.text("currency"))
        let candidates = (byKeyWithoutAccount[key] ?? []).filter { taken[$0] == nil }
        if row.text("ad_account") != nil { return candidates.first { figures[$0]?[6].text == nil } }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// Spend rows that replaced stored ones: updated, or unchanged when the file's total for them equals what was stored.
    var spendCounts: (updated: Int, unchanged: Int) {
        let same = spendReplaced.values.filter { Self.same($0.now, $0.original) }.count
        return (spendReplaced.count - same, same)
    }

    static func legacyKey(_ row: TypedRow) -> String {
        [row.text("day") ?? "", row.text("channel")?.lowercased() ?? "", row.text("source") ?? ""].joined(separator: "\u{1F}")
    }

    /// Where an offline touch came from: the values given, else the landing URL's UTMs or ad click id (a gclid is Google
    /// Ads) or the referrer (a search engine, a social network), else "(offline)" / "offline".
    static func offlineSignal(_ row: TypedRow) -> TouchSignal {
        let given = TouchSignal(
            source: row.text("source")?.lowercased() ?? "(offline)", medium: row.text("medium")?.lowercased() ?? "offline",
            campaign: row.text("campaign"), term: row.text("term"), content: row.text("content"), landingURL: row.text("landing_url"))
        guard row.text("source") == nil, row.text("landing_url") != nil || row.text("referrer") != nil else { return given }
        var campaign: [String: String] = [:]
        for (key, field) in [("name", "campaign"), ("medium", "medium"), ("term", "term"), ("content", "content")] {
            if let value = row.text(field) { campaign[key] = value }
        }
        let signal = TouchSignal.from(url: row.text("landing_url"), referrer: row.text("referrer"), campaign: campaign)
        return signal.source == "(direct)" ? given : signal
    }

    /// An offline touch's identity: the contact, the instant, the channel and the campaign (both in any case: touches
    /// stored before channel names took the grouping's spelling still match).
    static func offlineTouchKey(contact: String, at: Int64, channel: String, campaign: String?) -> String {
        [contact, String(at), channel.lowercased(), campaign?.lowercased() ?? ""].joined(separator: "\u{1F}")
    }

    func writeTouchpoints(_ rows: [TypedRow]) async throws {
        var byEmail = try await contactIDs(.email, Set(rows.compactMap { $0.text("contact_email") }))
        var byExternal = try await contactIDs(.externalID, Set(rows.compactMap { $0.text("contact_external_id") }))
        // Offline touches of people Pitcrew has not met yet create the contact (by email, else by record id), as a list
        // upload would, so the touch belongs to someone and importing the file again finds it stored.
        // (Their email and record id are their identity: an identify with them finds them, see `IdentityResolver.impliedColumns`.)
        // Such a contact was created when the file first saw them: its earliest touch (not the time of the import, which
        // would put a year of people into one day's cohort).
        var newContacts: [SQLValue] = []
        var createdAtSlot: [String: Int] = [:]
        var earlier: [String: Int64] = [:]
        for row in rows {
            let email = row.text("contact_email"), external = row.text("contact_external_id")
            // (Never in the future: a touch dated ahead does not make the contact newer than the import.)
            let touchedAt = min(row.integer("occurred_at") ?? now, now)
            if let id = email.flatMap({ byEmail[$0] }) ?? external.flatMap({ byExternal[$0] }) {
                if let slot = createdAtSlot[id], touchedAt < newContacts[slot].integer ?? now {
                    newContacts[slot] = .integer(touchedAt)
                } else if let created = touchContactsCreated[id], touchedAt < created {
                    earlier[id] = min(earlier[id] ?? created, touchedAt)
                }
                continue
            }
            let id = Identifier.make()
            if let email { byEmail[email] = id }
            if let external { byExternal[external] = id }
            createdAtSlot[id] = newContacts.count + 4
            newContacts += [.text(id), .text(workspaceID), .optional(email), .optional(external), .integer(touchedAt), .integer(now)]
        }
        try await insert("contacts", ["id", "workspace_id", "email", "external_id", "created_at", "updated_at"], newContacts)
        for (id, created) in earlier.sorted(by: { $0.key < $1.key }) {
            try await raw.run("UPDATE contacts SET created_at = ? WHERE workspace_id = ? AND id = ?", [.integer(created), .text(workspaceID), .text(id)])
            touchContactsCreated[id] = created
        }
        if touchContactsCreated.count + createdAtSlot.count > Self.accountsSeenLimit { touchContactsCreated.removeAll(keepingCapacity: true) }
        for (id, slot) in createdAtSlot { touchContactsCreated[id] = newContacts[slot].integer ?? now }
        touchContactsMadeCount += createdAtSlot.count
        let touched = Set(rows.compactMap { row in row.text("contact_email").flatMap { byEmail[$0] } ?? row.text("contact_external_id").flatMap { byExternal[$0] } })
        let accounts = try await EventWriter.accountsOf(raw: raw, contacts: touched)
        // Offline touches already stored for these contacts, by who, when, which channel and which campaign: importing a
        // file again adds nothing, and an export with more columns (content, source and medium) completes them.
        var stored: [String: [(id: String, details: [String?])]] = [:]
        let storedRows = try await raw.rows(in: touched, leading: [.text(workspaceID), .bool(true)]) {
            """
            SELECT contact_id, occurred_at, channel, campaign, id, source, medium, content, term, landing_url, referrer FROM touchpoints
            WHERE workspace_id = ? AND offline = ? AND contact_id IN (\($0))
            """
        }
        for row in storedRows {
            // (Touches this import wrote are the file's own: two rows of one key in a file are two touches.)
            guard let contact = row[0].text, let at = row[1].integer, let id = row[4].text, id < firstOwnID else { continue }
            stored[Self.offlineTouchKey(contact: contact, at: at, channel: row[2].text ?? "", campaign: row[3].text), default: []]
                .append((id, row[5...].map(\.text)))
        }
        var inserts: [SQLValue] = []
        for row in rows {
            let contact = row.text("contact_email").flatMap { byEmail[$0] } ?? row.text("contact_external_id").flatMap { byExternal[$0] }
            let signal = Self.offlineSignal(row)
            let channel = row.text("channel").map(classifier.canonical) ?? classifier.classify(signal)
            let occurredAt = row.values["occurred_at"] ?? .integer(now)
            // What is stored: the given values, or those the landing URL gave.
            let fromURL = row.text("source") == nil && signal.source != "(offline)"
            let source = fromURL ? signal.source : row.text("source")
            let medium = fromURL ? signal.medium : row.text("medium")
            let campaign = row.text("campaign") ?? signal.campaign
            let content = row.text("content") ?? signal.content
            let term = row.text("term") ?? signal.term
            if let contact, let at = occurredAt.integer {
                // Stored already: the file (or another export of it) was imported before. (A touch repeated within one
                // file is a bad row: `DuplicateRowDetector`.) Details the file gives replace the stored ones; blanks keep them.
                let key = Self.offlineTouchKey(contact: contact, at: at, channel: channel, campaign: campaign)
                let given = [source, medium, content, term, row.text("landing_url"), row.text("referrer")]
                let candidates = stored[key] ?? []
                // The same touch (every detail the row gives is the stored one's): unchanged. Else, when the contact has one
                // touch of that instant, channel and campaign, the row completes it; with several, it is another touch.
                if candidates.contains(where: { zip(given, $0.details).allSatisfy { $0 == nil || $0 == $1 } }) {
                    unchanged += 1
                    continue
                }
                if candidates.count == 1 {
                    let (id, details) = candidates[0]
                    let merged = zip(given, details).map { $0 ?? $1 }
                    try await raw.run(
                        "UPDATE touchpoints SET source = ?, medium = ?, content = ?, term = ?, landing_url = ?, referrer = ? WHERE workspace_id = ? AND id = ?",
                        merged.map(SQLValue.optional) + [.text(workspaceID), .text(id)])
                    stored[key] = [(id, merged)]
                    updated += 1
                    continue
                }
            }
            inserts += [
                .text(Identifier.make()), .text(workspaceID), .optional(contact), .optional(contact.flatMap { accounts[$0] }), occurredAt, .text(channel),
                .optional(source), .optional(medium), .optional(campaign), .optional(content), .optional(term), .optional(row.text("landing_url")),
                .optional(campaigns.forValue(campaign, channel: channel)), .bool(true), .optional(row.text("referrer")),
            ]
            inserted += 1
        }
        try await insert(
            "touchpoints", ["id", "workspace_id", "contact_id", "account_id", "occurred_at", "channel", "source", "medium", "campaign", "content", "term",
                            "landing_url", "campaign_id", "offline", "referrer"], inserts)
    }
}
