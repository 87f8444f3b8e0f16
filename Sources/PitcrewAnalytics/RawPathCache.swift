/// Remembers, for the exact bytes of a path field, which merged path they became.
///
/// Raw journey files repeat a few distinct paths many times (1M rows, ~120k distinct paths in the benchmark), so a hit
/// here skips tokenizing, trimming, interning and hashing the channel-id sequence. The key is the untouched field, so
/// `a > b` and `a>b` are two entries that point to the same path row.
struct RawPathCache: Sendable {
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private var hashes: [UInt64] = []
    private var starts: [Int] = [0]
    private var bytes: [UInt8] = []
    private var rows: [Int32] = []

    /// A hash of the field, eight bytes at a time.
    @inline(__always)
    static func hash(_ field: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(field.count)
        var i = 0
        let n = field.count
        while i + 8 <= n {
            let word = field.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(field[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The path row recorded for `field`, if any.
    @inline(__always)
    func lookup(_ field: UnsafeRawBufferPointer, hash h: UInt64) -> Int? {
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { table in
            starts.withUnsafeBufferPointer { starts in
                bytes.withUnsafeBytes { stored in
                    while true {
                        let entry = table[slot]
                        if entry == 0 { return nil }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let index = Int(entry & 0xFFFF_FFFF) - 1
                            let start = starts[index]
                            if starts[index + 1] - start == field.count
                                && (field.count == 0 || memoryEqual(stored.baseAddress! + start, field.baseAddress!, field.count))
                            {
                                return Int(rows[index])
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    mutating func insert(_ field: UnsafeRawBufferPointer, hash h: UInt64, row: Int) {
        let index = hashes.count
        hashes.append(h)
        bytes.append(contentsOf: field)
        starts.append(bytes.count)
        rows.append(Int32(row))
        if hashes.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            for e in 0..<hashes.count { place(e) }
        } else {
            place(index)
        }
    }

    private mutating func place(_ index: Int) {
        let h = hashes[index]
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
