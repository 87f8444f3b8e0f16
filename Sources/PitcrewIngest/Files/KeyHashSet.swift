/// A set of 64-bit key hashes (`StableHasher` values, already well mixed): open addressing on the value itself. A
/// `Set<UInt64>` hashes each value again with its seeded SipHash, which on a 1M-row import was a tenth of the reading
/// thread's time.
struct KeyHashSet {
    private var slots: [UInt64]
    /// 0 marks an empty slot, so the value 0 is kept aside.
    private var hasZero = false
    private(set) var count = 0

    init() { slots = Array(repeating: 0, count: 1024) }

    /// Adds `value`; false when it was there already.
    mutating func insert(_ value: UInt64) -> Bool {
        if value == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        // Fibonacci hashing: the product's top bits, as many as the table needs, depend on every bit of the value.
        let shift = UInt64(64 - slots.count.trailingZeroBitCount)
        var index = Int(truncatingIfNeeded: ((value ^ (value >> 32)) &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let slot = slots[index]
            if slot == 0 {
                slots[index] = value
                count += 1
                return true
            }
            if slot == value { return false }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        count = hasZero ? 1 : 0
        for value in old where value != 0 { _ = insert(value) }
    }
}
