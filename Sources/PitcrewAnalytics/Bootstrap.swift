import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to drive resampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser; also used to derive independent streams from keys.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A Poisson-distributed count with mean `mean`: inversion for small means, Hörmann's PTRS (1993) otherwise.
    public mutating func poisson(mean: Double) -> Double {
        if mean <= 0 { return 0 }
        if mean < 10 {
            let limit = exp(-mean)
            var product = uniform()
            var count = 0.0
            while product > limit {
                product *= uniform()
                count += 1
            }
            return count
        }
        let slam = mean.squareRoot()
        let logMean = log(mean)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k) { return k }
        }
    }
}

/// log(k!) — a table for small k, Stirling's series beyond (error below 1e-15 relative).
func logFactorial(_ k: Double) -> Double {
    if k < 16 {
        var result = 0.0
        var i = 2.0
        while i <= k {
            result += log(i)
            i += 1
        }
        return result
    }
    let x = k + 1
    let x2 = x * x
    let series = 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2) - 1 / (1680 * x * x2 * x2 * x2)
    return (x - 0.5) * log(x) - x + 0.918_938_533_204_672_8 + series
}

/// Poisson resampling of distinct paths, reproducible from a seed and independent of row order.
struct PoissonResampler: Sendable {
    private let pathKeys: [UInt64]
    private let seed: UInt64

    /// Keys come from channel *names* (FNV-1a), not ids or positions, so a path draws the same numbers in any input.
    init(paths: JourneySet, seed: UInt64) {
        let channelKeys = paths.channels.map { name -> UInt64 in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return h
        }
        pathKeys = (0..<paths.rowCount).map { row in
            var key: UInt64 = 0x243F_6A88_85A3_08D3
            for id in paths.path(row) { key = SplitMix64.mix(key ^ channelKeys[Int(id)]) }
            return key
        }
        self.seed = seed
    }

    /// Replicate `replicate`: Poisson(observed) conversions and nulls per path; value follows the path's mean value
    /// per conversion (a path's individual values are not kept once rows are merged).
    func resample(
        replicate: Int, conversions: [Double], nulls: [Double], values: [Double]
    ) -> (conversions: [Double], nulls: [Double], values: [Double]) {
        let replicateKey = SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(replicate) &+ 0x5851_F42D_4C95_7F2D))
        var c = [Double](repeating: 0, count: conversions.count)
        var n = c
        var v = c
        for row in 0..<conversions.count {
            var rng = SplitMix64(seed: SplitMix64.mix(replicateKey ^ pathKeys[row]))
            c[row] = rng.poisson(mean: conversions[row])
            n[row] = rng.poisson(mean: nulls[row])
            v[row] = conversions[row] > 0 ? values[row] * (c[row] / conversions[row]) : 0
        }
        return (c, n, v)
    }
}

/// The percentile interval (linear interpolation between order statistics, numpy's default).
func percentileInterval(_ samples: [Double], level: Double) -> ConfidenceInterval? {
    guard !samples.isEmpty else { return nil }
    let sorted = samples.sorted()
    func quantile(_ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
    let tail = (1 - level) / 2
    return ConfidenceInterval(low: quantile(tail), high: quantile(1 - tail))
}
