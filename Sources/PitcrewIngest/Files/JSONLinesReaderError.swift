/// Why a JSON Lines file could not be read, and on which line.
public struct JSONLinesReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Not UTF-8: the offending byte and its 0-based offset in the file.
        case notUTF8(byte: UInt8, offset: Int, utf16ByteOrderMark: Bool)
        /// The line is not one valid JSON object; `position` is the 1-based byte in the line.
        case invalidJSON(message: String, position: Int)
        /// A key that was not in the first line (with ``JSONLinesReader/UnknownKeyPolicy/reject``).
        case unknownKey(String)
        /// The same key twice in one object.
        case duplicateKey(String)
        /// One line longer than the reader's limit.
        case lineTooLong(limit: Int)
        /// No non-blank line at all.
        case emptyFile
        case io(path: String, message: String)
    }

    /// 1-based line number in the file.
    public var row: Int
    /// The key concerned, when the problem is about one key.
    public var key: String?
    public var kind: Kind

    public init(row: Int, key: String? = nil, kind: Kind) {
        self.row = row
        self.key = key
        self.kind = kind
    }

    public var reason: String {
        switch kind {
        case let .notUTF8(byte, offset, utf16):
            let hex = String(byte, radix: 16, uppercase: true)
            let base = "the file is not UTF-8 (invalid byte 0x\(hex.count < 2 ? "0" + hex : hex) at byte offset \(offset))"
            return utf16 ? base + "; it starts with a UTF-16 byte-order mark, save or export it as UTF-8" : base
        case let .invalidJSON(message, position):
            return "invalid JSON at character \(position): \(message)"
        case let .unknownKey(key):
            return "key \"\(key)\" is not in the first line; the first line defines the columns"
        case let .duplicateKey(key):
            return "key \"\(key)\" appears twice in the object"
        case let .lineTooLong(limit):
            return "the line is longer than \(limit) bytes"
        case .emptyFile:
            return "the file is empty (no JSON object)"
        case let .io(path, message):
            return "cannot read \(path): \(message)"
        }
    }

    /// `row R: reason`.
    public var description: String { "row \(row): \(reason)" }
}
