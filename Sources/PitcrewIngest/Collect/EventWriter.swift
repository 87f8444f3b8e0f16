import Foundation
import PitcrewCore
import PitcrewStore

/// Messages of one accepted request.
struct Submission: Sendable {
    let workspaceID: String
    let sourceID: String
    let receivedAt: Int64
    let messages: [SegmentMessage]
}

/// What processing noted about a request's messages.
struct CommitOutcome: Sendable, Equatable {
    /// Notes about values that were kept but not as sent (e.g. a phone number that is not one), by message id.
    var warnings: [String: [String]] = [:]
    /// Message ids of copies not stored because a message with that id was (a retry, or the same message sent twice).
    var duplicates: [String] = []
}

/// Turns accepted messages into stored rows inside the caller's transaction: deduplicates by message id, resolves
/// identities, inserts the events and the touchpoints page views carry, keeps per-type counts, and notes when each
/// source last sent. Identity mappings learned are returned, to be applied to the cache after the commit.
enum EventWriter {
    static let eventColumns = [
        "id", "workspace_id", "message_id", "type", "name", "anonymous_id", "user_id", "contact_id", "occurred_at", "received_at",
        "properties", "context", "source_id", "sent_at",
    ]
    static let touchColumns = [
        "id", "workspace_id", "contact_id", "account_id", "occurred_at", "channel", "source", "medium", "campaign", "content", "term",
        "landing_url", "campaign_id", "event_id", "offline", "anonymous_id", "referrer", "click_id",
    ]

    static func write(
        raw: RawSQL, submissions: [Submission], settings: [String: WorkspaceSettings], cache: IdentityCache, now: Int64
    ) async throws -> (outcomes: [CommitOutcome], staged: [IdentityCache.Key: String]) {
        let byWorkspace = Dictionary(grouping: submissions.indices, by: { submissions[$0].workspaceID })
        var outcomes = Array(repeating: CommitOutcome(), count: submissions.count)
        var staged: [IdentityCache.Key: String] = [:]
        for (workspaceID, indices) in byWorkspace.sorted(by: { $0.key < $1.key }) {
            let settings = settings[workspaceID] ?? WorkspaceSettings()
            let resolver = IdentityResolver(raw: raw, workspaceID: workspaceID, cache: cache, now: now, defaultCountry: settings.defaultCountry)
            try await writeWorkspace(
                raw: raw, resolver: resolver, settings: settings, submissions: indices.map { ($0, submissions[$0]) }, receivedAt: now,
                outcomes: &outcomes)
            staged.merge(resolver.staged) { _, new in new }
        }
        return (outcomes, staged)
    }

    private static func writeWorkspace(
        raw: RawSQL, resolver: IdentityResolver, settings: WorkspaceSettings, submissions: [(Int, Submission)], receivedAt: Int64,
        outcomes: inout [CommitOutcome]
    ) async throws {
        let workspaceID = resolver.workspaceID
        // 1. Deduplicate: within the group, then against what is stored.
        var seen = Set<String>()
        var fresh: [(submission: Int, source: String, receivedAt: Int64, message: SegmentMessage)] = []
        for (index, submission) in submissions {
            for message in submission.messages {
                if seen.insert(message.messageID).inserted {
                    fresh.append((index, submission.sourceID, submission.receivedAt, message))
                } else {
                    outcomes[index].duplicates.append(message.messageID)
                }
            }
        }
        // Messages that change identities are checked against what is stored before they act (a retried identify must
        // not merge twice); the rest are deduplicated by the insert itself (ON CONFLICT DO NOTHING) below.
        let identityMessages = fresh.filter { [.identify, .alias, .group].contains($0.message.type) }.map(\.message.messageID)
        let stored = try await storedMessageIDs(raw: raw, workspaceID: workspaceID, candidates: identityMessages)
        for entry in fresh where stored.contains(entry.message.messageID) { outcomes[entry.submission].duplicates.append(entry.message.messageID) }
        fresh.removeAll { stored.contains($0.message.messageID) }
        guard !fresh.isEmpty else { return }
        // 2. Identities, in arrival order: identify, alias and group change them; a new user id makes a contact.
        var keys = Set<IdentityCache.Key>()
        for entry in fresh {
            if let userID = entry.message.userID { keys.insert(resolver.key(.userID, userID)) }
            if let anonymousID = entry.message.anonymousID { keys.insert(resolver.key(.anonymousID, anonymousID)) }
        }
        try await resolver.prefetch(keys)
        var contacts: [String?] = []
        contacts.reserveCapacity(fresh.count)
        for entry in fresh {
            let message = entry.message
            if message.type == .identify || message.type == .alias || message.type == .group || !message.traitScalars.isEmpty {
                // These read and change identities in the database: the new users before them must exist there.
                try await resolver.flushNewUsers()
            }
            switch message.type {
            case .identify:
                contacts.append(try await resolver.identify(message))
            case .alias:
                try await resolver.alias(message)
                contacts.append(try await resolver.resolvedContact(userID: message.userID, anonymousID: message.previousID))
            case .group:
                try await resolver.group(message)
                contacts.append(try await resolver.resolvedContact(userID: message.userID, anonymousID: message.anonymousID))
            case .track, .page, .screen:
                var contact = try await resolver.resolvedContact(userID: message.userID, anonymousID: message.anonymousID)
                if contact == nil, let userID = message.userID {
                    // A user id seen for the first time is a contact: created in bulk unless the message carries traits.
                    contact = message.traitScalars.isEmpty ? resolver.newUser(userID, anonymousID: message.anonymousID) : try await resolver.identify(message)
                } else if let known = contact, message.userID != nil, let anonymousID = message.anonymousID,
                    try await resolver.contact(.anonymousID, anonymousID) == nil
                {
                    // A known user on a new device: the device's anonymous id joins the contact.
                    try await resolver.attach(.anonymousID, anonymousID, to: known)
                    try await resolver.backfill(contact: known, anonymousID: anonymousID)
                }
                contacts.append(contact)
            }
        }
        try await resolver.flushNewUsers()
        // Contacts merged by a later message of the group are replaced by the contact they went into, and anonymous
        // messages whose anonymous id a later message identified get that contact (as stored ones are back-filled).
        contacts = contacts.map(resolver.current)
        for position in contacts.indices where contacts[position] == nil {
            if let anonymousID = fresh[position].message.anonymousID {
                contacts[position] = resolver.current(resolver.staged[resolver.key(.anonymousID, anonymousID)])
            }
        }
        try await backdateContacts(raw: raw, workspaceID: workspaceID, fresh.indices.compactMap { position in
            let message = fresh[position].message
            guard message.type == .identify || message.userID != nil, let contact = contacts[position] else { return nil }
            return (contact, message.occurredAt)
        })
        // 3. Events.
        var eventIDs: [String] = []
        var rows: [SQLValue] = []
        rows.reserveCapacity(fresh.count * eventColumns.count)
        for (position, entry) in fresh.enumerated() {
            let message = entry.message
            let id = Identifier.make()
            eventIDs.append(id)
            rows += [
                .text(id), .text(workspaceID), .text(message.messageID), .text(message.type.rawValue), .optional(message.name),
                .optional(message.anonymousID), .optional(message.userID), .optional(contacts[position]), .integer(message.occurredAt),
                .integer(entry.receivedAt), .optional(message.type == .identify || message.type == .group ? message.traits : message.properties),
                .optional(message.context), .text(entry.source), .optional(message.sentAt),
            ]
        }
        let inserted = try await raw.insertNew(
            "events", columns: eventColumns, values: rows, conflictColumns: ["workspace_id", "message_id"], keyColumn: 2)
        var counts: [MessageType: Int64] = [:]
        for (position, entry) in fresh.enumerated() {
            if inserted[position] { counts[entry.message.type, default: 0] += 1 } else { outcomes[entry.submission].duplicates.append(entry.message.messageID) }
        }
        guard !counts.isEmpty else { return }
        // 4. Touchpoints from page views that carry a campaign, a click id or another site's referrer (prepared per request).
        var touches: [SQLValue] = []
        let touchContacts = Set(fresh.indices.compactMap { fresh[$0].message.touch == nil || !inserted[$0] ? nil : contacts[$0] })
        let accounts = touchContacts.isEmpty ? [:] : try await accountsOf(raw: raw, contacts: touchContacts)
        // A page view repeating the visitor's touch (a reload, the next route of a single-page app) is the same visit.
        let candidates = fresh.indices.compactMap { position -> RepeatTouches.Candidate? in
            guard inserted[position], let touch = fresh[position].message.touch else { return nil }
            let message = fresh[position].message, signal = touch.signal, contact = contacts[position]
            return RepeatTouches.Candidate(
                position: position, contact: contact, anonymousID: message.anonymousID, at: message.occurredAt,
                way: RepeatTouches.way(
                    channel: touch.channel, source: signal.source, medium: signal.medium, campaign: signal.campaign, content: signal.content,
                    term: signal.term))
        }
        let (newTouches, replaced) = try await RepeatTouches.newTouches(candidates, raw: raw, workspaceID: workspaceID)
        _ = try await raw.rows(in: replaced, leading: [.text(workspaceID)]) { "DELETE FROM touchpoints WHERE workspace_id = ? AND id IN (\($0))" }
        for (position, entry) in fresh.enumerated() where newTouches.contains(position) {
            guard let touch = entry.message.touch else { continue }
            let message = entry.message
            let contact = contacts[position]
            let signal = touch.signal
            touches += [
                .text(Identifier.make()), .text(workspaceID), .optional(contact), .optional(contact.flatMap { accounts[$0] }),
                .integer(message.occurredAt), .text(touch.channel), .optional(signal.source), .optional(signal.medium), .optional(signal.campaign),
                .optional(signal.content), .optional(signal.term), .optional(signal.landingURL),
                .optional(settings.campaigns.forUTM(signal.campaign, channel: touch.channel)), .text(eventIDs[position]), .bool(false),
                .optional(message.anonymousID), .optional(signal.referrerHost),
                .optional(signal.clickIDs.sorted(by: { $0.key < $1.key }).first.map { "\($0.key)=\($0.value)" }),
            ]
        }
        try await raw.insert("touchpoints", columns: touchColumns, values: touches)
        // 5. Counters and sources.
        let sortedCounts = counts.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        try await raw.run(
            "INSERT INTO event_counts (workspace_id, type, total) VALUES " + RawSQL.valuesList(rows: sortedCounts.count, columns: 3)
                + " ON CONFLICT (workspace_id, type) DO UPDATE SET total = event_counts.total + excluded.total",
            sortedCounts.flatMap { [SQLValue.text(workspaceID), .text($0.key.rawValue), .integer($0.value)] })
        let sources = Set(fresh.map(\.source)).sorted()
        try await raw.run(
            "UPDATE sources SET last_event_at = ? WHERE id IN (\(Array(repeating: "?", count: sources.count).joined(separator: ", ")))",
            [.integer(receivedAt)] + sources.map(SQLValue.text))
        for (messageID, notes) in resolver.warnings {
            if let entry = fresh.first(where: { $0.message.messageID == messageID }) { outcomes[entry.submission].warnings[messageID] = notes }
        }
    }

    static func storedMessageIDs(raw: RawSQL, workspaceID: String, candidates: [String]) async throws -> Set<String> {
        let rows = try await raw.rows(in: candidates, leading: [.text(workspaceID)]) {
            "SELECT message_id FROM events WHERE workspace_id = ? AND message_id IN (\($0))"
        }
        return Set(rows.compactMap { $0[0].text })
    }

    /// A contact was created when it was first identified (an identify, or any call with its user id), not when Pitcrew
    /// processed that: a backfilled year of events makes contacts of their own dates, as the lead milestones of
    /// attribution (`w_shaped`) and cohorts need. One read per batch; a write only for a contact identified earlier.
    static func backdateContacts(raw: RawSQL, workspaceID: String, _ identified: [(contact: String, at: Int64)]) async throws {
        var earliest: [String: Int64] = [:]
        for (contact, at) in identified { earliest[contact] = min(earliest[contact] ?? .max, at) }
        guard !earliest.isEmpty else { return }
        for row in try await raw.rows(in: earliest.keys, leading: [.text(workspaceID)], {
            "SELECT id, created_at FROM contacts WHERE workspace_id = ? AND id IN (\($0))"
        }) {
            guard let id = row[0].text, let created = row[1].integer, let at = earliest[id], at < created, at > 0 else { continue }
            try await raw.run("UPDATE contacts SET created_at = ? WHERE workspace_id = ? AND id = ?", [.integer(at), .text(workspaceID), .text(id)])
        }
    }

    /// The account of each of these contacts that has one.
    static func accountsOf(raw: RawSQL, contacts: Set<String>) async throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try await raw.rows(in: contacts, { "SELECT id, account_id FROM contacts WHERE id IN (\($0))" }) {
            if let id = row[0].text, let account = row[1].text { result[id] = account }
        }
        return result
    }
}
