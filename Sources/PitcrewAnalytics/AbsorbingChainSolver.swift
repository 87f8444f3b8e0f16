/// Exact absorption probabilities of a fitted `MarkovChain`, with and without each channel.
///
/// With Q the transitions between transient states and r the one-step probabilities of converting, the probability
/// of converting from each state is x = (I − Q)⁻¹ r (and the expected value with r·mean value). The removal effect of a
/// channel k is P(the chain visits a state containing k and converts) / P(it converts): the probability y of "reach a
/// state of A_k, then convert" solves y = x on A_k and y = Q y elsewhere. Order 1 uses one inverse N = (I − Q)⁻¹, for
/// which P(visit k from start) = N[0, k] / N[k, k], as the reference implementation does.
enum AbsorbingChainSolver {
    /// For the start state: P(conversion), E[value], and per channel the share of each that passes through the channel.
    struct Solution {
        var conversionProbability: Double
        var expectedValue: Double
        /// P(visit k and convert), per channel.
        var conversionThrough: [Double]
        /// E[value · 1(visit k)], per channel.
        var valueThrough: [Double]
    }

    static let directStateLimitOrder1 = 1_200
    static let directStateLimit = 300

    static func solve(_ chain: MarkovChain, _ fit: MarkovChain.Fit, channelCount: Int, solver: MarkovSolver) throws -> Solution {
        let direct: Bool
        switch solver {
        case .direct: direct = true
        case .iterative: direct = false
        case .automatic:
            direct = chain.stateCount <= (chain.order == 1 ? directStateLimitOrder1 : directStateLimit)
        }
        if direct && chain.order == 1 { return solveByInverse(chain, fit, channelCount: channelCount) }
        let base = direct ? solveDense(chain, fit) : try solveIterative(chain, fit)
        let through = direct ? removalDense(chain, fit, base, channelCount) : try removalIterative(chain, fit, base, channelCount)
        return Solution(
            conversionProbability: base.conversion[0], expectedValue: base.value[0],
            conversionThrough: through.conversion, valueThrough: through.value)
    }

    struct Vectors {
        var conversion: [Double]
        var value: [Double]
    }

    // MARK: - Direct

    private static func denseSystem(_ chain: MarkovChain, _ fit: MarkovChain.Fit) -> [Double] {
        let n = chain.stateCount
        var m = [Double](repeating: 0, count: n * n)
        for s in 0..<n {
            m[s * n + s] = 1
            for e in chain.edgeStart[s]..<chain.edgeStart[s + 1] { m[s * n + Int(chain.edgeTo[e])] -= fit.probability[e] }
        }
        return m
    }

    private static func solveByInverse(_ chain: MarkovChain, _ fit: MarkovChain.Fit, channelCount: Int) -> Solution {
        let n = chain.stateCount
        let lu = DenseLU(matrix: denseSystem(chain, fit), size: n)
        // Columns of the inverse: N e_j. Only row 0 and the diagonal are needed, but all of N is cheap at this size.
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<n { column[i] = i == j ? 1 : 0 }
            lu.solve(&column)
            for i in 0..<n { inverse[i * n + j] = column[i] }
        }
        var x = fit.toConversion
        var v = fit.toValue
        lu.solve(&x)
        lu.solve(&v)
        var conversionThrough = [Double](repeating: 0, count: channelCount)
        var valueThrough = [Double](repeating: 0, count: channelCount)
        for k in 0..<channelCount {
            let s = k + 1
            let hit = inverse[s] / inverse[s * n + s]
            conversionThrough[k] = hit * x[s]
            valueThrough[k] = hit * v[s]
        }
        return Solution(conversionProbability: x[0], expectedValue: v[0], conversionThrough: conversionThrough, valueThrough: valueThrough)
    }

    private static func solveDense(_ chain: MarkovChain, _ fit: MarkovChain.Fit) -> Vectors {
        let lu = DenseLU(matrix: denseSystem(chain, fit), size: chain.stateCount)
        var x = fit.toConversion
        var v = fit.toValue
        lu.solve(&x)
        lu.solve(&v)
        return Vectors(conversion: x, value: v)
    }

    private static func removalDense(_ chain: MarkovChain, _ fit: MarkovChain.Fit, _ base: Vectors, _ channelCount: Int) -> Vectors {
        let n = chain.stateCount
        var result = Vectors(conversion: .init(repeating: 0, count: channelCount), value: .init(repeating: 0, count: channelCount))
        for k in 0..<channelCount {
            var inSet = [Bool](repeating: false, count: n)
            for s in 0..<n where chain.stateChannels[chain.stateChannelStart[s]..<chain.stateChannelStart[s + 1]].contains(Int32(k)) {
                inSet[s] = true
            }
            // Unknowns: states outside A_k, renumbered; the start state (never in A_k) stays first.
            var position = [Int](repeating: -1, count: n)
            var outside: [Int] = []
            for s in 0..<n where !inSet[s] {
                position[s] = outside.count
                outside.append(s)
            }
            let m = outside.count
            var matrix = [Double](repeating: 0, count: m * m)
            var bc = [Double](repeating: 0, count: m)
            var bv = [Double](repeating: 0, count: m)
            for (row, s) in outside.enumerated() {
                matrix[row * m + row] = 1
                for e in chain.edgeStart[s]..<chain.edgeStart[s + 1] {
                    let t = Int(chain.edgeTo[e])
                    let p = fit.probability[e]
                    if inSet[t] {
                        bc[row] += p * base.conversion[t]
                        bv[row] += p * base.value[t]
                    } else {
                        matrix[row * m + position[t]] -= p
                    }
                }
            }
            let lu = DenseLU(matrix: matrix, size: m)
            lu.solve(&bc)
            lu.solve(&bv)
            result.conversion[k] = bc[0]
            result.value[k] = bv[0]
        }
        return result
    }

    // MARK: - Iterative

    static let maximumSweeps = 200_000

    /// Gauss–Seidel on x = Q x + r, starting from 0: iterates grow monotonically to the solution. Stops when the
    /// largest relative change, extrapolated by the observed contraction rate, is below rounding.
    private static func solveIterative(_ chain: MarkovChain, _ fit: MarkovChain.Fit) throws -> Vectors {
        let n = chain.stateCount
        var x = [Double](repeating: 0, count: 2 * n)
        var monitor = ConvergenceMonitor()
        for sweep in 1...maximumSweeps {
            var delta = 0.0
            for s in 0..<n {
                var c = fit.toConversion[s]
                var v = fit.toValue[s]
                for e in chain.edgeStart[s]..<chain.edgeStart[s + 1] {
                    let t = 2 * Int(chain.edgeTo[e])
                    let p = fit.probability[e]
                    c += p * x[t]
                    v += p * x[t + 1]
                }
                delta = max(delta, relativeChange(x[2 * s], c), relativeChange(x[2 * s + 1], v))
                x[2 * s] = c
                x[2 * s + 1] = v
            }
            if monitor.converged(delta) {
                return Vectors(conversion: (0..<n).map { x[2 * $0] }, value: (0..<n).map { x[2 * $0 + 1] })
            }
            if sweep == maximumSweeps { break }
        }
        throw AttributionError.solverDidNotConverge(states: n, sweeps: maximumSweeps)
    }

    /// All channels at once: column 2k (2k+1) holds P(reach A_k then convert) (the value version) for every state.
    private static func removalIterative(_ chain: MarkovChain, _ fit: MarkovChain.Fit, _ base: Vectors, _ channelCount: Int) throws -> Vectors {
        let n = chain.stateCount
        let width = 2 * channelCount
        var y = [Double](repeating: 0, count: n * width)
        var row = [Double](repeating: 0, count: width)
        var monitor = ConvergenceMonitor()
        for sweep in 1...maximumSweeps {
            var delta = 0.0
            for s in 0..<n {
                for j in 0..<width { row[j] = 0 }
                for e in chain.edgeStart[s]..<chain.edgeStart[s + 1] {
                    let t = Int(chain.edgeTo[e]) * width
                    let p = fit.probability[e]
                    for j in 0..<width { row[j] += p * y[t + j] }
                }
                for m in chain.stateChannelStart[s]..<chain.stateChannelStart[s + 1] {
                    let k = Int(chain.stateChannels[m])
                    row[2 * k] = base.conversion[s]
                    row[2 * k + 1] = base.value[s]
                }
                let offset = s * width
                for j in 0..<width {
                    delta = max(delta, relativeChange(y[offset + j], row[j]))
                    y[offset + j] = row[j]
                }
            }
            if monitor.converged(delta) {
                return Vectors(conversion: (0..<channelCount).map { y[2 * $0] }, value: (0..<channelCount).map { y[2 * $0 + 1] })
            }
            if sweep == maximumSweeps { break }
        }
        throw AttributionError.solverDidNotConverge(states: n, sweeps: maximumSweeps)
    }

    @inline(__always)
    private static func relativeChange(_ old: Double, _ new: Double) -> Double {
        let change = abs(new - old)
        return change == 0 ? 0 : change / max(abs(new), 1e-300)
    }
}

/// Decides when Gauss–Seidel has reached rounding level.
private struct ConvergenceMonitor {
    private var previous = Double.infinity

    mutating func converged(_ delta: Double) -> Bool {
        defer { previous = delta }
        if delta <= 1e-15 { return true }
        // The contraction rate needs two sweeps to estimate.
        if previous.isInfinite { return false }
        let rate = delta / previous
        // Remaining error ≈ delta · rate / (1 − rate) for a geometric contraction.
        return rate < 1 && delta * rate / (1 - rate) <= 1e-15
    }
}

/// LU factorisation with partial pivoting of a dense row-major matrix.
struct DenseLU {
    private var a: [Double]
    private var pivot: [Int]
    private let n: Int

    init(matrix: [Double], size: Int) {
        a = matrix
        n = size
        pivot = Array(0..<size)
        for k in 0..<n {
            var best = k
            var bestValue = abs(a[k * n + k])
            for i in (k + 1)..<max(k + 1, n) where abs(a[i * n + k]) > bestValue {
                best = i
                bestValue = abs(a[i * n + k])
            }
            if best != k {
                for j in 0..<n { a.swapAt(k * n + j, best * n + j) }
                pivot.swapAt(k, best)
            }
            let diagonal = a[k * n + k]
            // I − Q of an absorbing chain is non-singular; a zero pivot can only come from a state with no way out,
            // which `fit` never produces (such states have all-zero rows, so the diagonal stays 1).
            guard diagonal != 0 else { continue }
            for i in (k + 1)..<max(k + 1, n) {
                let factor = a[i * n + k] / diagonal
                if factor == 0 { continue }
                a[i * n + k] = factor
                for j in (k + 1)..<n { a[i * n + j] -= factor * a[k * n + j] }
            }
        }
    }

    /// Solves A x = b in place.
    func solve(_ b: inout [Double]) {
        var x = pivot.map { b[$0] }
        for i in 0..<n {
            var sum = x[i]
            for j in 0..<i { sum -= a[i * n + j] * x[j] }
            x[i] = sum
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for j in (i + 1)..<n { sum -= a[i * n + j] * x[j] }
            x[i] = sum / a[i * n + i]
        }
        b = x
    }
}
