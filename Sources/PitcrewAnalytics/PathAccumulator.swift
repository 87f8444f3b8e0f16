/// A sum that does not depend on the order of its terms for the numbers that real inputs hold.
///
/// Terms that are whole multiples of 10⁻⁶ (counts, money with up to six decimals) are added as exact integers of
/// micro-units, so shuffling the input rows cannot change the last bit of a total. Other terms (rare) go to a plain
/// floating-point residual.
struct ExactSum: Sendable {
    var micros: Int64 = 0
    var residual: Double = 0

    @inline(__always)
    mutating func add(_ x: Double) {
        if let m = Self.micros(exactly: x) {
            add(micros: m)
        } else {
            residual += x
        }
    }

    /// `x` in micro-units when it is a whole multiple of 10⁻⁶ that `add(_:)` adds exactly (then `Double(m) / 1e6 == x`).
    @inline(__always)
    static func micros(exactly x: Double) -> Int64? {
        let scaled = (x * 1e6).rounded()
        guard abs(scaled) < 9.0e15, scaled / 1e6 == x else { return nil }
        return Int64(scaled)
    }

    /// Adds a whole number of micro-units; on overflow the term goes to the residual (as `add(_:)` does).
    @inline(__always)
    mutating func add(micros m: Int64) {
        let (sum, overflow) = micros.addingReportingOverflow(m)
        if overflow {
            residual += Double(m) / 1e6
        } else {
            micros = sum
        }
    }

    /// Adds another sum. Micro-units add exactly, so partial sums merged in any grouping give the same `micros`; only
    /// the (rare) floating-point residuals depend on the grouping.
    @inline(__always)
    mutating func add(_ other: ExactSum) {
        add(micros: other.micros)
        residual += other.residual
    }

    var total: Double { Double(micros) / 1e6 + residual }
}

/// An open-addressing hash table from a path (a sequence of channel ids) to its summed outcome.
///
/// Parsing 1M journey rows spends most of its time here, so keys live in one flat `[Int32]` and slots hold row
/// indices: no per-row allocation.
struct PathAccumulator: Sendable {
    /// Each slot holds the upper 32 bits of the path's hash and `row + 1` (0 = empty), so most probes touch one word.
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private var hashes: [UInt64] = []
    /// Row `i`'s path is `ids[starts[i] ..< starts[i + 1]]`.
    private(set) var starts: [Int] = [0]
    private(set) var ids: [Int32] = []
    private(set) var conversions: [ExactSum] = []
    private(set) var values: [ExactSum] = []
    private(set) var nulls: [ExactSum] = []

    var count: Int { hashes.count }

    @inline(__always)
    static func hash(_ path: UnsafeBufferPointer<Int32>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(path.count)
        for id in path {
            h = (h ^ UInt64(UInt32(bitPattern: id))) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
        }
        return h
    }

    mutating func add(_ path: UnsafeBufferPointer<Int32>, conversions c: Double, value v: Double, nulls n: Double) {
        add(toRow: findOrInsert(path), conversions: c, value: v, nulls: n)
    }

    /// Adds to a row returned by `findOrInsert(_:)`.
    @inline(__always)
    mutating func add(toRow row: Int, conversions c: Double, value v: Double, nulls n: Double) {
        conversions[row].add(c)
        values[row].add(v)
        nulls[row].add(n)
    }

    /// Adds every row of `other`, its channel ids mapped through `remap` (sums merge exactly: see `ExactSum.add`).
    mutating func merge(_ other: PathAccumulator, remap: [Int32]) {
        var path: [Int32] = []
        for row in 0..<other.count {
            path.removeAll(keepingCapacity: true)
            for index in other.starts[row]..<other.starts[row + 1] { path.append(remap[Int(other.ids[index])]) }
            let target = path.withUnsafeBufferPointer { findOrInsert($0) }
            conversions[target].add(other.conversions[row])
            values[target].add(other.values[row])
            nulls[target].add(other.nulls[row])
        }
    }

    /// The row of `path`, created empty on first sight.
    mutating func findOrInsert(_ path: UnsafeBufferPointer<Int32>) -> Int {
        let h = Self.hash(path)
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        let found: Int? = slots.withUnsafeBufferPointer { table in
            starts.withUnsafeBufferPointer { starts in
                ids.withUnsafeBufferPointer { ids in
                    while true {
                        let entry = table[slot]
                        if entry == 0 { return nil }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let row = Int(entry & 0xFFFF_FFFF) - 1
                            let start = starts[row]
                            if starts[row + 1] - start == path.count {
                                var same = true
                                for i in 0..<path.count where ids[start + i] != path[i] {
                                    same = false
                                    break
                                }
                                if same { return row }
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        if let found { return found }
        let row = hashes.count
        slots[slot] = tag | UInt64(row + 1)
        hashes.append(h)
        ids.append(contentsOf: path)
        starts.append(ids.count)
        conversions.append(ExactSum())
        values.append(ExactSum())
        nulls.append(ExactSum())
        if hashes.count * 2 > slots.count { grow() }
        return row
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for row in 0..<hashes.count {
            let h = hashes[row]
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(row + 1)
        }
    }
}
