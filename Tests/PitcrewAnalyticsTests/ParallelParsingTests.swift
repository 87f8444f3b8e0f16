import Foundation
import PitcrewAnalytics
import Testing

/// Parsing a path file in pieces on several cores must give exactly what one sequential pass gives.
@Suite("Parallel path-file parsing")
struct ParallelParsingTests {
    static let header = "path;total_conversions;total_conversion_value;total_null\n"
    static let pathModels = AttributionModel.allCases.filter { $0 != .wShaped && $0 != .fullPath && $0 != .timeDecay }

    private static func parse(_ text: String, pieces: Int?, emptyPaths: EmptyJourneyPolicy = .reject) throws -> JourneySet {
        try PathFileParser.parse(text, options: .init(emptyPaths: emptyPaths, parallelism: pieces))
    }

    /// Bit-for-bit equality of two journey sets.
    private static func expectIdentical(_ a: JourneySet, _ b: JourneySet, _ comment: Comment) {
        #expect(a.channels == b.channels, comment)
        #expect(a.pathStart == b.pathStart, comment)
        #expect(a.touches == b.touches, comment)
        #expect(a.conversions.map(\.bitPattern) == b.conversions.map(\.bitPattern), comment)
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern), comment)
        #expect(a.nulls.map(\.bitPattern) == b.nulls.map(\.bitPattern), comment)
        #expect(a.skippedEmptyJourneys.bitPattern == b.skippedEmptyJourneys.bitPattern, comment)
        #expect(a.skippedConversions.bitPattern == b.skippedConversions.bitPattern, comment)
        #expect(a.rowsAreDistinctPaths && b.rowsAreDistinctPaths, comment)
        #expect(a.touchAgeDays == nil && b.touchAgeDays == nil && a.leadTouch == nil && b.leadTouch == nil, comment)
    }

    /// A deterministic raw-journey file: many spellings of the same paths (`a>b`, ` a > b `, quoted), CRLF and blank
    /// lines, empty paths, values with up to two decimals and some with seven (not whole micro-units).
    static func generated(rows: Int, seed: UInt64) -> [String] {
        let channels = ["paid_search", "organic_search", "email", "direct", "display", "social", "referral", "affiliate", "tv", "c-12"]
        let separators = [" > ", ">", " >  ", "\t> "]
        var rng = SplitMix64(seed: seed)
        var lines: [String] = []
        lines.reserveCapacity(rows)
        for _ in 0..<rows {
            let r = rng.next()
            let length = Int(r % 97 < 3 ? 0 : 1 + (r >> 8) % 6)
            var path = ""
            for touch in 0..<length {
                let channel = channels[Int(rng.next() % UInt64(touch == 0 ? 4 : channels.count))]
                path += touch == 0 ? channel : separators[Int((r >> (16 + 2 * touch)) % 4)] + channel
            }
            if (r >> 40) % 53 == 0 { path = " " + path + " " }
            if (r >> 40) % 61 == 1 { path = "\"" + path + "\"" }
            let converted = (r >> 48) % 11 == 0
            let value: String
            switch (r >> 52) % 17 {
            case 0: value = "12.3456789"
            case 1: value = "0.1000001"
            default: value = converted ? String(format: "%.2f", Double((r >> 20) % 100_000) / 100) : "0.00"
            }
            let nulls = converted ? 0 : 1 + Int((r >> 56) % 3)
            let ending = (r >> 60) % 9 == 0 ? "\r" : ""
            lines.append("\(path);\(converted ? 1 : 0);\(value);\(nulls)\(ending)")
            if (r >> 30) % 211 == 0 { lines.append("") }
        }
        return lines
    }

    @Test func fixturesGiveIdenticalSetsAndResultsInAnyNumberOfPieces() throws {
        for dataset in ["tiny", "small"] {
            let text = try Fixtures.text("\(dataset)_paths")
            let sequential = try Self.parse(text, pieces: 1)
            let expected = try AttributionEngine.run(Self.pathModels, on: sequential, options: AttributionOptions())
            for pieces in [2, 3, 7, 64] {
                let parallel = try Self.parse(text, pieces: pieces)
                Self.expectIdentical(sequential, parallel, "\(dataset), \(pieces) pieces")
                #expect(try AttributionEngine.run(Self.pathModels, on: parallel, options: AttributionOptions()) == expected)
            }
            Self.expectIdentical(sequential, try Fixtures.journeys(dataset), "\(dataset) from the file")
        }
    }

    @Test func generatedMultiMegabyteFileIsIndependentOfPiecesAndRowOrder() throws {
        var lines = Self.generated(rows: 32_000, seed: 4)
        let text = Self.header + lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1 << 20)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-parallel-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let sequential = try Self.parse(text, pieces: 1, emptyPaths: .skip)
        #expect(sequential.rowCount > 1_000)
        #expect(sequential.skippedEmptyJourneys > 0)
        // The file: mapped, and in as many pieces as there are cores (text this size is never parsed in one piece
        // when there are several).
        let fromFile = try PathFileParser.parse(contentsOf: url, options: .init(emptyPaths: .skip))
        Self.expectIdentical(sequential, fromFile, "file, automatic pieces")
        for pieces in [2, 3, 5] {
            Self.expectIdentical(sequential, try Self.parse(text, pieces: pieces, emptyPaths: .skip), "\(pieces) pieces")
        }
        // Shuffled rows, sequential and in pieces: even the sums of values that are not whole micro-units agree.
        var rng = SplitMix64(seed: 9)
        lines.shuffle(using: &rng)
        let shuffled = Self.header + lines.joined(separator: "\n")
        Self.expectIdentical(sequential, try Self.parse(shuffled, pieces: 1, emptyPaths: .skip), "shuffled")
        Self.expectIdentical(sequential, try Self.parse(shuffled, pieces: 3, emptyPaths: .skip), "shuffled, 3 pieces")

        let expected = try AttributionEngine.run(Self.pathModels, on: sequential, options: AttributionOptions())
        #expect(try AttributionEngine.run(Self.pathModels, on: fromFile, options: AttributionOptions()) == expected)
    }

    @Test func valuesThatAreNotWholeMicroUnitsAddInSortedOrder() throws {
        let terms = [0.1234567, 1e-7, 3.3333333, 0.1234567, 2.0000001]
        let body = terms.map { "a > b;0;\($0);1\n" }.joined()
        let set = try PathFileParser.parse(Self.header + body)
        #expect(set.rowCount == 1)
        #expect(set.values[0] == terms.sorted().reduce(0, +))
        #expect(set.nulls[0] == 5)
    }

    /// The error a parse in `pieces` pieces reports.
    private static func rowError(_ text: String, pieces: Int?) -> (row: Int, column: Int, reason: String)? {
        do {
            _ = try parse(text, pieces: pieces)
        } catch AttributionError.malformedRow(let row, let column, _, let reason) {
            return (row, column, reason)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func errorsInLaterPiecesNameTheirRowInTheWholeFile() throws {
        // Rows with an empty path would be errors themselves: leave them out (but keep the blank lines).
        var lines = Self.generated(rows: 30_000, seed: 7).filter { line in
            let path = line.split(separator: ";", omittingEmptySubsequences: false)[0]
            return line.isEmpty || !path.allSatisfy { $0 == " " || $0 == "\"" }
        }
        // Blank lines before the header and inside the rows count as rows too.
        let prefix = "\n" + Self.header
        let badLine = 27_001  // line number in the file: two lines of prefix, then rows
        lines[badLine - 3] = "email > > direct;1;5;0"
        let text = prefix + lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1 << 20)
        for pieces in [nil, 1, 2, 3, 8] as [Int?] {
            let error = try #require(Self.rowError(text, pieces: pieces), "\(String(describing: pieces)) pieces")
            #expect(error.row == badLine, "\(String(describing: pieces)) pieces")
            #expect(error.column == 1)
            #expect(error.reason.contains("empty channel name"))
        }
        // With a second bad row in the first half, that one is reported.
        lines[9_999] = "email;one;5;0"
        let twoErrors = prefix + lines.joined(separator: "\n")
        for pieces in [1, 2, 5] {
            let error = try #require(Self.rowError(twoErrors, pieces: pieces))
            #expect(error.row == 10_002, "\(pieces) pieces")
            #expect(error.column == 2)
            #expect(error.reason.contains("not a number"))
        }
        // The same through a mapped file.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-parallel-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try PathFileParser.parse(contentsOf: url)
            Issue.record("expected an error")
        } catch AttributionError.malformedRow(let row, let column, let field, _) {
            #expect(row == badLine && column == 1 && field == "path")
        }
    }

    @Test func emptyInputsAreTheSameErrorsInPieces() {
        for pieces in [2, 4] {
            #expect(throws: AttributionError.emptyInput(reason: "no rows after the header")) {
                try Self.parse(Self.header + "\n\n", pieces: pieces)
            }
            #expect(throws: AttributionError.emptyInput(reason: "every row has an empty path")) {
                try Self.parse(Self.header + ";1;0;0\n ;0;0;2\n;1;1;1\n", pieces: pieces, emptyPaths: .skip)
            }
        }
    }
}
