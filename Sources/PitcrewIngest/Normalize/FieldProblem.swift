/// A human-readable reason why one imported field value could not be used.
///
/// Normalizers return `Result<_, FieldProblem>` instead of throwing so that an
/// import can collect every bad cell of a row and show the reasons to the user.
public struct FieldProblem: Error, Equatable, Sendable {
    /// What is wrong, phrased to follow the field name, e.g. "is not an email address: missing @".
    public let reason: String

    /// Creates a problem with the given reason.
    public init(reason: String) {
        self.reason = reason
    }
}
