/// Streams records out of a JSON Lines file (one JSON object per line) in bounded memory.
///
/// It has the same ``RecordReader`` shape as ``DelimitedReader`` so the mapping and
/// validation steps do not care which format was uploaded:
/// - The header is the keys of the first non-blank line, in the order written there.
///   (Exporters that drop null keys make this a real limitation: put every key on the first
///   line, or use ``UnknownKeyPolicy/ignore``.)
/// - Keys missing from a later line read as "". Keys not in the first line are an error
///   naming the row and key by default (``UnknownKeyPolicy/reject``), so no data is dropped
///   silently; ``UnknownKeyPolicy/ignore`` drops them instead.
/// - Values: strings unescaped, numbers as their literal text (`1.10` stays `1.10`),
///   `true`/`false`, null as "", nested objects and arrays as their JSON text as written.
/// - Blank lines are skipped; LF or CRLF; UTF-8 with optional BOM.
public struct JSONLinesReader: RecordReader {
    /// What to do with a key that the first line did not have.
    public enum UnknownKeyPolicy: Sendable, Hashable {
        case reject
        case ignore
    }

    public private(set) var header: [String] = []
    public let unknownKeys: UnknownKeyPolicy

    private var window: ByteWindow

    /// Bytes of the input consumed so far (for progress).
    public var bytesRead: Int { window.bufferFileOffset + window.start }
    private var line = 1
    private var columnIndex: [String: Int] = [:]
    private var pending: Record?
    private var utf16ByteOrderMark = false

    public init(path: String, unknownKeys: UnknownKeyPolicy = .reject) throws {
        try self.init(path: path, unknownKeys: unknownKeys,
                      chunkSize: DelimitedReader.defaultChunkSize, maxLineBytes: DelimitedReader.defaultMaxRecordBytes)
    }

    public init(bytes: [UInt8], unknownKeys: UnknownKeyPolicy = .reject) throws {
        try self.init(bytes: bytes, unknownKeys: unknownKeys,
                      chunkSize: DelimitedReader.defaultChunkSize, maxLineBytes: DelimitedReader.defaultMaxRecordBytes)
    }

    public init(string: String, unknownKeys: UnknownKeyPolicy = .reject) throws {
        try self.init(bytes: Array(string.utf8), unknownKeys: unknownKeys)
    }

    /// Test seam: a tiny `chunkSize` forces lines across chunk boundaries.
    init(path: String, unknownKeys: UnknownKeyPolicy, chunkSize: Int, maxLineBytes: Int) throws {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw JSONLinesReaderError(row: 1, kind: .io(path: path, message: error.message))
        }
        try self.init(source: source, unknownKeys: unknownKeys, chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    init(bytes: [UInt8], unknownKeys: UnknownKeyPolicy, chunkSize: Int, maxLineBytes: Int) throws {
        try self.init(source: MemoryByteSource(bytes: bytes), unknownKeys: unknownKeys,
                      chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    private init(source: any ByteSource, unknownKeys: UnknownKeyPolicy, chunkSize: Int, maxLineBytes: Int, keys: [String]? = nil) throws {
        window = ByteWindow(source: source, chunkSize: chunkSize, maxRecordBytes: maxLineBytes)
        self.unknownKeys = unknownKeys
        try skipByteOrderMark()
        if let keys {
            // The header is given (every key of the file, from `keys(in:)`): lines may carry any subset of it.
            for key in keys where columnIndex[key] == nil {
                columnIndex[key] = header.count
                header.append(key)
            }
            return
        }
        guard let (row, pairs) = try nextObject() else {
            throw JSONLinesReaderError(row: line, kind: .emptyFile)
        }
        for (key, _) in pairs {
            if columnIndex[key] != nil { throw JSONLinesReaderError(row: row, key: key, kind: .duplicateKey(key)) }
            columnIndex[key] = header.count
            header.append(key)
        }
        pending = Record(row: row, fields: pairs.map(\.value))
    }

    /// A reader whose header is every key used anywhere in the file (exporters often leave out empty keys), found by a
    /// first pass over the file that keeps only the keys.
    public static func allKeys(path: String) throws -> JSONLinesReader {
        var scan = try JSONLinesReader(path: path, unknownKeys: .ignore)
        let keys = try scan.keysOfAllLines()
        return try JSONLinesReader(
            source: try FileByteSource(path: path), unknownKeys: .reject, chunkSize: DelimitedReader.defaultChunkSize, maxLineBytes: DelimitedReader.defaultMaxRecordBytes,
            keys: keys)
    }

    public static func allKeys(bytes: [UInt8]) throws -> JSONLinesReader {
        var scan = try JSONLinesReader(bytes: bytes, unknownKeys: .ignore)
        let keys = try scan.keysOfAllLines()
        return try JSONLinesReader(
            source: MemoryByteSource(bytes: bytes), unknownKeys: .reject, chunkSize: DelimitedReader.defaultChunkSize, maxLineBytes: DelimitedReader.defaultMaxRecordBytes,
            keys: keys)
    }

    private mutating func keysOfAllLines() throws -> [String] {
        var keys = header
        var known = Set(header)
        while true {
            do {
                guard let (_, pairs) = try nextObject() else { return keys }
                for (key, _) in pairs where known.insert(key).inserted { keys.append(key) }
            } catch let error as JSONLinesReaderError {
                // A broken line is reported (with its row) when the import reads it; the other lines still define the keys.
                switch error.kind {
                case .invalidJSON, .duplicateKey: continue
                default: throw error
                }
            }
        }
    }

    /// The next record (the first line's object comes first), or nil at the end.
    public mutating func next() throws -> Record? {
        if let first = pending {
            pending = nil
            return first
        }
        guard let (row, pairs) = try nextObject() else { return nil }
        var fields = [String](repeating: "", count: header.count)
        var seen = [Bool](repeating: false, count: header.count)
        for (key, value) in pairs {
            guard let index = columnIndex[key] else {
                if unknownKeys == .ignore { continue }
                throw JSONLinesReaderError(row: row, key: key, kind: .unknownKey(key))
            }
            if seen[index] { throw JSONLinesReaderError(row: row, key: key, kind: .duplicateKey(key)) }
            seen[index] = true
            fields[index] = value
        }
        return Record(row: row, fields: fields)
    }

    // MARK: - Lines

    /// Parses the next non-blank line into key/value pairs.
    private mutating func nextObject() throws -> (row: Int, pairs: [(key: String, value: String)])? {
        while let (row, lineStart, lineEnd, next) = try nextLine() {
            let fileOffset = window.bufferFileOffset
            let bomFlag = utf16ByteOrderMark
            let outcome = window.buffer.withUnsafeBufferPointer { p -> Result<[(key: String, value: String)]?, JSONLinesReaderError> in
                var k = lineStart
                while k < lineEnd, p[k] == 0x20 || p[k] == 0x09 || p[k] == 0x0D { k += 1 }
                if k == lineEnd { return .success(nil) }
                if let bad = UTF8Validation.firstInvalidByte(in: p, from: lineStart, to: lineEnd) {
                    return .failure(JSONLinesReaderError(
                        row: row, kind: .notUTF8(byte: p[bad], offset: fileOffset + bad, utf16ByteOrderMark: bomFlag)))
                }
                var parser = JSONLineParser(p, from: lineStart, to: lineEnd)
                do {
                    let pairs = try parser.parseObject()
                    var keys = Set<String>()
                    for pair in pairs where !keys.insert(pair.key).inserted {
                        return .failure(JSONLinesReaderError(row: row, key: pair.key, kind: .duplicateKey(pair.key)))
                    }
                    return .success(pairs)
                } catch let error as JSONLineParseError {
                    return .failure(JSONLinesReaderError(
                        row: row, kind: .invalidJSON(message: error.message, position: error.position)))
                } catch {
                    return .failure(JSONLinesReaderError(row: row, kind: .invalidJSON(message: "\(error)", position: 1)))
                }
            }
            window.start = next
            switch outcome {
            case let .failure(failure): throw failure
            case .success(nil): continue
            case let .success(pairs?): return (row, pairs)
            }
        }
        return nil
    }

    /// Finds the next line in the window: its row, content range (without CR/LF) and the
    /// index after its terminator. Does not consume it.
    private mutating func nextLine() throws -> (row: Int, start: Int, end: Int, next: Int)? {
        var scanned = 0
        while true {
            let start = window.start
            let end = window.end
            var found = -1
            window.buffer.withUnsafeBufferPointer { p in
                var k = start + scanned
                while k < end {
                    if p[k] == 0x0A {
                        found = k
                        return
                    }
                    k += 1
                }
            }
            if found >= 0 {
                let row = line
                line += 1
                var contentEnd = found
                if contentEnd > start, window.buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                return (row, start, contentEnd, found + 1)
            }
            scanned = end - start
            if try !refill() {
                if window.available == 0 { return nil }
                let row = line
                line += 1
                var contentEnd = window.end
                if contentEnd > window.start, window.buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                return (row, window.start, contentEnd, window.end)
            }
        }
    }

    private mutating func refill() throws -> Bool {
        do {
            return try window.refill()
        } catch .tooLong {
            throw JSONLinesReaderError(row: line, kind: .lineTooLong(limit: window.maxRecordBytes))
        } catch let .io(message) {
            throw JSONLinesReaderError(row: line, kind: .io(path: "the file", message: message))
        }
    }

    private mutating func skipByteOrderMark() throws {
        while window.available < 3 {
            if try !refill() { break }
        }
        let b = window.buffer
        let s = window.start
        let n = window.available
        if n >= 3 && b[s] == 0xEF && b[s + 1] == 0xBB && b[s + 2] == 0xBF {
            window.start += 3
        } else if n >= 2 && ((b[s] == 0xFF && b[s + 1] == 0xFE) || (b[s] == 0xFE && b[s + 1] == 0xFF)) {
            utf16ByteOrderMark = true
            throw JSONLinesReaderError(row: 1, kind: .notUTF8(byte: b[s], offset: 0, utf16ByteOrderMark: true))
        }
    }
}
