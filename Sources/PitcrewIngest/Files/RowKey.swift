/// The identity of a mapped row under its kind's ``RecordKeyRule``: which field(s) and values.
/// Used to update existing records and to spot repeated keys within one file.
public struct RowKey: Sendable, Hashable, CustomStringConvertible {
    public var fields: [String]
    public var values: [String]

    public init(fields: [String], values: [String]) {
        self.fields = fields
        self.values = values
    }

    /// `email = a@b.com` or `day = 2024-01-01, channel = Paid Search, …`.
    public var description: String {
        zip(fields, values).map { "\($0) = \($1.isEmpty ? "(empty)" : $1)" }.joined(separator: ", ")
    }
}
