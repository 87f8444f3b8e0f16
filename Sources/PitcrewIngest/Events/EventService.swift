public import PitcrewCore
public import PitcrewStore

/// A stored event as the API shows it.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var messageID: String
    public var type: String
    public var name: String?
    public var anonymousID: String?
    public var userID: String?
    public var contactID: String?
    public var sourceID: String?
    public var occurredAt: Int64
    public var receivedAt: Int64
    /// JSON text as sent: `properties` for track/page/screen, `traits` for identify/group.
    public var payload: String?
    public var context: String?
}

/// Filters of the event list.
public struct EventFilter: Sendable, Equatable {
    public var type: MessageType?
    public var name: String?
    public var contactID: String?
    public var anonymousID: String?
    public var userID: String?
    public var from: Int64?
    /// Events before this instant (exclusive; the API passes the end of its inclusive `to`).
    public var to: Int64?

    public init(
        type: MessageType? = nil, name: String? = nil, contactID: String? = nil, anonymousID: String? = nil, userID: String? = nil,
        from: Int64? = nil, to: Int64? = nil
    ) {
        self.type = type
        self.name = name
        self.contactID = contactID
        self.anonymousID = anonymousID
        self.userID = userID
        self.from = from
        self.to = to
    }
}

/// Reading events: newest first with filters, and per-type totals.
public struct EventService: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    static let columns =
        "id, message_id, type, name, anonymous_id, user_id, contact_id, source_id, occurred_at, received_at, properties, context"

    static func event(_ row: [SQLValue]) -> StoredEvent {
        StoredEvent(
            id: row[0].text ?? "", messageID: row[1].text ?? "", type: row[2].text ?? "", name: row[3].text, anonymousID: row[4].text,
            userID: row[5].text, contactID: row[6].text, sourceID: row[7].text, occurredAt: row[8].integer ?? 0, receivedAt: row[9].integer ?? 0,
            payload: row[10].text, context: row[11].text)
    }

    /// Newest first (by arrival); the cursor continues with older events.
    public func events(_ scope: AccessScope, filter: EventFilter, page: PageRequest) async throws -> Page<StoredEvent> {
        try scope.require(.read)
        var conditions = ["workspace_id = ?"]
        var binds: [SQLValue] = [.text(scope.workspace.id)]
        func add(_ condition: String, _ value: SQLValue?) {
            guard let value else { return }
            conditions.append(condition)
            binds.append(value)
        }
        add("id < ?", page.after.map(SQLValue.text))
        add("type = ?", filter.type.map { .text($0.rawValue) })
        add("name = ?", filter.name.map(SQLValue.text))
        add("contact_id = ?", filter.contactID.map(SQLValue.text))
        add("anonymous_id = ?", filter.anonymousID.map(SQLValue.text))
        add("user_id = ?", filter.userID.map(SQLValue.text))
        add("occurred_at >= ?", filter.from.map(SQLValue.integer))
        add("occurred_at < ?", filter.to.map(SQLValue.integer))
        let sql = "SELECT \(Self.columns) FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
        let allBinds = binds + [.integer(Int64(page.limit + 1))]
        let rows = try await database.rawRead { raw in try await raw.rows(sql, allBinds) }
        return page.page(rows.map(Self.event), id: \.id)
    }

    /// Totals by message type, kept as events are written (no scan).
    public func stats(_ scope: AccessScope) async throws -> (total: Int64, byType: [String: Int64]) {
        try scope.require(.read)
        let rows = try await database.rawRead { raw in
            try await raw.rows("SELECT type, total FROM event_counts WHERE workspace_id = ?", [.text(scope.workspace.id)])
        }
        var byType: [String: Int64] = [:]
        for row in rows { if let type = row[0].text, let total = row[1].integer, total > 0 { byType[type] = total } }
        return (byType.values.reduce(0, +), byType)
    }
}
