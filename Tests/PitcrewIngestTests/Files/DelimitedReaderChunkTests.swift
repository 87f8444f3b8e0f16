import Testing
@testable import PitcrewIngest

@Suite("DelimitedReader: records across chunk boundaries")
struct DelimitedReaderChunkTests {
    /// Inputs chosen so that, over chunk sizes 1…24, every boundary falls inside a quote pair,
    /// between CR and LF, inside a multi-byte character, and right after an opening quote.
    static let samples: [String] = [
        "email,name,note\r\na@b.co,\"Doe, Jane\",\"said \"\"hi\"\"\"\r\nc@d.co,Zoë,\"two\r\nlines\"\r\n\r\ne@f.co,,\"\"\r\n",
        "a;b\n\"\"\"\";\"x\"\"\"\n\"\";\"\"\"y\"\n1;2",
        "\u{FEFF}h1\th2\n\"tab\tinside\"\t東京🚀\n\n\n last \t\"end\"",
        "x,y\r\n1,2\r\n3,\"4\"\r\n",
        "x,y\r1,2\r3,\"4\r5\"\r",
    ]

    @Test(arguments: Array(samples.indices))
    func sameResultForEveryChunkSize(sample: Int) throws {
        let text = Self.samples[sample]
        let expected = try readDelimited(text)
        for chunkSize in 1...24 {
            let chunked = try readDelimited(text, chunkSize: chunkSize)
            #expect(chunked.header == expected.header, "chunk size \(chunkSize)")
            #expect(chunked.records == expected.records, "chunk size \(chunkSize)")
            #expect(chunked.delimiter == expected.delimiter, "chunk size \(chunkSize)")
        }
    }

    @Test func sevenByteChunksWithKnownOutput() throws {
        // 7-byte reads put boundaries inside the quoted line break, a CRLF and a doubled quote.
        let text = "id,note\r\n1,\"a\nb\"\r\n22,\"q\"\"\"\r\n3,last"
        let result = try readDelimited(text, chunkSize: 7)
        #expect(result.records == [
            Record(row: 2, fields: ["1", "a\nb"]),
            Record(row: 4, fields: ["22", "q\""]),
            Record(row: 5, fields: ["3", "last"]),
        ])
    }

    @Test func crlfSplitAcrossChunks() throws {
        // With 4-byte chunks the first CR is byte 3 and its LF byte 4.
        let result = try readDelimited("a,b\r\n1,2\r\n", chunkSize: 4)
        #expect(result.header == ["a", "b"])
        #expect(result.records == [Record(row: 2, fields: ["1", "2"])])
    }

    @Test func doubledQuoteSplitAcrossChunks() throws {
        // "a\n\"x\"\"y\"\n": the pair of quotes sits at bytes 4 and 5.
        for chunkSize in [1, 2, 3, 4, 5, 6, 7] {
            let result = try readDelimited("a\n\"x\"\"y\"\n", chunkSize: chunkSize)
            #expect(result.records == [Record(row: 2, fields: ["x\"y"])], "chunk size \(chunkSize)")
        }
    }

    @Test func closingQuoteAtChunkEndFollowedByStrayCharacter() {
        for chunkSize in 1...8 {
            let error = delimitedError { _ = try readDelimited("a,b\n\"abc\"x,1\n", chunkSize: chunkSize) }
            #expect(error?.kind == .characterAfterClosingQuote(UInt8(ascii: "x")), "chunk size \(chunkSize)")
            #expect(error?.row == 2)
        }
    }

    @Test func recordLargerThanChunkGrowsBuffer() throws {
        let long = String(repeating: "abcdefghij", count: 300)
        let result = try readDelimited("a,b\n\"\(long)\",\(long)\n", chunkSize: 7)
        #expect(result.records[0].fields == [long, long])
    }

    @Test func manyRowsWithSmallChunks() throws {
        var text = "n,square\n"
        for n in 0..<2000 { text += "\(n),\"\(n * n)\"\r\n" }
        let result = try readDelimited(text, chunkSize: 7)
        #expect(result.records.count == 2000)
        #expect(result.records[1999] == Record(row: 2001, fields: ["1999", "3996001"]))
    }
}
