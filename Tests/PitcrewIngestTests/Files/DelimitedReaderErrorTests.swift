import Testing
@testable import PitcrewIngest

@Suite("DelimitedReader: errors name row and column")
struct DelimitedReaderErrorTests {
    @Test func unterminatedQuoteAtEndOfFile() {
        let error = delimitedError { _ = try readDelimited("id,note,x\n1,ok,y\n2,\"never closed\n3,b,c\n") }
        #expect(error?.kind == .unterminatedQuote)
        #expect(error?.row == 3)
        #expect(error?.column == 2)
        #expect(error?.columnName == "note")
        #expect(error?.description.hasPrefix("row 3, column 2 (\"note\"): a quoted field is never closed") == true)
    }

    @Test func unterminatedQuoteInHeader() {
        let error = delimitedError { _ = try readDelimited("\"a,b\n1,2\n") }
        #expect(error?.kind == .unterminatedQuote)
        #expect(error?.row == 1)
        #expect(error?.column == 1)
        #expect(error?.columnName == nil)
    }

    @Test func strayCharacterAfterClosingQuote() {
        let error = delimitedError { _ = try readDelimited("a,b,c\n1,2,3\n4,\"abc\"x,6\n") }
        #expect(error?.kind == .characterAfterClosingQuote(UInt8(ascii: "x")))
        #expect(error?.row == 3)
        #expect(error?.column == 2)
        #expect(error?.columnName == "b")
        #expect(error?.description == "row 3, column 2 (\"b\"): unexpected character 'x' after a closing quote (a quote inside a quoted field must be doubled: \"\")")
    }

    @Test func strayQuoteAfterClosingQuoteOnLaterLine() {
        // The record starts on line 2 and spans to line 3; the row is the record start, and the message says where it ended.
        let error = delimitedError { _ = try readDelimited("a,b\n\"multi\nline\"\"\" \"x,2\n") }
        #expect(error?.kind == .quotedFieldRanOn(UInt8(ascii: "\""), closedOnRow: 3))
        #expect(error?.row == 2)
        #expect(error?.column == 1)
    }

    @Test func aStrayOpeningQuoteIsReportedWhereItOpensAndWhereItEnds() {
        // `"Broken,Quote` on row 2 swallows rows 3 and 4 up to the next quote.
        let error = delimitedError { _ = try readDelimited("email,name\nq1@x.example,\"Broken,Quote\nq2@x.example,Fine\nq3@x.example,\"Quoted\"R\n") }
        #expect(error?.kind == .quotedFieldRanOn(UInt8(ascii: "Q"), closedOnRow: 4))
        #expect(error?.row == 2)
        #expect(error?.description.contains("opened on this row runs over line breaks to row 4") == true)
    }

    @Test func aSpreadsheetIsNotACSVFile() {
        let error = delimitedError { _ = try readDelimited("PK\u{3}\u{4}\u{14}\u{0}rest of a zip") }
        #expect(error?.kind == .spreadsheet)
        #expect(error?.description.contains("export it as CSV") == true)
    }

    @Test func tooFewFields() {
        let error = delimitedError { _ = try readDelimited("a,b,c\n1,2,3\n\n\n1,2\n") }
        #expect(error?.kind == .fieldCountMismatch(expected: 3, found: 2))
        #expect(error?.row == 5)
        #expect(error?.description == "row 5: expected 3 fields like the header, found 2")
    }

    @Test func tooManyFieldsEvenWhenPadding() {
        let error = delimitedError { _ = try readDelimited("a,b\n1,2,3\n", shortRows: .padWithEmpty) }
        #expect(error?.kind == .fieldCountMismatch(expected: 2, found: 3))
        #expect(error?.row == 2)
    }

    @Test func invalidUTF8NamesByteOffsetAndColumn() {
        // "Müller" in Latin-1: 0xFC at byte offset 13.
        let bytes = Array("name,city\nx,M".utf8) + [0xFC] + Array("ller\n".utf8)
        let error = delimitedError { _ = try readDelimited(bytes: bytes) }
        #expect(error?.kind == .notUTF8(byte: 0xFC, offset: 13, utf16ByteOrderMark: false))
        #expect(error?.row == 2)
        #expect(error?.column == 2)
        #expect(error?.columnName == "city")
        #expect(error?.description == "row 2, column 2 (\"city\"): the file is not UTF-8 (invalid byte 0xFC at byte offset 13); save or export it as UTF-8 (in Excel: Save As, CSV UTF-8)")
    }

    @Test func invalidUTF8OffsetCountsBOMAndEarlierChunks() {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("a\n1\n2\n".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let error = delimitedError { _ = try readDelimited(bytes: bytes, chunkSize: 4) }
        #expect(error?.kind == .notUTF8(byte: 0xC3, offset: 9, utf16ByteOrderMark: false))
        #expect(error?.row == 4)
    }

    @Test func invalidUTF8InHeader() {
        let error = delimitedError { _ = try readDelimited(bytes: [0x61, 0x2C, 0x80, 0x0A]) }
        #expect(error?.kind == .notUTF8(byte: 0x80, offset: 2, utf16ByteOrderMark: false))
        #expect(error?.row == 1)
        #expect(error?.column == 2)
    }

    @Test(arguments: [
        [UInt8]([0xED, 0xA0, 0x80]),  // UTF-16 surrogate encoded in UTF-8
        [0xC0, 0xAF],  // overlong "/"
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xE2, 0x82],  // truncated before the line end
    ])
    func rejectsMalformedSequences(sequence: [UInt8]) {
        let bytes = Array("a\nx".utf8) + sequence + [0x0A]
        let error = delimitedError { _ = try readDelimited(bytes: bytes) }
        #expect(error?.kind == .notUTF8(byte: sequence[0], offset: 3, utf16ByteOrderMark: false))
    }

    @Test(arguments: [[UInt8]([0xFF, 0xFE]), [0xFE, 0xFF]])
    func utf16ByteOrderMark(bom: [UInt8]) {
        let bytes = bom + Array("a\0,\0b\0\n\0".utf8)
        let error = delimitedError { _ = try readDelimited(bytes: bytes) }
        #expect(error?.kind == .notUTF8(byte: bom[0], offset: 0, utf16ByteOrderMark: true))
        #expect(error?.row == 1)
        #expect(error?.description.hasPrefix("row 1: the file is not UTF-8 (invalid byte 0x\(bom[0] == 0xFF ? "FF" : "FE") at byte offset 0)") == true)
    }

    @Test func emptyFile() {
        #expect(delimitedError { _ = try readDelimited("") }?.kind == .emptyFile)
        #expect(delimitedError { _ = try readDelimited("\n\r\n") }?.kind == .emptyFile)
        #expect(delimitedError { _ = try readDelimited(bytes: [0xEF, 0xBB, 0xBF]) }?.kind == .emptyFile)
    }

    @Test func recordLongerThanLimitStopsEarly() {
        let text = "a,b\n1,\"" + String(repeating: "x", count: 500) + "\n"
        let error = delimitedError { _ = try readDelimited(text, chunkSize: 16, maxRecordBytes: 64) }
        #expect(error?.kind == .recordTooLong(limit: 64))
        #expect(error?.row == 2)
    }
}

@Suite struct ExcelSeparatorLineTests {
    /// Excel writes "sep=;" as the first line so that it opens the file with that delimiter: the line names the
    /// delimiter and is not the header; rows keep their line numbers.
    @Test func theSeparatorLineNamesTheDelimiter() throws {
        let read = try readDelimited("sep=;\r\nemail;name,with comma\r\na@b.example;A, B\r\n")
        #expect(read.delimiter == .semicolon && read.header == ["email", "name,with comma"])
        #expect(read.records.first?.fields == ["a@b.example", "A, B"] && read.records.first?.row == 3)
        let plain = try readDelimited("sepal,width\n1,2\n")
        #expect(plain.header == ["sepal", "width"])
    }
}
