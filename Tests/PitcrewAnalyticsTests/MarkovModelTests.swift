import Foundation
import PitcrewAnalytics
import Testing

@Suite("Markov model")
struct MarkovModelTests {
    @Test func secondOrderByHand() throws {
        // Order 2: a>b>c gives states (a,b) → (b,c); a>b ends in (a,b); c is shorter than the order: state (c).
        let set = try PathFileParser.parse("path;total_conversions;total_null\na > b > c;1;0\na > b;0;1\nc;1;0\n")
        var options = AttributionOptions()
        options.markovOrder = 2
        for solver in [MarkovSolver.direct, .iterative] {
            options.markovSolver = solver
            let result = try AttributionEngine.run([.markov], on: set, options: options)[0]
            let re = Dictionary(uniqueKeysWithValues: result.credits.map { ($0.channel, $0.removalEffect!) })
            #expect(abs(re["a"]! - 0.5) < 1e-14 && abs(re["b"]! - 0.5) < 1e-14 && abs(re["c"]! - 1) < 1e-14, "\(solver)")
            #expect(abs(result.credit(for: "c")!.conversions - 1) < 1e-14)
            #expect(result.markovOrder == 2)
        }
    }

    @Test("direct and iterative solvers agree", arguments: [1, 2, 3, 4])
    func solversAgree(order: Int) throws {
        let journeys = try Fixtures.journeys("small")
        var options = AttributionOptions()
        options.markovOrder = order
        options.markovSolver = .direct
        let direct = try AttributionEngine.run([.markov], on: journeys, options: options)[0]
        options.markovSolver = .iterative
        let iterative = try AttributionEngine.run([.markov], on: journeys, options: options)[0]
        for (d, i) in zip(direct.credits, iterative.credits) {
            #expect(abs(d.removalEffect! - i.removalEffect!) <= 1e-12, "order \(order) \(d.channel)")
            #expect(abs(d.conversions - i.conversions) <= 1e-10 * d.conversions, "order \(order) \(d.channel)")
            #expect(abs(d.value - i.value) <= 1e-10 * d.value, "order \(order) \(d.channel)")
        }
        #expect(abs(direct.credits.reduce(0) { $0 + $1.conversions } - 243) < 1e-9)
    }

    @Test func ordersTheDataCannotSupportAreErrors() throws {
        let set = try PathFileParser.parse("path;total_conversions\na > b;1\nb;1\n")
        var options = AttributionOptions()
        options.markovOrder = 3
        #expect(AttributionEngine.unsupportedReason(for: .markov, in: set, options: options)?.contains("longest path has 2") == true)
        #expect(
            throws: AttributionError.unsupportedInput(
                model: "markov", reason: "order 3 needs paths of at least 3 touches, but the longest path has 2")
        ) {
            try AttributionEngine.run([.markov], on: set, options: options)
        }
        options.markovOrder = 5
        #expect(throws: AttributionError.self) { try AttributionEngine.run([.markov], on: set, options: options) }
        options.markovOrder = 0
        #expect(throws: AttributionError.self) { try AttributionEngine.run([.markov], on: set, options: options) }
    }

    @Test func repeatsCollapseAtOrderOne() throws {
        let repeated = try PathFileParser.parse("path;total_conversions;total_null\na > a > b;1;1\nb > b;1;0\n")
        let collapsed = try PathFileParser.parse("path;total_conversions;total_null\na > b;1;1\nb;1;0\n")
        let r1 = try AttributionEngine.run([.markov], on: repeated)[0]
        let r2 = try AttributionEngine.run([.markov], on: collapsed)[0]
        #expect(r1.credits.map(\.removalEffect) == r2.credits.map(\.removalEffect))
    }
}
