import PitcrewCore
import PitcrewStore
import Synchronization

/// Reads an import's file in chunks of good rows: records read, mapped to fields, normalized and checked, the bad ones
/// counted and their problems kept. It runs a chunk ahead of the writer, on another thread (one chunk at a time: each
/// `next()` starts after the previous one returned, so its state is never used by two threads at once).
final class ChunkReader: @unchecked Sendable {
    struct Chunk: Sendable {
        var rows: [TypedRow] = []
        /// Rows read so far (good and bad), and bytes of the file.
        var rowsRead = 0
        var bytesRead = 0
        /// The end of the file, or a failure to read it.
        var isLast = false
        var failure: ImportProblem?
    }

    private var reader: any RecordReader
    private let mapper: RowMapper
    private let normalizer: RowNormalizer
    private let kind: ImportKind
    private let skipBadRows: Bool
    private var duplicates: DuplicateRowDetector
    private var rowsRead = 0
    private var rowsBad = 0
    private var problems: [ImportProblem] = []
    private var problemsTruncated = false
    /// Summary rows of ad reports skipped (neither good nor bad rows).
    private(set) var summaryRows = 0
    /// Lines of one field that may be the report's footer (`Footer`), held until the file ends (they are) or a record
    /// follows (they are bad rows).
    private var footer: [ImportProblem] = []
    private var footerLines = 0
    /// Keys (email, record id, domain…) of the file's good rows so far, as hashes, and the rows that repeated one (the
    /// later row updates the record the earlier one wrote: said in a note). Bounded like `ImportWriter.writtenKeyLimit`.
    private var keysSeen = KeyHashSet()
    private var repeatedKeys = 0
    private var firstRepeat: (row: Int, key: String)?
    /// Whether a date could be read either way round (then the report says which day order it was read in).
    private var readAmbiguousDate = false
    /// Rows imported without a country Pitcrew could not read, and the first such value.
    private var unknownCountries = 0
    private var firstUnknownCountry = ""
    private let stillWriting = Atomic(true)

    init(reader: any RecordReader, mapper: RowMapper, normalizer: RowNormalizer, kind: ImportKind, skipBadRows: Bool) {
        self.reader = reader
        self.mapper = mapper
        self.normalizer = normalizer
        self.kind = kind
        self.skipBadRows = skipBadRows
        duplicates = DuplicateRowDetector(kind: kind)
    }

    /// False once a bad row means nothing will be written (all or nothing): reading goes on to report every bad row.
    var writing: Bool { stillWriting.load(ordering: .acquiring) }

    /// The good rows among the next `ImportService.chunkRows` records (none once nothing will be written).
    func next() -> Chunk {
        var chunk = Chunk()
        chunk.rows.reserveCapacity(ImportService.chunkRows)
        let end = rowsRead + ImportService.chunkRows
        while rowsRead < end {
            if Task.isCancelled {
                chunk.isLast = true
                break
            }
            let record: Record?
            do {
                record = try reader.next()
            } catch let error as DelimitedReaderError where error.lone.map({ !footer.isEmpty || Footer.begins($0) }) ?? false {
                rowsRead += 1
                footer.append(ImportService.problem(error))
                continue
            } catch where ImportService.isRowLevel(error) {
                // One broken record (wrong number of fields, a bad JSON line): a bad row like any other; reading goes on.
                flushFooter()
                rowsRead += 1
                rowsBad += 1
                note([ImportService.problem(error)])
                if !skipBadRows { stillWriting.store(false, ordering: .releasing) }
                continue
            } catch {
                flushFooter()
                let problem = ImportService.problem(error)
                note([problem])
                chunk.failure = problem
                chunk.isLast = true
                break
            }
            guard let record else {
                footerLines = footer.count
                footer = []
                chunk.isLast = true
                break
            }
            flushFooter()
            rowsRead += 1
            let mapped = mapper.map(record)
            if kind == .spend, Self.isSummaryRow(day: mapped["day"], campaign: mapped["campaign"], first: record.fields.first) {
                summaryRows += 1
                continue
            }
            var typed = normalizer.normalize(mapped)
            if typed.readAmbiguousDate { readAmbiguousDate = true }
            if let country = typed.unknownCountry, typed.problems.isEmpty {
                if unknownCountries == 0 { firstUnknownCountry = country }
                unknownCountries += 1
            }
            if kind == .touchpoints, let duplicate = duplicates.check(mapped) { typed.problems.append(duplicate) }
            // Rows of one day, channel and campaign add up (ad groups, devices: columns not imported); a row equal to an
            // earlier one in every column of the file is the same row twice, and would double the cost.
            if kind == .spend, let duplicate = duplicates.checkRecord(record) { typed.problems.append(duplicate) }
            if !typed.problems.isEmpty {
                rowsBad += 1
                note(typed.problems)
                if !skipBadRows { stillWriting.store(false, ordering: .releasing) }
                continue
            }
            typed.repeatsKey = noteRepeatedKey(typed)
            if writing { chunk.rows.append(typed) }
        }
        chunk.rowsRead = rowsRead
        chunk.bytesRead = reader.bytesRead
        return chunk
    }

    /// Ad platforms end their cost reports with summary rows: Google Ads writes "Total: Account" where the day goes (or in
    /// its first column), Meta leaves the day and the campaign empty. A campaign whose name begins with "Total" on a
    /// day is a campaign.
    static func isSummaryRow(day: String?, campaign: String?, first: String?) -> Bool {
        let day = day?.trimmingASCIIWhitespace() ?? ""
        if day.lowercased().hasPrefix("total") { return true }
        guard day.isEmpty else { return false }
        if first?.lowercased().hasPrefix("total") == true { return true }
        return (campaign?.trimmingASCIIWhitespace() ?? "").isEmpty
    }

    /// Whether the row repeats a key of an earlier row: what identifies the record it writes (contacts: record id and
    /// email, either finds it; accounts: record id, else domain, else name; deals: record id), as the writer matches
    /// them. Keys are kept as 64-bit hashes (a collision says yes wrongly: one needless lookup, one row too many in the
    /// note); nil past `ImportWriter.writtenKeyLimit` keys.
    private func noteRepeatedKey(_ row: TypedRow) -> Bool? {
        guard keysSeen.count < ImportWriter.writtenKeyLimit else { return nil }
        var repeated: String?
        func see(_ tag: String, _ value: String?) {
            guard let value else { return }
            var hasher = StableHasher()
            hasher.combine(tag)
            hasher.combine(value)
            if !keysSeen.insert(hasher.value), repeated == nil { repeated = "\(tag) \(value)" }
        }
        switch kind {
        case .contacts:
            see("record id", row.contactColumns[1].text)
            see("email", row.contactColumns[0].text)
        case .accounts:
            if let id = row.text("external_id") {
                see("record id", id)
            } else if let domain = row.text("domain") {
                see("domain", domain)
            } else {
                see("name", row.text("name"))
            }
        case .opportunities: see("record id", row.text("external_id"))
        case .spend, .touchpoints: return false
        }
        guard let repeated else { return false }
        repeatedKeys += 1
        if firstRepeat == nil { firstRepeat = (row.row, repeated) }
        return true
    }

    /// Lines held as a possible footer that a record followed: bad rows after all.
    private func flushFooter() {
        guard !footer.isEmpty else { return }
        rowsBad += footer.count
        note(footer)
        footer = []
        if !skipBadRows { stillWriting.store(false, ordering: .releasing) }
    }

    private func note(_ found: [ImportProblem]) {
        for problem in found {
            if problems.count < ImportService.problemLimit { problems.append(problem) } else { problemsTruncated = true }
        }
    }

    /// Moves the counts and problems into the report (after the last chunk); `dayOrderNote` (how numeric dates were read)
    /// leads its notes when a date of the file could be read either way round.
    func take(into report: inout ImportReport, dayOrderNote: String?) {
        report.rowsRead = rowsRead
        report.rowsBad = rowsBad
        report.problems = problems
        report.problemsTruncated = problemsTruncated
        if readAmbiguousDate, let dayOrderNote { report.notes.insert(dayOrderNote, at: 0) }
        if unknownCountries > 0 {
            report.notes.append(
                "\(unknownCountries) \(unknownCountries == 1 ? "row gives a country" : "rows give countries") that is not a country name or ISO 3166 code "
                    + "(first: \"\(firstUnknownCountry)\"); imported without it.")
        }
        if let firstRepeat {
            report.notes.append(
                "\(repeatedKeys) \(repeatedKeys == 1 ? "row repeats" : "rows repeat") the \(kind == .contacts ? "email or record id" : "key") of an earlier row "
                    + "of the file (first: row \(firstRepeat.row), \(firstRepeat.key)): each updated the record the earlier row wrote, its values winning.")
        }
        if footerLines > 0 {
            report.notes.append("Skipped the \(footerLines) line(s) of the report's footer at the end of the file (totals, copyright, who ran it).")
        }
        if summaryRows > 0 { report.notes.append("Skipped \(summaryRows) summary row(s) (totals, or rows with no day and no campaign); they are not days.") }
    }
}

/// Reports exported from a CRM end with a footer of one-field lines after the table; Salesforce's is a blank line,
/// `Grand Totals (N records)`, its copyright, `Confidential Information - Do Not Distribute` and `Generated By: …`. A
/// run of one-field lines at the end of the file that begins with a blank one, the grand totals or a copyright is that
/// footer (a one-field row such as "TotalEnergies" is a broken row, not a footer).
enum Footer {
    static func begins(_ line: String) -> Bool {
        let text = line.trimmingASCIIWhitespace().lowercased()
        return text.isEmpty || text.hasPrefix("grand total") || text.hasPrefix("copyright")
    }
}
