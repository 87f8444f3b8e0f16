/// When the processor steps aside for a burst of collection. Accepting a request costs a parse and a share of a group
/// commit; processing it costs several times that (random inserts into the events indexes, identities, touchpoints). On
/// two cores the two compete for CPU and for the disk's flushes, so while messages arrive faster than `burstRate` a
/// second, the processor waits and the log absorbs the burst; it catches up when the burst is over. It never waits more
/// than `longest` in one stretch: after that it processes until the log is empty, however busy the API is, so a
/// sustained flood is processed as fast as before and events are never more than about `longest` late for a burst's
/// sake. Rates are measured over at least `window`, so a client's single large batch is not a burst.
struct BurstGate {
    var burstRate: Int = 2_000
    var window: Duration = .seconds(1)
    var longest: Duration = .seconds(30)

    private var sample: (arrivals: Int, at: ContinuousClock.Instant)?
    private var bursting = false
    /// When the current wait began; cleared once the log is empty.
    private var waitingSince: ContinuousClock.Instant?

    init(burstRate: Int = 2_000, window: Duration = .seconds(1), longest: Duration = .seconds(30)) {
        self.burstRate = burstRate
        self.window = window
        self.longest = longest
    }

    /// Whether processing should wait now. `arrivals`: messages accepted since the server started (only ever grows).
    mutating func shouldWait(arrivals: Int, now: ContinuousClock.Instant) -> Bool {
        guard let sample else {
            self.sample = (arrivals, now)
            return false
        }
        let elapsed = now - sample.at
        if elapsed >= window {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bursting = Double(arrivals - sample.arrivals) / seconds >= Double(burstRate)
            self.sample = (arrivals, now)
        }
        guard bursting else { return false }
        let since = waitingSince ?? now
        waitingSince = since
        return now - since < longest
    }

    /// The log is empty: the next burst may be waited out again.
    mutating func drained() { waitingSince = nil }
}
