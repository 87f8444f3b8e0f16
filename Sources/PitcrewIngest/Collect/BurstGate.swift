/// When the processor steps aside for a burst of collection. Accepting a request costs a parse and a share of a group
/// commit; processing it costs several times that (random inserts into the events indexes, identities, touchpoints). On
/// two cores the two compete for CPU and for the disk's flushes, so while messages arrive faster than `burstRate` a
/// second, the processor waits and the log absorbs the burst; it catches up when the burst is over.
///
/// It waits at most `longest` per burst: a burst that goes on past that is processed as it arrives, as fast as without
/// the gate, until a measurement shows the rate below `burstRate` again (only then may the next burst be waited out). It
/// also stops waiting once `waitingLimit` messages are waiting, well before the API's backlog limit. Rates are measured
/// over at least `window`, so a single batch smaller than `burstRate` messages is not a burst.
struct BurstGate {
    var burstRate: Int
    var window: Duration
    var longest: Duration
    var waitingLimit: Int

    private var sample: (arrivals: Int, at: ContinuousClock.Instant)?
    private var bursting = false
    /// When waiting for the current burst began; cleared when the burst ends.
    private var waitingSince: ContinuousClock.Instant?

    init(burstRate: Int = 2_000, window: Duration = .seconds(1), longest: Duration = .seconds(30), waitingLimit: Int = 1_000_000) {
        self.burstRate = burstRate
        self.window = window
        self.longest = longest
        self.waitingLimit = waitingLimit
    }

    /// Whether processing should wait now. `arrivals`: messages accepted since the server started (only ever grows);
    /// `waiting`: messages accepted and not yet processed.
    mutating func shouldWait(arrivals: Int, waiting: Int, now: ContinuousClock.Instant) -> Bool {
        guard let sample else {
            self.sample = (arrivals, now)
            return false
        }
        let elapsed = now - sample.at
        if elapsed >= window {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bursting = Double(arrivals - sample.arrivals) / seconds >= Double(burstRate)
            self.sample = (arrivals, now)
            if !bursting { waitingSince = nil }
        }
        guard bursting, waiting < waitingLimit else { return false }
        let since = waitingSince ?? now
        waitingSince = since
        return now - since < longest
    }
}
