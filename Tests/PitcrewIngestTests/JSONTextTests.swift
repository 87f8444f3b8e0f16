import Foundation
@testable import PitcrewIngest
import Testing

/// JSON string literals written by hand (traits, properties): whatever the text, JSON reads back the same text, and
/// `<` never appears raw (the text may end up inside a page's script).
@Suite struct JSONTextTests {
    @Test(arguments: [
        "plain", "", "Marketing Ops Manager", "quote \" inside", "back\\slash", "line\nbreak\r\ttab", "bell \u{07} and \u{1F}",
        "</script><script>alert(1)</script>", "Zoë Ünal 日本 🚀", "mixed \"ü\" <b>",
    ])
    func readsBackAsWritten(_ text: String) throws {
        let literal = JSONText.string(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(decoded == [text])
        #expect(!literal.contains("<"))
    }
}
