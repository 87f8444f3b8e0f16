import Foundation
public import PitcrewCore
import PitcrewIngest
public import PitcrewStore

/// Tools as CSV, for spreadsheets: one row per tool; lists (capabilities, teams, playbook links) separated by `;`.
/// Applying a CSV updates and creates tools by name, like `stack apply` with YAML, and leaves contracts and integrations
/// alone. Errors name the row and column.
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
                t.name, t.vendor ?? "", t.website ?? "", t.category, t.subcategory ?? "", t.status.rawValue, t.capabilities.joined(separator: ";"),
                t.businessOwner ?? "", t.technicalOwner ?? "", t.teams.joined(separator: ";"), t.notes ?? "", t.playbookLinks.joined(separator: ";"),
            ]
            out += fields.map(Self.quote).joined(separator: ",") + "\r\n"
        }
        return out
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
                func value(_ column: String) -> String? {
                    guard let index = header.firstIndex(of: column) else { return nil }
                    let text = record[index].trimmingASCIIWhitespace()
                    return text.isEmpty ? nil : text
                }
                func list(_ column: String) -> [String] { (value(column) ?? "").split(separator: ";").map { String($0) } }
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
                input.notes = value("notes").map(PatchField.set) ?? .clear
                input.playbookLinks = .set(list("playbook_links"))
                document.tools.append(.init(name: name, input: input, contracts: [], path: "row \(record.row)", mark: nil))
            }
        } catch let error as DelimitedReaderError {
            throw PitcrewError.invalid("file", error.description)
        }
        return try await code.apply(scope, document: document, dryRun: dryRun, prune: false, toolsOnly: true)
    }
}

/// The stack area's services, built once per process.
public struct StackServices: Sendable {
    public let tools: ToolService
    public let reports: StackService
    public let usage: UsageService
    public let uptime: UptimeService
    public let alerts: AlertService
    public let reviews: ReviewService
    public let purchases: PurchaseService
    public let code: StackCode
    public let csv: StackCSV

    public init(database: Database) {
        tools = ToolService(database: database)
        reports = StackService(database: database)
        usage = UsageService(database: database)
        uptime = UptimeService(database: database)
        alerts = AlertService(database: database)
        reviews = ReviewService(database: database)
        purchases = PurchaseService(database: database)
        code = StackCode(database: database)
        csv = StackCSV(database: database)
    }

    /// The job kinds the stack runs, and the periodic ones.
    public func jobHandlers(database: Database, smtp: SMTPConfiguration?) -> [String: JobRunner.Handler] {
        let uptime = self.uptime
        let alerts = self.alerts
        return [
            "uptime.schedule": { _ in try await uptime.scheduleDue() },
            "uptime.check": { job in
                struct Payload: Decodable { var check_id: String }
                let payload = try JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))
                try await uptime.run(checkID: payload.check_id)
            },
            "stack.renewal_scan": { _ in try await alerts.scanRenewals() },
            "notify.webhook": { job in try await Notifications.deliverWebhook(database, job) },
            "notify.email": { job in try await Notifications.deliverEmail(smtp, job) },
        ]
    }

    public static let periodicJobs: [JobRunner.Periodic] = [
        .init(kind: "uptime.schedule", every: .seconds(15)), .init(kind: "stack.renewal_scan", every: .seconds(3_600)),
    ]
}
