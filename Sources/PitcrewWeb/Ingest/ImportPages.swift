import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import Synchronization

/// The import wizard (`/data/imports`): upload a file (step 1), check how its columns map and what a dry run would do
/// (step 2), start the import in the background and follow it to its report. Also the history and every report, with
/// its problems as CSV. Pages carry no JavaScript: the running page refreshes itself with `<meta http-equiv="refresh">`.
///
/// Uploads are staged in `<tmp>/pitcrew-imports/<staged id>/` (the file under its sanitized name, plus `.staged.json`
/// saying whose it is) until the import has run; stagings older than a day are removed on the next upload.
struct ImportPages {
    let web: WebController
    let access: AccessService
    let imports: ImportService
    /// Imports started from the wizard by this process, by staged id.
    let runs = StagedImportRuns()

    static let previewRows = 10
    static let previewProblems = 50
    static let stagingLifetime: Int64 = 24 * 3_600 * 1_000

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("data/imports", use: importsPage)
        router.post("data/imports", use: upload)
        router.post("data/imports/{id}/run", use: runStaged)
        router.get("data/imports/staged/{id}", use: stagedPage)
        router.get("data/imports/{id}", use: reportPage)
        router.get("data/imports/{id}/problems.csv", use: problemsCSV)
    }

    // MARK: View models

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct HistoryRow {
        var id: String
        var fileName: String
        var kind: String
        var preset: String
        var status: String
        var badge: String
        var rowsRead: String
        var rowsBad: String
        var inserted: String
        var updated: String
        var unchanged: String
        var when: String
    }

    struct ImportsModel {
        var title = "Imports"
        var shell: ShellModel
        var csrf: String
        var canWrite: Bool
        var kinds: [Option]
        var skipBadRows: Bool
        var error: String?
        var history: [HistoryRow]
    }

    struct ColumnRow {
        var index: Int
        var header: String
        var example: String
        var note: String
        var addressable: Bool
        var options: [Option]
    }

    struct Cell {
        var text: String
    }

    struct SampleRow {
        var row: Int
        var cells: [Cell]
    }

    struct ProblemRow {
        var row: Int
        var column: String
        var field: String
        var value: String
        var reason: String
    }

    struct FieldHelp {
        var name: String
        var type: String
        var required: Bool
        var description: String
    }

    struct PreviewModel {
        var title = "Check the import"
        var shell: ShellModel
        var csrf: String
        var stagedID: String
        var fileName: String
        var size: String
        var kind: String
        var kindLabel: String
        var kindWasDetected: Bool
        var hasPreset: Bool
        var presetName: String
        var presetTitle: String
        var error: String?
        var fileError: String?
        var canImport: Bool
        var skipBadRows: Bool
        var dayOrderMonthFirst = false
        var dayOrderDayFirst = false
        var missing: String?
        var columns: [ColumnRow]
        var headers: [Cell]
        var rows: [SampleRow]
        var moreRows: Bool
        var fields: [FieldHelp]
        var keepsTraits: Bool
        var checked: Bool
        var dryStatus: String
        var dryBadge: String
        var dryMessage: String
        var rowsRead: String
        var rowsBad: String
        var inserted: String
        var updated: String
        var unchanged: String
        var problems: [ProblemRow]
        var moreProblems: String?
    }

    struct RunningModel {
        var title = "Importing"
        var shell: ShellModel
        var fileName: String
        var rowsRead: String
        var refresh: Bool
        var failure: String?
    }

    struct ReportModel {
        var title: String
        var shell: ShellModel
        var id: String
        var fileName: String
        var kind: String
        var preset: String
        var status: String
        var badge: String
        var running: Bool
        var skipBadRows: String
        var rowsRead: String
        var rowsBad: String
        var inserted: String
        var updated: String
        var unchanged: String
        var created: String
        var finished: String
        var message: String
        var hasNotes: Bool
        var notes: [Cell]
        var hasProblems: Bool
        var problems: [ProblemRow]
        var truncated: Bool
        var problemLimit: Int
    }

    // MARK: Step 1 and the history

    @Sendable func importsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderImports(context: context, kind: nil, skipBadRows: false, error: nil)
    }

    func renderImports(context: AppRequestContext, kind: ImportKind?, skipBadRows: Bool, error: String?) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let history = try await imports.imports(scope).map { report in
            HistoryRow(
                id: report.id, fileName: report.fileName, kind: report.kind.map(Self.kindLabel) ?? "—", preset: DataPages.text(report.preset),
                status: report.status.rawValue, badge: Self.badge(report.status), rowsRead: Self.count(report.rowsRead),
                rowsBad: Self.count(report.rowsBad), inserted: Self.count(report.inserted), updated: Self.count(report.updated),
                unchanged: Self.count(report.unchanged), when: DataPages.time(report.createdAt))
        }
        let model = ImportsModel(
            shell: shell, csrf: shell.csrf, canWrite: scope.role.allows(.write), kinds: Self.kindOptions(selected: kind), skipBadRows: skipBadRows,
            error: error, history: history)
        return web.pages.render("imports", model, status: error == nil ? .ok : .badRequest)
    }

    /// `POST /data/imports` (multipart): stages the file and shows step 2. The CSRF token is the form's `_csrf` field,
    /// checked here (AuthMiddleware cannot read it without consuming the upload) before any byte of the file is stored.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, session, _) = try context.sessionUser()
        let scope = try await context.scope(access)
        try scope.require(.write)
        let expected = session.csrfToken
        let headerToken = request.headers[AuthMiddleware.csrfHeader]
        if let headerToken, !Secrets.constantTimeEquals(headerToken, expected) { throw Self.csrfRefused }
        let checkCSRF = { (fields: [String: String]) throws in
            if headerToken != nil { return }
            guard let token = fields["_csrf"], Secrets.constantTimeEquals(token, expected) else { throw Self.csrfRefused }
        }

        StagedUpload.removeStale(olderThan: Self.stagingLifetime, keeping: runs.activeIDs())
        let id = Identifier.make()
        let directory = StagedUpload.directory(id)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let form: MultipartForm
        do {
            form = try await MultipartForm.read(request, fileField: "file") { fields, sentName in
                try checkCSRF(fields)
                return directory + "/" + StagedUpload.storedName(sentName)
            }
            try checkCSRF(form.fields)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let kindText = form.fields["kind"] ?? ""
        let kind = ImportKind(rawValue: kindText)
        let skipBadRows = form.fields["skip_bad_rows"] != nil
        guard kindText.isEmpty || kind != nil else {
            try? FileManager.default.removeItem(atPath: directory)
            throw PitcrewError.invalid("kind", "must be one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let file = form.file, file.size > 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            return try await renderImports(context: context, kind: kind, skipBadRows: skipBadRows, error: "Choose a file to import; it must not be empty.")
        }
        let staged = StagedUpload(
            id: id, workspaceID: scope.workspace.id, actorID: scope.actor.id, fileName: StagedUpload.displayName(file.fileName),
            storedName: StagedUpload.storedName(file.fileName), size: file.size, kind: kind, skipBadRows: skipBadRows,
            createdAt: Timestamp.now())
        do {
            try staged.save()
        } catch {
            staged.remove()
            throw PitcrewError(.unavailable, "Could not store the upload.")
        }
        return try await renderPreview(context: context, staged: staged, kind: kind, choices: nil, skipBadRows: skipBadRows, error: nil)
    }

    static let csrfRefused = PitcrewError.forbidden("The CSRF token is missing or wrong. Reload the page and try again.")

    // MARK: Step 2: the mapping and the dry run

    /// What the first rows of a staged file look like; `error` when the file cannot be read (past its header, or at all).
    struct Sample {
        var header: [String] = []
        var rows: [Record] = []
        var more = false
        var error: String?
    }

    static func readSample(_ staged: StagedUpload, rows limit: Int) -> Sample {
        var sample = Sample()
        do {
            var reader: any RecordReader
            if staged.format == .jsonl {
                reader = try JSONLinesReader.allKeys(path: staged.path)
            } else {
                reader = try DelimitedReader(path: staged.path)
            }
            sample.header = reader.header
            guard limit > 0 else { return sample }
            while sample.rows.count < limit, let record = try reader.next() { sample.rows.append(record) }
            if sample.rows.count == limit { sample.more = try reader.next() != nil }
        } catch {
            sample.error = String(describing: error)
        }
        return sample
    }

    /// Step 2. `choices` (one target per column, "" to ignore) are the person's picks when they checked or corrected a
    /// mapping; nil shows the detected mapping. `mapping` is the explicit mapping to dry-run (nil: detect, as the
    /// import will); `dryRun` false skips the dry run (the picks are not a valid mapping).
    func renderPreview(
        context: AppRequestContext, staged: StagedUpload, kind requested: ImportKind?, choices: [String]?, mapping: ImportMapping? = nil,
        dryRun: Bool = true, skipBadRows: Bool, dayOrder: DayOrder? = nil, error: String?
    ) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let sample = Self.readSample(staged, rows: Self.previewRows)
        let detected = ImportMapping.detect(kind: requested, header: sample.header)
        let kind = detected.mapping.kind
        let defaults = Self.detectedTargets(detected, count: sample.header.count)
        let targets = sample.header.indices.map { index in choices.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? defaults[index] }
        let addressable = Self.addressable(sample.header)
        let columns = sample.header.enumerated().map { index, header in
            ColumnRow(
                index: index, header: header.isEmpty ? "(no name)" : header,
                example: DataPages.shorten(sample.rows.first?[index] ?? "", max: 80),
                note: Self.noteText(detected.notes.indices.contains(index) ? detected.notes[index] : nil),
                addressable: addressable[index], options: Self.fieldOptions(kind: kind, header: header, selected: targets[index]))
        }
        let missing = Self.missingRequired(kind: kind, targets: targets, addressable: addressable, defaults: mapping ?? detected.mapping)

        var model = PreviewModel(
            shell: shell, csrf: shell.csrf, stagedID: staged.id, fileName: staged.fileName, size: Self.bytes(staged.size), kind: kind.rawValue,
            kindLabel: Self.kindLabel(kind), kindWasDetected: requested == nil, hasPreset: detected.preset != nil,
            presetName: detected.presetName ?? "", presetTitle: detected.preset?.title ?? "", error: error, fileError: sample.error,
            canImport: !sample.header.isEmpty, skipBadRows: skipBadRows, missing: missing.isEmpty ? nil : missing.joined(separator: ", "),
            columns: columns, headers: sample.header.map { Cell(text: $0) },
            rows: sample.rows.map { record in
                SampleRow(row: record.row, cells: sample.header.indices.map { Cell(text: DataPages.shorten(record[$0], max: 200)) })
            },
            moreRows: sample.more, fields: kind.fields.map { FieldHelp(name: $0.name, type: $0.type.rawValue, required: $0.required, description: $0.description) },
            keepsTraits: kind.keepsTraits, checked: dryRun, dryStatus: "", dryBadge: "", dryMessage: "Correct the mapping to see what the import would do.",
            rowsRead: "—", rowsBad: "—", inserted: "—", updated: "—", unchanged: "—", problems: [], moreProblems: nil)
        model.dayOrderMonthFirst = dayOrder == .monthFirst
        model.dayOrderDayFirst = dayOrder == .dayFirst
        if dryRun {
            let report = try await imports.run(
                scope, .file(path: staged.path),
                ImportRequest(
                    kind: kind, mapping: mapping, fileName: staged.fileName, format: staged.format, dryRun: true, skipBadRows: skipBadRows,
                    dayOrder: dayOrder))
            model.dryStatus = report.status.rawValue
            model.dryBadge = Self.badge(report.status)
            model.dryMessage = report.message
            model.rowsRead = Self.count(report.rowsRead)
            model.rowsBad = Self.count(report.rowsBad)
            model.inserted = Self.count(report.inserted)
            model.updated = Self.count(report.updated)
            model.unchanged = Self.count(report.unchanged)
            model.problems = report.problems.prefix(Self.previewProblems).map(Self.problemRow)
            let more = report.problems.count - model.problems.count
            if more > 0 || report.problemsTruncated {
                model.moreProblems = "The first \(model.problems.count) problems are shown; \(report.problemsTruncated ? "more than \(more)" : String(more)) more are not."
            }
        }
        return web.pages.render("import_preview", model, status: error == nil ? .ok : .badRequest)
    }

    /// `POST /data/imports/{staged id}/run` (URL-encoded; AuthMiddleware checked `_csrf`): `action=check` dry-runs the
    /// chosen mapping again; otherwise the import starts in the background and the browser follows it on the staged page.
    @Sendable func runStaged(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        try scope.require(.write)
        let id = try context.parameters.require("id")
        if let run = runs.run(id), run.workspaceID == scope.workspace.id {
            return Response.redirect(to: "/data/imports/staged/\(id)", type: .normal)
        }
        let staged = try StagedUpload.load(id: id, scope: scope)
        let form = try await FormFields.read(request, context: context)
        guard let kind = ImportKind(rawValue: form["kind"] ?? "") else {
            throw PitcrewError.invalid("kind", "must be one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let skipBadRows = form["skip_bad_rows"] != nil
        // How to read 03/04/2024: empty is the workspace's usual order (its country's).
        let dayOrderText = form["day_order"] ?? ""
        let dayOrder = DayOrder(rawValue: dayOrderText)
        guard dayOrderText.isEmpty || dayOrder != nil else { throw PitcrewError.invalid("day_order", "must be month_first or day_first") }
        let sample = Self.readSample(staged, rows: 0)
        guard !sample.header.isEmpty else {
            throw PitcrewError.invalid("file", "The file cannot be read: \(sample.error ?? "it has no header").")
        }
        let detected = ImportMapping.detect(kind: kind, header: sample.header)
        let addressable = Self.addressable(sample.header)

        // The picks, one per column; a column that cannot be named in a mapping (no name, repeated name) is not offered.
        var targets: [String] = []
        var problems: [String] = []
        for (index, header) in sample.header.enumerated() {
            let raw = addressable[index] ? (form["column.\(index)"] ?? "ignore") : "ignore"
            if raw == "ignore" || raw.isEmpty {
                targets.append("")
            } else if kind.field(named: raw) != nil || (kind.keepsTraits && Self.isTraitTarget(raw)) {
                targets.append(raw)
            } else {
                targets.append("")
                problems.append("column \"\(header)\": \"\(raw)\" is not a field of \(kind)")
            }
        }
        var mapping = detected.mapping
        mapping.columns = [:]
        for (index, header) in sample.header.enumerated() where addressable[index] { mapping.columns[header] = targets[index] }
        if problems.isEmpty {
            do {
                try mapping.validate()
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else {
            return try await renderPreview(
                context: context, staged: staged, kind: kind, choices: targets, dryRun: false, skipBadRows: skipBadRows, dayOrder: dayOrder,
                error: "The mapping cannot be used: " + problems.joined(separator: "; ") + ".")
        }
        // The detected mapping unchanged runs as detected, so the report keeps the preset and the column notes.
        let explicit = mapping.columns == detected.mapping.columns ? nil : mapping
        if form["action"] == "check" {
            return try await renderPreview(
                context: context, staged: staged, kind: kind, choices: targets, mapping: explicit, skipBadRows: skipBadRows, dayOrder: dayOrder,
                error: nil)
        }

        let startedAt = Timestamp.now()
        guard runs.start(id, StagedImportRuns.Run(workspaceID: scope.workspace.id, fileName: staged.fileName, startedAt: startedAt)) else {
            return Response.redirect(to: "/data/imports/staged/\(id)", type: .normal)
        }
        let importRequest = ImportRequest(
            kind: kind, mapping: explicit, fileName: staged.fileName, format: staged.format, dryRun: false, skipBadRows: skipBadRows,
            dayOrder: dayOrder)
        let service = imports
        let registry = runs
        let logger = context.logger
        // One transaction for the whole file: the page does not wait for it.
        Task {
            do {
                let report = try await service.run(scope, .file(path: staged.path), importRequest)
                staged.remove()
                registry.finish(id, reportID: report.id)
            } catch {
                staged.remove()
                if let problem = error as? PitcrewError {
                    registry.fail(id, problem.description)
                } else {
                    logger.error("Import failed", metadata: ["staged": "\(id)", "error": "\(String(reflecting: error))"])
                    registry.fail(id, "The import stopped because of an error on the server; nothing of it was written.")
                }
            }
        }
        return Response.redirect(to: "/data/imports/staged/\(id)", type: .normal)
    }

    // MARK: Running and reports

    /// `GET /data/imports/staged/{id}`: "running" with the rows read so far (refreshing every 2 s) until the import has
    /// finished, then a redirect to its report.
    @Sendable func stagedPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let id = try context.parameters.require("id")
        guard let run = runs.run(id), run.workspaceID == scope.workspace.id else {
            throw PitcrewError(.notFound, "No import of this upload is running on this server. Its report, if it finished, is in the import history.")
        }
        if let reportID = run.reportID { return Response.redirect(to: "/data/imports/\(reportID)", type: .normal) }
        var model = RunningModel(shell: shell, fileName: run.fileName, rowsRead: "0", refresh: true, failure: nil)
        if let failure = run.failure {
            model.refresh = false
            model.failure = failure
            return web.pages.render("import_running", model)
        }
        // The import records itself as running when it starts; it finishes with its report.
        let report = try await imports.imports(scope, limit: 20).first { $0.fileName == run.fileName && $0.createdAt >= run.startedAt && !$0.dryRun }
        if let report, report.status != .running { return Response.redirect(to: "/data/imports/\(report.id)", type: .normal) }
        model.rowsRead = Self.count(report?.rowsRead ?? 0)
        return web.pages.render("import_running", model)
    }

    @Sendable func reportPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let report = try await loadReport(scope, context: context)
        let model = ReportModel(
            title: "Import of \(report.fileName)", shell: shell, id: report.id, fileName: report.fileName, kind: report.kind.map(Self.kindLabel) ?? "—",
            preset: DataPages.text(report.preset), status: report.status.rawValue, badge: Self.badge(report.status), running: report.status == .running,
            skipBadRows: report.skipBadRows ? "yes" : "no (all or nothing)", rowsRead: Self.count(report.rowsRead), rowsBad: Self.count(report.rowsBad),
            inserted: Self.count(report.inserted), updated: Self.count(report.updated),
            unchanged: Self.count(report.unchanged), created: DataPages.time(report.createdAt),
            finished: report.finishedAt.map(DataPages.time) ?? "—", message: DataPages.text(report.message), hasNotes: !(report.notes + report.columns).isEmpty,
            notes: (report.notes + report.columns).map { Cell(text: $0) }, hasProblems: !report.problems.isEmpty, problems: report.problems.map(Self.problemRow), truncated: report.problemsTruncated, problemLimit: ImportService.problemLimit)
        return web.pages.render("import_report", model)
    }

    /// `GET /data/imports/{id}/problems.csv`: the stored problems of an import, one a row.
    @Sendable func problemsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await loadReport(try await context.scope(access), context: context)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"import-\(report.id)-problems.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.csv(report.problems))))
    }

    func loadReport(_ scope: AccessScope, context: AppRequestContext) async throws -> ImportReport {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id) else { throw PitcrewError.notFound("Import") }
        return try await imports.report(scope, id: id)
    }

    // MARK: Helpers

    static func kindLabel(_ kind: ImportKind) -> String {
        switch kind {
        case .contacts: "Contacts"
        case .accounts: "Accounts"
        case .opportunities: "Opportunities"
        case .spend: "Ad spend"
        case .touchpoints: "Offline touchpoints"
        }
    }

    static func kindOptions(selected: ImportKind?) -> [Option] {
        [Option(value: "", label: "Detect from the columns", selected: selected == nil)]
            + ImportKind.allCases.map { Option(value: $0.rawValue, label: kindLabel($0), selected: $0 == selected) }
    }

    static func badge(_ status: ImportReport.Status) -> String {
        switch status {
        case .succeeded, .validated: "yes"
        case .failed: "no"
        case .partial, .running: "touch"
        }
    }

    static func count(_ value: Int) -> String { Money.groupThousands(UInt64(max(0, value))) }

    static func bytes(_ size: Int) -> String {
        if size < 1 << 10 { return "\(size) B" }
        if size < 1 << 20 { return String(format: "%.1f KiB", Double(size) / 1_024) }
        if size < 1 << 30 { return String(format: "%.1f MiB", Double(size) / 1_048_576) }
        return String(format: "%.2f GiB", Double(size) / 1_073_741_824)
    }

    static func problemRow(_ problem: ImportProblem) -> ProblemRow {
        ProblemRow(
            row: problem.row, column: DataPages.text(problem.column), field: DataPages.text(problem.field),
            value: DataPages.text(problem.value.map { DataPages.shorten($0, max: 200) }), reason: problem.reason)
    }

    /// Whether each column can be named in a mapping: not without a name, not a repeated name (only the first counts).
    static func addressable(_ header: [String]) -> [Bool] {
        var seen = Set<String>()
        return header.map { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The detected target of each column: a field, `traits.NAME`, or "" (ignored).
    static func detectedTargets(_ detected: DetectedMapping, count: Int) -> [String] {
        var targets = [String](repeating: "", count: count)
        for note in detected.notes where targets.indices.contains(note.index) {
            switch note.outcome {
            case .mapped(let field): targets[note.index] = field
            case .keptAsTrait(let name): targets[note.index] = ImportKind.traitPrefix + name
            case .ignored: targets[note.index] = ""
            }
        }
        return targets
    }

    static func noteText(_ note: ColumnNote?) -> String {
        guard let note else { return "—" }
        switch note.outcome {
        case .mapped(let field): return "recognized as \(field)"
        case .keptAsTrait(let name): return "kept as custom trait \(name)"
        case .ignored(let reason): return reason.isEmpty ? "ignored" : "ignored: \(reason)"
        }
    }

    /// The choices for one column: ignore, every field of the kind, and for contacts the column as a custom trait.
    static func fieldOptions(kind: ImportKind, header: String, selected: String) -> [Option] {
        var options = [Option(value: "ignore", label: "ignore (not imported)", selected: selected.isEmpty)]
        for field in kind.fields {
            options.append(Option(value: field.name, label: field.name + (field.required ? " (required)" : ""), selected: selected == field.name))
        }
        if kind.keepsTraits {
            var traits: [String] = []
            let own = traitName(header)
            if !own.isEmpty { traits.append(ImportKind.traitPrefix + own) }
            if selected.hasPrefix(ImportKind.traitPrefix), !traits.contains(selected) { traits.append(selected) }
            for trait in traits {
                options.append(
                    Option(value: trait, label: "custom trait " + trait.dropFirst(ImportKind.traitPrefix.count), selected: selected == trait))
            }
        }
        return options
    }

    /// `traits.NAME` with NAME of lowercase letters, digits and underscores.
    static func isTraitTarget(_ target: String) -> Bool {
        guard target.hasPrefix(ImportKind.traitPrefix) else { return false }
        let name = target.dropFirst(ImportKind.traitPrefix.count)
        return !name.isEmpty && name.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic && !$0.properties.isUppercase) || $0.properties.numericType != nil || $0 == "_" }
    }

    /// A trait name in snake case, as detection names traits: `"Lead Source"` → `"lead_source"`.
    static func traitName(_ header: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for scalar in header.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingUnderscore && !out.isEmpty { out.append("_") }
                pendingUnderscore = false
                out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }

    /// Required fields (and one-of groups) that no chosen column and no mapping default provides.
    static func missingRequired(kind: ImportKind, targets: [String], addressable: [Bool], defaults: ImportMapping) -> [String] {
        let mapped = Set(targets.indices.filter { addressable[$0] }.map { targets[$0] }.filter { !$0.isEmpty })
        var missing: [String] = []
        for field in kind.fields where field.required && !mapped.contains(field.name) && defaults.defaultValue(for: field.name) == nil {
            missing.append(field.name)
        }
        for group in kind.requiredAlternatives where !group.contains(where: mapped.contains) {
            missing.append(group.joined(separator: " or "))
        }
        return missing
    }

    /// `row,column,field,value,reason` with RFC 4180 quoting; text that a spreadsheet would run as a formula
    /// (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
    static func csv(_ problems: [ImportProblem]) -> String {
        var out = "row,column,field,value,reason\r\n"
        for problem in problems {
            out += ([String(problem.row)] + [problem.column, problem.field, problem.value, problem.reason].map { csvCell($0 ?? "") })
                .joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvCell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// An uploaded file waiting for step 2: who uploaded it, where it is, how it was named.
struct StagedUpload: Codable, Sendable {
    var id: String
    var workspaceID: String
    var actorID: String
    /// The name as uploaded (without a path, control characters, at most 200 characters): shown and recorded in the history.
    var fileName: String
    /// The name on disk: `fileName` reduced to letters, digits, `.`, `_` and `-`.
    var storedName: String
    var size: Int
    var kind: ImportKind?
    var skipBadRows: Bool
    var createdAt: Int64

    static var root: String { FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-imports").path }
    static func directory(_ id: String) -> String { root + "/" + id }
    /// Starts with a dot, which stored names never do.
    static let metadataName = ".staged.json"

    var directory: String { Self.directory(id) }
    var path: String { directory + "/" + storedName }
    var format: ImportRequest.Format {
        let name = storedName.lowercased()
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") ? .jsonl : .csv
    }

    func save() throws {
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.metadataName))
    }

    /// The staged upload of this workspace and person, or not found.
    static func load(id: String, scope: AccessScope) throws -> StagedUpload {
        guard Identifier.isValid(id), let data = FileManager.default.contents(atPath: directory(id) + "/" + metadataName),
              let staged = try? JSONDecoder().decode(StagedUpload.self, from: data),
              staged.id == id, staged.workspaceID == scope.workspace.id, staged.actorID == scope.actor.id,
              FileManager.default.fileExists(atPath: staged.path)
        else {
            throw PitcrewError(.notFound, "This upload is no longer staged: it was imported already or has expired. Upload the file again.")
        }
        return staged
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Removes stagings older than `olderThan` milliseconds, except those being imported.
    static func removeStale(olderThan lifetime: Int64, keeping: Set<String>) {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: root) else { return }
        let cutoff = Date(timeIntervalSince1970: Double(Timestamp.now() - lifetime) / 1_000)
        for entry in entries where Identifier.isValid(entry) && !keeping.contains(entry) {
            let path = directory(entry)
            if let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                try? manager.removeItem(atPath: path)
            }
        }
    }

    /// The last path component of the name sent, without control characters, trimmed, at most 200 characters.
    static func displayName(_ sent: String) -> String {
        let last = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String.UnicodeScalarView()
        cleaned.append(contentsOf: last.unicodeScalars.filter { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) })
        let name = String(String(cleaned).trimmingCharacters(in: .whitespaces).prefix(200))
        return name.isEmpty ? "upload" : name
    }

    /// A safe file name: ASCII letters, digits, `.`, `_`, `-` (others become `_`), no leading dot, the extension kept.
    static func storedName(_ sent: String) -> String {
        var out = ""
        for scalar in displayName(sent).unicodeScalars {
            let value = scalar.value
            let allowed = (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
                || scalar == "." || scalar == "_" || scalar == "-"
            out.unicodeScalars.append(allowed ? scalar : "_")
        }
        while out.hasPrefix(".") { out.removeFirst() }
        if let dot = out.lastIndex(of: "."), out.distance(from: dot, to: out.endIndex) <= 12 {
            out = String(out[..<dot].prefix(100)) + out[dot...]
        } else {
            out = String(out.prefix(100))
        }
        return out.isEmpty || out.hasPrefix(".") ? "upload" + out : out
    }
}

/// Imports started from the wizard in this process: enough to follow one to its report.
final class StagedImportRuns: Sendable {
    struct Run: Sendable {
        var workspaceID: String
        var fileName: String
        var startedAt: Int64
        var reportID: String?
        var failure: String?
    }

    private let runs = Mutex<[String: Run]>([:])

    /// Records a run; false when this staged upload is already being imported (a second click).
    func start(_ id: String, _ run: Run) -> Bool {
        runs.withLock { runs in
            let cutoff = Timestamp.now() - ImportPages.stagingLifetime
            runs = runs.filter { $0.value.startedAt >= cutoff || ($0.value.reportID == nil && $0.value.failure == nil) }
            guard runs[id] == nil else { return false }
            runs[id] = run
            return true
        }
    }

    func finish(_ id: String, reportID: String) { runs.withLock { $0[id]?.reportID = reportID } }

    func fail(_ id: String, _ message: String) { runs.withLock { $0[id]?.failure = message } }

    func run(_ id: String) -> Run? { runs.withLock { $0[id] } }

    /// Staged ids whose import has not finished.
    func activeIDs() -> Set<String> {
        runs.withLock { Set($0.filter { $0.value.reportID == nil && $0.value.failure == nil }.keys) }
    }
}
