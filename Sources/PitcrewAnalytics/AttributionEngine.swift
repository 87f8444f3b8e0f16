import Foundation
import Synchronization

/// Runs attribution models over a `JourneySet`. Pure: values in, values out, no I/O.
///
/// ```swift
/// let journeys = try PathFileParser.parse(contentsOf: url)
/// let results = try AttributionEngine.run([.markov, .shapley], on: journeys)
/// ```
public enum AttributionEngine {
    /// Runs `models` in the given order. Throws `AttributionError` for invalid options, inputs without conversions,
    /// or a model the input cannot support (see `unsupportedReason(for:in:options:)` to skip those instead).
    public static func run(
        _ models: [AttributionModel], on journeys: JourneySet, options: AttributionOptions = AttributionOptions()
    ) throws -> [ModelAttribution] {
        try options.validate()
        guard journeys.totalConversions > 0 else { throw AttributionError.noConversions }
        for model in models {
            if let reason = unsupportedReason(for: model, in: journeys, options: options) {
                throw AttributionError.unsupportedInput(model: model.rawValue, reason: reason)
            }
        }
        let needsPaths = models.contains { $0 == .markov || $0 == .shapley || $0 == .shapleyRate || $0 == .shapleyOrdered }
        let paths = needsPaths ? journeys.aggregatedByPath() : journeys
        let markov = models.contains(.markov) ? try MarkovModel(paths: paths, order: options.markovOrder, solver: options.markovSolver) : nil
        let shapley = models.contains(where: \.isShapley) ? ShapleyModels(paths: paths, positions: options.orderedShapleyPositions) : nil

        // Models are independent: they run at once, on every core, and come back in the order asked for.
        let outcomes = Mutex([Result<ModelAttribution, any Error>?](repeating: nil, count: models.count))
        DispatchQueue.concurrentPerform(iterations: models.count) { index in
            let model = models[index]
            let outcome = Result { () throws -> ModelAttribution in
                let credits: [ChannelCredit]
                switch model {
                case .markov:
                    credits = try markovCredits(markov!, paths)
                case .shapley, .shapleyRate, .shapleyOrdered:
                    credits = try shapleyCredits(model, shapley!, paths)
                default:
                    let (conversions, values) = try RuleBasedModels.attribute(model, journeys, options)
                    credits = journeys.channels.indices.map {
                        ChannelCredit(channel: journeys.channels[$0], model: model, conversions: conversions[$0], value: values[$0])
                    }
                }
                var result = ModelAttribution(model: model, credits: credits)
                if model == .markov { result.markovOrder = options.markovOrder }
                return result
            }
            outcomes.withLock { $0[index] = outcome }
        }
        var results = try outcomes.withLock { try $0.map { try $0!.get() } }
        if let bootstrap = options.bootstrap, models.contains(where: \.supportsBootstrap) {
            try addIntervals(&results, bootstrap, paths, markov, shapley)
        }
        return results
    }

    /// Why `model` cannot run on `journeys` (missing timestamps or milestones, a Markov order longer than every path),
    /// or nil when it can. `all` on the command line skips such models and says why.
    public static func unsupportedReason(
        for model: AttributionModel, in journeys: JourneySet, options: AttributionOptions = AttributionOptions()
    ) -> String? {
        if model == .markov {
            let longest = journeys.longestPath
            if options.markovOrder > longest {
                return "order \(options.markovOrder) needs paths of at least \(options.markovOrder) touches, but the longest path has \(longest)"
            }
            return nil
        }
        return RuleBasedModels.unsupportedReason(model, journeys, options)
    }

    private static func markovCredits(_ markov: MarkovModel, _ paths: JourneySet) throws -> [ChannelCredit] {
        let r = try markov.attribute(conversions: paths.conversions, nulls: paths.nulls, values: paths.values)
        return paths.channels.indices.map { k in
            var credit = ChannelCredit(channel: paths.channels[k], model: .markov, conversions: r.conversions[k], value: r.values[k])
            credit.removalEffect = r.removalEffect[k]
            credit.removalEffectValue = r.removalEffectValue[k]
            return credit
        }
    }

    private static func shapleyCredits(_ model: AttributionModel, _ shapley: ShapleyModels, _ paths: JourneySet) throws -> [ChannelCredit] {
        let r = shapleyResult(model, shapley, conversions: paths.conversions, nulls: paths.nulls, values: paths.values)
        return paths.channels.indices.map { k in
            var credit = ChannelCredit(channel: paths.channels[k], model: model, conversions: r.conversions[k], value: r.values[k])
            credit.rawScore = r.rawScores?[k]
            credit.positionConversions = r.positionConversions?[k]
            return credit
        }
    }

    private static func shapleyResult(
        _ model: AttributionModel, _ shapley: ShapleyModels, conversions: [Double], nulls: [Double], values: [Double]
    ) -> ShapleyModels.Result {
        switch model {
        case .shapleyRate: return shapley.rateGame(conversions: conversions, nulls: nulls, values: values)
        case .shapleyOrdered: return shapley.orderedGame(conversions: conversions, values: values)
        default: return shapley.conversionsGame(conversions: conversions, values: values)
        }
    }

    /// Resamples the paths `replicates` times and attaches percentile intervals to the bootstrap-capable models.
    private static func addIntervals(
        _ results: inout [ModelAttribution], _ options: BootstrapOptions, _ paths: JourneySet, _ markov: MarkovModel?,
        _ shapley: ShapleyModels?
    ) throws {
        let resampler = PoissonResampler(paths: paths, seed: options.seed)
        let targets = results.indices.filter { results[$0].model.supportsBootstrap }
        let channels = paths.channels.count
        // samples[target][kind][channel] with kind 0 = conversions, 1 = value, 2 = removal effect.
        var samples = [[[[Double]]]](
            repeating: [[Double]](repeating: [], count: channels).repeated(3), count: targets.count)
        var used = 0
        for replicate in 0..<options.replicates {
            let (c, n, v) = resampler.resample(replicate: replicate, conversions: paths.conversions, nulls: paths.nulls, values: paths.values)
            // A resample without conversions has no attribution; it is left out (and counted in bootstrapReplicates).
            guard c.contains(where: { $0 > 0 }) else { continue }
            used += 1
            for (t, index) in targets.enumerated() {
                let model = results[index].model
                if model == .markov, let markov {
                    let r = try markov.attribute(conversions: c, nulls: n, values: v)
                    for k in 0..<channels {
                        samples[t][0][k].append(r.conversions[k])
                        samples[t][1][k].append(r.values[k])
                        samples[t][2][k].append(r.removalEffect[k])
                    }
                } else if let shapley {
                    let r = shapleyResult(model, shapley, conversions: c, nulls: n, values: v)
                    for k in 0..<channels {
                        samples[t][0][k].append(r.conversions[k])
                        samples[t][1][k].append(r.values[k])
                    }
                }
            }
        }
        for (t, index) in targets.enumerated() {
            results[index].bootstrapReplicates = used
            for k in 0..<channels {
                results[index].credits[k].conversionsInterval = percentileInterval(samples[t][0][k], level: options.level)
                results[index].credits[k].valueInterval = percentileInterval(samples[t][1][k], level: options.level)
                results[index].credits[k].removalEffectInterval = percentileInterval(samples[t][2][k], level: options.level)
            }
        }
    }
}

extension AttributionModel {
    var isShapley: Bool { self == .shapley || self == .shapleyRate || self == .shapleyOrdered }
}

extension Array {
    fileprivate func repeated(_ count: Int) -> [[Element]] { [[Element]](repeating: self, count: count) }
}
