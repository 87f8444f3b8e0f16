import Foundation
import PitcrewAnalytics
import Testing

@Suite("Determinism and bootstrap")
struct DeterminismTests {
    /// The small fixture with its rows shuffled and some rows split in two (so merging is exercised too).
    static func shuffledSmall(seed: UInt64) throws -> String {
        var lines = try Fixtures.text("small_paths").split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst()
        var rows: [String] = []
        for line in lines {
            let f = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let nulls = Int(f[3])!
            if nulls >= 2 {
                rows.append("\(f[0]);\(f[1]);\(f[2]);\(nulls / 2)")
                rows.append("\(f[0].replacingOccurrences(of: " > ", with: ">"));0;0.00;\(nulls - nulls / 2)")
            } else {
                rows.append(line)
            }
        }
        var rng = SplitMix64(seed: seed)
        rows.shuffle(using: &rng)
        return ([header] + rows).joined(separator: "\n") + "\n"
    }

    static let allPathModels = AttributionModel.allCases.filter { $0 != .wShaped && $0 != .fullPath && $0 != .timeDecay }

    @Test func shuffledRowsGiveIdenticalResults() throws {
        let original = try Fixtures.journeys("small")
        var options = AttributionOptions()
        options.bootstrap = BootstrapOptions(replicates: 20, seed: 42)
        let expected = try AttributionEngine.run(Self.allPathModels, on: original, options: options)
        for seed in [1, 2] as [UInt64] {
            let shuffled = try PathFileParser.parse(Self.shuffledSmall(seed: seed))
            #expect(shuffled.touches == original.touches)
            let results = try AttributionEngine.run(Self.allPathModels, on: shuffled, options: options)
            #expect(results == expected)
            #expect(AttributionReportWriter.csv(results) == AttributionReportWriter.csv(expected))
        }
        for order in 2...4 {
            options.markovOrder = order
            options.bootstrap = nil
            let a = try AttributionEngine.run([.markov], on: original, options: options)
            let b = try AttributionEngine.run([.markov], on: PathFileParser.parse(Self.shuffledSmall(seed: 3)), options: options)
            #expect(a == b, "order \(order)")
        }
    }

    @Test func bootstrapIsReproducibleAndSeeded() throws {
        let journeys = try Fixtures.journeys("small")
        var options = AttributionOptions()
        options.bootstrap = BootstrapOptions(replicates: 200, seed: 7)
        let models: [AttributionModel] = [.markov, .shapley, .shapleyRate, .shapleyOrdered, .linear]
        let first = try AttributionEngine.run(models, on: journeys, options: options)
        let again = try AttributionEngine.run(models, on: journeys, options: options)
        #expect(first == again)
        options.bootstrap = BootstrapOptions(replicates: 200, seed: 8)
        let other = try AttributionEngine.run(models, on: journeys, options: options)
        #expect(first[0].credits[0].conversionsInterval != other[0].credits[0].conversionsInterval)
        for result in first {
            for credit in result.credits {
                guard result.model.supportsBootstrap else {
                    #expect(credit.conversionsInterval == nil)
                    continue
                }
                #expect(result.bootstrapReplicates == 200)
                let interval = try #require(credit.conversionsInterval)
                #expect(interval.low <= credit.conversions && credit.conversions <= interval.high, "\(result.model) \(credit.channel)")
                #expect(interval.high - interval.low > 0)
                #expect(credit.valueInterval != nil)
                #expect((credit.removalEffectInterval != nil) == (result.model == .markov))
            }
        }
    }

    @Test func poissonSamplerHasTheRightMoments() {
        var rng = SplitMix64(seed: 1)
        for mean in [0.5, 3.0, 25.0, 400.0] {
            var draws: [Double] = []
            for _ in 0..<20_000 { draws.append(rng.poisson(mean: mean)) }
            let average: Double = draws.reduce(0, +) / Double(draws.count)
            var squares = 0.0
            for x in draws { squares += (x - average) * (x - average) }
            let variance = squares / Double(draws.count - 1)
            #expect(abs(average - mean) < 0.05 * mean + 0.02, "mean \(mean)")
            #expect(abs(variance - mean) < 0.1 * mean + 0.05, "variance \(mean)")
        }
    }
}
