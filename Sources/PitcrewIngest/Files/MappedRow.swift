/// One record after applying an ``ImportMapping``: field values by name, custom traits,
/// the row's key and the problems found by the structural checks.
///
/// Values are trimmed text; type-specific normalization (email syntax, phone, dates, money)
/// happens in a later step that reads `values` and appends its own ``ImportProblem``s.
public struct MappedRow: Sendable, Hashable {
    /// 1-based line number in the file.
    public var row: Int
    /// Every mapped field, trimmed; may be "" (an empty cell). Mapping defaults
    /// (currency, channel, source) fill fields that are empty or unmapped.
    public var values: [String: String]
    /// Custom traits (contacts): trait name → trimmed value; empty cells are left out.
    public var traits: [String: String]
    /// The row's identity under its kind's key rule; nil for touchpoints, or when every
    /// key field is empty (which is also reported as a problem).
    public var key: RowKey?
    /// Missing required values and similar structural problems; empty when the row is usable.
    public var problems: [ImportProblem]

    public init(row: Int, values: [String: String], traits: [String: String] = [:], key: RowKey? = nil,
                problems: [ImportProblem] = []) {
        self.row = row
        self.values = values
        self.traits = traits
        self.key = key
        self.problems = problems
    }

    /// The non-empty value of a field, or nil.
    public subscript(field: String) -> String? {
        guard let value = values[field], !value.isEmpty else { return nil }
        return value
    }
}
