import Foundation
import PitcrewCore
@testable import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// The processor's policy for bursts of collection (see `BurstGate`): the policy on a synthetic clock, and the running
/// processor obeying it.
@Suite struct BurstGateTests {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(Int64(seconds * 1_000))) }

    /// `shouldWait`, callable inside `#expect`.
    func wait(_ gate: inout BurstGate, arrivals: Int, waiting: Int = 0, now: ContinuousClock.Instant) -> Bool {
        gate.shouldWait(arrivals: arrivals, waiting: waiting, now: now)
    }

    @Test func steadyTrafficBelowTheBurstRateNeverWaits() {
        var gate = BurstGate(burstRate: 2_000)
        var arrivals = 0
        for tick in 0..<120 {
            arrivals += 450  // 1,800 messages a second, in quarter-second steps
            #expect(!wait(&gate, arrivals: arrivals, now: at(Double(tick) * 0.25)))
        }
    }

    @Test func oneBatchSmallerThanTheBurstRateIsNotABurst() {
        var gate = BurstGate(burstRate: 2_000)
        #expect(!wait(&gate, arrivals: 0, now: at(0)))
        // 1,500 messages land at once; measured over the one-second window that is 1,500 a second.
        #expect(!wait(&gate, arrivals: 1_500, now: at(0.1)))
        #expect(!wait(&gate, arrivals: 1_500, now: at(1.0)))
    }

    @Test func aBurstIsWaitedOutOnceForAtMostTheLongestWait() {
        var gate = BurstGate(burstRate: 2_000, window: .seconds(1), longest: .seconds(30))
        var arrivals = 0
        var waited: [Double] = []
        var time = 0.0
        while time < 120 {
            arrivals += 2_500  // 10,000 messages a second, for two minutes
            if wait(&gate, arrivals: arrivals, waiting: 1_000, now: at(time)) { waited.append(time) }
            time += 0.25
        }
        // Waiting starts once a full window has been measured and stops 30 seconds later; though the burst goes on (and
        // the log empties now and then as processing keeps up), it is not waited out a second time.
        #expect(waited.first == 1.0)
        #expect(waited.last == 30.75)
        #expect(waited.count == 120)
        // The window ending at 121 s still holds the burst's last messages; the one ending at 122 s is quiet, so the burst
        // is over, and the next one may be waited out again.
        #expect(!wait(&gate, arrivals: arrivals, now: at(121)))
        #expect(!wait(&gate, arrivals: arrivals, now: at(122)))
        #expect(wait(&gate, arrivals: arrivals + 15_000, now: at(123)))
    }

    @Test func aLongBacklogStopsTheWait() {
        var gate = BurstGate(burstRate: 2_000, waitingLimit: 1_000_000)
        #expect(!wait(&gate, arrivals: 0, now: at(0)))
        #expect(wait(&gate, arrivals: 100_000, waiting: 100_000, now: at(1)))
        #expect(!wait(&gate, arrivals: 1_100_000, waiting: 1_000_000, now: at(2)))
    }

    @Test func theBurstEndingLetsProcessingRunAtTheNextMeasurement() {
        var gate = BurstGate(burstRate: 2_000)
        #expect(!wait(&gate, arrivals: 0, now: at(0)))
        #expect(wait(&gate, arrivals: 20_000, now: at(1)))
        #expect(wait(&gate, arrivals: 20_000, now: at(1.5)))  // not a full window yet: still the burst's verdict
        #expect(!wait(&gate, arrivals: 20_100, now: at(2)))
    }

    /// The server's processor loop: during a burst the log fills; after it, the log is processed.
    @Test func theRunningProcessorWaitsOutABurstThenCatchesUp() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let access = AccessService.forTests(database)
            let acme = try await SeededWorkspace.make(access, slug: "acme")
            // A burst here: one message a second or more, over a window of three seconds (a sender stalled for a second by a
            // slow shared disk still makes one); waited out for at most twenty seconds.
            let collection = CollectionService(
                database: database, sources: SourceService(database: database), backlogLimit: 2_000_000,
                burstGate: BurstGate(burstRate: 1, window: .seconds(3), longest: .seconds(20)))
            let (_, key) = try await collection.sources.create(acme.scope, name: "Website")
            collection.processor.start()
            let running = Task { try await collection.processor.run() }
            defer { running.cancel() }
            let burstStart = ContinuousClock.now
            var sent = 0
            var pending = 0
            // Ten messages a request, every 20 ms, until twelve requests wait in the log at once. Without the gate the
            // processor empties the log within ~20 ms of each request, so twelve never wait together; with it, the log fills
            // from the first full window of arrivals (three seconds) on. Whether it fills is what is asked, not how soon: a
            // loaded machine may stall the sender past a window (ending the burst) or slow the first batches, so the burst
            // may go on for up to thirty seconds before it must have filled the log.
            while pending < 12, ContinuousClock.now - burstStart < .seconds(30) {
                let messages = (sent..<sent + 10).map { #"{"type": "track", "userId": "u1", "event": "Clicked", "messageId": "m\#($0)"}"# }
                _ = try await collection.collect(Array(#"{"batch": [\#(messages.joined(separator: ","))]}"#.utf8), type: nil, basicUser: key)
                sent += 10
                pending = try await collection.processor.pendingEntries()
                try await Task.sleep(for: .milliseconds(20))
            }
            // (The log holds one entry per request: ten messages each.)
            #expect(pending >= 12, "sent \(sent) in \(sent / 10) requests, pending \(pending)")
            let deadline = ContinuousClock.now + .seconds(30)
            while try await collection.processor.pendingEntries() > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try await collection.processor.pendingEntries() == 0)
            #expect(try await collection.waiting(acme.scope) == 0)
        }
    }
}
