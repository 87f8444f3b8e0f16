import Foundation

/// Conversions by unit id (contact or account), each unit's sorted by time. Ids are kept as bytes in one buffer and
/// found by hash, so building it from hundreds of thousands of rows and looking units up a million times allocate
/// nothing per unit.
struct ConversionIndex: Sendable {
    private var keyBytes: [UInt8] = []
    /// Unit `u`'s id is `keyBytes[keyStarts[u] ..< keyStarts[u + 1]]`.
    private var keyStarts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing: unit index + 1, 0 = empty.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    /// While building: each point with its unit. After `finish()`: grouped by unit, unit `u`'s at `pointStarts[u]...`.
    private var pending: [(unit: Int32, point: ConversionPoint)] = []
    private(set) var points: [ConversionPoint] = []
    private var pointStarts: [Int] = [0]

    var unitCount: Int { hashes.count }
    /// The ids of the units, in the order they were first appended.
    var unitIDs: [String] {
        (0..<unitCount).map { String(decoding: keyBytes[keyStarts[$0]..<keyStarts[$0 + 1]], as: UTF8.self) }
    }
    /// All conversions, of every unit.
    var count: Int { points.count }
    /// Conversions of no unit (a won deal without an account, by account), with their value: not attributable, counted.
    var withoutUnit = 0
    var valueWithoutUnit = 0.0

    mutating func append(unit: UnsafeBufferPointer<UInt8>, time: Int64, value: Double) {
        pending.append((Int32(findOrInsert(unit)), ConversionPoint(time: time, value: value)))
    }

    mutating func append(unit: String, time: Int64, value: Double) {
        var unit = unit
        unit.withUTF8 { append(unit: $0, time: time, value: value) }
    }

    /// Groups the appended points by unit and sorts each unit's by time; call once, after the last `append`.
    mutating func finish() {
        var counts = [Int](repeating: 0, count: unitCount + 1)
        for entry in pending { counts[Int(entry.unit) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        pointStarts = counts
        var next = counts
        points = Array(repeating: ConversionPoint(time: 0, value: 0), count: pending.count)
        for entry in pending {
            points[next[Int(entry.unit)]] = entry.point
            next[Int(entry.unit)] += 1
        }
        pending = []
        for unit in 0..<unitCount where pointStarts[unit + 1] - pointStarts[unit] > 1 {
            points[pointStarts[unit]..<pointStarts[unit + 1]].sort { $0.time < $1.time }
        }
    }

    /// The unit's conversions in time order (empty when it has none).
    func points(of unit: UnsafeBufferPointer<UInt8>) -> ArraySlice<ConversionPoint> {
        guard let found = find(unit, hash: Self.hash(unit)) else { return [] }
        return points[pointStarts[found]..<pointStarts[found + 1]]
    }

    func points(of unit: String) -> ArraySlice<ConversionPoint> {
        var unit = unit
        return unit.withUTF8 { points(of: $0) }
    }

    /// A multiply-xorshift hash over 8 bytes at a time (ids are 36 ASCII bytes: five rounds, not 36).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            offset += 8
        }
        while offset < bytes.count {
            h = (h ^ UInt64(bytes[offset])) &* 0xC4CE_B9FE_1A85_EC53
            offset += 1
        }
        return h ^ (h >> 32)
    }

    private func find(_ unit: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        return keyBytes.withUnsafeBufferPointer { keys in
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { return nil }
                let index = entry - 1
                if hashes[index] == h {
                    let start = keyStarts[index]
                    let length = keyStarts[index + 1] - start
                    if length == unit.count, length == 0 || memcmp(keys.baseAddress! + start, unit.baseAddress!, length) == 0 { return index }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func findOrInsert(_ unit: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(unit)
        if let found = find(unit, hash: h) { return found }
        let index = hashes.count
        hashes.append(h)
        keyBytes.append(contentsOf: unit)
        keyStarts.append(keyBytes.count)
        if hashes.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            for (existing, hash) in hashes.enumerated() { place(existing, hash: hash) }
        } else {
            place(index, hash: h)
        }
        return index
    }

    private mutating func place(_ index: Int, hash h: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }
}
