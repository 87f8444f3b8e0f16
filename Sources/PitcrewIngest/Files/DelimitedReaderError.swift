/// Why a delimited file could not be read, and where.
///
/// Every error carries the 1-based `row` (line number of the record start in the file)
/// and, when the problem is inside one field, its 1-based `column` and the header name,
/// so an upload screen can say exactly what to fix.
public struct DelimitedReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// A byte sequence that is not UTF-8. `offset` is the 0-based byte offset in the
        /// file (BOM included). `utf16ByteOrderMark` is set when the file starts with a
        /// UTF-16 BOM, the usual cause (Excel "Unicode text", some ad-platform exports).
        case notUTF8(byte: UInt8, offset: Int, utf16ByteOrderMark: Bool)
        /// A quoted field whose closing quote never comes before the end of the file.
        case unterminatedQuote
        /// A character other than a delimiter, line end or space right after a closing quote (`"abc"x`).
        case characterAfterClosingQuote(UInt8)
        /// The same, for a quoted field that ran over line breaks first: its opening quote is most likely the mistake
        /// (a stray `"` in a value), and the record went on to the line `closedOnRow`.
        case quotedFieldRanOn(UInt8, closedOnRow: Int)
        /// A spreadsheet workbook (`.xlsx`, `.ods`: zip files), not text.
        case spreadsheet
        /// A record with a different number of fields than the header.
        case fieldCountMismatch(expected: Int, found: Int)
        /// A single record longer than the reader's limit, almost always a quote that is
        /// never closed; reported instead of reading the rest of the file into memory.
        case recordTooLong(limit: Int)
        /// The file has no header line.
        case emptyFile
        /// The file could not be opened or read (`message` is the system error text).
        case io(path: String, message: String)
    }

    /// 1-based line number of the record start in the file (header = row 1).
    public var row: Int
    /// 1-based field index, when the problem is in one field.
    public var column: Int?
    /// Header name of `column`, when known.
    public var columnName: String?
    public var kind: Kind
    /// A record of one field where the header has more: that field (a report's footer line, `Grand Totals (3 records)`).
    public var lone: String?

    public init(row: Int, column: Int? = nil, columnName: String? = nil, kind: Kind) {
        self.row = row
        self.column = column
        self.columnName = columnName
        self.kind = kind
    }

    /// The human-readable reason, without the position.
    public var reason: String {
        switch kind {
        case let .notUTF8(byte, offset, utf16):
            let hex = String(byte, radix: 16, uppercase: true)
            let base = "the file is not UTF-8 (invalid byte 0x\(hex.count < 2 ? "0" + hex : hex) at byte offset \(offset))"
            return base + (utf16 ? "; it starts with a UTF-16 byte-order mark" : "") + "; save or export it as UTF-8 (in Excel: Save As, CSV UTF-8)"
        case .unterminatedQuote:
            return "a quoted field is never closed (missing closing quote before the end of the file)"
        case let .characterAfterClosingQuote(byte):
            return "unexpected \(Self.describe(byte)) after a closing quote (a quote inside a quoted field must be doubled: \"\")"
        case let .quotedFieldRanOn(byte, closedOnRow):
            return "a quoted field opened on this row runs over line breaks to row \(closedOnRow), where \(Self.describe(byte)) follows "
                + "its closing quote: a quote in a value is probably not doubled (\"\"), or one is missing"
        case .spreadsheet:
            return "this is a spreadsheet workbook (.xlsx or .ods), not a CSV file: export it as CSV (in Excel: Save As, CSV UTF-8)"
        case let .fieldCountMismatch(expected, found):
            return "expected \(expected) field\(expected == 1 ? "" : "s") like the header, found \(found)"
        case let .recordTooLong(limit):
            return "a record is longer than \(limit) bytes; most likely a quote is opened and never closed"
        case .emptyFile:
            return "the file is empty (no header line)"
        case let .io(path, message):
            return "cannot read \(path): \(message)"
        }
    }

    /// `row R[, column C ("Name")]: reason`.
    public var description: String {
        var text = "row \(row)"
        if let column {
            text += ", column \(column)"
            if let columnName, !columnName.isEmpty { text += " (\"\(columnName)\")" }
        }
        return text + ": " + reason
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count < 2 ? "0" + hex : hex)"
    }
}
