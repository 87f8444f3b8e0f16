import Foundation
import Testing
@testable import PitcrewIngest

@Suite("DelimitedReader: quoting and line ends")
struct DelimitedReaderQuotingTests {
    @Test func simpleFileWithTrailingNewline() throws {
        let result = try readDelimited("a,b,c\n1,2,3\n4,5,6\n")
        #expect(result.header == ["a", "b", "c"])
        #expect(result.records == [Record(row: 2, fields: ["1", "2", "3"]), Record(row: 3, fields: ["4", "5", "6"])])
    }

    @Test func noTrailingNewline() throws {
        let result = try readDelimited("a,b\n1,2\n3,4")
        #expect(result.records.map(\.fields) == [["1", "2"], ["3", "4"]])
    }

    @Test func headerOnly() throws {
        #expect(try readDelimited("a,b\n").records.isEmpty)
        #expect(try readDelimited("a,b").records.isEmpty)
    }

    @Test func headerIsTrimmed() throws {
        #expect(try readDelimited(" Email , First Name\t\nx,y\n").header == ["Email", "First Name"])
    }

    @Test func doubledQuotesAndDelimiterInQuotes() throws {
        let result = try readDelimited("name,title\n\"Doe, Jane\",\"VP \"\"Growth\"\"\"\n")
        #expect(result.records[0].fields == ["Doe, Jane", "VP \"Growth\""])
    }

    @Test func embeddedNewlinesKeepRowNumbers() throws {
        let text = "id,note\n1,\"line one\nline two\r\nline three\"\n2,plain\n"
        let result = try readDelimited(text)
        #expect(result.records[0] == Record(row: 2, fields: ["1", "line one\nline two\r\nline three"]))
        #expect(result.records[1] == Record(row: 5, fields: ["2", "plain"]))
    }

    @Test func crlfLineEnds() throws {
        let result = try readDelimited("a,b\r\n1,2\r\n\"x\",\"y\"\r\n")
        #expect(result.records.map(\.fields) == [["1", "2"], ["x", "y"]])
        #expect(result.records.map(\.row) == [2, 3])
    }

    @Test func loneCarriageReturnLineEnds() throws {
        let result = try readDelimited("a,b\r1,2\r3,4")
        #expect(result.records.map(\.fields) == [["1", "2"], ["3", "4"]])
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        let result = try readDelimited(bytes: [0xEF, 0xBB, 0xBF] + Array("Email,Name\na@b.co,Zoë\n".utf8))
        #expect(result.header == ["Email", "Name"])
        #expect(result.records[0].fields == ["a@b.co", "Zoë"])
    }

    @Test func emptyFields() throws {
        let result = try readDelimited("a,b,c\n,,x\n\"\",y,\n,\"\",\n")
        #expect(result.records.map(\.fields) == [["", "", "x"], ["", "y", ""], ["", "", ""]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let result = try readDelimited("\na,b\n\n1,2\r\n\r\n,\n  \n3,4\n\n")
        #expect(result.header == ["a", "b"])
        #expect(result.records == [Record(row: 4, fields: ["1", "2"]), Record(row: 8, fields: ["3", "4"])])
    }

    @Test func spacesAfterClosingQuoteAreAllowed() throws {
        let result = try readDelimited("a,b\n\"x\"  ,\"y\" \n")
        #expect(result.records[0].fields == ["x", "y"])
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        let result = try readDelimited("a,b\n5\" screen,x\"y\"\n")
        #expect(result.records[0].fields == ["5\" screen", "x\"y\""])
    }

    @Test func quotedFieldAtEndOfFileWithoutNewline() throws {
        let result = try readDelimited("a,b\n1,\"two\"")
        #expect(result.records[0].fields == ["1", "two"])
    }

    @Test func multiByteCharactersArePreserved() throws {
        let result = try readDelimited("name;city\n\"Müller; Jürgen\";東京 🚀\n")
        #expect(result.delimiter == .semicolon)
        #expect(result.records[0].fields == ["Müller; Jürgen", "東京 🚀"])
    }

    @Test func shortRowsPaddedWhenAllowed() throws {
        let result = try readDelimited("a,b,c\n1\n1,2\n1,2,3\n", shortRows: .padWithEmpty)
        #expect(result.records.map(\.fields) == [["1", "", ""], ["1", "2", ""], ["1", "2", "3"]])
    }

    @Test func skipLinesBeforeHeader() throws {
        let text = "Campaign report\nAll time\nDay,Cost\n2024-01-01,3.50\n"
        let result = try readDelimited(bytes: Array(text.utf8), skipLines: 2)
        #expect(result.header == ["Day", "Cost"])
        #expect(result.records == [Record(row: 4, fields: ["2024-01-01", "3.50"])])
    }

    @Test func readsFromAFile() throws {
        let path = "/tmp/ingest-files-test-\(UInt64.random(in: 0...UInt64.max)).csv"
        Array("x,y\n1,2\n".utf8).withUnsafeBytes { raw in
            let file = fopen(path, "w")
            defer { fclose(file) }
            _ = fwrite(raw.baseAddress, 1, raw.count, file)
        }
        defer { remove(path) }
        var reader = try DelimitedReader(path: path)
        #expect(reader.header == ["x", "y"])
        #expect(try reader.next() == Record(row: 2, fields: ["1", "2"]))
        #expect(try reader.next() == nil)
    }

    @Test func missingFileIsAnError() {
        let error = delimitedError { _ = try DelimitedReader(path: "/nonexistent/nope.csv") }
        guard case .io? = error?.kind else {
            Issue.record("expected an io error, got \(String(describing: error))")
            return
        }
    }
}

@Suite("DelimitedReader: delimiter detection")
struct DelimiterDetectionTests {
    @Test func detectsSemicolon() throws {
        let result = try readDelimited("Email;Name;Amount\na@b.co;Jane;1,50\n")
        #expect(result.delimiter == .semicolon)
        #expect(result.records[0].fields == ["a@b.co", "Jane", "1,50"])
    }

    /// The header stays the header when data rows have more delimiter characters than it: decimal commas in a semicolon
    /// file, or a stray unquoted comma in a row (then the row is a bad row, not the start of the table).
    @Test func dataRowsWiderThanTheHeaderDoNotMoveIt() throws {
        let semicolons = try readDelimited("Email;Name;City;Amount\na@b.co;Jane;Köln;1,50\nc@d.co;Bo;Bonn;2,75\ne@f.co;Cy;Ulm;3,00\n")
        #expect(semicolons.header == ["Email", "Name", "City", "Amount"] && semicolons.records.count == 3)
        let stray = try DelimitedReader(string: "Email,Name,City,Amount\na@b.co,Jane,Köln,1.50\nc@d.co,Bo,Bonn, Germany,2.75\ne@f.co,Cy,Ulm,3.00\n")
        #expect(stray.header == ["Email", "Name", "City", "Amount"])
        let twoStray = try DelimitedReader(string: "Email,Name,City,Amount\na@b.co,Jane,Köln, DE,1.50\nc@d.co,Bo,Bonn, DE,2.75\ne@f.co,Cy,Ulm,3.00\n")
        #expect(twoStray.header == ["Email", "Name", "City", "Amount"])
    }

    @Test func detectsTab() throws {
        let result = try readDelimited("Day\tCampaign, name\tCost\n2024-01-01\tBrand, EU\t3.5\n")
        #expect(result.delimiter == .tab)
        #expect(result.header == ["Day", "Campaign, name", "Cost"])
        #expect(result.records[0].fields == ["2024-01-01", "Brand, EU", "3.5"])
    }

    @Test func detectsPipe() throws {
        #expect(try readDelimited("a|b|c\n1|2|3\n").delimiter == .pipe)
    }

    @Test func ignoresCandidatesInsideQuotes() throws {
        let result = try readDelimited("\"a;b;c;d\",e,f\n1,2,3\n")
        #expect(result.delimiter == .comma)
        #expect(result.header == ["a;b;c;d", "e", "f"])
    }

    @Test func singleColumnDefaultsToComma() throws {
        let result = try readDelimited("email\na@b.co\n")
        #expect(result.delimiter == .comma)
        #expect(result.records[0].fields == ["a@b.co"])
    }

    @Test func givenDelimiterWins() throws {
        let result = try readDelimited("a;b,c\n1;2,3\n", delimiter: .comma)
        #expect(result.header == ["a;b", "c"])
    }

    @Test func detectsAfterLeadingBlankLinesAndAcrossChunks() throws {
        let result = try readDelimited("\n\nfirst\tsecond\tthird\n1\t2\t3\n", chunkSize: 3)
        #expect(result.delimiter == .tab)
        #expect(result.records == [Record(row: 4, fields: ["1", "2", "3"])])
    }
}
