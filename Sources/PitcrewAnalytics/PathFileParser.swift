public import Foundation
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming reader of ChannelAttribution's path format.
///
/// ```
/// path;total_conversions;total_conversion_value;total_null
/// paid_search > email > direct;1;120.50;0
/// ```
///
/// * The header names the columns; `path` and `total_conversions` are required, `total_conversion_value` and
///   `total_null` are optional (0 when absent), other columns are ignored. The delimiter is `;` unless the header has
///   none, then `,` or a tab.
/// * Channels are separated by `>` and trimmed of spaces and tabs. An empty channel (`a > > b`, a trailing `>`) is an
///   error, not silently dropped. A path with no channel at all follows `EmptyJourneyPolicy`.
/// * Fields may be quoted with `"` (a doubled `""` is a quote), as pandas writes them; a quoted field cannot span lines.
/// * Counts and value must be finite, non-negative decimals. Blank lines are ignored, `\r\n` is accepted.
/// * Identical paths are merged while reading, so memory grows with distinct paths, not rows.
///
/// Feed it chunks of any size with `consume(_:)`, then call `finish()`; or use `parse(contentsOf:)`, which maps the file
/// and, for inputs of 1 MiB or more, parses pieces of it on all cores (see `Options.parallelism`).
public struct PathFileParser {
    /// Options of the path format.
    public struct Options: Sendable {
        /// Field delimiter; nil detects it from the header (`;`, then `,`, then tab).
        public var delimiter: UInt8?
        /// What to do with rows whose path has no channel.
        public var emptyPaths: EmptyJourneyPolicy
        /// Into how many pieces (split at line boundaries) `parse(contentsOf:)` and `parse(_:)` cut the rows after the
        /// header to parse them concurrently; nil: one below 1 MiB, else one per active processor. The result does not
        /// depend on it: channels are numbered by name, rows sorted by path and sums are exact (see `ExactSum`), and an
        /// error names the same row and column as a parse in one piece would.
        public var parallelism: Int?

        public init(delimiter: UInt8? = nil, emptyPaths: EmptyJourneyPolicy = .reject, parallelism: Int? = nil) {
            self.delimiter = delimiter
            self.emptyPaths = emptyPaths
            self.parallelism = parallelism
        }
    }

    private var builder: JourneySetBuilder
    private var interner = ByteInterner()
    private var table = PathFieldTable()
    private var carry: [UInt8] = []
    private var row = 0
    private var delimiter: UInt8
    private var header: [String] = []
    private var pathColumn = -1
    private var conversionsColumn = -1
    private var valueColumn = -1
    private var nullColumn = -1
    /// Where the fields of the current row that are read lie in the line (`splitFields`).
    private var pathStart = 0
    private var pathEnd = 0
    private var pathEscaped = false
    private var conversionsStart = 0
    private var conversionsEnd = 0
    private var valueStart = 0
    private var valueEnd = 0
    private var nullStart = 0
    private var nullEnd = 0
    private var pathBuffer: [Int32] = []
    private var scratch: [UInt8] = []

    public init(options: Options = Options()) {
        builder = JourneySetBuilder(emptyJourneys: options.emptyPaths)
        delimiter = options.delimiter ?? 0
    }

    /// Reads a whole file: a regular file is mapped into memory and parsed in pieces on all cores (see
    /// `Options.parallelism`); anything else (a pipe) is read sequentially in 4 MiB chunks.
    public static func parse(contentsOf url: URL, options: Options = Options()) throws -> JourneySet {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var info = stat()
        if fstat(handle.fileDescriptor, &info) == 0, info.st_mode & 0o170000 == 0o100000 {
            let size = Int(info.st_size)
            guard size > 0 else { return try parse(bytes: UnsafeRawBufferPointer(start: nil, count: 0), options: options) }
            // (A file truncated by another process while it is parsed would fault; path files are written once.)
            let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, handle.fileDescriptor, 0)
            if let map, map != UnsafeMutableRawPointer(bitPattern: -1) {
                defer { munmap(map, size) }
                return try parse(bytes: UnsafeRawBufferPointer(start: map, count: size), options: options)
            }
            let data = try handle.readToEnd() ?? Data()
            return try data.withUnsafeBytes { try parse(bytes: $0, options: options) }
        }
        var parser = PathFileParser(options: options)
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try parser.consume($0) }
        }
        return try parser.finish()
    }

    /// Parses text held in memory.
    public static func parse(_ text: String, options: Options = Options()) throws -> JourneySet {
        var text = text
        return try text.withUTF8 { try parse(bytes: UnsafeRawBufferPointer($0), options: options) }
    }

    /// Parses a whole input held in memory: the header on this thread, then the rows, in several pieces at once when
    /// `Options.parallelism` (or the size of the input) says so.
    static func parse(bytes: UnsafeRawBufferPointer, options: Options) throws -> JourneySet {
        let all = bytes.bindMemory(to: UInt8.self)
        let n = all.count
        var parser = PathFileParser(options: options)
        var offset = 0
        while parser.header.isEmpty && offset < n {
            let end = nextNewline(all, from: offset)
            try parser.processLine(UnsafeBufferPointer(rebasing: all[offset..<end]))
            offset = end + 1
        }
        offset = min(offset, n)
        let pieceCount = parser.header.isEmpty ? 1 : pieces(for: n - offset, parallelism: options.parallelism)
        // Cut after a newline near each 1/pieceCount of the rows.
        var bounds = [offset]
        for piece in 1..<max(pieceCount, 1) {
            let target = max(offset + (n - offset) / pieceCount * piece, bounds[bounds.count - 1])
            let cut = min(nextNewline(all, from: target) + 1, n)
            if cut > bounds[bounds.count - 1] && cut < n { bounds.append(cut) }
        }
        bounds.append(n)
        if bounds.count <= 2 {
            try parser.consumeLines(UnsafeBufferPointer(rebasing: all[offset..<n]))
            return try parser.finish()
        }

        // Each piece gets its own parser (interner, path table, builder) with rows counted from the piece's start.
        var template = parser
        template.row = 0
        let work = ParallelPieces(template: template, bytes: all, bounds: bounds)
        defer { work.release() }
        DispatchQueue.concurrentPerform(iterations: work.count) { work.run($0) }
        // The first piece that failed holds the first bad row of the file: its error, with the row counted from the
        // top of the file.
        for piece in 0..<bounds.count - 1 {
            guard let error = work.errors[piece] else { continue }
            if case .malformedRow(let row, let column, let field, let reason)? = error as? AttributionError {
                let linesBefore = countNewlines(UnsafeBufferPointer(rebasing: all[0..<bounds[piece]]))
                throw AttributionError.malformedRow(row: row + linesBefore, column: column, field: field, reason: reason)
            }
            throw error
        }
        return try PathFileAssembly.journeySet(from: (0..<work.count).map { work.pieces[$0]! })
    }

    /// How many pieces to parse `count` bytes of rows in.
    private static func pieces(for count: Int, parallelism: Int?) -> Int {
        if let parallelism { return max(1, parallelism) }
        guard count >= 1 << 20 else { return 1 }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, count >> 19, 64))
    }

    /// The index of the next `\n` at or after `start`, or `bytes.count`.
    @inline(__always)
    private static func nextNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress else { return bytes.count }
        guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else { return bytes.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    private static func countNewlines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lines = 0
        var i = 0
        while i < bytes.count {
            i = nextNewline(bytes, from: i) + 1
            if i <= bytes.count { lines += 1 }
        }
        return lines
    }

    /// Feeds the next chunk of the file; lines may be split across chunks anywhere.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        if !carry.isEmpty {
            let newline = Self.nextNewline(bytes, from: 0)
            guard newline < bytes.count else {
                carry.append(contentsOf: bytes)
                return
            }
            carry.append(contentsOf: bytes[0..<newline])
            let line = carry
            carry.removeAll(keepingCapacity: true)
            try line.withUnsafeBufferPointer { try processLine($0) }
            start = newline + 1
        }
        let n = bytes.count
        while start < n {
            let end = Self.nextNewline(bytes, from: start)
            guard end < n else { break }
            try processLine(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
        if start < n { carry.append(contentsOf: bytes[start..<n]) }
    }

    /// Processes whole lines (the last one may lack its newline).
    private mutating func consumeLines(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var start = 0
        let n = bytes.count
        while start < n {
            let end = Self.nextNewline(bytes, from: start)
            try processLine(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
    }

    /// Ends the input (a last line without newline is fine) and returns the journeys.
    public mutating func finish() throws -> JourneySet {
        if !carry.isEmpty {
            let line = carry
            carry.removeAll()
            try line.withUnsafeBufferPointer { try processLine($0) }
        }
        guard !header.isEmpty else { throw AttributionError.emptyInput(reason: "the file is empty") }
        return try PathFileAssembly.journeySet(from: [piece])
    }

    /// What this parser collected.
    private var piece: ParsedPiece {
        let skipped = builder.skippedSums
        return ParsedPiece(
            names: builder.registeredNames, table: table, skippedJourneys: skipped.journeys, skippedConversions: skipped.conversions)
    }

    /// Parses one piece of the rows; run by `ParallelPieces`.
    fileprivate mutating func parsePiece(_ bytes: UnsafeBufferPointer<UInt8>) throws -> ParsedPiece {
        try consumeLines(bytes)
        return piece
    }

    // MARK: - Lines

    private mutating func processLine(_ raw: UnsafeBufferPointer<UInt8>) throws {
        row += 1
        var end = raw.count
        if end > 0 && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: raw[0..<end])
        if header.isEmpty {
            if Self.isBlank(line) {
                return
            }
            try parseHeader(line)
            return
        }
        if Self.isBlank(line) { return }
        try splitFields(line)
        // (Static helpers, so that no copy of `self` is made per call.)
        var conversions = Self.amount(line, conversionsStart, conversionsEnd)
        if !conversions.isMicros { conversions = Amount(try number(line, conversionsStart, conversionsEnd, column: conversionsColumn)) }
        var value = valueColumn >= 0 ? Self.amount(line, valueStart, valueEnd) : .zero
        if !value.isMicros { value = Amount(try number(line, valueStart, valueEnd, column: valueColumn)) }
        var nulls = nullColumn >= 0 ? Self.amount(line, nullStart, nullEnd) : .zero
        if !nulls.isMicros { nulls = Amount(try number(line, nullStart, nullEnd, column: nullColumn)) }
        let field = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[pathStart..<pathEnd])
        let fieldHash = PathFieldTable.hash(field)
        if let entry = table.lookup(field, hash: fieldHash) {
            table.add(entry, conversions, value, nulls)
            return
        }
        try readPath(line)
        if pathBuffer.isEmpty {
            do {
                let outcome = Outcome(conversions: conversions.number, value: value.number, nulls: nulls.number)
                try builder.skipEmpty(outcome, journey: row)
            } catch {
                throw rowError(pathColumn, "the path has no channels (use the skip policy for empty paths to leave such rows out)")
            }
            return
        }
        let entry = pathBuffer.withUnsafeBufferPointer { table.insert(field, hash: fieldHash, path: $0) }
        table.add(entry, conversions, value, nulls)
    }

    private static let microScale: [Int64] = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1]

    /// Reads a count or value. Fast path: digits with an optional `.` and at most six decimals, below 2⁵¹ micro-units
    /// (2.25e9), read straight into micro-units. That is the same number `ExactSum.add` would take from the `Double`:
    /// the `Double` is the decimal correctly rounded, and times 1e6 it rounds back to the same integer. Anything else
    /// (spaces, signs, exponents, more decimals, errors) is left to `number` (`isMicros` false).
    @inline(__always)
    private static func amount(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Amount {
        var i = start
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = 0
        while i < end {
            let digit = line[i] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            mantissa = mantissa &* 10 &+ Int64(digit)
            digits += 1
            i += 1
        }
        if i < end && line[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let digit = line[i] &- UInt8(ascii: "0")
                guard digit <= 9 else { break }
                mantissa = mantissa &* 10 &+ Int64(digit)
                digits += 1
                decimals += 1
                i += 1
            }
        }
        if i == end && digits > 0 && digits <= 15 && decimals <= 6 {
            let scale = Self.microScale[decimals]
            if mantissa < (1 << 51) / scale { return Amount(micros: mantissa * scale, other: 0, isMicros: true) }
        }
        return Amount(micros: 0, other: 0, isMicros: false)
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        !line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
    }

    private func rowError(_ column: Int, _ reason: String) -> AttributionError {
        let name = column >= 0 && column < header.count ? header[column] : "?"
        return .malformedRow(row: row, column: column + 1, field: name, reason: reason)
    }

    private mutating func parseHeader(_ rawLine: UnsafeBufferPointer<UInt8>) throws {
        var line = rawLine
        if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: rawLine[3...])
        }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw AttributionError.malformedHeader(reason: "the header is not valid UTF-8")
        }
        if delimiter == 0 {
            if text.contains(";") {
                delimiter = UInt8(ascii: ";")
            } else if text.contains(",") {
                delimiter = UInt8(ascii: ",")
            } else if text.contains("\t") {
                delimiter = UInt8(ascii: "\t")
            } else {
                throw AttributionError.malformedHeader(
                    reason: "expected columns path;total_conversions[;total_conversion_value][;total_null] separated by ';'")
            }
        }
        let names = text.split(separator: Character(Unicode.Scalar(delimiter)), omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
        }
        func column(_ name: String, required: Bool) throws -> Int {
            let matches = names.indices.filter { names[$0] == name }
            if matches.count > 1 { throw AttributionError.malformedHeader(reason: "column '\(name)' appears twice") }
            if required && matches.isEmpty {
                throw AttributionError.malformedHeader(reason: "missing column '\(name)' (found: \(names.joined(separator: ", ")))")
            }
            return matches.first ?? -1
        }
        pathColumn = try column("path", required: true)
        conversionsColumn = try column("total_conversions", required: true)
        valueColumn = try column("total_conversion_value", required: false)
        nullColumn = try column("total_null", required: false)
        header = names
    }

    private mutating func splitFields(_ line: UnsafeBufferPointer<UInt8>) throws {
        if splitPlainFields(line) { return }
        let n = line.count
        let quote = UInt8(ascii: "\"")
        var field = 0
        var i = 0
        while true {
            guard field < header.count else {
                throw rowError(header.count - 1, "too many fields: the header has \(header.count)")
            }
            if i < n && line[i] == quote {
                var j = i + 1
                var escaped = false
                while true {
                    guard j < n else { throw rowError(field, "unterminated quoted field") }
                    if line[j] == quote {
                        if j + 1 < n && line[j + 1] == quote {
                            escaped = true
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                setField(field, i + 1, j, escaped)
                i = j + 1
                if i < n && line[i] != delimiter { throw rowError(field, "unexpected character after a closing quote") }
            } else {
                var j = i
                while j < n && line[j] != delimiter { j += 1 }
                setField(field, i, j, false)
                i = j
            }
            field += 1
            if i >= n { break }
            i += 1
            if i == n {
                guard field < header.count else { throw rowError(header.count - 1, "too many fields: the header has \(header.count)") }
                setField(field, n, n, false)
                field += 1
                break
            }
        }
        guard field == header.count else {
            throw rowError(field, "expected \(header.count) fields separated by '\(Character(Unicode.Scalar(delimiter)))', found \(field)")
        }
    }

    /// The fast path of `splitFields` for the usual line: no quotes, as many fields as the header, 8 bytes or more.
    /// Finds the delimiters eight bytes at a time; false (nothing to trust) for any other line, which then takes the
    /// general path and its errors.
    @inline(__always)
    private mutating func splitPlainFields(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = line.count
        guard n >= 8, let base = line.baseAddress else { return false }
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let delimiters = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let quotes = UInt64(UInt8(ascii: "\"")) &* 0x0101_0101_0101_0101
        let last = header.count - 1
        var field = 0
        var fieldStart = 0
        var offset = 0
        while offset < n {
            // The last word overlaps the one before; its bytes seen already are masked off.
            let at = min(offset, n - 8)
            let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let seen: UInt64 = offset == at ? 0 : (1 << UInt64(8 * (offset - at))) &- 1
            // The high bit of each byte of `word` equal to the delimiter (a quote), exactly.
            let d = word ^ delimiters
            let q = word ^ quotes
            var delimiterBits = ~(((d & low7) &+ low7) | d | low7) & ~seen
            if ~(((q & low7) &+ low7) | q | low7) & ~seen != 0 { return false }
            while delimiterBits != 0 {
                guard field < last else { return false }
                let position = at + delimiterBits.trailingZeroBitCount >> 3
                setField(field, fieldStart, position, false)
                field += 1
                fieldStart = position + 1
                delimiterBits &= delimiterBits &- 1
            }
            offset = at + 8
        }
        guard field == last else { return false }
        setField(field, fieldStart, n, false)
        return true
    }

    /// Remembers where a field that is read lies.
    @inline(__always)
    private mutating func setField(_ field: Int, _ start: Int, _ end: Int, _ escaped: Bool) {
        if field == pathColumn {
            pathStart = start
            pathEnd = end
            pathEscaped = escaped
        } else if field == conversionsColumn {
            conversionsStart = start
            conversionsEnd = end
        } else if field == valueColumn {
            valueStart = start
            valueEnd = end
        } else if field == nullColumn {
            nullStart = start
            nullEnd = end
        }
    }

    private func number(_ line: UnsafeBufferPointer<UInt8>, _ fieldStart: Int, _ fieldEnd: Int, column: Int) throws -> Double {
        var start = fieldStart
        var end = fieldEnd
        while start < end && (line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: line[start..<end])
        guard !bytes.isEmpty else { throw rowError(column, "missing number") }
        guard let value = DecimalParsing.parse(bytes) else {
            throw rowError(column, "not a number: '\(String(decoding: bytes, as: UTF8.self))'")
        }
        guard value >= 0 else { throw rowError(column, "must not be negative (found \(String(decoding: bytes, as: UTF8.self)))") }
        return value
    }

    private mutating func readPath(_ line: UnsafeBufferPointer<UInt8>) throws {
        pathBuffer.removeAll(keepingCapacity: true)
        if pathEscaped {
            // Rare: a quoted path holding "" — unescape into scratch, then tokenize that.
            scratch.removeAll(keepingCapacity: true)
            var i = pathStart
            while i < pathEnd {
                scratch.append(line[i])
                i += line[i] == UInt8(ascii: "\"") ? 2 : 1
            }
            let copy = scratch
            try copy.withUnsafeBufferPointer { try tokenize($0, 0, $0.count) }
        } else {
            try tokenize(line, pathStart, pathEnd)
        }
    }

    private mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws {
        if Self.isBlank(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return }
        let separator = UInt8(ascii: ">")
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        var i = start
        while true {
            // Find the separator, trim blanks off both ends, then hash the name a word at a time.
            var separatorAt = i
            while separatorAt < end && bytes[separatorAt] != separator { separatorAt += 1 }
            var tokenStart = i
            var tokenEnd = separatorAt
            while tokenStart < tokenEnd && (bytes[tokenStart] == space || bytes[tokenStart] == tab) { tokenStart += 1 }
            while tokenEnd > tokenStart && (bytes[tokenEnd - 1] == space || bytes[tokenEnd - 1] == tab) { tokenEnd -= 1 }
            guard tokenEnd > tokenStart else {
                throw rowError(pathColumn, "empty channel name at touch \(pathBuffer.count + 1) (two '>' in a row, or a '>' at an end)")
            }
            let name = UnsafeBufferPointer(rebasing: bytes[tokenStart..<tokenEnd])
            pathBuffer.append(try intern(name))
            i = separatorAt
            if i >= end { break }
            i += 1
            if i == end {
                throw rowError(pathColumn, "empty channel name at touch \(pathBuffer.count + 1) (two '>' in a row, or a '>' at an end)")
            }
        }
    }

    @inline(__always)
    private mutating func intern(_ name: UnsafeBufferPointer<UInt8>) throws -> Int32 {
        if let id = interner.lookup(name) { return id }
        guard let text = String(validating: name, as: UTF8.self) else { throw rowError(pathColumn, "a channel name is not valid UTF-8") }
        let id: Int32
        do {
            id = try builder.channelID(for: text)
        } catch let error as AttributionError {
            if case .invalidOption(let reason) = error { throw rowError(pathColumn, reason) }
            throw error
        }
        interner.insert(name, id: id)
        return id
    }
}

/// The per-piece parsers of a concurrent parse and their errors; each piece touches only its own slot.
private final class ParallelPieces: @unchecked Sendable {
    let parsers: UnsafeMutablePointer<PathFileParser>
    let pieces: UnsafeMutablePointer<ParsedPiece?>
    let errors: UnsafeMutablePointer<(any Error)?>
    let count: Int
    private let bytes: UnsafeBufferPointer<UInt8>
    private let bounds: [Int]

    /// Piece `i` is `bytes[bounds[i] ..< bounds[i + 1]]`.
    init(template: PathFileParser, bytes: UnsafeBufferPointer<UInt8>, bounds: [Int]) {
        self.bytes = bytes
        self.bounds = bounds
        count = bounds.count - 1
        parsers = .allocate(capacity: count)
        parsers.initialize(repeating: template, count: count)
        pieces = .allocate(capacity: count)
        pieces.initialize(repeating: nil, count: count)
        errors = .allocate(capacity: count)
        errors.initialize(repeating: nil, count: count)
    }

    func run(_ piece: Int) {
        do {
            pieces[piece] = try parsers[piece].parsePiece(UnsafeBufferPointer(rebasing: bytes[bounds[piece]..<bounds[piece + 1]]))
        } catch {
            errors[piece] = error
        }
    }

    func release() {
        parsers.deinitialize(count: count)
        parsers.deallocate()
        pieces.deinitialize(count: count)
        pieces.deallocate()
        errors.deinitialize(count: count)
        errors.deallocate()
    }
}
