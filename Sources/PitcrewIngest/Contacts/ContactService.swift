import Foundation
public import PitcrewCore
public import PitcrewStore

/// A contact as a list shows it.
public struct ContactSummary: Sendable, Equatable {
    public var id: String
    public var email: String?
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var accountID: String?
    public var accountName: String?
    public var lifecycleStage: String?
    public var createdAt: Int64
}

/// One identity of a contact (`email`, `user_id`, `anonymous_id`, …).
public struct ContactIdentity: Sendable, Hashable {
    public var kind: String
    public var value: String
}

/// One line of a contact's or an account's history: an event or a touchpoint.
public struct TimelineItem: Sendable, Equatable {
    /// `event`, `touch` or `deal` (account timelines).
    public var kind: String
    public var at: Int64
    public var title: String
    public var detail: String
    /// The contact the item belongs to (shown on account timelines).
    public var contactID: String?
}

/// A contact with every column, its account's name, its identities and its latest history.
public struct ContactDetail: Sendable, Equatable {
    public var id: String
    public var email: String?
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var phone: String?
    public var country: String?
    public var accountID: String?
    public var accountName: String?
    public var lifecycleStage: String?
    public var externalID: String?
    /// JSON text as stored.
    public var traits: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var identities: [ContactIdentity]
    /// Newest first, at most `ContactService.timelineLimit` items.
    public var timeline: [TimelineItem]
    /// Contacts merged into this one, newest first (undone ones too).
    public var merges: [IdentityMerge]
}

/// An account as a list shows it.
public struct AccountSummary: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domain: String?
    public var industry: String?
    public var employees: Int64?
    public var country: String?
    public var contacts: Int64
    public var createdAt: Int64
}

/// An account with every column, its contacts and its contacts' latest history.
public struct AccountDetail: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domain: String?
    public var industry: String?
    public var employees: Int64?
    public var country: String?
    public var externalID: String?
    /// JSON text as stored.
    public var traits: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Newest first, at most `ContactService.contactLimit`.
    public var contacts: [ContactSummary]
    /// Newest first, at most `ContactService.timelineLimit` items.
    public var timeline: [TimelineItem]
}

/// Reading contacts and accounts (read-only): lists newest first with search, and one record with its history.
public struct ContactService: Sendable {
    public let database: Database
    public static let timelineLimit = 200
    public static let contactLimit = 200
    public static let maximumLimit = 500

    public init(database: Database) { self.database = database }

    /// One record's row (nil when it is not in the workspace) and three lists of related rows, read on one connection.
    typealias Fetched = (row: [SQLValue]?, first: [[SQLValue]], second: [[SQLValue]], third: [[SQLValue]])

    // MARK: Contacts

    static let summaryColumns =
        "c.id, c.email, c.first_name, c.last_name, c.title, c.account_id, a.name, c.lifecycle_stage, c.created_at"

    static func summary(_ row: [SQLValue]) -> ContactSummary {
        ContactSummary(
            id: row[0].text ?? "", email: row[1].text, firstName: row[2].text, lastName: row[3].text, title: row[4].text,
            accountID: row[5].text, accountName: row[6].text, lifecycleStage: row[7].text, createdAt: row[8].integer ?? 0)
    }

    /// Newest first (by id); `after` is the last id of the previous page, `nextCursor` the id to pass for the next one.
    /// `search` matches part of the email, first name, last name or full name, case-insensitively, or exactly a record id
    /// (the contact's own, or another system's it keeps as an identity), a user id or an anonymous id it has.
    public func contacts(
        _ scope: AccessScope, search: String?, limit: Int = 50, after: String?
    ) async throws -> (items: [ContactSummary], nextCursor: String?) {
        try scope.require(.read)
        try Self.checkPage(limit: limit, after: after)
        var conditions = ["c.workspace_id = ?"]
        var binds: [SQLValue] = [.text(scope.workspace.id)]
        if let after, !after.isEmpty {
            conditions.append("c.id < ?")
            binds.append(.text(after))
        }
        if let pattern = Self.likePattern(search) {
            conditions.append(
                "(LOWER(c.email) LIKE ? ESCAPE '\\' OR LOWER(c.first_name) LIKE ? ESCAPE '\\' OR LOWER(c.last_name) LIKE ? ESCAPE '\\'"
                    + " OR LOWER(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')) LIKE ? ESCAPE '\\'"
                    + " OR c.external_id = ? OR c.id IN (SELECT contact_id FROM identities WHERE workspace_id = ? AND kind IN ('external_id', 'user_id', 'anonymous_id') AND value = ?))")
            let id = SQLValue.text(search?.trimmingASCIIWhitespace() ?? "")
            binds += Array(repeating: .text(pattern), count: 4) + [id, .text(scope.workspace.id), id]
        }
        let sql = """
            SELECT \(Self.summaryColumns) FROM contacts c
            LEFT JOIN accounts a ON a.id = c.account_id AND a.workspace_id = c.workspace_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.id DESC LIMIT ?
            """
        let allBinds = binds + [.integer(Int64(limit + 1))]
        let rows = try await database.rawRead { raw in try await raw.rows(sql, allBinds) }
        return Self.page(rows.map(Self.summary), limit: limit, id: \.id)
    }

    /// One contact of the workspace; other workspaces' ids and unknown ids are `notFound`. The id of a contact merged into
    /// another gives the contact it is now part of (as CRMs answer for a merged record), whose `merges` name it.
    public func contact(_ scope: AccessScope, id requested: String) async throws -> ContactDetail {
        try scope.require(.read)
        guard Identifier.isValid(requested) else { throw PitcrewError.notFound("Contact") }
        let workspaceID = scope.workspace.id
        let id = try await database.rawRead { raw in try await MergeHistory.survivor(raw, workspaceID: workspaceID, of: requested) }
        let limit = Int64(Self.timelineLimit)
        let (row, identities, events, touches) = try await database.rawRead { raw -> Fetched in
            let row = try await raw.rows(
                """
                SELECT c.id, c.email, c.first_name, c.last_name, c.title, c.phone, c.country, c.account_id, c.lifecycle_stage,
                c.external_id, c.traits, c.created_at, c.updated_at, a.name
                FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id AND a.workspace_id = c.workspace_id
                WHERE c.workspace_id = ? AND c.id = ?
                """, [.text(workspaceID), .text(id)]
            ).first
            guard let row else { return (nil, [], [], []) }
            let identities = try await raw.rows(
                "SELECT kind, value FROM identities WHERE workspace_id = ? AND contact_id = ? ORDER BY kind, value", [.text(workspaceID), .text(id)])
            let events = try await raw.rows(
                """
                SELECT id, type, name, occurred_at, properties, context, contact_id FROM events
                WHERE workspace_id = ? AND contact_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .integer(limit)])
            let touches = try await raw.rows(
                """
                SELECT \(Self.touchColumns) WHERE t.workspace_id = ? AND t.contact_id = ? ORDER BY t.occurred_at DESC, t.id DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .integer(limit)])
            return (row, identities, events, touches)
        }
        guard let row else { throw PitcrewError.notFound("Contact") }
        let merges = try await database.rawRead { raw in try await MergeHistory.merges(raw, workspaceID: workspaceID, into: id) }
        return ContactDetail(
            id: row[0].text ?? "", email: row[1].text, firstName: row[2].text, lastName: row[3].text, title: row[4].text, phone: row[5].text,
            country: row[6].text, accountID: row[7].text, accountName: row[13].text, lifecycleStage: row[8].text, externalID: row[9].text,
            traits: row[10].text, createdAt: row[11].integer ?? 0, updatedAt: row[12].integer ?? 0,
            identities: Self.identities(rows: identities, email: row[1].text, externalID: row[9].text),
            timeline: Self.timeline(events: events, touches: touches), merges: merges)
    }

    // MARK: Accounts

    static func accountSummary(_ row: [SQLValue]) -> AccountSummary {
        AccountSummary(
            id: row[0].text ?? "", name: row[1].text ?? "", domain: row[2].text, industry: row[3].text, employees: row[4].integer,
            country: row[5].text, contacts: row[6].integer ?? 0, createdAt: row[7].integer ?? 0)
    }

    /// Newest first (by id), as `contacts`; `search` matches part of the name or domain.
    public func accounts(
        _ scope: AccessScope, search: String?, limit: Int = 50, after: String?
    ) async throws -> (items: [AccountSummary], nextCursor: String?) {
        try scope.require(.read)
        try Self.checkPage(limit: limit, after: after)
        var conditions = ["a.workspace_id = ?"]
        var binds: [SQLValue] = [.text(scope.workspace.id)]
        if let after, !after.isEmpty {
            conditions.append("a.id < ?")
            binds.append(.text(after))
        }
        if let pattern = Self.likePattern(search) {
            conditions.append("(LOWER(a.name) LIKE ? ESCAPE '\\' OR LOWER(a.domain) LIKE ? ESCAPE '\\')")
            binds += [.text(pattern), .text(pattern)]
        }
        let sql = """
            SELECT a.id, a.name, a.domain, a.industry, a.employees, a.country,
            (SELECT COUNT(*) FROM contacts c WHERE c.workspace_id = a.workspace_id AND c.account_id = a.id), a.created_at
            FROM accounts a WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.id DESC LIMIT ?
            """
        let allBinds = binds + [.integer(Int64(limit + 1))]
        let rows = try await database.rawRead { raw in try await raw.rows(sql, allBinds) }
        return Self.page(rows.map(Self.accountSummary), limit: limit, id: \.id)
    }

    /// One account of the workspace with its contacts (newest first) and their latest events and touchpoints.
    public func account(_ scope: AccessScope, id: String) async throws -> AccountDetail {
        try scope.require(.read)
        guard Identifier.isValid(id) else { throw PitcrewError.notFound("Account") }
        let workspaceID = scope.workspace.id
        let limit = Int64(Self.timelineLimit)
        let contactLimit = Int64(Self.contactLimit)
        let (row, contacts, events, touches) = try await database.rawRead { raw -> Fetched in
            let row = try await raw.rows(
                """
                SELECT id, name, domain, industry, employees, country, external_id, traits, created_at, updated_at
                FROM accounts WHERE workspace_id = ? AND id = ?
                """, [.text(workspaceID), .text(id)]
            ).first
            guard let row else { return (nil, [], [], []) }
            let contacts = try await raw.rows(
                """
                SELECT \(Self.summaryColumns) FROM contacts c
                LEFT JOIN accounts a ON a.id = c.account_id AND a.workspace_id = c.workspace_id
                WHERE c.workspace_id = ? AND c.account_id = ? ORDER BY c.id DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .integer(contactLimit)])
            let events = try await raw.rows(
                """
                SELECT e.id, e.type, e.name, e.occurred_at, e.properties, e.context, e.contact_id
                FROM events e JOIN contacts c ON c.id = e.contact_id
                WHERE c.workspace_id = ? AND c.account_id = ? AND e.workspace_id = ?
                ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .text(workspaceID), .integer(limit)])
            let touches = try await raw.rows(
                """
                SELECT \(Self.touchColumns) WHERE t.workspace_id = ? AND t.account_id = ? ORDER BY t.occurred_at DESC, t.id DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .integer(limit)])
            return (row, contacts, events, touches)
        }
        guard let row else { throw PitcrewError.notFound("Account") }
        // Its deals, as the CRM had them: created, and won or lost when they closed.
        let deals = try await database.rawRead { raw in
            try await raw.rows(
                """
                SELECT name, stage, amount_minor, currency, created_at, closed_at, won, contact_id FROM opportunities
                WHERE workspace_id = ? AND account_id = ? ORDER BY created_at DESC LIMIT ?
                """, [.text(workspaceID), .text(id), .integer(limit)])
        }
        return AccountDetail(
            id: row[0].text ?? "", name: row[1].text ?? "", domain: row[2].text, industry: row[3].text, employees: row[4].integer,
            country: row[5].text, externalID: row[6].text, traits: row[7].text, createdAt: row[8].integer ?? 0, updatedAt: row[9].integer ?? 0,
            contacts: contacts.map(Self.summary), timeline: Self.timeline(events: events, touches: touches, deals: deals))
    }

    // MARK: Helpers

    /// A contact's identities: its rows, and its email and external id (identities by its own columns; see
    /// `IdentityResolver.impliedColumns`), sorted by kind and value.
    static func identities(rows: [[SQLValue]], email: String?, externalID: String?) -> [ContactIdentity] {
        var all = Set(rows.map { ContactIdentity(kind: $0[0].text ?? "", value: $0[1].text ?? "") })
        if let email { all.insert(ContactIdentity(kind: IdentityKind.email.rawValue, value: email)) }
        if let externalID { all.insert(ContactIdentity(kind: IdentityKind.externalID.rawValue, value: externalID)) }
        return all.sorted { ($0.kind, $0.value) < ($1.kind, $1.value) }
    }

    static func checkPage(limit: Int, after: String?) throws(PitcrewError) {
        var validator = Validator()
        validator.check((1...maximumLimit).contains(limit), "limit", "must be between 1 and \(maximumLimit)")
        if let after, !after.isEmpty { validator.check(Identifier.isValid(after), "cursor", "is not a cursor this list returned") }
        try validator.finish()
    }

    static func page<Item>(_ fetched: [Item], limit: Int, id: (Item) -> String) -> (items: [Item], nextCursor: String?) {
        guard fetched.count > limit else { return (fetched, nil) }
        let items = Array(fetched.prefix(limit))
        return (items, items.last.map(id))
    }

    /// `%text%` for `LIKE … ESCAPE '\'`, lower-cased, with `\`, `%` and `_` taken literally; nil for a blank search.
    static func likePattern(_ search: String?) -> String? {
        guard let search = search?.trimmingASCIIWhitespace(), !search.isEmpty else { return nil }
        var pattern = "%"
        for character in search.lowercased() {
            if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }

    /// A timeline's touchpoints with the name of the campaign each is linked to (`FROM` included).
    static let touchColumns = """
        t.occurred_at, t.channel, t.source, t.medium, t.campaign, t.landing_url, t.offline, t.contact_id, c.name
        FROM touchpoints t LEFT JOIN campaigns c ON c.id = t.campaign_id AND c.workspace_id = t.workspace_id
        """

    /// Events (`id, type, name, occurred_at, properties, context, contact_id`), touchpoints (`touchColumns`:
    /// `occurred_at, channel, source, medium, campaign, landing_url, offline, contact_id, linked campaign`) and an account's deals
    /// (`name, stage, amount_minor, currency, created_at, closed_at, won, contact_id`: created, then closed) merged newest
    /// first.
    static func timeline(events: [[SQLValue]], touches: [[SQLValue]], deals: [[SQLValue]] = []) -> [TimelineItem] {
        var items: [TimelineItem] = []
        items.reserveCapacity(events.count + touches.count + 2 * deals.count)
        for row in events {
            let type = row[1].text ?? "event"
            let name = row[2].text.flatMap { $0.isEmpty ? nil : $0 }
            let title: String
            switch (type, name) {
            case ("track", let name?): title = name
            case (_, let name?): title = type.capitalizedFirst + ": " + name
            default: title = type.capitalizedFirst
            }
            // A page or screen view says which page (its properties are often empty: the URL travels in its context).
            var detail = row[4].text ?? ""
            if type == "page" || type == "screen", let location = Self.pageLocation(context: row[5].text, properties: row[4].text) {
                detail = detail.isEmpty || detail == "{}" ? location : location + " · " + detail
            }
            items.append(TimelineItem(kind: "event", at: row[3].integer ?? 0, title: title, detail: shorten(detail), contactID: row[6].text))
        }
        for row in deals {
            let name = row[0].text ?? "Deal"
            let amount = row[2].integer.map { Money(minorUnits: $0, currency: row[3].text ?? "USD").formatted() } ?? ""
            let detail = [row[1].text ?? "", amount].filter { !$0.isEmpty }.joined(separator: " · ")
            if let created = row[4].integer {
                items.append(TimelineItem(kind: "deal", at: created, title: "Deal created: " + name, detail: shorten(detail), contactID: row[7].text))
            }
            if let closed = row[5].integer, closed <= Timestamp.now() {
                // PostgreSQL answers booleans as `.bool`, SQLite as 0/1: `.integer` reads both.
                let outcome = row[6].integer == 1 ? "Deal won: " : "Deal closed: "
                items.append(TimelineItem(kind: "deal", at: closed, title: outcome + name, detail: shorten(detail), contactID: row[7].text))
            }
        }
        for row in touches {
            let channel = row[1].text ?? "Unassigned"
            var parts: [String] = []
            let sourceMedium = [row[2].text, row[3].text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " / ")
            if !sourceMedium.isEmpty { parts.append(sourceMedium) }
            // The campaign it is linked to, and the UTM campaign (or file's name) when that reads otherwise; or that it has none.
            let named = row[4].text.flatMap { $0.isEmpty ? nil : $0 }
            switch (row[8].text, named) {
            case (let linked?, let named?) where linked.lowercased() != named.lowercased(): parts.append("campaign \(linked) (\(named))")
            case (let linked?, _): parts.append("campaign " + linked)
            case (nil, let named?): parts.append("campaign \(named) (no Pitcrew campaign)")
            case (nil, nil): break
            }
            if let landing = row[5].text, !landing.isEmpty { parts.append(landing) }
            // PostgreSQL answers booleans as `.bool`, SQLite as 0/1: `.integer` reads both.
            if row[6].integer == 1 { parts.append("offline") }
            items.append(TimelineItem(
                kind: "touch", at: row[0].integer ?? 0, title: "Touch: " + channel, detail: shorten(parts.joined(separator: " · ")),
                contactID: row[7].text))
        }
        // Stable: among equal instants events stay before touches, each in the database's order.
        let ordered = items.enumerated().sorted { lhs, rhs in
            lhs.element.at != rhs.element.at ? lhs.element.at > rhs.element.at : lhs.offset < rhs.offset
        }
        return ordered.prefix(timelineLimit).map(\.element)
    }

    /// A page view's URL (or path): `context.page.url`, else `properties.url`, else the path.
    static func pageLocation(context: String?, properties: String?) -> String? {
        func object(_ text: String?) -> [String: Any]? {
            text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        let page = object(context)?["page"] as? [String: Any] ?? [:]
        let own = object(properties) ?? [:]
        for value in [page["url"], own["url"], page["path"], own["path"]] {
            if let text = value as? String, !text.isEmpty { return text }
        }
        return nil
    }

    static func shorten(_ text: String, max: Int = 300) -> String {
        text.count <= max ? text : String(text.prefix(max)) + "…"
    }
}

extension String {
    /// `track` → `Track`.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
