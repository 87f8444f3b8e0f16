import Foundation
import PitcrewAnalytics
import Testing

@Suite("Rule-based models")
struct RuleBasedModelTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let day: TimeInterval = 86_400

    private func credits(_ model: AttributionModel, _ set: JourneySet, _ options: AttributionOptions = .init()) throws -> [String: Double] {
        let result = try AttributionEngine.run([model], on: set, options: options)[0]
        return Dictionary(uniqueKeysWithValues: result.credits.map { ($0.channel, $0.conversions) })
    }

    private func set(_ paths: [[String]]) throws -> JourneySet {
        var builder = JourneySetBuilder()
        for path in paths { try builder.add(channels: path, outcome: .converted(value: 100)) }
        return try builder.build()
    }

    @Test func lastNonDirectSkipsDirectUnlessAllDirect() throws {
        let c = try credits(.lastNonDirect, set([["email", "Direct"], ["(direct)", "DIRECT"], ["search", "(Direct)", "direct"]]))
        #expect(c["email"] == 1)
        #expect(c["search"] == 1)
        #expect(c["DIRECT"] == 1)
        #expect(c["Direct"] == 0)
    }

    @Test func positionBasedHandlesShortPathsAndCustomShares() throws {
        var options = AttributionOptions()
        #expect(try credits(.positionBased, set([["a"]]))["a"] == 1)
        let two = try credits(.positionBased, set([["a", "b"]]))
        #expect(two["a"] == 0.5 && two["b"] == 0.5)
        options.positionBased = PositionShares(first: 0.3, middle: 0.4, last: 0.3)
        let four = try credits(.positionBased, set([["a", "b", "c", "d"]]), options)
        #expect(abs(four["b"]! - 0.2) < 1e-12 && abs(four["a"]! - 0.3) < 1e-12)
        options.positionBased = PositionShares(first: 0.5, middle: 0.2, last: 0.4)
        #expect(throws: AttributionError.self) { try credits(.positionBased, set([["a"]]), options) }
    }

    @Test func customWeightsAreRelativePerTouch() throws {
        var options = AttributionOptions()
        options.custom = PositionShares(first: 2, middle: 1, last: 3)
        let c = try credits(.custom, set([["a", "b", "b", "c"]]), options)
        #expect(abs(c["a"]! - 2.0 / 7) < 1e-12)
        #expect(abs(c["b"]! - 2.0 / 7) < 1e-12)
        #expect(abs(c["c"]! - 3.0 / 7) < 1e-12)
    }

    @Test func timeDecayHalvesPerHalfLife() throws {
        var builder = JourneySetBuilder()
        let touches = [
            Touch(channel: "old", timestamp: Self.t0), Touch(channel: "new", timestamp: Self.t0 + 7 * Self.day),
        ]
        try builder.add(Journey(touches: touches, outcome: .converted(value: 30), conversionTime: Self.t0 + 7 * Self.day))
        let set = try builder.build()
        #expect(set.hasTimestamps)
        let c = try credits(.timeDecay, set)
        #expect(abs(c["new"]! - 2.0 / 3) < 1e-12)
        #expect(abs(c["old"]! - 1.0 / 3) < 1e-12)
    }

    @Test func timeDecayWithoutTimestampsErrorsOrUsesPositions() throws {
        let paths = try set([["a", "b", "c"]])
        #expect(AttributionEngine.unsupportedReason(for: .timeDecay, in: paths) != nil)
        #expect(throws: AttributionError.self) { try credits(.timeDecay, paths) }
        var options = AttributionOptions()
        options.timeDecayFallback = .positionAsDays
        options.halfLifeDays = 1
        let c = try credits(.timeDecay, paths, options)
        #expect(abs(c["c"]! - 4.0 / 7) < 1e-12)
        #expect(abs(c["a"]! - 1.0 / 7) < 1e-12)
    }

    @Test func wShapedAndFullPathUseMilestones() throws {
        var builder = JourneySetBuilder()
        let touches = [
            Touch(channel: "ad"), Touch(channel: "blog"), Touch(channel: "webinar", isLeadCreation: true),
            Touch(channel: "email"), Touch(channel: "demo", isOpportunityCreation: true), Touch(channel: "call"),
        ]
        try builder.add(Journey(touches: touches, outcome: .converted(value: 1000)))
        let set = try builder.build()
        let w = try credits(.wShaped, set)
        for (channel, share) in [("ad", 0.3), ("webinar", 0.3), ("demo", 0.3), ("blog", 0.1 / 3), ("email", 0.1 / 3), ("call", 0.1 / 3)] {
            #expect(abs(w[channel]! - share) < 1e-12, "\(channel)")
        }
        let z = try credits(.fullPath, set)
        for (channel, share) in [("ad", 0.225), ("webinar", 0.225), ("demo", 0.225), ("call", 0.225), ("blog", 0.05), ("email", 0.05)] {
            #expect(abs(z[channel]! - share) < 1e-12, "\(channel)")
        }
        // Without any marker the input cannot support them.
        let plain = try self.set([["a", "b"]])
        #expect(AttributionEngine.unsupportedReason(for: .wShaped, in: plain) != nil)
        #expect(throws: AttributionError.self) { try credits(.fullPath, plain) }
    }

    @Test func everyModelConservesConversions() throws {
        let journeys = try Fixtures.journeys("small")
        var options = AttributionOptions()
        options.timeDecayFallback = .positionAsDays
        let models = AttributionModel.allCases.filter { $0 != .wShaped && $0 != .fullPath }
        for result in try AttributionEngine.run(models, on: journeys, options: options) {
            let total = result.credits.reduce(0) { $0 + $1.conversions }
            #expect(abs(total - 243) < 1e-9, "\(result.model)")
            let value = result.credits.reduce(0) { $0 + $1.value }
            #expect(abs(value - journeys.totalValue) < 1e-6, "\(result.model)")
        }
    }

    @Test func unknownModelNamesAreRejected() {
        #expect(throws: AttributionError.unknownModel(name: "u_shaped")) { try AttributionModel.parseList("linear,u_shaped") }
        let all = try? AttributionModel.parseList("all")
        #expect(all?.count == AttributionModel.allCases.count)
        let some = try? AttributionModel.parseList("Markov, first-touch")
        #expect(some == [.markov, .firstTouch])
    }

    @Test func inputsWithoutConversionsAreAnError() throws {
        var builder = JourneySetBuilder()
        try builder.add(channels: ["a"], outcome: .notConverted)
        #expect(throws: AttributionError.noConversions) { try AttributionEngine.run([.linear], on: builder.build()) }
    }
}
