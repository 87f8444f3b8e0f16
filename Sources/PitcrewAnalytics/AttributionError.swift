/// Everything that can go wrong while reading journeys or attributing them.
///
/// Parse errors carry the 1-based row (line number in the file, the header is row 1), the 1-based column (field
/// number) with the field's name, and a human-readable reason, so a user can find the offending cell.
public enum AttributionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row of a path file could not be read.
    case malformedRow(row: Int, column: Int, field: String, reason: String)
    /// The header is missing or does not name the required columns.
    case malformedHeader(reason: String)
    /// The input holds no journeys at all (empty file, header only, or every row skipped).
    case emptyInput(reason: String)
    /// A journey built through the API is not valid (no touches, negative counts, touches out of time order, …).
    case invalidJourney(index: Int, reason: String)
    /// A model name that is not one of `AttributionModel.allCases`.
    case unknownModel(name: String)
    /// An option is out of range (negative half-life, weights that do not sum to 1, …).
    case invalidOption(reason: String)
    /// The data cannot support the requested model (no timestamps for time_decay, an order longer than every path…).
    case unsupportedInput(model: String, reason: String)
    /// The journeys contain no conversions, so every share would be 0/0.
    case noConversions
    /// The iterative Markov solver did not reach machine precision (only for pathological, nearly non-absorbing chains).
    case solverDidNotConverge(states: Int, sweeps: Int)

    public var description: String {
        switch self {
        case .malformedRow(let row, let column, let field, let reason):
            return "row \(row), column \(column) (\(field)): \(reason)"
        case .malformedHeader(let reason):
            return "header: \(reason)"
        case .emptyInput(let reason):
            return "empty input: \(reason)"
        case .invalidJourney(let index, let reason):
            return "journey \(index): \(reason)"
        case .unknownModel(let name):
            let known = AttributionModel.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown model '\(name)'; known models: \(known), or all"
        case .invalidOption(let reason):
            return "invalid option: \(reason)"
        case .unsupportedInput(let model, let reason):
            return "\(model): \(reason)"
        case .noConversions:
            return "the journeys contain no conversions, so there is nothing to attribute"
        case .solverDidNotConverge(let states, let sweeps):
            return "markov: the chain with \(states) states did not converge after \(sweeps) Gauss-Seidel sweeps"
        }
    }
}
