public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Identifiers are UUIDv7 strings: random enough to be unguessable, and ordered by creation time,
/// so keyset pagination and "newest first" need no second column.
public enum Identifier {
    /// A new UUIDv7 (RFC 9562) as a lowercase string, greater than every id this process made before (RFC 9562 §6.2,
    /// "monotonic random"): within one millisecond the random part is incremented by a random step, so ids made in a
    /// loop keep their order and "newest first" holds even for events stored in the same millisecond.
    public static func make() -> String {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let (millis, random) = last.withLock { state -> (UInt64, UInt64) in
            if now > state.millis {
                state.millis = now
                state.random = state.nextRandom() >> 2
            } else {
                let (next, overflow) = state.random.addingReportingOverflow(1 + state.nextRandom() % 0xFFFF)
                // Past the 62 random bits: borrow the next millisecond (ids stay ordered; their time is 1 ms early).
                if overflow || next > (UInt64.max >> 2) {
                    state.millis += 1
                    state.random = state.nextRandom() >> 3
                } else {
                    state.random = next
                }
            }
            return (state.millis, state.random)
        }
        // 12 bits of rand_a and 62 bits of rand_b carry one 74-bit counter; its top 12 bits are fixed per millisecond.
        let high = UInt16(truncatingIfNeeded: millis &* 0x9E37) & 0x0FFF
        return format(
            high: millis << 16 | 0x7000 | UInt64(high),
            low: (0x80 | (random >> 56) & 0x3F) << 56 | random & 0x00FF_FFFF_FFFF_FFFF)
    }

    /// The last id's time and counter, and random words fetched from the system 64 at a time (one system call per 64
    /// draws instead of one per draw: ids are made for every event collected).
    private struct State {
        var millis: UInt64 = 0
        var random: UInt64 = 0
        var pool = [UInt64](repeating: 0, count: 64)
        var used = 64

        mutating func nextRandom() -> UInt64 {
            if used == pool.count {
                #if canImport(Glibc)
                // getentropy (glibc 2.25+) gives at most 256 bytes a call.
                pool.withUnsafeMutableBytes { buffer in
                    for offset in stride(from: 0, to: buffer.count, by: 256) {
                        let filled = getentropy(buffer.baseAddress! + offset, min(256, buffer.count - offset)) == 0
                        precondition(filled, "the system random source failed")
                    }
                }
                #else
                var generator = SystemRandomNumberGenerator()
                for index in pool.indices { pool[index] = generator.next() }
                #endif
                used = 0
            }
            defer { used += 1 }
            return pool[used]
        }
    }

    private static let last = Mutex(State())

    /// A UUIDv7 for a given time (random, not ordered within the millisecond).
    public static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(millis: UInt64(max(0, date.timeIntervalSince1970 * 1000)), using: &generator)
    }

    /// A UUIDv7 from a given time and random source; used by the deterministic demo generator.
    public static func make(millis: UInt64, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        let randomA = generator.next() as UInt64
        let randomB = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 14 ? randomA : randomB
            bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * (index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return format(bytes)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func format(_ bytes: [UInt8]) -> String {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(bytes[index])
            low = low << 8 | UInt64(bytes[index + 8])
        }
        return format(high: high, low: low)
    }

    /// The 8-4-4-4-12 text of the 128 bits `high` (first) and `low`, written straight into the string's storage.
    private static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                out[position] = hexDigits[Int(truncatingIfNeeded: word >> UInt64(60 - 4 * (nibble % 16)) & 0x0F)]
                position += 1
            }
            return position
        }
    }

    /// A workspace id: "w" and 11 random base-32 characters (55 bits), e.g. `w7k2m9x4pq3r`. Every row of every table
    /// starts its indexes with its workspace id, so a third of a UUID's length makes every index smaller: a 1M-contact
    /// import runs about a tenth faster and its database is a quarter smaller (BENCHMARKS.md). Workspaces made before
    /// keep their UUIDs; ids are opaque either way.
    public static func makeWorkspaceID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        var random = last.withLock { $0.nextRandom() }
        var out: [UInt8] = [UInt8(ascii: "w")]
        for _ in 0..<11 {
            out.append(alphabet[Int(random & 31)])
            random >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when `value` looks like a UUID (any version); guards path parameters before they reach SQL.
    public static func isValid(_ value: String) -> Bool {
        value.utf8.count == 36 && UUID(uuidString: value) != nil
    }
}
