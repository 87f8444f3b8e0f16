/// One problem with one row of an import, as shown in the error report a person downloads:
/// where (row, column), what (field, value) and why (reason).
public struct ImportProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line number in the file (as ``Record/row``).
    public var row: Int
    /// Header name of the column concerned, when there is one.
    public var column: String?
    /// The field concerned, when there is one.
    public var field: String?
    /// The offending value as read (trimmed), when there is one.
    public var value: String?
    /// Why the row (or value) was not accepted, in words for a person.
    public var reason: String

    public init(row: Int, column: String? = nil, field: String? = nil, value: String? = nil, reason: String) {
        self.row = row
        self.column = column
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// `row 12, column "E-mail" (email), value "x": reason`.
    public var description: String {
        var text = "row \(row)"
        if let column { text += ", column \"\(column)\"" }
        if let field, field != column { text += column == nil ? ", field \(field)" : " (\(field))" }
        if let value, !value.isEmpty { text += ", value \"\(value)\"" }
        return text + ": " + reason
    }
}
