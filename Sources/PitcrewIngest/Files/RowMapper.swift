/// Applies an ``ImportMapping`` to the records of one file.
///
/// Built once per file from the mapping and the file's header, it resolves header names to
/// column indices up front so mapping a row is a few array reads. Header names in the mapping
/// match exactly, else case-insensitively after trimming; with repeated header names the
/// first column wins.
public struct RowMapper: Sendable {
    public let mapping: ImportMapping
    public let header: [String]
    /// Mapping entries whose header is not in this file (a saved mapping reused on a newer
    /// export); harmless unless they carried a required field, which is then an init error.
    public let unmatchedColumns: [String]

    private let fieldColumns: [(field: String, index: Int)]
    private let traitColumns: [(trait: String, index: Int)]
    private let defaults: [(field: String, value: String)]
    private let requiredFields: [String]
    private let alternatives: [[String]]
    private let keyRule: RecordKeyRule
    private let columnOfField: [String: Int]

    /// Resolves the mapping against a header.
    /// - Throws: ``ImportMappingError`` when the mapping is invalid for its kind, or when a
    ///   required field (or every field of a one-of group) has neither a column in this file
    ///   nor a default; the error lists all such fields.
    public init(mapping: ImportMapping, header: [String]) throws(ImportMappingError) {
        try mapping.validate()
        self.mapping = mapping
        self.header = header.map { $0.trimmingWhitespace() }
        let kind = mapping.kind

        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (index, name) in self.header.enumerated() {
            if exact[name] == nil { exact[name] = index }
            if folded[name.lowercased()] == nil { folded[name.lowercased()] = index }
        }
        var fieldColumns: [(String, Int)] = []
        var traitColumns: [(String, Int)] = []
        var claimed = Set<Int>()
        var unmatched: [String] = []
        for name in mapping.columns.keys.sorted() {
            let target = mapping.columns[name] ?? ""
            let trimmed = name.trimmingWhitespace()
            guard let index = exact[trimmed] ?? folded[trimmed.lowercased()] else {
                unmatched.append(name)
                continue
            }
            claimed.insert(index)
            if target.isEmpty { continue }
            if target.hasPrefix(ImportKind.traitPrefix) {
                traitColumns.append((String(target.dropFirst(ImportKind.traitPrefix.count)), index))
            } else {
                fieldColumns.append((target, index))
            }
        }
        // Columns the mapping does not mention: custom traits for contacts, else ignored.
        if kind.keepsTraits {
            var seen = Set<String>()
            for (index, name) in self.header.enumerated() where !claimed.contains(index) {
                let trait = HeaderName.traitName(name)
                if !trait.isEmpty && seen.insert(name).inserted {
                    traitColumns.append((trait, index))
                }
            }
        }
        fieldColumns.sort { $0.1 < $1.1 }
        traitColumns.sort { $0.1 < $1.1 }
        self.fieldColumns = fieldColumns
        self.traitColumns = traitColumns
        self.unmatchedColumns = unmatched
        var columnOfField: [String: Int] = [:]
        for (field, index) in fieldColumns { columnOfField[field] = index }
        self.columnOfField = columnOfField

        let mapped = Set(fieldColumns.map(\.0))
        let missing = mapping.missingRequired(mappedFields: mapped)
        if !missing.isEmpty {
            let list = missing.joined(separator: ", ")
            throw ImportMappingError(
                path: "columns",
                reason: "no column of this file is mapped to the required \(missing.count == 1 ? "field" : "fields") \(list)"
                    + (unmatched.isEmpty ? "" : " (mapped columns not in the file: \(unmatched.map { "\"\($0)\"" }.joined(separator: ", ")))"))
        }
        defaults = kind.fields.compactMap { field in mapping.defaultValue(for: field.name).map { (field.name, $0) } }
        requiredFields = kind.fields.filter(\.required).map(\.name)
        alternatives = kind.requiredAlternatives
        keyRule = kind.keyRule
    }

    /// Whether mapped rows can have a value for `field` (a column or a default gives it).
    public func gives(_ field: String) -> Bool {
        fieldColumns.contains { $0.field == field } || defaults.contains { $0.field == field }
    }

    /// The header name of the column a field is mapped from.
    public func column(of field: String) -> String? {
        columnOfField[field].map { header[$0] }
    }

    /// Maps one record: trimmed values, defaults, traits, key and required-field problems.
    public func map(_ record: Record) -> MappedRow {
        var values: [String: String] = [:]
        values.reserveCapacity(fieldColumns.count + defaults.count)
        for (field, index) in fieldColumns {
            values[field] = record[index].trimmingWhitespace()
        }
        for (field, value) in defaults where values[field]?.isEmpty ?? true {
            values[field] = value
        }
        var traits: [String: String] = [:]
        for (trait, index) in traitColumns {
            let value = record[index].trimmingWhitespace()
            if !value.isEmpty { traits[trait] = value }
        }

        var problems: [ImportProblem] = []
        for field in requiredFields where values[field]?.isEmpty ?? true {
            problems.append(ImportProblem(
                row: record.row, column: column(of: field), field: field, value: values[field] ?? "",
                reason: "required field \(field) is empty"))
        }
        for group in alternatives where !group.contains(where: { !(values[$0]?.isEmpty ?? true) }) {
            let first = group.first { columnOfField[$0] != nil } ?? group[0]
            problems.append(ImportProblem(
                row: record.row, column: column(of: first), field: first, value: "",
                reason: "needs a value in \(group.joined(separator: " or ")); all are empty"))
        }
        return MappedRow(row: record.row, values: values, traits: traits, key: key(values), problems: problems)
    }

    private func key(_ values: [String: String]) -> RowKey? {
        switch keyRule {
        case let .firstPresent(fields):
            for field in fields {
                if let value = values[field], !value.isEmpty { return RowKey(fields: [field], values: [value]) }
            }
            return nil
        case let .composite(fields):
            return RowKey(fields: fields, values: fields.map { values[$0] ?? "" })
        case .none:
            return nil
        }
    }
}
