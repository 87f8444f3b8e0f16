/// A count or value of a path-file row: whole micro-units when it is a multiple of 10⁻⁶ (almost always; see
/// `ExactSum`), else the number itself.
struct Amount: Sendable {
    var micros: Int64
    var other: Double
    var isMicros: Bool

    static let zero = Amount(micros: 0, other: 0, isMicros: true)

    init(micros: Int64, other: Double, isMicros: Bool) {
        self.micros = micros
        self.other = other
        self.isMicros = isMicros
    }

    /// The amount of a parsed number, in micro-units when `ExactSum.add(_:)` would add it as such.
    init(_ x: Double) {
        if let m = ExactSum.micros(exactly: x) {
            self.init(micros: m, other: 0, isMicros: true)
        } else {
            self.init(micros: 0, other: x, isMicros: false)
        }
    }

    /// The number that was read (for whole micro-units, their correctly rounded quotient by 10⁶ is that number).
    var number: Double { isMicros ? Double(micros) / 1e6 : other }
}

/// The distinct path fields of a path file (or of one piece of it): for the exact bytes of each, the channel ids of
/// its path and the summed outcome of the rows that had those bytes.
///
/// Raw journey files repeat a few distinct paths many times (1M rows, ~120k distinct paths in the benchmark), so a row
/// whose field was seen before costs one hash of its bytes, a probe of `slots`, one entry and the stored key bytes: no
/// tokenizing, trimming or interning. The key is the untouched field, so `a > b` and `a>b` are two entries with the
/// same path; `PathFileAssembly` merges them (and the tables of several pieces) by sorting on the path.
///
/// Sums are kept like `ExactSum`s: whole micro-units in the entry, next to the key. The rare numbers that are not whole
/// micro-units (and micro-units that would overflow) are kept one by one in `residuals`, and `PathFileAssembly` adds
/// them in sorted order, so that even they give the same total in any row order.
struct PathFieldTable: Sendable {
    struct Entry: Sendable {
        var hash: UInt64
        var keyStart: Int
        var pathStart: Int
        var keyCount: Int32
        var pathCount: Int32
        var conversions: Int64 = 0
        var value: Int64 = 0
        var nulls: Int64 = 0
    }

    /// The numbers of an entry's rows that are not whole micro-units (or whose micro-units would overflow the sum).
    struct Residuals: Sendable {
        var conversions: [Double] = []
        var value: [Double] = []
        var nulls: [Double] = []

        var isEmpty: Bool { conversions.isEmpty && value.isEmpty && nulls.isEmpty }

        mutating func append(_ other: Residuals) {
            conversions += other.conversions
            value += other.value
            nulls += other.nulls
        }

        /// The sum of `terms` in ascending order: the same for the same numbers in any order.
        static func sum(_ terms: [Double]) -> Double {
            guard terms.count > 1 else { return terms.first ?? 0 }
            return terms.sorted().reduce(0, +)
        }
    }

    /// Each slot holds the upper 32 bits of the field's hash and `entry + 1` (0 = empty), so most probes touch one word.
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private(set) var entries: [Entry] = []
    private var bytes: [UInt8] = []
    /// Entry `e`'s path is `ids[e.pathStart ..< e.pathStart + e.pathCount]`, in the parser's own channel numbering.
    private(set) var ids: [Int32] = []
    private(set) var residuals: [Int: Residuals] = [:]

    var count: Int { entries.count }

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
        if n >= 8 {
            // The last n - i bytes, from one load that overlaps the words hashed already.
            if i < n { tail = field.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (8 - (n - i))) }
        } else {
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(field[i]) << shift
                shift += 8
                i += 1
            }
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The entry of `field`, if it was seen before.
    @inline(__always)
    func lookup(_ field: UnsafeRawBufferPointer, hash h: UInt64) -> Int? {
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { table in
            entries.withUnsafeBufferPointer { entries in
                bytes.withUnsafeBytes { stored in
                    while true {
                        let entry = table[slot]
                        if entry == 0 { return nil }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let index = Int(entry & 0xFFFF_FFFF) - 1
                            let e = entries[index]
                            if e.hash == h && Int(e.keyCount) == field.count
                                && (field.count == 0 || memoryEqual(stored.baseAddress! + e.keyStart, field.baseAddress!, field.count))
                            {
                                return index
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Records a new field and its path (channel ids); returns its entry. Fields longer than 2³¹ bytes are never
    /// found again, so each such row gets an entry of its own (correct, just not merged until assembly).
    mutating func insert(_ field: UnsafeRawBufferPointer, hash h: UInt64, path: UnsafeBufferPointer<Int32>) -> Int {
        let index = entries.count
        entries.append(
            Entry(
                hash: h, keyStart: bytes.count, pathStart: ids.count, keyCount: Int32(truncatingIfNeeded: field.count),
                pathCount: Int32(path.count)))
        bytes.append(contentsOf: field)
        ids.append(contentsOf: path)
        if entries.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            for e in 0..<entries.count { place(e) }
        } else {
            place(index)
        }
        return index
    }

    /// Adds one row's outcome to an entry, as `ExactSum.add(_:)` of each number would.
    @inline(__always)
    mutating func add(_ index: Int, _ c: Amount, _ v: Amount, _ n: Amount) {
        if c.isMicros && v.isMicros && n.isMicros {
            let added = entries.withUnsafeMutableBufferPointer { entries in
                let (c1, o1) = entries[index].conversions.addingReportingOverflow(c.micros)
                let (v1, o2) = entries[index].value.addingReportingOverflow(v.micros)
                let (n1, o3) = entries[index].nulls.addingReportingOverflow(n.micros)
                guard !(o1 || o2 || o3) else { return false }
                entries[index].conversions = c1
                entries[index].value = v1
                entries[index].nulls = n1
                return true
            }
            if added { return }
        }
        addSlowly(index, c, v, n)
    }

    private mutating func addSlowly(_ index: Int, _ c: Amount, _ v: Amount, _ n: Amount) {
        var terms = Residuals()
        Self.add(c.isMicros ? c.micros : nil, c.number, to: &entries[index].conversions, &terms.conversions)
        Self.add(v.isMicros ? v.micros : nil, v.number, to: &entries[index].value, &terms.value)
        Self.add(n.isMicros ? n.micros : nil, n.number, to: &entries[index].nulls, &terms.nulls)
        if !terms.isEmpty { residuals[index, default: Residuals()].append(terms) }
    }

    /// Adds `micros` to `sum`, or `number` to `terms` when it is not whole micro-units or the sum would overflow.
    static func add(_ micros: Int64?, _ number: Double, to sum: inout Int64, _ terms: inout [Double]) {
        if let micros {
            let (total, overflow) = sum.addingReportingOverflow(micros)
            if !overflow {
                sum = total
                return
            }
        }
        terms.append(number)
    }

    private mutating func place(_ index: Int) {
        let h = entries[index].hash
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
    }
}

/// Whether `count` bytes at `a` and `b` are equal, compared eight at a time.
@inline(__always)
func memoryEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    if count >= 8 {
        return i == count
            || a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
