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
        let scaled = (x * 1e6).rounded()
        if abs(scaled) < 9.0e15, scaled / 1e6 == x {
            let (sum, overflow) = micros.addingReportingOverflow(Int64(scaled))
            if !overflow {
                micros = sum
                return
            }
        }
        residual += x
    }

    var total: Double { Double(micros) / 1e6 + residual }
}

/// An open-addressing hash table from a path (a sequence of channel ids) to its summed outcome.
///
/// Parsing 1M journey rows spends most of its time here, so keys live in one flat `[Int32]` and slots hold row
/// indices: no per-row allocation.
struct PathAccumulator: Sendable {
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
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
        let row = findOrInsert(path)
        conversions[row].add(c)
        values[row].add(v)
        nulls[row].add(n)
    }

    private mutating func findOrInsert(_ path: UnsafeBufferPointer<Int32>) -> Int {
        let h = Self.hash(path)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let row = Int(slots[slot])
            if row < 0 { break }
            if hashes[row] == h && equals(row: row, path) { return row }
            slot = (slot + 1) & mask
        }
        let row = hashes.count
        slots[slot] = Int32(row)
        hashes.append(h)
        ids.append(contentsOf: path)
        starts.append(ids.count)
        conversions.append(ExactSum())
        values.append(ExactSum())
        nulls.append(ExactSum())
        if hashes.count * 2 > slots.count { grow() }
        return row
    }

    @inline(__always)
    private func equals(row: Int, _ path: UnsafeBufferPointer<Int32>) -> Bool {
        let start = starts[row]
        guard starts[row + 1] - start == path.count else { return false }
        for i in 0..<path.count where ids[start + i] != path[i] { return false }
        return true
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for row in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[row]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(row)
        }
    }
}
