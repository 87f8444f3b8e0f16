public import Foundation
import Synchronization

/// Identifiers are UUIDv7 strings: random enough to be unguessable, and ordered by creation time,
/// so keyset pagination and "newest first" need no second column.
public enum Identifier {
    /// A new UUIDv7 (RFC 9562) as a lowercase string, greater than every id this process made before (RFC 9562 §6.2,
    /// "monotonic random"): within one millisecond the random part is incremented by a random step, so ids made in a
    /// loop keep their order and "newest first" holds even for events stored in the same millisecond.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let (millis, random) = last.withLock { last -> (UInt64, UInt64) in
            if now > last.millis {
                last = (now, generator.next() >> 2)
            } else {
                let (next, overflow) = last.random.addingReportingOverflow(1 + (generator.next() as UInt64) % 0xFFFF)
                // Past the 62 random bits: borrow the next millisecond (ids stay ordered; their time is 1 ms early).
                last = overflow || next > (UInt64.max >> 2) ? (last.millis + 1, generator.next() >> 3) : (last.millis, next)
            }
            return last
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        // 12 bits of rand_a and 62 bits of rand_b carry one 74-bit counter; its top 12 bits are fixed per millisecond.
        let high = UInt16(truncatingIfNeeded: millis &* 0x9E37) & 0x0FFF
        bytes[6] = 0x70 | UInt8(high >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: high)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: random >> 56) & 0x3F
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * (15 - index))) }
        return format(bytes)
    }

    private static let last = Mutex<(millis: UInt64, random: UInt64)>((0, 0))

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
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when `value` looks like a UUID (any version); guards path parameters before they reach SQL.
    public static func isValid(_ value: String) -> Bool {
        value.utf8.count == 36 && UUID(uuidString: value) != nil
    }
}
