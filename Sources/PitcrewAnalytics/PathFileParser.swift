public import Foundation

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
/// Feed it chunks of any size with `consume(_:)`, then call `finish()`; or use `parse(contentsOf:)`.
public struct PathFileParser {
    /// Options of the path format.
    public struct Options: Sendable {
        /// Field delimiter; nil detects it from the header (`;`, then `,`, then tab).
        public var delimiter: UInt8?
        /// What to do with rows whose path has no channel.
        public var emptyPaths: EmptyJourneyPolicy

        public init(delimiter: UInt8? = nil, emptyPaths: EmptyJourneyPolicy = .reject) {
            self.delimiter = delimiter
            self.emptyPaths = emptyPaths
        }
    }

    private var builder: JourneySetBuilder
    private var interner = ByteInterner()
    private var pathCache = RawPathCache()
    private var carry: [UInt8] = []
    private var row = 0
    private var delimiter: UInt8
    private var header: [String] = []
    private var pathColumn = -1
    private var conversionsColumn = -1
    private var valueColumn = -1
    private var nullColumn = -1
    private var fieldStart: [Int] = []
    private var fieldEnd: [Int] = []
    private var fieldEscaped: [Bool] = []
    private var pathBuffer: [Int32] = []
    private var scratch: [UInt8] = []

    public init(options: Options = Options()) {
        builder = JourneySetBuilder(emptyJourneys: options.emptyPaths)
        delimiter = options.delimiter ?? 0
    }

    /// Reads a whole file in 4 MiB chunks.
    public static func parse(contentsOf url: URL, options: Options = Options()) throws -> JourneySet {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var parser = PathFileParser(options: options)
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try parser.consume($0) }
        }
        return try parser.finish()
    }

    /// Parses text held in memory.
    public static func parse(_ text: String, options: Options = Options()) throws -> JourneySet {
        var parser = PathFileParser(options: options)
        var text = text
        try text.withUTF8 { try parser.consume(UnsafeRawBufferPointer($0)) }
        return try parser.finish()
    }

    /// Feeds the next chunk of the file; lines may be split across chunks anywhere.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        if !carry.isEmpty {
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                carry.append(contentsOf: bytes)
                return
            }
            carry.append(contentsOf: bytes[0..<newline])
            let line = carry
            carry.removeAll(keepingCapacity: true)
            try line.withUnsafeBufferPointer { try processLine($0) }
            start = newline + 1
        }
        var i = start
        let n = bytes.count
        while i < n {
            if bytes[i] == UInt8(ascii: "\n") {
                try processLine(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
            }
            i += 1
        }
        if start < n { carry.append(contentsOf: bytes[start..<n]) }
    }

    /// Ends the input (a last line without newline is fine) and returns the journeys.
    public mutating func finish() throws -> JourneySet {
        if !carry.isEmpty {
            let line = carry
            carry.removeAll()
            try line.withUnsafeBufferPointer { try processLine($0) }
        }
        guard !header.isEmpty else { throw AttributionError.emptyInput(reason: "the file is empty") }
        do {
            return try builder.build()
        } catch AttributionError.emptyInput(let reason) {
            throw AttributionError.emptyInput(reason: reason == "no journeys" ? "no rows after the header" : "every row has an empty path")
        }
    }

    // MARK: - Lines

    private mutating func processLine(_ raw: UnsafeBufferPointer<UInt8>) throws {
        row += 1
        var end = raw.count
        if end > 0 && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: raw[0..<end])
        if header.isEmpty {
            if isBlank(line) {
                return
            }
            try parseHeader(line)
            return
        }
        if isBlank(line) { return }
        try splitFields(line)
        let conversions = try number(line, column: conversionsColumn)
        let value = valueColumn >= 0 ? try number(line, column: valueColumn) : 0
        let nulls = nullColumn >= 0 ? try number(line, column: nullColumn) : 0
        let field = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[fieldStart[pathColumn]..<fieldEnd[pathColumn]])
        let fieldHash = RawPathCache.hash(field)
        if let cached = pathCache.lookup(field, hash: fieldHash) {
            builder.accumulate(row: cached, conversions: conversions, value: value, nulls: nulls)
            return
        }
        try readPath(line)
        if pathBuffer.isEmpty {
            do {
                try builder.skipEmpty(Outcome(conversions: conversions, value: value, nulls: nulls), journey: row)
            } catch {
                throw rowError(pathColumn, "the path has no channels (use the skip policy for empty paths to leave such rows out)")
            }
            return
        }
        let pathRow = pathBuffer.withUnsafeBufferPointer { builder.row(for: $0) }
        pathCache.insert(field, hash: fieldHash, row: pathRow)
        builder.accumulate(row: pathRow, conversions: conversions, value: value, nulls: nulls)
    }

    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
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
        fieldStart = Array(repeating: 0, count: names.count)
        fieldEnd = Array(repeating: 0, count: names.count)
        fieldEscaped = Array(repeating: false, count: names.count)
    }

    private mutating func splitFields(_ line: UnsafeBufferPointer<UInt8>) throws {
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
                fieldStart[field] = i + 1
                fieldEnd[field] = j
                fieldEscaped[field] = escaped
                i = j + 1
                if i < n && line[i] != delimiter { throw rowError(field, "unexpected character after a closing quote") }
            } else {
                var j = i
                while j < n && line[j] != delimiter { j += 1 }
                fieldStart[field] = i
                fieldEnd[field] = j
                fieldEscaped[field] = false
                i = j
            }
            field += 1
            if i >= n { break }
            i += 1
            if i == n {
                guard field < header.count else { throw rowError(header.count - 1, "too many fields: the header has \(header.count)") }
                fieldStart[field] = n
                fieldEnd[field] = n
                fieldEscaped[field] = false
                field += 1
                break
            }
        }
        guard field == header.count else {
            throw rowError(field, "expected \(header.count) fields separated by '\(Character(Unicode.Scalar(delimiter)))', found \(field)")
        }
    }

    private func number(_ line: UnsafeBufferPointer<UInt8>, column: Int) throws -> Double {
        var start = fieldStart[column]
        var end = fieldEnd[column]
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
        if fieldEscaped[pathColumn] {
            // Rare: a quoted path holding "" — unescape into scratch, then tokenize that.
            scratch.removeAll(keepingCapacity: true)
            var i = fieldStart[pathColumn]
            while i < fieldEnd[pathColumn] {
                scratch.append(line[i])
                i += line[i] == UInt8(ascii: "\"") ? 2 : 1
            }
            let copy = scratch
            try copy.withUnsafeBufferPointer { try tokenize($0, 0, $0.count) }
        } else {
            try tokenize(line, fieldStart[pathColumn], fieldEnd[pathColumn])
        }
    }

    private mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws {
        if isBlank(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return }
        let separator = UInt8(ascii: ">")
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        var i = start
        while true {
            // One pass per token: skip leading blanks, then hash up to the last non-blank byte.
            while i < end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            let tokenStart = i
            var tokenEnd = i
            var h = ByteInterner.seed
            var hashAtEnd = h
            while i < end && bytes[i] != separator {
                let byte = bytes[i]
                h = ByteInterner.step(h, byte)
                i += 1
                if byte != space && byte != tab {
                    tokenEnd = i
                    hashAtEnd = h
                }
            }
            guard tokenEnd > tokenStart else {
                throw rowError(pathColumn, "empty channel name at touch \(pathBuffer.count + 1) (two '>' in a row, or a '>' at an end)")
            }
            pathBuffer.append(try intern(UnsafeBufferPointer(rebasing: bytes[tokenStart..<tokenEnd]), hash: ByteInterner.finish(hashAtEnd)))
            if i >= end { break }
            i += 1
            if i == end {
                throw rowError(pathColumn, "empty channel name at touch \(pathBuffer.count + 1) (two '>' in a row, or a '>' at an end)")
            }
        }
    }

    @inline(__always)
    private mutating func intern(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64) throws -> Int32 {
        if let id = interner.lookup(name, hash: h) { return id }
        guard let text = String(validating: name, as: UTF8.self) else { throw rowError(pathColumn, "a channel name is not valid UTF-8") }
        let id: Int32
        do {
            id = try builder.channelID(for: text)
        } catch let error as AttributionError {
            if case .invalidOption(let reason) = error { throw rowError(pathColumn, reason) }
            throw error
        }
        interner.insert(name, hash: h, id: id)
        return id
    }
}
