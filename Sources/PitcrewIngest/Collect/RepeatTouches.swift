import PitcrewCore
import PitcrewStore

/// A page view that repeats the visitor's touch (a reload, a single-page app's next route with the same outside
/// referrer, the next page of a visit still carrying the UTMs) is the same visit, not another touch: credit would go to
/// reloads. Like a GA4 session, a touch is new unless the visitor's nearest tracked touch in time, within 30 minutes
/// before or after (events can arrive out of order), came the same way (channel, source, medium, campaign, content,
/// term). A visit that comes back another way is a new touch, and so is the same way after 30 minutes.
enum RepeatTouches {
    static let window: Int64 = 30 * 60_000

    struct Candidate {
        var position: Int
        var contact: String?
        var anonymousID: String?
        var at: Int64
        var way: String

        /// The contact, else the anonymous id.
        var visitor: String? { contact ?? anonymousID.map(RepeatTouches.visitor(anonymousID:)) }
    }

    /// An anonymous visitor's key, with a prefix no contact id has.
    static func visitor(anonymousID: String) -> String { "anonymous:" + anonymousID }

    /// What identifies how a touch came.
    static func way(channel: String, source: String?, medium: String?, campaign: String?, content: String?, term: String?) -> String {
        [channel, source ?? "", medium ?? "", campaign ?? "", content ?? "", term ?? ""].map { $0.lowercased() }.joined(separator: "\u{1F}")
    }

    /// A visit's touch as known: stored (with its id) or a candidate before this one.
    struct Known {
        var at: Int64
        var way: String
        var storedID: String?
    }

    /// Positions of the candidates that are new touches (the others repeat one stored or earlier in the list), and the
    /// stored touches they replace (a later view of the same visit, stored before this earlier one arrived).
    static func newTouches(_ candidates: [Candidate], raw: RawSQL, workspaceID: String) async throws -> (new: Set<Int>, replaced: Set<String>) {
        guard let first = candidates.map(\.at).min(), let last = candidates.map(\.at).max() else { return ([], []) }
        var known: [String: [Known]] = [:]
        let columns = "id, occurred_at, channel, source, medium, campaign, content, term"
        let range: [SQLValue] = [.integer(first - window), .integer(last + window)]
        // Tracked touches of these visitors near these times: by contact, and by anonymous id for touches of no contact.
        let contacts = Set(candidates.compactMap(\.contact))
        for row in try await raw.rows(in: contacts, leading: [.text(workspaceID)] + range, {
            """
            SELECT contact_id, \(columns) FROM touchpoints WHERE workspace_id = ? AND occurred_at >= ? AND occurred_at <= ?
            AND offline = FALSE AND contact_id IN (\($0))
            """
        }) {
            if let visitor = row[0].text { known[visitor, default: []].append(Self.stored(row)) }
        }
        let anonymous = Set(candidates.compactMap { $0.contact == nil ? $0.anonymousID : nil })
        for row in try await raw.rows(in: anonymous, leading: [.text(workspaceID)] + range, {
            """
            SELECT anonymous_id, \(columns) FROM touchpoints WHERE workspace_id = ? AND occurred_at >= ? AND occurred_at <= ?
            AND contact_id IS NULL AND offline = FALSE AND anonymous_id IN (\($0))
            """
        }) {
            if let id = row[0].text { known[visitor(anonymousID: id), default: []].append(Self.stored(row)) }
        }
        var new = Set<Int>()
        var replaced = Set<String>()
        for candidate in candidates.sorted(by: { ($0.at, $0.position) < ($1.at, $1.position) }) {
            guard let visitor = candidate.visitor else {
                new.insert(candidate.position)
                continue
            }
            let touches = known[visitor] ?? []
            let nearest = touches.indices.filter { abs(touches[$0].at - candidate.at) <= window }
                .min { abs(touches[$0].at - candidate.at) < abs(touches[$1].at - candidate.at) }
            // A repeat is remembered too: the visit goes on while it does (within what is processed together).
            known[visitor, default: []].append(Known(at: candidate.at, way: candidate.way))
            guard let nearest, touches[nearest].way == candidate.way else {
                new.insert(candidate.position)
                continue
            }
            // An earlier view of a visit whose touch is stored: it is the touch now.
            if let stored = touches[nearest].storedID, candidate.at < touches[nearest].at {
                replaced.insert(stored)
                known[visitor]?[nearest].storedID = nil
                new.insert(candidate.position)
            }
        }
        return (new, replaced)
    }

    private static func stored(_ row: [SQLValue]) -> Known {
        Known(
            at: row[2].integer ?? 0,
            way: way(channel: row[3].text ?? "", source: row[4].text, medium: row[5].text, campaign: row[6].text, content: row[7].text, term: row[8].text),
            storedID: row[1].text)
    }
}
