/// One data record read from an import file, aligned with the file's header.
///
/// Both ``DelimitedReader`` and ``JSONLinesReader`` produce records, so everything
/// downstream (mapping, validation, error reports) works the same for CSV, TSV and JSON Lines.
public struct Record: Sendable, Hashable {
    /// 1-based line number in the file where the record starts (the header is on row 1
    /// unless the file begins with blank or skipped lines). Error reports quote this number,
    /// so a person can find the row in a text editor.
    public var row: Int

    /// Field values in header order; `fields.count == header.count`.
    public var fields: [String]

    public init(row: Int, fields: [String]) {
        self.row = row
        self.fields = fields
    }

    /// The value at a 0-based column index, or `""` when the index is out of range,
    /// so callers never trap on a ragged record.
    public subscript(_ index: Int) -> String {
        fields.indices.contains(index) ? fields[index] : ""
    }
}

/// A source of ``Record``s with a fixed header: the common shape of the file readers.
///
/// Readers hold an open file and a cursor, so they are consumed with `mutating next()`
/// and are deliberately not `Sendable`: move one into a task (`sending`) instead of sharing it.
public protocol RecordReader {
    /// Bytes of the input consumed so far.
    var bytesRead: Int { get }
    /// Column names in file order, trimmed of surrounding whitespace.
    var header: [String] { get }

    /// The next record, or `nil` at the end of the file. Throws a reader-specific error
    /// (``DelimitedReaderError`` or ``JSONLinesReaderError``) that names the row.
    mutating func next() throws -> Record?
}
