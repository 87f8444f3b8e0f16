import Foundation

/// The rule-based (heuristic) models: each journey's credit is split over its touches by fixed weights.
///
/// Shared rule for the milestone models (`position_based`, `w_shaped`, `full_path`): each milestone touch gets its
/// share (a touch that is several milestones gets their sum), the remaining share is spread evenly over the other
/// touches, and the weights are then scaled to sum to 1. So when there are no other touches their share goes to the
/// milestones in proportion (2 touches under U-shaped → 50/50; 1 touch → 100 %), and a milestone a journey lacks
/// (no lead-creation marker) is left out and its share goes to the rest in proportion.
enum RuleBasedModels {
    static func attribute(_ model: AttributionModel, _ set: JourneySet, _ options: AttributionOptions) throws -> (
        conversions: [Double], values: [Double]
    ) {
        let channelCount = set.channels.count
        // Exact sums keep whole-credit models (first/last touch) free of rounding noise and independent of row order.
        var conversions = [ExactSum](repeating: ExactSum(), count: channelCount)
        var values = [ExactSum](repeating: ExactSum(), count: channelCount)
        var weights: [Double] = []
        var seen = [Int](repeating: -1, count: channelCount)
        let direct = directMask(set, options)
        let ages = set.touchAgeDays

        for row in 0..<set.rowCount {
            let start = set.pathStart[row]
            let n = set.pathStart[row + 1] - start
            let c = set.conversions[row]
            let v = set.values[row]
            if n == 0 || (c == 0 && v == 0) { continue }
            weights.removeAll(keepingCapacity: true)
            weights.append(contentsOf: repeatElement(0, count: n))
            switch model {
            case .firstTouch:
                weights[0] = 1
            case .lastTouch:
                weights[n - 1] = 1
            case .lastNonDirect:
                var pick = n - 1
                while pick >= 0 && direct[Int(set.touches[start + pick])] { pick -= 1 }
                weights[pick >= 0 ? pick : n - 1] = 1
            case .linear:
                for i in 0..<n { weights[i] = 1 / Double(n) }
            case .linearUnique:
                var distinct = 0
                for i in 0..<n {
                    let channel = Int(set.touches[start + i])
                    if seen[channel] != row {
                        seen[channel] = row
                        weights[i] = 1
                        distinct += 1
                    }
                }
                for i in 0..<n where weights[i] > 0 { weights[i] = 1 / Double(distinct) }
            case .positionBased:
                let s = options.positionBased
                milestoneWeights(&weights, milestones: [(0, s.first), (n - 1, s.last)], rest: s.middle)
            case .wShaped:
                let (lead, opportunity) = milestones(set, row)
                milestoneWeights(&weights, milestones: [(0, 0.3), (lead, 0.3), (opportunity, 0.3)], rest: 0.1)
            case .fullPath:
                let (lead, opportunity) = milestones(set, row)
                milestoneWeights(&weights, milestones: [(0, 0.225), (lead, 0.225), (opportunity, 0.225), (n - 1, 0.225)], rest: 0.1)
            case .custom:
                let w = options.custom
                for i in 0..<n { weights[i] = i == 0 ? w.first : (i == n - 1 ? w.last : w.middle) }
                normalize(&weights)
            case .timeDecay:
                let lambda = 1 / options.halfLifeDays
                for i in 0..<n {
                    var age = ages?[start + i] ?? .nan
                    if age.isNaN {
                        guard options.timeDecayFallback == .positionAsDays else {
                            throw AttributionError.unsupportedInput(model: model.rawValue, reason: "a journey has touches without timestamps")
                        }
                        age = Double(n - 1 - i)
                    }
                    weights[i] = exp2(-age * lambda)
                }
                normalize(&weights)
            case .markov, .shapley, .shapleyRate, .shapleyOrdered:
                preconditionFailure("\(model) is not a rule-based model")
            }
            for i in 0..<n where weights[i] != 0 {
                let channel = Int(set.touches[start + i])
                conversions[channel].add(c * weights[i])
                values[channel].add(v * weights[i])
            }
        }
        return (conversions.map(\.total), values.map(\.total))
    }

    /// Why `model` cannot run on `set`, or nil when it can.
    static func unsupportedReason(_ model: AttributionModel, _ set: JourneySet, _ options: AttributionOptions) -> String? {
        switch model {
        case .timeDecay where options.timeDecayFallback == .reject && !set.hasTimestamps:
            return "needs touch timestamps, which this input does not have (path files never do)"
        case .wShaped where !set.hasMilestones, .fullPath where !set.hasMilestones:
            return "needs lead- and opportunity-creation touches, which this input does not mark (path files never do)"
        default:
            return nil
        }
    }

    private static func milestones(_ set: JourneySet, _ row: Int) -> (Int, Int) {
        (Int(set.leadTouch?[row] ?? -1), Int(set.opportunityTouch?[row] ?? -1))
    }

    private static func directMask(_ set: JourneySet, _ options: AttributionOptions) -> [Bool] {
        let names = Set(options.directChannelNames.map { $0.lowercased() })
        return set.channels.map { names.contains($0.lowercased()) }
    }

    /// Milestone shares plus `rest` spread over the non-milestone touches, scaled to sum to 1 (see the type comment).
    private static func milestoneWeights(_ weights: inout [Double], milestones: [(index: Int, share: Double)], rest: Double) {
        let n = weights.count
        var isMilestone = [Bool](repeating: false, count: n)
        for (index, share) in milestones where index >= 0 && index < n {
            weights[index] += share
            isMilestone[index] = true
        }
        let others = isMilestone.lazy.filter { !$0 }.count
        if others > 0 {
            for i in 0..<n where !isMilestone[i] { weights[i] = rest / Double(others) }
        }
        normalize(&weights)
    }

    /// Scales to sum 1; all-zero weights (e.g. custom 0/1/0 on a two-touch journey) become an equal split.
    private static func normalize(_ weights: inout [Double]) {
        let total = weights.reduce(0, +)
        if total > 0 {
            for i in weights.indices { weights[i] /= total }
        } else {
            for i in weights.indices { weights[i] = 1 / Double(weights.count) }
        }
    }
}
