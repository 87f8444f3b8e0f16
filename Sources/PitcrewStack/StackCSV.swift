import Foundation
public import PitcrewCore
import PitcrewIngest
public import PitcrewStore

/// Tools as CSV, for spreadsheets: one row per tool; lists (capabilities, teams, playbook links) separated by `;` (a `;`
/// or `\` inside an item is escaped with `\`). A cell that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or CR) is written with a leading `'`, which apply removes again. Applying a CSV updates and creates tools
/// by name, like `stack apply` with YAML, and leaves contracts and integrations alone. Errors name the row and column.
public struct StackCSV: Sendable {
    public let database: Database
    let code: StackCode
    public static let columns = [
        "name", "vendor", "website", "category", "subcategory", "status", "capabilities", "business_owner", "technical_owner", "teams", "notes",
        "playbook_links",
    ]

    public init(database: Database) {
        self.database = database
        self.code = StackCode(database: database)
    }

    public func exportTools(_ scope: AccessScope) async throws -> String {
        try scope.require(.read)
        let tools = try await database.read { db in try await StackStore.tools(db, workspaceID: scope.workspace.id) }
        var out = Self.columns.joined(separator: ",") + "\r\n"
        for t in tools {
            let fields = [
                t.name, t.vendor ?? "", t.website ?? "", t.category, t.subcategory ?? "", t.status.rawValue, Self.joinList(t.capabilities),
                t.businessOwner ?? "", t.technicalOwner ?? "", Self.joinList(t.teams), t.notes ?? "", Self.joinList(t.playbookLinks),
            ]
            out += fields.map { Self.quote(Self.guardFormula($0)) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func guardFormula(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first) || (first == "'" && field.dropFirst().first.map { formulaStarts.contains($0) || $0 == "'" } == true)
        else { return field }
        return "'" + field
    }

    static func unguardFormula(_ field: String) -> String {
        guard field.first == "'", let second = field.dropFirst().first, formulaStarts.contains(second) || second == "'" else { return field }
        return String(field.dropFirst())
    }

    static func joinList(_ items: [String]) -> String {
        items.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;") }.joined(separator: ";")
    }

    static func splitList(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ";" {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty || !items.isEmpty { items.append(current) }
        return items
    }

    static func quote(_ field: String) -> String {
        let needs = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")
        return needs ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    public func applyTools(_ scope: AccessScope, csv: String, dryRun: Bool) async throws -> StackPlan {
        try scope.require(.write)
        var reader: DelimitedReader
        do { reader = try DelimitedReader(string: csv) } catch let error as DelimitedReaderError { throw PitcrewError.invalid("file", error.description) }
        let header = reader.header.map { $0.lowercased() }
        var validator = Validator()
        for (index, name) in header.enumerated() where !Self.columns.contains(name) {
            validator.add("column \(index + 1) (\(reader.header[index]))", "is not a tool column (known: \(Self.columns.joined(separator: ", ")))")
        }
        for required in ["name", "category"] where !header.contains(required) { validator.add("file", "needs a \(required) column") }
        try validator.finish()
        var document = StackDocument()
        do {
            while let record = try reader.next() {
                func raw(_ column: String) -> String? {
                    guard let index = header.firstIndex(of: column) else { return nil }
                    let text = Self.unguardFormula(record[index])
                    return text.isEmpty ? nil : text
                }
                func value(_ column: String) -> String? {
                    raw(column).map { $0.trimmingASCIIWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
                }
                func list(_ column: String) -> [String] { Self.splitList(raw(column) ?? "") }
                var input = ToolInput()
                let name = value("name") ?? ""
                input.name = .set(name)
                input.vendor = value("vendor").map(PatchField.set) ?? .clear
                input.website = value("website").map(PatchField.set) ?? .clear
                input.category = .set(value("category") ?? "")
                input.subcategory = value("subcategory").map(PatchField.set) ?? .clear
                input.status = .set(value("status") ?? "active")
                input.capabilities = .set(list("capabilities"))
                input.businessOwner = value("business_owner").map(PatchField.set) ?? .clear
                input.technicalOwner = value("technical_owner").map(PatchField.set) ?? .clear
                input.teams = .set(list("teams"))
                input.notes = raw("notes").map(PatchField.set) ?? .clear  // notes are kept exactly as written
                input.playbookLinks = .set(list("playbook_links"))
                document.tools.append(.init(name: name, input: input, contracts: [], path: "row \(record.row)", mark: nil))
            }
        } catch let error as DelimitedReaderError {
            throw PitcrewError.invalid("file", error.description)
        }
        return try await code.apply(scope, document: document, dryRun: dryRun, prune: false, toolsOnly: true)
    }
}
