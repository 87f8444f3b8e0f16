/// One field an import kind understands: what a file column can be mapped to.
public struct ImportField: Sendable, Hashable, Codable {
    /// Field name as used in mappings (`first_name`, `amount`, …).
    public var name: String
    public var type: ImportFieldType
    /// Whether every row needs a non-empty value. Fields that are required only as one of a
    /// group (a contact's email *or* external_id) are not marked here; see
    /// ``ImportKind/requiredAlternatives``.
    public var required: Bool
    /// What the field holds, for the mapping screen and docs.
    public var description: String

    public init(name: String, type: ImportFieldType, required: Bool = false, description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
    }
}
