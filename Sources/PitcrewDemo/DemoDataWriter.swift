import PitcrewCore
import PitcrewStore
import SQLKit

/// Writes the high-volume part of the demo: accounts, contacts with their events and touchpoints, opportunities, spend.
/// Contacts are written in chunks, each chunk (with its events) in one transaction, so memory stays bounded.
struct DemoDataWriter: Sendable {
    let database: Database
    let workspaceID: String
    let today: CalendarDate

    static let chunk = 2_000
    static let eventColumns = [
        "id", "workspace_id", "message_id", "type", "name", "anonymous_id", "user_id", "contact_id", "occurred_at", "received_at", "properties", "context",
    ]
    static let touchpointColumns = [
        "id", "workspace_id", "contact_id", "account_id", "occurred_at", "channel", "source", "medium", "campaign", "content", "term", "landing_url",
        "campaign_id", "event_id", "offline",
    ]

    func write(options: DemoOptions, campaigns: [DemoCampaign], rng: inout SeededGenerator, progress: @Sendable (String, Double) -> Void) async throws
        -> [(String, Int)]
    {
        let end = today.startMillis + 86_400_000 - 1
        let start = today.adding(days: -365).startMillis
        let accountCount = max(10, options.contacts / 5)
        var accountIDs: [String] = []
        var accountDomains: [String] = []
        var rows: [[any Encodable & Sendable]] = []
        for index in 0..<accountCount {
            let created = start + Int64(rng.int(0...Int((end - start) / 2)))
            let id = Identifier.make(millis: UInt64(created), using: &rng)
            let prefix = DemoCatalog.companyPrefixes[index % DemoCatalog.companyPrefixes.count]
            let suffix = DemoCatalog.companySuffixes[(index / DemoCatalog.companyPrefixes.count) % DemoCatalog.companySuffixes.count]
            let serial = index / (DemoCatalog.companyPrefixes.count * DemoCatalog.companySuffixes.count)
            let name = prefix + suffix + (serial > 0 ? " \(serial + 1)" : "")
            let domain = (prefix + suffix).lowercased().filter { $0.isLetter } + (serial > 0 ? "\(serial + 1)" : "") + ".example"
            accountIDs.append(id)
            accountDomains.append(domain)
            rows.append([
                id, workspaceID, name, domain, rng.pick(DemoCatalog.industries), Int64(rng.pick([50, 120, 300, 800, 2_500, 10_000])),
                rng.pick(DemoCatalog.countries), created, created,
            ])
        }
        try await database.transaction { [rows] db in
            try await BulkInsert.insert(
                db, into: "accounts", columns: ["id", "workspace_id", "name", "domain", "industry", "employees", "country", "created_at", "updated_at"],
                rows: rows)
        }
        progress("accounts", 0.05)

        // Ids are UUIDv7 by the time a row is stored, as in production; here that is the order of generation, so the
        // primary-key indexes grow by appending instead of by random inserts (much faster at 10M rows).
        var sequence = IDSequence(start: UInt64(end + 86_400_000))
        var byChannel: [String: [DemoCampaign]] = [:]
        for campaign in campaigns { byChannel[campaign.channel.name, default: []].append(campaign) }
        let weights = DemoCatalog.channels.map { ($0, $0.weight) }
        let stages: [(String, Double)] = [("subscriber", 30), ("lead", 35), ("mql", 15), ("sql", 8), ("opportunity", 6), ("customer", 6)]
        var eventTotal = 0
        var touchpointTotal = 0
        var written = 0
        while written < options.contacts {
            let count = min(Self.chunk, options.contacts - written)
            var contacts: [[any Encodable & Sendable]] = []
            var events: [[any Encodable & Sendable]] = []
            var touchpoints: [[any Encodable & Sendable]] = []
            for offset in 0..<count {
                let number = written + offset
                let accountIndex = rng.int(0...(accountCount - 1))
                let created = start + Int64(rng.int(0...Int(end - start - 86_400_000)))
                let contactID = Identifier.make(millis: sequence.next(), using: &rng)
                let first = rng.pick(DemoCatalog.firstNames)
                let last = rng.pick(DemoCatalog.lastNames)
                let email = "\(first).\(last.filter { $0.isLetter })\(number)@\(accountDomains[accountIndex])".lowercased()
                contacts.append([
                    contactID, workspaceID, email, first, last, rng.pick(DemoCatalog.titles), rng.pick(DemoCatalog.countries), accountIDs[accountIndex],
                    rng.weighted(stages), created, created,
                ])
                let anonymousID = Identifier.make(millis: UInt64(created), using: &rng)
                let eventCount = rng.int(1...(2 * options.eventsPerContact - 1))
                var times = (0..<eventCount).map { _ in created + Int64(rng.int(0...Int(end - created))) }
                times.sort()
                for time in times {
                    let channel = rng.weighted(weights)
                    let day = CalendarDate(millis: time)
                    let campaign = byChannel[channel.name]?.first { $0.start <= day && day <= $0.end }
                    let eventID = Identifier.make(millis: sequence.next(), using: &rng)
                    let (type, name, properties, context) = Self.event(channel: channel, campaign: campaign, rng: &rng)
                    events.append([
                        eventID, workspaceID, eventID, type, name, anonymousID, email, contactID, time, time + Int64(rng.int(5...900)), properties, context,
                    ])
                    touchpoints.append([
                        Identifier.make(millis: sequence.next(), using: &rng), workspaceID, contactID, accountIDs[accountIndex], time, channel.name,
                        channel.source, channel.medium, campaign?.utm, nil as String?, nil as String?,
                        type == "page" ? "https://www.northwind.example\(rng.pick(DemoCatalog.pages))" : nil, campaign?.id, eventID,
                        channel.medium == "offline",
                    ])
                }
            }
            try await database.transaction { [contacts, events, touchpoints] db in
                try await BulkInsert.insert(
                    db, into: "contacts",
                    columns: ["id", "workspace_id", "email", "first_name", "last_name", "title", "country", "account_id", "lifecycle_stage", "created_at",
                              "updated_at"], rows: contacts)
                try await BulkInsert.insert(db, into: "events", columns: Self.eventColumns, rows: events)
                try await BulkInsert.insert(db, into: "touchpoints", columns: Self.touchpointColumns, rows: touchpoints)
            }
            eventTotal += events.count
            touchpointTotal += touchpoints.count
            written += count
            progress("contacts and events", 0.05 + 0.85 * Double(written) / Double(options.contacts))
        }

        try await database.transaction { [workspaceID] db in
            try await db.raw("DELETE FROM event_counts WHERE workspace_id = \(bind: workspaceID)").run()
            try await db.raw(
                """
                INSERT INTO event_counts (workspace_id, type, total)
                SELECT workspace_id, type, COUNT(*) FROM events WHERE workspace_id = \(bind: workspaceID) GROUP BY workspace_id, type
                """
            ).run()
        }
        let opportunities = try await writeOpportunities(accountIDs: accountIDs, start: start, end: end, rng: &rng)
        let spend = try await writeSpend(campaigns: campaigns, rng: &rng)
        return [
            ("accounts", accountCount), ("contacts", options.contacts), ("events", eventTotal), ("touchpoints", touchpointTotal),
            ("opportunities", opportunities), ("spend", spend),
        ]
    }

    /// One event as the collection API would store it: type, name, properties and context JSON.
    static func event(channel: DemoCatalog.ChannelSpec, campaign: DemoCampaign?, rng: inout SeededGenerator) -> (String, String?, String, String) {
        let campaignJSON =
            campaign.map { ",\"campaign\":{\"source\":\"\($0.channel.source)\",\"medium\":\"\($0.channel.medium)\",\"name\":\"\($0.utm)\"}" } ?? ""
        switch channel.medium {
        case "email":
            return ("track", "Email Clicked", "{\"subject\":\"\(campaign?.utm ?? "newsletter")\"}", "{\"library\":{\"name\":\"pitcrew-demo\"}\(campaignJSON)}")
        case "offline":
            return ("track", "Event Attended", "{\"event\":\"\(campaign?.utm ?? "field_event")\"}", "{\"library\":{\"name\":\"pitcrew-demo\"}\(campaignJSON)}")
        case "webinar":
            return ("track", "Webinar Attended", "{\"minutes\":\(rng.int(5...60))}", "{\"library\":{\"name\":\"pitcrew-demo\"}\(campaignJSON)}")
        default:
            let path = rng.pick(DemoCatalog.pages)
            let referrer = channel.medium == "(none)" ? "" : ",\"referrer\":\"https://\(channel.source)/\""
            return (
                "page", "Page Viewed", "{\"path\":\"\(path)\",\"url\":\"https://www.northwind.example\(path)\"}",
                "{\"page\":{\"path\":\"\(path)\"\(referrer)}\(campaignJSON)}"
            )
        }
    }

    private func writeOpportunities(accountIDs: [String], start: Int64, end: Int64, rng: inout SeededGenerator) async throws -> Int {
        let stages: [(String, Double)] = [
            ("Prospecting", 20), ("Discovery", 20), ("Proposal", 15), ("Negotiation", 10), ("Closed Won", 20), ("Closed Lost", 15),
        ]
        var rows: [[any Encodable & Sendable]] = []
        for accountID in accountIDs where rng.chance(0.12) {
            let created = start + Int64(rng.int(0...Int(end - start)))
            let stage = rng.weighted(stages)
            let closed = stage.hasPrefix("Closed") ? min(end, created + Int64(rng.int(14...120)) * 86_400_000) : nil
            rows.append([
                Identifier.make(millis: UInt64(created), using: &rng), workspaceID, accountID, "New business \(rows.count + 1)", stage,
                Int64(rng.int(10...250)) * 1_000_00, "USD", created, closed, stage == "Closed Won",
            ])
        }
        try await database.transaction { [rows] db in
            try await BulkInsert.insert(
                db, into: "opportunities",
                columns: ["id", "workspace_id", "account_id", "name", "stage", "amount_minor", "currency", "created_at", "closed_at", "won"], rows: rows)
        }
        return rows.count
    }

    /// Daily spend of paid campaigns over their run, summing close to their budget.
    private func writeSpend(campaigns: [DemoCampaign], rng: inout SeededGenerator) async throws -> Int {
        var rows: [[any Encodable & Sendable]] = []
        for campaign in campaigns where campaign.channel.paid {
            let days = Int(campaign.end.daysSinceEpoch - campaign.start.daysSinceEpoch) + 1
            let daily = campaign.budgetMinor / Int64(days)
            for offset in 0..<days {
                let day = campaign.start.adding(days: offset)
                guard day <= today else { break }
                let cost = daily * Int64(rng.int(70...130)) / 100
                let impressions = Int64(cost / 100) * Int64(rng.int(20...80))
                rows.append([
                    Identifier.make(millis: UInt64(day.startMillis), using: &rng), workspaceID, day.description, campaign.channel.name, campaign.id, cost,
                    "USD", impressions, impressions / Int64(rng.int(40...120)), campaign.channel.source,
                ])
            }
        }
        try await database.transaction { [rows] db in
            try await BulkInsert.insert(
                db, into: "spend",
                columns: ["id", "workspace_id", "day", "channel", "campaign_id", "cost_minor", "currency", "impressions", "clicks", "source"], rows: rows)
        }
        return rows.count
    }
}

/// Millisecond stamps for generated ids: strictly increasing, one per row.
struct IDSequence {
    var value: UInt64

    init(start: UInt64) {
        value = start
    }

    mutating func next() -> UInt64 {
        value += 1
        return value
    }
}
