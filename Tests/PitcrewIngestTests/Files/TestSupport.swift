@testable import PitcrewIngest

/// Reads a whole delimited text with a given chunk size (tiny sizes force boundary cases).
func readDelimited(
    _ text: String,
    delimiter: Delimiter? = nil,
    shortRows: DelimitedReader.ShortRowPolicy = .reject,
    chunkSize: Int = DelimitedReader.defaultChunkSize,
    maxRecordBytes: Int = DelimitedReader.defaultMaxRecordBytes
) throws -> (header: [String], records: [Record], delimiter: Delimiter) {
    try readDelimited(bytes: Array(text.utf8), delimiter: delimiter, shortRows: shortRows,
                      chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
}

func readDelimited(
    bytes: [UInt8],
    delimiter: Delimiter? = nil,
    shortRows: DelimitedReader.ShortRowPolicy = .reject,
    skipLines: Int = 0,
    chunkSize: Int = DelimitedReader.defaultChunkSize,
    maxRecordBytes: Int = DelimitedReader.defaultMaxRecordBytes
) throws -> (header: [String], records: [Record], delimiter: Delimiter) {
    var reader = try DelimitedReader(bytes: bytes, delimiter: delimiter, shortRows: shortRows, skipLines: skipLines,
                                     chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    var records: [Record] = []
    while let record = try reader.next() { records.append(record) }
    return (reader.header, records, reader.delimiter)
}

/// Runs `body` and returns the DelimitedReaderError it throws (nil if none or another type).
func delimitedError(_ body: () throws -> Void) -> DelimitedReaderError? {
    do {
        try body()
        return nil
    } catch let error as DelimitedReaderError {
        return error
    } catch {
        return nil
    }
}

func readJSONLines(
    _ text: String,
    unknownKeys: JSONLinesReader.UnknownKeyPolicy = .reject,
    chunkSize: Int = DelimitedReader.defaultChunkSize
) throws -> (header: [String], records: [Record]) {
    var reader = try JSONLinesReader(bytes: Array(text.utf8), unknownKeys: unknownKeys, chunkSize: chunkSize,
                                     maxLineBytes: DelimitedReader.defaultMaxRecordBytes)
    var records: [Record] = []
    while let record = try reader.next() { records.append(record) }
    return (reader.header, records)
}

func jsonLinesError(_ body: () throws -> Void) -> JSONLinesReaderError? {
    do {
        try body()
        return nil
    } catch let error as JSONLinesReaderError {
        return error
    } catch {
        return nil
    }
}
