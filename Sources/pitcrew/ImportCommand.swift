import ArgumentParser
import Foundation
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewWeb

/// `pitcrew import KIND FILE`: contacts, accounts, opportunities, spend or offline touchpoints from CSV or JSON Lines.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import contacts, accounts, opportunities, spend or touchpoints from a CSV or JSON Lines file.",
        discussion: """
            The columns are mapped automatically for HubSpot contact exports, Salesforce lead/contact/opportunity reports and \
            Google Ads, Meta Ads and LinkedIn Ads cost reports, and by common column names otherwise; --mapping names a mapping \
            file instead. All or nothing by default: one bad row and nothing is written (every bad row is reported). \
            Exit codes: 0 imported (or dry run clean), 1 rows or the file had problems (nothing written), 2 usage, \
            3 the good rows imported and the bad ones skipped (--skip-bad-rows).
            """)

    @OptionGroup var db: DatabaseOption
    @Option(help: "Workspace slug.") var workspace: String
    @Argument(help: "contacts, accounts, opportunities, spend or touchpoints.") var kind: String
    @Argument(help: "The file (.csv, .tsv, .txt: delimited; .jsonl, .ndjson: JSON Lines).") var file: String
    @Option(help: "A mapping file (JSON: {\"kind\", \"columns\": {\"File column\": \"field\"}, \"delimiter\", \"day_order\", \"currency\", \"channel\", \"source\"}).")
    var mapping: String?
    @Option(help: "How to read 03/04/2024: month_first or day_first (default: the mapping's, else the usual order of the workspace's default country; month first when none is set).")
    var dayOrder: String?
    @Flag(help: "Validate and count; write nothing.") var dryRun = false
    @Flag(help: "Import the good rows and report the bad ones (default: all or nothing).") var skipBadRows = false
    @Option(help: "Rows with problems to print (all are counted).") var showProblems = 20

    func validate() throws {
        guard ImportKind(rawValue: kind) != nil else {
            throw ValidationError("KIND must be one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
        if let dayOrder, DayOrder(rawValue: dayOrder) == nil { throw ValidationError("--day-order must be month_first or day_first") }
        guard showProblems >= 0 else { throw ValidationError("--show-problems must be 0 or more") }
    }

    func run() async throws {
        var explicit: ImportMapping?
        if let mapping {
            guard let data = FileManager.default.contents(atPath: mapping) else { throw ValidationError("cannot read \(mapping)") }
            do {
                explicit = try ImportMapping.load(jsonData: data)
            } catch {
                throw ValidationError("\(mapping): \(error.path.isEmpty ? "" : error.path + ": ")\(error.reason)")
            }
        }
        let request = ImportRequest(
            kind: ImportKind(rawValue: kind), mapping: explicit, fileName: URL(fileURLWithPath: file).lastPathComponent, dryRun: dryRun,
            skipBadRows: skipBadRows, dayOrder: dayOrder.flatMap(DayOrder.init))
        let bar = ProgressBar()
        let started = Date()
        let path = file
        // Alone with a SQLite file, the import writes its pages once, through a rollback journal (see `Database.open`).
        let report = try await db.withServices(bulkLoad: !dryRun) { services in
            let scope = try await services.access.commandLineScope(slug: workspace)
            return try await services.imports.run(scope, .file(path: path), request) { rows, fraction in
                let rate = Double(rows) / max(Date().timeIntervalSince(started), 0.001)
                bar.update("\(rows.formatted()) rows, \(Int(rate).formatted()) rows/s", fraction ?? 0)
            }
        }
        // The report names the option as the API and the page call it; here it is a flag.
        print(report.message.replacingOccurrences(of: "(use skip bad rows to import", with: "(run it again with --skip-bad-rows to import"))
        if let preset = report.preset { print("Recognized: \(preset)") }
        // The whole mapping on a dry run (that is when it is checked); on an import, the columns it left out.
        let columns = dryRun ? report.columns : report.columns.filter { $0.contains(": ignored (") }
        if !columns.isEmpty {
            print(dryRun ? "Columns:" : "Columns not imported:")
            for column in columns { print("  \(column)") }
        }
        for note in report.notes { print(note) }
        for problem in report.problems.prefix(showProblems) { print("  \(problem)") }
        if report.problems.count > showProblems || report.problemsTruncated {
            print("  … \(report.rowsBad) rows with problems in all")
        }
        switch report.status {
        case .succeeded: return
        case .partial: throw ExitCode(CommandExit.importedWithSkippedRows)
        case .validated where report.rowsBad == 0: return
        default: throw ExitCode.failure
        }
    }
}
