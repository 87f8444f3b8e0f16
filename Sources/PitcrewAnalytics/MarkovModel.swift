/// Markov-chain attribution with ChannelAttribution's semantics, solved exactly.
///
/// Removal effect RE_k = P(the chain visits k | it converts) = 1 − P(conv | k removed) / P(conv). Attributed conversions
/// are RE_k / Σ RE × total conversions; the value version weights conversions by the mean value per conversion of the
/// last state before converting. Unlike ChannelAttribution there is no simulation and no `max_step` truncation, so
/// results are deterministic and do not depend on the order of the rows.
struct MarkovModel: Sendable {
    let chain: MarkovChain
    let channelCount: Int
    let solver: MarkovSolver

    /// `paths` must be aggregated by path (`JourneySet.aggregatedByPath()`).
    init(paths: JourneySet, order: Int, solver: MarkovSolver) throws {
        let longest = paths.longestPath
        guard order <= longest else {
            throw AttributionError.unsupportedInput(
                model: AttributionModel.markov.rawValue,
                reason: "order \(order) needs paths of at least \(order) touches, but the longest path has \(longest)")
        }
        chain = try MarkovChain(paths: paths, order: order)
        channelCount = paths.channels.count
        self.solver = solver
    }

    struct Result {
        var conversions: [Double]
        var values: [Double]
        var removalEffect: [Double]
        var removalEffectValue: [Double]
    }

    /// Attribution for the given path weights (the observed ones, or a bootstrap resample).
    func attribute(conversions: [Double], nulls: [Double], values: [Double]) throws -> Result {
        let totalConversions = conversions.reduce(0, +)
        let totalValue = values.reduce(0, +)
        guard totalConversions > 0 else { throw AttributionError.noConversions }
        let fit = chain.fit(conversions: conversions, nulls: nulls, values: values)
        let solution = try AbsorbingChainSolver.solve(chain, fit, channelCount: channelCount, solver: solver)
        let p = solution.conversionProbability
        let e = solution.expectedValue
        let re = solution.conversionThrough.map { p > 0 ? $0 / p : 0 }
        let reValue = solution.valueThrough.map { e > 0 ? $0 / e : 0 }
        let sum = re.reduce(0, +)
        let sumValue = reValue.reduce(0, +)
        return Result(
            conversions: re.map { sum > 0 ? $0 / sum * totalConversions : 0 },
            values: reValue.map { sumValue > 0 ? $0 / sumValue * totalValue : 0 },
            removalEffect: re, removalEffectValue: reValue)
    }
}
