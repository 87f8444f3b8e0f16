import ArgumentParser
import Foundation
import PitcrewCore
import PitcrewStack
import PitcrewStore
import PitcrewWeb

struct StackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack", abstract: "The martech stack as code, and per-user activity imports.",
        subcommands: [Export.self, Apply.self, Usage.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the stack (tools with contracts, integrations) as YAML, or the tools as CSV.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "yaml or csv.") var format: String = "yaml"
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard ["yaml", "csv"].contains(format) else { throw ValidationError("--format must be yaml or csv") }
        }

        func run() async throws {
            let text = try await db.withServices { services in
                let scope = try await services.access.commandLineScope(slug: workspace)
                return format == "yaml" ? try await services.stack.code.exportYAML(scope) : try await services.stack.csv.exportTools(scope)
            }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a stack file (YAML, or CSV of tools): prints the plan, then applies it unless --dry-run. Idempotent.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Flag(help: "Show the plan; write nothing.") var dryRun = false
        @Flag(help: "Delete tools the file does not list (with their contracts, checks and integrations).") var prune = false
        @Flag(name: .shortAndLong, help: "Apply without asking (asked only when standard input is a terminal).") var yes = false
        @Argument(help: "The stack file (.yaml/.yml, or .csv for tools only).") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file) is not UTF-8") }
            let isCSV = file.lowercased().hasSuffix(".csv")
            let (prune, workspace) = (self.prune, self.workspace)
            let run: @Sendable (AppServices, Bool) async throws -> StackPlan = { services, dry in
                let scope = try await services.access.commandLineScope(slug: workspace)
                return isCSV
                    ? try await services.stack.csv.applyTools(scope, csv: text, dryRun: dry)
                    : try await services.stack.code.apply(scope, yaml: text, dryRun: dry, prune: prune)
            }
            // The plan first (a dry run), then — after confirmation on a terminal — the same changes for real.
            let plan = try await db.withServices { services in try await run(services, true) }
            if !plan.unmanaged.isEmpty {
                print("Not in the file (kept; --prune deletes them): \(plan.unmanaged.joined(separator: ", "))")
            }
            guard !plan.isEmpty else {
                print("No changes.")
                return
            }
            print("Plan: \(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s")")
            for change in plan.changes { print("  \(change)") }
            if dryRun {
                print("Dry run: nothing was written.")
                return
            }
            if !yes && isatty(STDIN_FILENO) != 0 {
                print("Apply these changes? [y/N] ", terminator: "")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("Nothing was written.")
                    return
                }
            }
            let applied = try await db.withServices { services in try await run(services, false) }
            if applied.changes != plan.changes {
                print("The workspace changed since the plan; applied instead:")
                for change in applied.changes { print("  \(change)") }
            }
            print("Applied.")
        }
    }

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import per-user tool activity from a CSV (tool, user, last_active[, feature]).",
            discussion: "Exit codes: 0 imported (or a clean dry run), 1 rows had problems (nothing written, or a dry run found some), 2 usage, 3 the good rows imported and the bad ones skipped.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Flag(help: "Check and count; write nothing.") var dryRun = false
        @Flag(help: "Import the good rows and report the bad ones.") var skipBadRows = false
        @Argument(help: "The CSV file.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let report = try await db.withServices { services in
                try await services.stack.usage.importCSV(
                    try await services.access.commandLineScope(slug: workspace), bytes: Array(data), dryRun: dryRun, skipBadRows: skipBadRows)
            }
            for problem in report.problems.prefix(100) {
                print("row \(problem.row), column \(problem.column), value \"\(problem.value)\": \(problem.reason)")
            }
            print("\(report.rows) rows: \(report.inserted) new, \(report.updated) updated, \(report.skipped) with problems.")
            if report.dryRun { print("Dry run: nothing was written.") }
            if !report.committed && !report.dryRun {
                print("Nothing was imported: fix the rows above or use --skip-bad-rows.")
                throw ExitCode(1)
            }
            if report.committed && report.skipped > 0 { throw ExitCode(CommandExit.importedWithSkippedRows) }
            if report.dryRun && report.skipped > 0 { throw ExitCode(1) }  // as `import --dry-run`: the file has problems
        }
    }
}
