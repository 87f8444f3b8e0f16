public import PitcrewCore
import Synchronization

/// Slows password guessing down. Failed sign-ins are counted per email and per client address within a window; past the
/// limit the key is locked for a while (doubling with each further failure, up to the window), and attempts while locked
/// are refused before the password is even checked, so they teach an attacker nothing. A successful sign-in clears its
/// email's count. Kept in memory: a restart forgets it, which costs an attacker one restart per window.
public final class LoginThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures allowed per email in a window before it locks.
        public var emailFailures = 5
        /// Failures allowed per client address in a window (an office behind one address shares it).
        public var clientFailures = 30
        public var windowMillis: Int64 = 15 * 60_000
        /// The first lock; each further failure doubles it, up to `windowMillis`.
        public var firstLockMillis: Int64 = 60_000

        public init() {}
    }

    private struct Record {
        var failures = 0
        var windowStart: Int64
        var lockedUntil: Int64 = 0
    }

    public let policy: Policy
    private let records = Mutex<[String: Record]>([:])
    /// Records kept before old ones are swept (bounds memory under a spray of made-up emails).
    static let sweepAbove = 10_000

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Throws `rateLimited`, saying how long to wait, when the email or the client is locked.
    public func check(email: String, client: String?, now: Int64 = Timestamp.now()) throws {
        let until = records.withLock { records in
            Self.keys(email: email, client: client).compactMap { records[$0]?.lockedUntil }.max() ?? 0
        }
        guard until > now else { return }
        let minutes = (until - now + 59_999) / 60_000
        throw PitcrewError(
            .rateLimited, "Too many failed sign-ins. Try again in \(minutes) minute\(minutes == 1 ? "" : "s"), or ask an admin to reset the password.")
    }

    public func failed(email: String, client: String?, now: Int64 = Timestamp.now()) {
        records.withLock { records in
            if records.count > Self.sweepAbove {
                records = records.filter { now - $0.value.windowStart < policy.windowMillis || $0.value.lockedUntil > now }
            }
            for key in Self.keys(email: email, client: client) {
                var record = records[key] ?? Record(windowStart: now)
                if now - record.windowStart >= policy.windowMillis, record.lockedUntil <= now { record = Record(windowStart: now) }
                record.failures += 1
                let limit = key.hasPrefix("e:") ? policy.emailFailures : policy.clientFailures
                if record.failures >= limit {
                    let doublings = Int64(min(record.failures - limit, 20))
                    record.lockedUntil = now + min(policy.firstLockMillis << doublings, policy.windowMillis)
                }
                records[key] = record
            }
        }
    }

    public func succeeded(email: String) {
        _ = records.withLock { $0.removeValue(forKey: Self.keys(email: email, client: nil)[0]) }
    }

    private static func keys(email: String, client: String?) -> [String] {
        ["e:" + email.trimmingASCIIWhitespace().lowercased()] + (client.map { ["c:" + $0] } ?? [])
    }
}
