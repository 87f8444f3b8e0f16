import Dispatch

/// What one `PathFileParser` collected from its rows: channel names (its channel ids index them), the distinct path
/// fields with their sums, and the journeys it skipped.
struct ParsedPiece: Sendable {
    var names: [String]
    var table: PathFieldTable
    var skippedJourneys: ExactSum
    var skippedConversions: ExactSum
}

/// Turns the pieces of a path file parsed apart (or the one piece of a sequential parse) into the canonical
/// `JourneySet`, laid out as `JourneySetBuilder.build()` lays it out: channels sorted by name, one row per distinct
/// path, rows sorted by path.
///
/// Each piece renumbers its paths by channel name, sorts its entries and sums entries with the same path (`a>b` and
/// `a > b`), concurrently for several pieces; the sorted runs are then merged, summing paths found in several pieces.
/// Micro-units add exactly and the rare other numbers are added in sorted order, so the result does not depend on the
/// number of pieces or the order of rows.
enum PathFileAssembly {
    /// An entry of a piece and the first channels of its path packed so that key order is path order.
    struct SortItem: Sendable {
        var key: UInt64
        var entry: Int32
    }

    /// Distinct paths in path order, in the final channel numbering, with their summed outcomes: micro-units, and the
    /// numbers that are not (by row of the run).
    struct SortedRun: Sendable {
        var keys: [UInt64] = []
        var pathStart: [Int] = [0]
        var touches: [Int32] = []
        var conversions: [Int64] = []
        var values: [Int64] = []
        var nulls: [Int64] = []
        var residuals: [Int: PathFieldTable.Residuals] = [:]

        var count: Int { keys.count }

        init() {}

        init(capacity: Int, touches: Int) {
            keys.reserveCapacity(capacity)
            pathStart.reserveCapacity(capacity + 1)
            self.touches.reserveCapacity(touches)
            conversions.reserveCapacity(capacity)
            values.reserveCapacity(capacity)
            nulls.reserveCapacity(capacity)
        }

        /// Row `i`'s path, given this run's `touches`.
        @inline(__always)
        func path(_ i: Int, in touches: UnsafeBufferPointer<Int32>) -> UnsafeBufferPointer<Int32> {
            UnsafeBufferPointer(rebasing: touches[pathStart[i]..<pathStart[i + 1]])
        }

        /// Row `i`'s numbers that are not whole micro-units, if any.
        @inline(__always)
        func terms(_ i: Int) -> PathFieldTable.Residuals? { residuals.isEmpty ? nil : residuals[i] }

        /// Appends a path with its sums.
        @inline(__always)
        mutating func append(
            key: UInt64, path: UnsafeBufferPointer<Int32>, _ c: Int64, _ v: Int64, _ n: Int64, _ terms: PathFieldTable.Residuals?
        ) {
            keys.append(key)
            touches.append(contentsOf: path)
            pathStart.append(touches.count)
            conversions.append(0)
            values.append(0)
            nulls.append(0)
            addToLast(c, v, n, terms)
        }

        /// Adds sums to the last path.
        @inline(__always)
        mutating func addToLast(_ c: Int64, _ v: Int64, _ n: Int64, _ terms: PathFieldTable.Residuals?) {
            let last = keys.count - 1
            var overflow = terms ?? PathFieldTable.Residuals()
            PathFieldTable.add(c, Double(c) / 1e6, to: &conversions[last], &overflow.conversions)
            PathFieldTable.add(v, Double(v) / 1e6, to: &values[last], &overflow.value)
            PathFieldTable.add(n, Double(n) / 1e6, to: &nulls[last], &overflow.nulls)
            if !overflow.isEmpty { residuals[last, default: PathFieldTable.Residuals()].append(overflow) }
        }

        /// The totals of every path: micro-units plus the other numbers summed in sorted order.
        func totals() -> (conversions: [Double], values: [Double], nulls: [Double]) {
            var c = conversions.map { Double($0) / 1e6 }
            var v = values.map { Double($0) / 1e6 }
            var n = nulls.map { Double($0) / 1e6 }
            for (row, terms) in residuals {
                c[row] += PathFieldTable.Residuals.sum(terms.conversions)
                v[row] += PathFieldTable.Residuals.sum(terms.value)
                n[row] += PathFieldTable.Residuals.sum(terms.nulls)
            }
            return (c, v, n)
        }
    }

    static func journeySet(from pieces: [ParsedPiece]) throws -> JourneySet {
        let channels = Set(pieces.lazy.flatMap(\.names)).sorted()
        var rank: [String: Int32] = [:]
        for (id, name) in channels.enumerated() { rank[name] = Int32(id) }
        let remaps = pieces.map { piece in piece.names.map { rank[$0]! } }
        // Channel id + 1 in `bits` bits (0 = after the end of the path), as many as fit in 64 bits.
        let bits = max(1, Int.bitWidth - channels.count.leadingZeroBitCount)

        var runs: [SortedRun]
        if pieces.count == 1 {
            runs = [sortedRun(pieces[0], remap: remaps[0], bits: bits)]
        } else {
            let slots = RunSlots(count: pieces.count)
            DispatchQueue.concurrentPerform(iterations: pieces.count) { piece in
                slots.runs[piece] = sortedRun(pieces[piece], remap: remaps[piece], bits: bits)
            }
            runs = slots.take()
        }
        // Merge in pairs, always in the same order, so that even the (rare) floating-point residuals add alike.
        while runs.count > 1 {
            var next: [SortedRun] = []
            for pair in stride(from: 0, to: runs.count, by: 2) {
                next.append(pair + 1 < runs.count ? merge(runs[pair], runs[pair + 1]) : runs[pair])
            }
            runs = next
        }
        let rows = runs[0]

        var skippedJourneys = ExactSum()
        var skippedConversions = ExactSum()
        for piece in pieces {
            skippedJourneys.add(piece.skippedJourneys)
            skippedConversions.add(piece.skippedConversions)
        }
        guard rows.count > 0 else {
            let reason = skippedJourneys.total > 0 ? "every row has an empty path" : "no rows after the header"
            throw AttributionError.emptyInput(reason: reason)
        }
        let totals = rows.totals()
        return JourneySet(
            channels: channels, pathStart: rows.pathStart, touches: rows.touches, conversions: totals.conversions,
            values: totals.values, nulls: totals.nulls, touchAgeDays: nil, leadTouch: nil, opportunityTouch: nil,
            rowsAreDistinctPaths: true, skippedEmptyJourneys: skippedJourneys.total, skippedConversions: skippedConversions.total)
    }

    /// A piece's entries sorted by path, entries with the same path summed into one row.
    private static func sortedRun(_ piece: ParsedPiece, remap: [Int32], bits: Int) -> SortedRun {
        let table = piece.table
        let canonical = table.ids.map { remap[Int($0)] }
        let perKey = 64 / bits
        var run = SortedRun(capacity: table.count, touches: canonical.count)
        canonical.withUnsafeBufferPointer { ids in
            table.entries.withUnsafeBufferPointer { entries in
                func path(_ index: Int32) -> UnsafeBufferPointer<Int32> {
                    let entry = entries[Int(index)]
                    return UnsafeBufferPointer(rebasing: ids[entry.pathStart..<entry.pathStart + Int(entry.pathCount)])
                }
                var items: [SortItem] = []
                items.reserveCapacity(entries.count)
                for index in entries.indices {
                    let entry = entries[index]
                    var key: UInt64 = 0
                    for j in 0..<min(Int(entry.pathCount), perKey) {
                        key |= UInt64(ids[entry.pathStart + j] + 1) << UInt64(64 - bits * (j + 1))
                    }
                    items.append(SortItem(key: key, entry: Int32(index)))
                }
                radixSort(&items)
                // Equal keys: paths longer than a key holds, or the same path spelt differently.
                var first = 0
                while first < items.count {
                    var end = first + 1
                    while end < items.count && items[end].key == items[first].key { end += 1 }
                    if end - first > 1 { items[first..<end].sort { compare(path($0.entry), path($1.entry)) < 0 } }
                    first = end
                }
                var lastPath = UnsafeBufferPointer<Int32>(start: nil, count: 0)
                for item in items {
                    let entry = entries[Int(item.entry)]
                    let terms = table.residuals.isEmpty ? nil : table.residuals[Int(item.entry)]
                    let current = path(item.entry)
                    if run.count > 0 && run.keys[run.count - 1] == item.key && compare(current, lastPath) == 0 {
                        run.addToLast(entry.conversions, entry.value, entry.nulls, terms)
                    } else {
                        run.append(key: item.key, path: current, entry.conversions, entry.value, entry.nulls, terms)
                        lastPath = current
                    }
                }
            }
        }
        return run
    }

    /// Sorts by key: least significant digit first, 11 bits a pass, skipping passes where every key has the same digit.
    private static func radixSort(_ items: inout [SortItem]) {
        let count = items.count
        guard count > 256 else {
            items.sort { $0.key < $1.key }
            return
        }
        let digits = 2048
        var histogram = [Int](repeating: 0, count: digits * 6)
        histogram.withUnsafeMutableBufferPointer { histogram in
            for item in items {
                var key = item.key
                for pass in 0..<6 {
                    histogram[pass * digits + Int(key & 2047)] += 1
                    key >>= 11
                }
            }
        }
        var other = [SortItem](repeating: SortItem(key: 0, entry: 0), count: count)
        for pass in 0..<6 {
            let base = pass * digits
            let shift = UInt64(11 * pass)
            if histogram[base + Int((items[0].key >> shift) & 2047)] == count { continue }
            var offsets = [Int](repeating: 0, count: digits)
            var sum = 0
            for digit in 0..<digits {
                offsets[digit] = sum
                sum += histogram[base + digit]
            }
            items.withUnsafeBufferPointer { source in
                other.withUnsafeMutableBufferPointer { target in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        for item in source {
                            let digit = Int((item.key >> shift) & 2047)
                            target[offsets[digit]] = item
                            offsets[digit] += 1
                        }
                    }
                }
            }
            swap(&items, &other)
        }
    }

    /// Lexicographic order of two paths (a proper prefix first): negative, zero or positive.
    @inline(__always)
    private static func compare(_ a: UnsafeBufferPointer<Int32>, _ b: UnsafeBufferPointer<Int32>) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count - b.count
    }

    /// Merges two runs; a path found in both gets the sum of both.
    private static func merge(_ a: SortedRun, _ b: SortedRun) -> SortedRun {
        var out = SortedRun(capacity: max(a.count, b.count), touches: max(a.touches.count, b.touches.count))
        a.touches.withUnsafeBufferPointer { touchesA in
            b.touches.withUnsafeBufferPointer { touchesB in
                func pathA(_ i: Int) -> UnsafeBufferPointer<Int32> { a.path(i, in: touchesA) }
                func pathB(_ j: Int) -> UnsafeBufferPointer<Int32> { b.path(j, in: touchesB) }
                var i = 0
                var j = 0
                while i < a.count || j < b.count {
                    let order: Int
                    if i == a.count {
                        order = 1
                    } else if j == b.count {
                        order = -1
                    } else if a.keys[i] != b.keys[j] {
                        order = a.keys[i] < b.keys[j] ? -1 : 1
                    } else {
                        order = compare(pathA(i), pathB(j))
                    }
                    if order <= 0 {
                        out.append(key: a.keys[i], path: pathA(i), a.conversions[i], a.values[i], a.nulls[i], a.terms(i))
                        if order == 0 {
                            out.addToLast(b.conversions[j], b.values[j], b.nulls[j], b.terms(j))
                            j += 1
                        }
                        i += 1
                    } else {
                        out.append(key: b.keys[j], path: pathB(j), b.conversions[j], b.values[j], b.nulls[j], b.terms(j))
                        j += 1
                    }
                }
            }
        }
        return out
    }
}

/// The sorted runs being made concurrently; each piece writes only its own slot.
private final class RunSlots: @unchecked Sendable {
    let runs: UnsafeMutablePointer<PathFileAssembly.SortedRun>
    let count: Int

    init(count: Int) {
        self.count = count
        runs = .allocate(capacity: count)
        runs.initialize(repeating: PathFileAssembly.SortedRun(), count: count)
    }

    func take() -> [PathFileAssembly.SortedRun] {
        let result = Array(UnsafeBufferPointer(start: runs, count: count))
        runs.deinitialize(count: count)
        runs.deallocate()
        return result
    }
}
