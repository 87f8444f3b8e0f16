/// The states and transitions of a Markov chain of order k over distinct paths, independent of the path weights.
///
/// Follows ChannelAttribution's `markov_model`: a state is a window of `order` consecutive touches of the raw path
/// (windows slide by one touch; a path shorter than the order is one shorter window), consecutive identical states are
/// collapsed (for order 1: `A > A > B` is `A > B`), every path starts in `(start)` and ends in `(conversion)` or
/// `(null)`. Visiting a state means visiting every channel in its window.
///
/// The structure is built once; `fit(conversions:nulls:values:)` turns any weights into transition probabilities, so
/// the bootstrap only redoes the cheap part.
struct MarkovChain: Sendable {
    let order: Int
    /// Transient states; 0 is `(start)`.
    let stateCount: Int
    /// Channels of state `s` (distinct): `stateChannels[stateChannelStart[s] ..< stateChannelStart[s + 1]]`.
    let stateChannelStart: [Int]
    let stateChannels: [Int32]
    /// Transitions between transient states, sorted by source state: edges of `s` are `edgeStart[s] ..< edgeStart[s + 1]`.
    let edgeStart: [Int]
    let edgeTo: [Int32]
    /// Per path: its transitions (edge indices, with repeats) and its last state.
    let pathEdgeStart: [Int]
    let pathEdges: [Int32]
    let pathLastState: [Int32]

    init(paths set: JourneySet, order: Int) throws {
        self.order = order
        let channelCount = set.channels.count
        if order > 1 && channelCount >= 65_535 {
            throw AttributionError.unsupportedInput(model: "markov", reason: "orders above 1 support at most 65,534 channels")
        }
        var stateIndex: [UInt64: Int32] = [:]
        var channelStart = [0, 0]  // (start) has no channels
        var channels: [Int32] = []
        var edgeIndex: [UInt64: Int32] = [:]
        var edgeFrom: [Int32] = []
        var edgeTo: [Int32] = []
        var pathEdgeStart = [0]
        var pathEdges: [Int32] = []
        var pathLast: [Int32] = []
        pathEdges.reserveCapacity(set.touches.count)
        pathLast.reserveCapacity(set.rowCount)
        // Order 1 with a modest channel count: a dense (from, to) table is much faster than hashing.
        let denseSide = channelCount + 1
        let useDense = order == 1 && denseSide * denseSide <= 4_000_000
        var denseEdges = useDense ? [Int32](repeating: -1, count: denseSide * denseSide) : []
        if order == 1 {
            for c in 0..<channelCount {
                channels.append(Int32(c))
                channelStart.append(channels.count)
            }
        }

        func state(_ window: ArraySlice<Int32>) -> Int32 {
            if order == 1 { return window.first! + 1 }
            var key: UInt64 = 0
            for (j, id) in window.enumerated() { key |= UInt64(id + 1) << (16 * UInt64(j)) }
            if let s = stateIndex[key] { return s }
            let s = Int32(channelStart.count - 1)
            stateIndex[key] = s
            var members: [Int32] = []
            for id in window where !members.contains(id) { members.append(id) }
            channels.append(contentsOf: members)
            channelStart.append(channels.count)
            return s
        }

        for row in 0..<set.rowCount {
            let path = set.path(row)
            let n = path.count
            var previous: Int32 = 0
            let windows = order == 1 ? n : max(1, n - order + 1)
            for w in 0..<windows {
                let lower = path.startIndex + w
                let s = state(path[lower..<min(lower + order, path.endIndex)])
                if s == previous { continue }
                let e: Int32
                if useDense {
                    let slot = Int(previous) * denseSide + Int(s)
                    if denseEdges[slot] < 0 {
                        denseEdges[slot] = Int32(edgeFrom.count)
                        edgeFrom.append(previous)
                        edgeTo.append(s)
                    }
                    e = denseEdges[slot]
                } else {
                    let key = UInt64(UInt32(previous)) << 32 | UInt64(UInt32(s))
                    if let known = edgeIndex[key] {
                        e = known
                    } else {
                        e = Int32(edgeFrom.count)
                        edgeIndex[key] = e
                        edgeFrom.append(previous)
                        edgeTo.append(s)
                    }
                }
                pathEdges.append(e)
                previous = s
            }
            pathEdgeStart.append(pathEdges.count)
            pathLast.append(previous)
        }

        let stateCount = channelStart.count - 1
        // Sort edges by source so that each state's row of the transition matrix is contiguous.
        let sorted = edgeFrom.indices.sorted { edgeFrom[$0] != edgeFrom[$1] ? edgeFrom[$0] < edgeFrom[$1] : edgeTo[$0] < edgeTo[$1] }
        var newIndex = [Int32](repeating: 0, count: sorted.count)
        for (position, old) in sorted.enumerated() { newIndex[old] = Int32(position) }
        var edgeStart = [Int](repeating: 0, count: stateCount + 1)
        for from in edgeFrom { edgeStart[Int(from) + 1] += 1 }
        for s in 0..<stateCount { edgeStart[s + 1] += edgeStart[s] }

        self.stateCount = stateCount
        self.stateChannelStart = channelStart
        self.stateChannels = channels
        self.edgeStart = edgeStart
        self.edgeTo = sorted.map { edgeTo[$0] }
        self.pathEdgeStart = pathEdgeStart
        self.pathEdges = pathEdges.map { newIndex[Int($0)] }
        self.pathLastState = pathLast
    }

    /// Transition probabilities for given path weights.
    struct Fit {
        /// Probability of each edge (aligned with `edgeTo`).
        var probability: [Double]
        /// Probability of going from each state to `(conversion)`.
        var toConversion: [Double]
        /// `toConversion` times the mean value per conversion of paths ending in that state.
        var toValue: [Double]
    }

    func fit(conversions: [Double], nulls: [Double], values: [Double]) -> Fit {
        var edgeWeight = [Double](repeating: 0, count: edgeTo.count)
        var conversionWeight = [Double](repeating: 0, count: stateCount)
        var nullWeight = [Double](repeating: 0, count: stateCount)
        var valueSum = [Double](repeating: 0, count: stateCount)
        for row in 0..<pathLastState.count {
            let c = conversions[row]
            let w = c + nulls[row]
            if w == 0 && values[row] == 0 { continue }
            for k in pathEdgeStart[row]..<pathEdgeStart[row + 1] { edgeWeight[Int(pathEdges[k])] += w }
            let last = Int(pathLastState[row])
            conversionWeight[last] += c
            nullWeight[last] += nulls[row]
            valueSum[last] += values[row]
        }
        var probability = [Double](repeating: 0, count: edgeTo.count)
        var toConversion = [Double](repeating: 0, count: stateCount)
        var toValue = [Double](repeating: 0, count: stateCount)
        for s in 0..<stateCount {
            var out = conversionWeight[s] + nullWeight[s]
            for e in edgeStart[s]..<edgeStart[s + 1] { out += edgeWeight[e] }
            guard out > 0 else { continue }
            for e in edgeStart[s]..<edgeStart[s + 1] { probability[e] = edgeWeight[e] / out }
            toConversion[s] = conversionWeight[s] / out
            let meanValue = conversionWeight[s] > 0 ? valueSum[s] / conversionWeight[s] : 0
            toValue[s] = toConversion[s] * meanValue
        }
        return Fit(probability: probability, toConversion: toConversion, toValue: toValue)
    }
}
