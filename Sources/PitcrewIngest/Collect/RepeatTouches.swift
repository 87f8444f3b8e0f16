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

    /// Positions of the candidates that are new touches (the others repeat one stored or earlier in the list).
    static func newTouches(_ candidates: [Candidate], raw: RawSQL, workspaceID: String) async throws -> Set<Int> {
        guard let first = candidates.map(\.at).min(), let last = candidates.map(\.at).max() else { return [] }
        var known: [String: [(at: Int64, way: String)]] = [:]
        let columns = "occurred_at, channel, source, medium, campaign, content, term"
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
            AND contact_id IS NULL AND anonymous_id IN (\($0))
            """
        }) {
            if let id = row[0].text { known[visitor(anonymousID: id), default: []].append(Self.stored(row)) }
        }
        var new = Set<Int>()
        for candidate in candidates.sorted(by: { ($0.at, $0.position) < ($1.at, $1.position) }) {
            guard let visitor = candidate.visitor else {
                new.insert(candidate.position)
                continue
            }
            let nearest = known[visitor]?.filter { abs($0.at - candidate.at) <= window }.min { abs($0.at - candidate.at) < abs($1.at - candidate.at) }
            // A repeat is remembered too: the visit goes on while it does (within what is processed together).
            known[visitor, default: []].append((candidate.at, candidate.way))
            if nearest?.way == candidate.way { continue }
            new.insert(candidate.position)
        }
        return new
    }

    private static func stored(_ row: [SQLValue]) -> (at: Int64, way: String) {
        (row[1].integer ?? 0, way(channel: row[2].text ?? "", source: row[3].text, medium: row[4].text, campaign: row[5].text, content: row[6].text, term: row[7].text))
    }
}
