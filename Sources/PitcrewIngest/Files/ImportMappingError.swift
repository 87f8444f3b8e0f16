/// A mapping that cannot be used: a bad key in a mapping file, or a mapping that leaves a
/// required field without a column for the file at hand.
public struct ImportMappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the mapping the problem is, e.g. `kind`, `columns["E-mail"]`, `day_order`;
    /// empty when it is about the mapping as a whole.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `mapping: <path>: reason`.
    public var description: String {
        path.isEmpty ? "mapping: \(reason)" : "mapping: \(path): \(reason)"
    }
}
