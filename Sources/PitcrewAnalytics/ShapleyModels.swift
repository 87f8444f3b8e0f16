/// Shapley attribution over channel sets (Zhao, Mahboobi, Bagheri 2018, arXiv:1804.05327).
///
/// The games are sums of unanimity games: v(S) = Σ_{T ⊆ S} R(T), where R(T) is the conversions (`shapley`) or the
/// conversion rate (`shapley_rate`) of the journeys whose set of channels is exactly T. The Shapley value of such a
/// game is exactly φ_j = Σ_{T ∋ j} R(T) / |T| (each dividend split equally among its members), so the engine computes
/// it in one pass over distinct sets, for any number of channels. `ExactShapley` computes the textbook formula over all
/// 2ⁿ coalitions; the tests check that both agree.
struct ShapleyModels: Sendable {
    let channelCount: Int
    let positions: Int
    /// Per path: index of its channel set.
    private let pathSet: [Int32]
    /// Per set: its channels.
    private let setStart: [Int]
    private let setChannels: [Int32]
    /// Per path: distinct channels in order of first appearance.
    private let firstStart: [Int]
    private let firstChannels: [Int32]

    /// `paths` must be aggregated by path.
    init(paths: JourneySet, positions: Int) {
        channelCount = paths.channels.count
        self.positions = positions
        var setIndex: [[Int32]: Int32] = [:]
        var setStart = [0]
        var setChannels: [Int32] = []
        var pathSet: [Int32] = []
        var firstStart = [0]
        var firstChannels: [Int32] = []
        var seen = [Int](repeating: -1, count: channelCount)
        var members: [Int32] = []
        for row in 0..<paths.rowCount {
            members.removeAll(keepingCapacity: true)
            for id in paths.path(row) where seen[Int(id)] != row {
                seen[Int(id)] = row
                members.append(id)
            }
            firstChannels.append(contentsOf: members)
            firstStart.append(firstChannels.count)
            members.sort()
            if let known = setIndex[members] {
                pathSet.append(known)
            } else {
                let index = Int32(setStart.count - 1)
                setIndex[members] = index
                setChannels.append(contentsOf: members)
                setStart.append(setChannels.count)
                pathSet.append(index)
            }
        }
        self.pathSet = pathSet
        self.setStart = setStart
        self.setChannels = setChannels
        self.firstStart = firstStart
        self.firstChannels = firstChannels
    }

    struct Result {
        var conversions: [Double]
        var values: [Double]
        /// `shapley_rate` only: the Shapley values of the rate game before scaling.
        var rawScores: [Double]?
        /// `shapley_ordered` only: conversions per first-appearance position.
        var positionConversions: [[Double]]?
    }

    /// `shapley`: R(T) = conversions (and value) of the journeys with channel set T.
    func conversionsGame(conversions: [Double], values: [Double]) -> Result {
        var byConversions = [Double](repeating: 0, count: setStart.count - 1)
        var byValue = byConversions
        for row in 0..<pathSet.count {
            byConversions[Int(pathSet[row])] += conversions[row]
            byValue[Int(pathSet[row])] += values[row]
        }
        return Result(conversions: split(byConversions), values: split(byValue))
    }

    /// `shapley_rate`: R(T) = conversion rate of the journeys with channel set T; the Shapley values are then scaled to
    /// total conversions (and, for the value column, to total value).
    func rateGame(conversions: [Double], nulls: [Double], values: [Double]) -> Result {
        var converted = [Double](repeating: 0, count: setStart.count - 1)
        var journeys = converted
        for row in 0..<pathSet.count {
            converted[Int(pathSet[row])] += conversions[row]
            journeys[Int(pathSet[row])] += conversions[row] + nulls[row]
        }
        let rate = zip(converted, journeys).map { $1 > 0 ? $0 / $1 : 0 }
        let phi = split(rate)
        let sum = phi.reduce(0, +)
        let totalConversions = conversions.reduce(0, +)
        let totalValue = values.reduce(0, +)
        return Result(
            conversions: phi.map { sum > 0 ? $0 / sum * totalConversions : 0 },
            values: phi.map { sum > 0 ? $0 / sum * totalValue : 0 }, rawScores: phi)
    }

    /// `shapley_ordered`: each journey's Shapley share 1/|T| is booked at the position where the channel first appears.
    func orderedGame(conversions: [Double], values: [Double]) -> Result {
        var slots = [[Double]](repeating: [Double](repeating: 0, count: positions), count: channelCount)
        var credit = [Double](repeating: 0, count: channelCount)
        var value = credit
        for row in 0..<pathSet.count {
            let range = firstStart[row]..<firstStart[row + 1]
            let share = 1 / Double(range.count)
            for (position, m) in range.enumerated() {
                let channel = Int(firstChannels[m])
                slots[channel][min(position, positions - 1)] += conversions[row] * share
                value[channel] += values[row] * share
            }
        }
        for channel in 0..<channelCount { credit[channel] = slots[channel].reduce(0, +) }
        return Result(conversions: credit, values: value, positionConversions: slots)
    }

    /// φ_j = Σ_{T ∋ j} R(T) / |T|.
    private func split(_ dividend: [Double]) -> [Double] {
        var phi = [Double](repeating: 0, count: channelCount)
        for set in 0..<dividend.count where dividend[set] != 0 {
            let range = setStart[set]..<setStart[set + 1]
            let share = dividend[set] / Double(range.count)
            for m in range { phi[Int(setChannels[m])] += share }
        }
        return phi
    }
}

/// The textbook Shapley value over all coalitions, for games of up to 24 players.
public enum ExactShapley {
    /// Shapley values of the game `v` given on all 2ⁿ coalitions (bit i of the index = player i in the coalition).
    ///
    /// φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)), in O(n · 2ⁿ).
    public static func values(of v: [Double], players n: Int) throws -> [Double] {
        guard n >= 0 && n <= 24 else { throw AttributionError.invalidOption(reason: "exact Shapley supports at most 24 players, got \(n)") }
        guard v.count == 1 << n else { throw AttributionError.invalidOption(reason: "the game needs 2^\(n) coalition values") }
        var weight = [Double](repeating: 0, count: max(n, 1))
        for size in 0..<n {
            // |S|! (n-|S|-1)! / n! = 1 / (n · C(n-1, |S|))
            var binomial = 1.0
            for j in 0..<size { binomial = binomial * Double(n - 1 - j) / Double(j + 1) }
            weight[size] = 1 / (Double(n) * binomial)
        }
        var phi = [Double](repeating: 0, count: n)
        for coalition in 0..<(1 << n) {
            let size = coalition.nonzeroBitCount
            for i in 0..<n where coalition & (1 << i) == 0 {
                phi[i] += weight[size] * (v[coalition | (1 << i)] - v[coalition])
            }
        }
        return phi
    }

    /// The zeta (subset-sum) transform: v(S) = Σ_{T ⊆ S} r(T), in O(n · 2ⁿ).
    public static func subsetSums(_ r: [Double], players n: Int) -> [Double] {
        var v = r
        for i in 0..<n {
            let bit = 1 << i
            for coalition in 0..<v.count where coalition & bit != 0 { v[coalition] += v[coalition ^ bit] }
        }
        return v
    }
}
