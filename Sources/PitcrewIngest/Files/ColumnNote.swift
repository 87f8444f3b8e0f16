/// What mapping detection decided for one file column, for the mapping review screen.
public struct ColumnNote: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Mapped to this field.
        case mapped(field: String)
        /// Not a field; kept as the custom trait `traits.NAME` (contacts).
        case keptAsTrait(name: String)
        /// Not imported, with the reason ("not a field of spend", "field already mapped
        /// from column X", "column has no name", "duplicate column name").
        case ignored(reason: String)
    }

    /// 0-based position in the header.
    public var index: Int
    /// Header text as in the file (trimmed).
    public var header: String
    public var outcome: Outcome

    public init(index: Int, header: String, outcome: Outcome) {
        self.index = index
        self.header = header
        self.outcome = outcome
    }
}
