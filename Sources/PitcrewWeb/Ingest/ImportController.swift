import Foundation
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewIngest
import PitcrewStore

/// `/api/v1/imports`: upload a file (the request body, streamed to a temporary file), list and read import reports.
struct ImportController {
    let access: AccessService
    let imports: ImportService
    /// Largest upload accepted (the file is streamed to disk, never held in memory).
    static let maximumUploadBytes = 2 << 30

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("imports", use: create)
        group.get("imports", use: list)
        group.get("imports/{id}", use: show)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ImportReportDTO> {
        let scope = try await context.scope(access)
        try scope.require(.write)
        let query = request.uri.queryParameters
        var validator = Validator()
        var kind: ImportKind?
        if let text = query["kind"] {
            kind = ImportKind(rawValue: String(text))
            validator.check(kind != nil, "kind", "must be one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var mapping: ImportMapping?
        if let text = query["mapping"] {
            do {
                mapping = try ImportMapping.load(jsonData: Data(String(text).utf8))
            } catch {
                validator.add("mapping" + (error.path.isEmpty ? "" : "." + error.path), error.reason)
            }
        }
        var format: ImportRequest.Format?
        if let text = query["format"] {
            format = ImportRequest.Format(rawValue: String(text))
            validator.check(format != nil, "format", "must be csv or jsonl")
        } else if let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
            ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"].contains(type)
        {
            format = .jsonl  // the body says what it is
        }
        let flags = try ["dry_run", "skip_bad_rows"].map(request.flag)
        var dayOrder: DayOrder?
        if let text = query["day_order"] {
            dayOrder = DayOrder(rawValue: String(text))
            validator.check(dayOrder != nil, "day_order", "must be month_first or day_first")
        }
        let fileName = query["file_name"].map(String.init) ?? "upload.\(format?.rawValue ?? "csv")"
        try validator.finish()
        let path = try await Self.saveBody(request)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try await imports.run(
            scope, .file(path: path),
            ImportRequest(kind: kind, mapping: mapping, fileName: fileName, format: format, dryRun: flags[0], skipBadRows: flags[1], dayOrder: dayOrder))
        return JSONResponse(ImportReportDTO(report), status: report.dryRun ? .ok : .created)
    }

    /// Streams the request body into a temporary file; refuses bodies over `maximumUploadBytes`.
    static func saveBody(_ request: Request) async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-upload-\(Identifier.make())").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]), let handle = FileHandle(forWritingAtPath: path) else {
            throw PitcrewError(.unavailable, "Could not store the upload.")
        }
        defer { try? handle.close() }
        var written = 0
        do {
            for try await buffer in request.body {
                written += buffer.readableBytes
                guard written <= maximumUploadBytes else {
                    throw PitcrewError.invalid("body", "The file is larger than \(maximumUploadBytes >> 30) GiB.")
                }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<ImportReportDTO>> {
        let page = try request.pageRequest()
        let reports = try await imports.imports(try await context.scope(access), limit: page.limit + 1, before: page.after)
        let items = Array(reports.prefix(page.limit))
        return JSONResponse(
            ListResponse(items: items.map(ImportReportDTO.init), nextCursor: reports.count > items.count ? items.last.map { PageRequest.encodeCursor($0.id) } : nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ImportReportDTO> {
        let report = try await imports.report(try await context.scope(access), id: try context.parameters.require("id"))
        return JSONResponse(ImportReportDTO(report))
    }
}

struct ImportReportDTO: Encodable, Sendable {
    struct Problem: Encodable, Sendable {
        var row: Int
        var column: String?
        var field: String?
        var value: String?
        var reason: String
    }

    var id: String
    var kind: String?
    var fileName: String
    var preset: String?
    var status: String
    var dryRun: Bool
    var skipBadRows: Bool
    var rowsRead: Int
    var rowsBad: Int
    var inserted: Int
    var updated: Int
    /// Rows that matched a stored record and changed nothing.
    var unchanged: Int
    var problems: [Problem]
    var problemsTruncated: Bool
    var message: String
    var columns: [String]
    var notes: [String]
    var createdAt: String
    var finishedAt: String?

    init(_ report: ImportReport) {
        id = report.id
        kind = report.kind?.rawValue
        fileName = report.fileName
        preset = report.preset
        status = report.status.rawValue
        dryRun = report.dryRun
        skipBadRows = report.skipBadRows
        rowsRead = report.rowsRead
        rowsBad = report.rowsBad
        inserted = report.inserted
        updated = report.updated
        unchanged = report.unchanged
        problems = report.problems.map { Problem(row: $0.row, column: $0.column, field: $0.field, value: $0.value, reason: $0.reason) }
        problemsTruncated = report.problemsTruncated
        message = report.message
        columns = report.columns
        notes = report.notes
        createdAt = Timestamp.iso8601(report.createdAt)
        finishedAt = report.finishedAt.map(Timestamp.iso8601)
    }
}
