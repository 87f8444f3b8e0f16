import Foundation
import PitcrewAnalytics
import Testing

@Suite("Path file parser")
struct PathFileParserTests {
    static let header = "path;total_conversions;total_conversion_value;total_null\n"

    private func parse(_ body: String, header: String = Self.header, options: PathFileParser.Options = .init()) throws -> JourneySet {
        try PathFileParser.parse(header + body, options: options)
    }

    private func expectRowError(_ body: String, row: Int, column: Int, _ reasonFragment: String) {
        do {
            _ = try parse(body)
            Issue.record("expected an error for \(body.debugDescription)")
        } catch let AttributionError.malformedRow(actualRow, actualColumn, _, reason) {
            #expect(actualRow == row, "\(reason)")
            #expect(actualColumn == column, "\(reason)")
            #expect(reason.contains(reasonFragment), "\(reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func mergesIdenticalPathsAndTrimsChannels() throws {
        let set = try parse("a > b;1;10.5;2\n a>b ;0;0;3\r\nb;2;4;0\n\n")
        #expect(set.channels == ["a", "b"])
        #expect(set.rowCount == 2)
        #expect(set.totalConversions == 3)
        #expect(set.totalNulls == 5)
        #expect(set.totalValue == 14.5)
        #expect(Array(set.path(0)) == [0, 1])
    }

    @Test func acceptsQuotedFieldsBomCommaHeaderAndOptionalColumns() throws {
        let quoted = try PathFileParser.parse("\u{FEFF}path;total_conversions\n\"a > \"\"b\"\"\";1\n")
        #expect(quoted.channels == ["\"b\"", "a"])
        let comma = try PathFileParser.parse("extra,path,total_conversions\nx,a > b,2\n")
        #expect(comma.totalConversions == 2)
        #expect(comma.totalNulls == 0)
    }

    @Test func chunkBoundariesDoNotMatter() throws {
        let text = Self.header + (0..<500).map { "c\($0 % 7) > c\($0 % 3);\($0 % 2);\($0).25;1\n" }.joined()
        let whole = try PathFileParser.parse(text)
        var parser = PathFileParser()
        let bytes = Array(text.utf8)
        var offset = 0
        var size = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            try bytes[offset..<end].withUnsafeBytes { try parser.consume($0) }
            offset = end
            size = size % 13 + 1
        }
        let pieces = try parser.finish()
        #expect(pieces.touches == whole.touches)
        #expect(pieces.conversions == whole.conversions)
        #expect(pieces.values == whole.values)
    }

    @Test func malformedPathsNameRowAndColumn() {
        expectRowError("a > b;1;1;0\na > > b;1;1;0\n", row: 3, column: 1, "empty channel name")
        expectRowError("a >;1;1;0\n", row: 2, column: 1, "empty channel name")
        expectRowError("(conversion) > a;1;1;0\n", row: 2, column: 1, "reserved")
        expectRowError("\"a > b;1;1;0\n", row: 2, column: 1, "unterminated")
    }

    @Test func badNumbersNameRowAndColumn() {
        expectRowError("a;-1;0;0\n", row: 2, column: 2, "negative")
        expectRowError("a;1;0;-3\n", row: 2, column: 4, "negative")
        expectRowError("a;one;0;0\n", row: 2, column: 2, "not a number")
        expectRowError("a;1;nan;0\n", row: 2, column: 3, "not a number")
        expectRowError("a;1;;0\n", row: 2, column: 3, "missing number")
        expectRowError("a;1;0\n", row: 2, column: 4, "expected 4 fields")
        expectRowError("a;1;0;0;9\n", row: 2, column: 4, "too many fields")
    }

    @Test func emptyInputsAreClearErrors() {
        #expect(throws: AttributionError.emptyInput(reason: "the file is empty")) { try PathFileParser.parse("") }
        #expect(throws: AttributionError.emptyInput(reason: "no rows after the header")) { try PathFileParser.parse(Self.header) }
        #expect(throws: AttributionError.self) { try PathFileParser.parse("channels;conversions\na;1\n") }
    }

    @Test func emptyPathsAreRejectedOrSkippedAndCounted() throws {
        expectRowError("a;1;1;0\n ;2;5;1\n", row: 3, column: 1, "no channels")
        let set = try parse("a;1;1;0\n;2;5;1\n", options: .init(emptyPaths: .skip))
        #expect(set.rowCount == 1)
        #expect(set.skippedEmptyJourneys == 3)
        #expect(set.skippedConversions == 2)
        #expect(throws: AttributionError.emptyInput(reason: "every row has an empty path")) {
            try parse(";2;5;1\n", options: .init(emptyPaths: .skip))
        }
    }

    @Test func decimalsParseLikeTheStandardLibrary() throws {
        for text in ["0.1", "457.22", "12", "1e3", "0.000001", "123456789012345678901.5", "9007199254740993", "3.14159265358979323846"] {
            let set = try parse("a;1;\(text);0\n")
            #expect(set.values[0] == Double(text)!, "\(text)")
        }
    }
}
