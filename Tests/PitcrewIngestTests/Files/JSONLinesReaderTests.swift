import Testing
@testable import PitcrewIngest

@Suite("JSONLinesReader")
struct JSONLinesReaderTests {
    @Test func headerFromFirstLineAndValueRendering() throws {
        let text = """
        {"email":"a@b.co","amount":1.10,"id":12345678901234567890,"vip":true,"phone":null,"tags":["x", "y"],"meta":{"a":1}}
        {"email":"c@d.co","amount":-2e3,"id":1,"vip":false,"phone":"+1 555","tags":[],"meta":{}}

        """
        let result = try readJSONLines(text)
        #expect(result.header == ["email", "amount", "id", "vip", "phone", "tags", "meta"])
        #expect(result.records == [
            Record(row: 1, fields: ["a@b.co", "1.10", "12345678901234567890", "true", "", "[\"x\", \"y\"]", "{\"a\":1}"]),
            Record(row: 2, fields: ["c@d.co", "-2e3", "1", "false", "+1 555", "[]", "{}"]),
        ])
    }

    @Test func missingKeysAreEmptyAndOrderDoesNotMatter() throws {
        let result = try readJSONLines("{\"a\":\"1\",\"b\":\"2\"}\n{\"b\":\"3\"}\n")
        #expect(result.records[1] == Record(row: 2, fields: ["", "3"]))
    }

    @Test func escapesAreDecoded() throws {
        let result = try readJSONLines(#"{"s":"q\"b\\s\/ \n\t \u00e9 \ud83d\ude80 plain"}"#)
        #expect(result.records[0].fields == ["q\"b\\s/ \n\t é 🚀 plain"])
    }

    @Test func blankLinesCRLFAndBOM() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("\r\n{\"a\":1}\r\n  \r\n{\"a\":2}".utf8)
        var reader = try JSONLinesReader(bytes: bytes)
        #expect(reader.header == ["a"])
        #expect(try reader.next() == Record(row: 2, fields: ["1"]))
        #expect(try reader.next() == Record(row: 4, fields: ["2"]))
        #expect(try reader.next() == nil)
    }

    @Test func sameResultAcrossChunkSizes() throws {
        let text = "{\"name\":\"Zoë 東京\",\"n\":1}\r\n\n{\"name\":\"x\\\"y\",\"n\":22}\n{\"n\":3}"
        let expected = try readJSONLines(text)
        for chunkSize in 1...20 {
            let chunked = try readJSONLines(text, chunkSize: chunkSize)
            #expect(chunked.header == expected.header)
            #expect(chunked.records == expected.records, "chunk size \(chunkSize)")
        }
    }

    @Test func unknownKeyIsAnErrorNamingRowAndKey() {
        let error = jsonLinesError { _ = try readJSONLines("{\"a\":1}\n\n{\"a\":2,\"b\":3}\n") }
        #expect(error?.row == 3)
        #expect(error?.key == "b")
        #expect(error?.kind == .unknownKey("b"))
        #expect(error?.description == "row 3: key \"b\" is not in the first line; the first line defines the columns")
    }

    @Test func unknownKeyCanBeIgnored() throws {
        let result = try readJSONLines("{\"a\":1}\n{\"a\":2,\"b\":3}\n", unknownKeys: .ignore)
        #expect(result.records.map(\.fields) == [["1"], ["2"]])
    }

    @Test func duplicateKey() {
        let error = jsonLinesError { _ = try readJSONLines("{\"a\":1}\n{\"a\":2,\"a\":3}\n") }
        #expect(error?.kind == .duplicateKey("a"))
        #expect(error?.row == 2)
    }

    @Test(arguments: [
        ("[1,2]", "expected a JSON object"),
        ("{\"a\":1,}", "expected a quoted key"),
        ("{\"a\" 1}", "expected ':' after key \"a\""),
        ("{\"a\":01}", "expected ',' or '}' after the value of \"a\""),
        ("{\"a\":tru}", "invalid literal (expected true)"),
        ("{\"a\":\"x}", "a string is not closed"),
        ("{\"a\":1} x", "unexpected text after the closing '}'"),
        ("{\"a\":\"\\ud800\"}", "unpaired UTF-16 surrogate"),
        ("{\"a\":[1,}", "invalid value"),
        ("{\"a\":1", "the object is not closed"),
    ])
    func invalidJSONNamesRowAndReason(line: String, reason: String) {
        let error = jsonLinesError { _ = try readJSONLines("{\"a\":0}\n" + line + "\n") }
        #expect(error?.row == 2)
        guard case let .invalidJSON(message, _)? = error?.kind else {
            Issue.record("expected invalidJSON for \(line), got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix(reason), "\(message)")
    }

    @Test func invalidUTF8() {
        let bytes = Array("{\"a\":\"x\"}\n{\"a\":\"".utf8) + [0xE9] + Array("\"}\n".utf8)
        var error: JSONLinesReaderError?
        do {
            var reader = try JSONLinesReader(bytes: bytes)
            while try reader.next() != nil {}
        } catch let caught as JSONLinesReaderError {
            error = caught
        } catch {}
        #expect(error?.kind == .notUTF8(byte: 0xE9, offset: 16, utf16ByteOrderMark: false))
        #expect(error?.row == 2)
        #expect(error?.description == "row 2: the file is not UTF-8 (invalid byte 0xE9 at byte offset 16)")
    }

    @Test func utf16AndEmpty() {
        #expect(jsonLinesError { _ = try JSONLinesReader(bytes: [0xFF, 0xFE, 0x7B, 0x00]) }?.kind
            == .notUTF8(byte: 0xFF, offset: 0, utf16ByteOrderMark: true))
        #expect(jsonLinesError { _ = try JSONLinesReader(string: "\n \n") }?.kind == .emptyFile)
    }
}
