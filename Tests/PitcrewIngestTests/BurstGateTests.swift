@testable import PitcrewIngest
import Testing

/// The processor's policy for bursts of collection (see `BurstGate`), driven with a synthetic clock.
@Suite struct BurstGateTests {
    let start = ContinuousClock.now

    /// `shouldWait`, callable inside `#expect`.
    func wait(_ gate: inout BurstGate, arrivals: Int, now: ContinuousClock.Instant) -> Bool { gate.shouldWait(arrivals: arrivals, now: now) }

    func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(Int64(seconds * 1_000))) }

    @Test func steadyTrafficBelowTheBurstRateNeverWaits() {
        var gate = BurstGate(burstRate: 2_000)
        var arrivals = 0
        for tick in 0..<120 {
            arrivals += 450  // 1,800 messages a second, in quarter-second steps
            #expect(!wait(&gate, arrivals: arrivals, now: at(Double(tick) * 0.25)))
        }
    }

    @Test func oneLargeBatchIsNotABurst() {
        var gate = BurstGate(burstRate: 2_000)
        #expect(!wait(&gate, arrivals: 0, now: at(0)))
        // 1,500 messages land at once; measured over the one-second window that is 1,500 a second.
        #expect(!wait(&gate, arrivals: 1_500, now: at(0.1)))
        #expect(!wait(&gate, arrivals: 1_500, now: at(1.0)))
    }

    @Test func aBurstIsWaitedOutForAtMostTheLongestWaitThenProcessedUntilTheLogIsEmpty() {
        var gate = BurstGate(burstRate: 2_000, window: .seconds(1), longest: .seconds(30))
        var arrivals = 0
        var waited: [Double] = []
        var time = 0.0
        while time < 40 {
            arrivals += 2_500  // 10,000 messages a second
            if gate.shouldWait(arrivals: arrivals, now: at(time)) { waited.append(time) }
            time += 0.25
        }
        // Waiting starts once a full window has been measured and stops 30 seconds later, though the burst goes on.
        #expect(waited.first == 1.0)
        #expect(waited.last == 30.75)
        #expect(waited.count == 120)
        // Past the longest wait it keeps processing while the burst lasts…
        #expect(!wait(&gate, arrivals: arrivals + 2_500, now: at(40)))
        // …and once the log is empty, the next burst is waited out again.
        gate.drained()
        #expect(wait(&gate, arrivals: arrivals + 15_000, now: at(41)))
    }

    @Test func theBurstEndingLetsProcessingRunAtTheNextMeasurement() {
        var gate = BurstGate(burstRate: 2_000)
        #expect(!wait(&gate, arrivals: 0, now: at(0)))
        #expect(wait(&gate, arrivals: 20_000, now: at(1)))
        #expect(wait(&gate, arrivals: 20_000, now: at(1.5)))  // not a full window yet: still the burst's verdict
        #expect(!wait(&gate, arrivals: 20_100, now: at(2)))
    }
}
