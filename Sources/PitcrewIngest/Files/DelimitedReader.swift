/// Streams records out of a CSV/TSV file in bounded memory.
///
/// Built for uploads of millions of rows: the file is read in ~1 MiB chunks, each record is
/// parsed in place and only its fields become Strings, so memory stays at roughly one chunk
/// (or the longest record) whatever the file size.
///
/// What it accepts:
/// - UTF-8, with or without a BOM. A UTF-16 BOM or any invalid UTF-8 byte is an error that
///   names the byte and its offset (no silent U+FFFD replacement).
/// - A delimiter given by the caller, or detected from the header line: the most frequent of
///   `, ; \t |` outside quotes (ties prefer that order; none found means one column, comma).
/// - RFC 4180 quoting: `"a ""b"", c"` with delimiters and line breaks inside quotes;
///   spaces between a closing quote and the delimiter are allowed, and a quote inside an
///   unquoted field is taken literally.
/// - LF, CRLF (and lone CR) line ends, a final line end or none, blank lines (also lines of
///   only delimiters and whitespace) which are skipped.
///
/// Errors are ``DelimitedReaderError``s carrying the record's starting line (header = row 1)
/// and, when it is about one field, its column index and header name.
public struct DelimitedReader: RecordReader {
    /// What to do with a record that has fewer fields than the header.
    public enum ShortRowPolicy: Sendable, Hashable {
        /// A different field count is an error naming the row and both counts.
        case reject
        /// Missing trailing fields are read as empty (extra fields are still an error).
        case padWithEmpty
    }

    /// Default read size: large enough to amortize syscalls, small enough to stay in cache.
    public static let defaultChunkSize = 1 << 20
    /// Largest single record accepted before assuming an unclosed quote.
    public static let defaultMaxRecordBytes = 16 << 20

    /// Column names, trimmed of surrounding whitespace.
    public private(set) var header: [String] = []
    /// The delimiter in use (given or detected).
    public private(set) var delimiter: Delimiter
    public let shortRows: ShortRowPolicy

    private var window: ByteWindow

    /// Bytes of the input consumed so far (for progress).
    public var bytesRead: Int { window.bufferFileOffset + window.start }
    private var line = 1
    private var spans: [FieldSpan] = []
    private var scratch: [UInt8] = []
    private var utf16ByteOrderMark = false

    /// Opens a file and reads its header.
    /// - Parameters:
    ///   - delimiter: nil to detect it from the header line.
    ///   - skipLines: physical lines to skip before the header (report titles some ad
    ///     platforms put above the table). Row numbers still count them.
    public init(
        path: String,
        delimiter: Delimiter? = nil,
        shortRows: ShortRowPolicy = .reject,
        skipLines: Int = 0
    ) throws {
        try self.init(path: path, delimiter: delimiter, shortRows: shortRows, skipLines: skipLines,
                      chunkSize: Self.defaultChunkSize, maxRecordBytes: Self.defaultMaxRecordBytes)
    }

    /// Reads an in-memory upload through the same chunked path as a file.
    public init(
        bytes: [UInt8],
        delimiter: Delimiter? = nil,
        shortRows: ShortRowPolicy = .reject,
        skipLines: Int = 0
    ) throws {
        try self.init(bytes: bytes, delimiter: delimiter, shortRows: shortRows, skipLines: skipLines,
                      chunkSize: Self.defaultChunkSize, maxRecordBytes: Self.defaultMaxRecordBytes)
    }

    /// Reads text (tests, pasted data). The String's UTF-8 bytes are parsed.
    public init(
        string: String,
        delimiter: Delimiter? = nil,
        shortRows: ShortRowPolicy = .reject,
        skipLines: Int = 0
    ) throws {
        try self.init(bytes: Array(string.utf8), delimiter: delimiter, shortRows: shortRows, skipLines: skipLines)
    }

    /// Test seam: a tiny `chunkSize` forces records, quotes and CRLFs across chunk boundaries.
    init(path: String, delimiter: Delimiter?, shortRows: ShortRowPolicy, skipLines: Int,
         chunkSize: Int, maxRecordBytes: Int) throws {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw DelimitedReaderError(row: 1, kind: .io(path: path, message: error.message))
        }
        try self.init(source: source, delimiter: delimiter, shortRows: shortRows, skipLines: skipLines,
                      chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Test seam, see ``init(path:delimiter:shortRows:skipLines:chunkSize:maxRecordBytes:)``.
    init(bytes: [UInt8], delimiter: Delimiter?, shortRows: ShortRowPolicy, skipLines: Int,
         chunkSize: Int, maxRecordBytes: Int) throws {
        try self.init(source: MemoryByteSource(bytes: bytes), delimiter: delimiter, shortRows: shortRows,
                      skipLines: skipLines, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    private init(source: any ByteSource, delimiter: Delimiter?, shortRows: ShortRowPolicy, skipLines: Int,
                 chunkSize: Int, maxRecordBytes: Int) throws {
        window = ByteWindow(source: source, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        self.delimiter = delimiter ?? .comma
        self.shortRows = shortRows
        try skipByteOrderMark()
        // Excel's "sep=;" first line names the delimiter.
        let declared = delimiter == nil ? try skipSeparatorLine() : nil
        if let declared { self.delimiter = declared }
        try skipLeadingLines(skipLines)
        if skipLines == 0 { try skipTitleLines() }
        if delimiter == nil, declared == nil {
            self.delimiter = try detectDelimiter()
        }
        guard let first = try nextRawRecord() else {
            throw DelimitedReaderError(row: line, kind: .emptyFile)
        }
        header = first.fields.map { $0.trimmingWhitespace() }
    }

    /// The next data record, or nil at the end of the file.
    public mutating func next() throws -> Record? {
        guard var record = try nextRawRecord() else { return nil }
        if record.fields.count != header.count {
            if record.fields.count < header.count && shortRows == .padWithEmpty {
                record.fields.append(contentsOf: repeatElement("", count: header.count - record.fields.count))
            } else {
                var error = DelimitedReaderError(row: record.row, kind: .fieldCountMismatch(expected: header.count, found: record.fields.count))
                if record.fields.count == 1 { error.lone = record.fields[0] }
                throw error
            }
        }
        return record
    }

    // MARK: - Reading

    private mutating func nextRawRecord() throws -> Record? {
        let delimiterByte = delimiter.byte
        while true {
            if window.available == 0 {
                if try !refill() { return nil }
                continue
            }
            var spans = self.spans
            self.spans = []
            let start = window.start
            let end = window.end
            let eof = window.atEOF
            let outcome = window.buffer.withUnsafeBufferPointer { p in
                DelimitedRecordParser.parse(p, from: start, end: end, atEOF: eof, delimiter: delimiterByte, spans: &spans)
            }
            defer { self.spans = spans }
            switch outcome {
            case .needMore:
                _ = try refill()
            case let .unterminatedQuote(column):
                throw error(row: line, column: column, kind: .unterminatedQuote)
            case let .characterAfterClosingQuote(byte, column, innerLines):
                throw error(
                    row: line, column: column,
                    kind: innerLines > 0 ? .quotedFieldRanOn(byte, closedOnRow: line + innerLines) : .characterAfterClosingQuote(byte))
            case let .record(next, innerLines):
                let row = line
                line += innerLines + 1
                var scratch = self.scratch
                self.scratch = []
                defer { self.scratch = scratch }
                let bomFlag = utf16ByteOrderMark
                let fileOffset = window.bufferFileOffset
                let result = window.buffer.withUnsafeBufferPointer { p -> Result<[String]?, DelimitedReaderError> in
                    let first = p[start]
                    if first == delimiterByte || first == DelimitedRecordParser.space || first == UInt8(ascii: "\t")
                        || first == DelimitedRecordParser.lineFeed || first == DelimitedRecordParser.carriageReturn,
                        DelimitedRecordParser.isBlank(p, from: start, to: next, delimiter: delimiterByte) {
                        return .success(nil)
                    }
                    if let bad = UTF8Validation.firstInvalidByte(in: p, from: start, to: next) {
                        let column = (spans.firstIndex { $0.end > bad } ?? (spans.count - 1)) + 1
                        return .failure(DelimitedReaderError(
                            row: row, column: column,
                            kind: .notUTF8(byte: p[bad], offset: fileOffset + bad, utf16ByteOrderMark: bomFlag)))
                    }
                    var fields: [String] = []
                    fields.reserveCapacity(spans.count)
                    for span in spans {
                        fields.append(DelimitedRecordParser.string(p, span, scratch: &scratch))
                    }
                    return .success(fields)
                }
                window.start = next
                switch result {
                case let .failure(failure):
                    throw named(failure)
                case .success(nil):
                    continue
                case let .success(fields?):
                    return Record(row: row, fields: fields)
                }
            }
        }
    }

    /// Refill, translating window failures into row-numbered errors.
    private mutating func refill() throws -> Bool {
        do {
            return try window.refill()
        } catch .tooLong {
            throw DelimitedReaderError(row: line, kind: .recordTooLong(limit: window.maxRecordBytes))
        } catch let .io(message) {
            throw DelimitedReaderError(row: line, kind: .io(path: "the file", message: message))
        }
    }

    private func error(row: Int, column: Int, kind: DelimitedReaderError.Kind) -> DelimitedReaderError {
        named(DelimitedReaderError(row: row, column: column, kind: kind))
    }

    /// Adds the header name of the error's column once the header is known.
    private func named(_ error: DelimitedReaderError) -> DelimitedReaderError {
        var error = error
        if let column = error.column, header.indices.contains(column - 1) {
            error.columnName = header[column - 1]
        }
        return error
    }

    // MARK: - Start of file

    private mutating func skipByteOrderMark() throws {
        try ensure(4)
        let b = window.buffer
        let s = window.start
        let n = window.available
        if n >= 4 && b[s] == 0x50 && b[s + 1] == 0x4B && b[s + 2] == 0x03 && b[s + 3] == 0x04 {
            throw DelimitedReaderError(row: 1, kind: .spreadsheet)  // "PK\3\4": a zip file, as .xlsx and .ods are
        }
        if n >= 3 && b[s] == 0xEF && b[s + 1] == 0xBB && b[s + 2] == 0xBF {
            window.start += 3
        } else if n >= 2 && ((b[s] == 0xFF && b[s + 1] == 0xFE) || (b[s] == 0xFE && b[s + 1] == 0xFF)) {
            utf16ByteOrderMark = true
            throw DelimitedReaderError(row: 1, kind: .notUTF8(byte: b[s], offset: 0, utf16ByteOrderMark: true))
        }
    }

    private mutating func ensure(_ count: Int) throws {
        while window.available < count {
            if try !refill() { return }
        }
    }

    /// Skips `count` physical lines (LF-terminated, quotes not interpreted).
    private mutating func skipLeadingLines(_ count: Int) throws {
        var remaining = count
        while remaining > 0 {
            if window.available == 0, try !refill() { return }
            var found = false
            while window.start < window.end {
                let b = window.buffer[window.start]
                window.start += 1
                if b == DelimitedRecordParser.lineFeed {
                    found = true
                    break
                }
            }
            if found {
                remaining -= 1
                line += 1
            }
        }
    }

    /// Consumes a first line `sep=X` (written by Excel so that it opens the file with delimiter X) and returns X.
    private mutating func skipSeparatorLine() throws -> Delimiter? {
        try ensure(7)
        let b = window.buffer
        let s = window.start
        guard window.available >= 5, [b[s], b[s + 1], b[s + 2]].map({ $0 | 0x20 }) == Array("sep".utf8), b[s + 3] == UInt8(ascii: "="),
            let declared = Delimiter.allCases.first(where: { $0.byte == b[s + 4] })
        else { return nil }
        var end = s + 5
        if end < window.end, b[end] == DelimitedRecordParser.carriageReturn { end += 1 }
        guard end < window.end, b[end] == DelimitedRecordParser.lineFeed else { return nil }
        window.start = end + 1
        line += 1
        return declared
    }

    /// Skips report titles above the table (Google Ads downloads start with "Campaign report" and a quoted date range, a
    /// LinkedIn report with "Report Start: …" lines): up to five leading lines before the table, see below.
    private mutating func skipTitleLines() throws {
        if window.available == 0, try !refill() { return }
        let candidates = Delimiter.allCases.map(\.byte)
        /// Each candidate delimiter's count outside quotes on the line starting at `start`, and where the next line starts
        /// (nil: not complete here).
        func scan(_ start: Int) -> (counts: [Int], next: Int)? {
            var counts = [Int](repeating: 0, count: candidates.count)
            var inQuotes = false
            var i = start
            while i < window.end {
                let b = window.buffer[i]
                i += 1
                if b == DelimitedRecordParser.quote { inQuotes.toggle() } else if !inQuotes {
                    if b == DelimitedRecordParser.lineFeed { return (counts, i) }
                    if let index = candidates.firstIndex(of: b) { counts[index] += 1 }
                }
            }
            return nil
        }
        // The first lines: where each starts and how many of each delimiter it has.
        var lines: [(start: Int, counts: [Int])] = []
        var position = window.start
        while lines.count < 12, let found = scan(position) {
            lines.append((position, found.counts))
            position = found.next
        }
        // The table starts at the first line with delimiters; the lines above it are titles. A report's preamble can
        // have delimiters too ("Report Start: 11/1/2024, Report End: 11/30/2024", "Accounts: Acme, Inc., Acme Europe, Ltd."
        // as LinkedIn writes): counting the table's delimiter (the one some line has most of), when the widest line is
        // followed by a line as wide (a header and its first row), lines above it with at most half its delimiters are
        // titles as well. (Data rows with a stray comma are no header: the real header above them is nearly as wide.)
        guard let first = lines.firstIndex(where: { $0.counts.contains { $0 > 0 } }), first <= 5 else { return }
        var start = first
        let widestOf = candidates.indices.map { candidate in lines.map { $0.counts[candidate] }.max() ?? 0 }
        let widest = widestOf.max() ?? 0
        let widths = lines.map { $0.counts[widestOf.firstIndex(of: widest) ?? 0] }
        if widest >= 3, let header = widths.firstIndex(of: widest), header > first, header <= 10,
            header + 1 >= widths.count || widths[header + 1] == widest,
            widths[..<header].allSatisfy({ $0 <= max(1, widest / 2) })
        {
            start = header
        }
        window.start = lines[start].start
        line += start
    }

    /// Counts candidate delimiters outside quotes on the first non-blank line.
    private mutating func detectDelimiter() throws -> Delimiter {
        while true {
            var counts = [Int](repeating: 0, count: Delimiter.allCases.count)
            var inQuotes = false
            var sawContent = false
            var complete = false
            var i = window.start
            let end = window.end
            let candidates = Delimiter.allCases.map(\.byte)
            window.buffer.withUnsafeBufferPointer { p in
                while i < end {
                    let b = p[i]
                    i += 1
                    if b == DelimitedRecordParser.quote {
                        inQuotes.toggle()
                        sawContent = true
                        continue
                    }
                    if inQuotes { continue }
                    if b == DelimitedRecordParser.lineFeed || b == DelimitedRecordParser.carriageReturn {
                        if sawContent {
                            complete = true
                            return
                        }
                        continue
                    }
                    sawContent = true
                    if let k = candidates.firstIndex(of: b) { counts[k] += 1 }
                }
            }
            if complete || window.atEOF {
                var best = 0
                for k in counts.indices where counts[k] > counts[best] { best = k }
                return Delimiter.allCases[best]
            }
            _ = try refill()
        }
    }
}
