import Foundation
import Testing
@testable import PitcrewIngest

@Suite("ImportMapping files")
struct MappingFileTests {
    private func load(_ json: String) throws(ImportMappingError) -> ImportMapping {
        try ImportMapping.load(jsonData: Data(json.utf8))
    }

    private func loadError(_ json: String) -> ImportMappingError? {
        do {
            _ = try load(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsAFullMapping() throws {
        let mapping = try load("""
        {"kind": "spend", "columns": {"Day": "day", "Cost": "cost", "Status": ""},
         "delimiter": "tab", "day_order": "day_first", "currency": "EUR",
         "channel": "Paid Search", "source": "google_ads"}
        """)
        #expect(mapping == ImportMapping(kind: .spend, columns: ["Day": "day", "Cost": "cost", "Status": ""],
                                         delimiter: .tab, dayOrder: .dayFirst, currency: "EUR",
                                         channel: "Paid Search", source: "google_ads"))
    }

    @Test func minimalMappingAndDelimiterCharacter() throws {
        let mapping = try load(#"{"kind": "contacts", "delimiter": ";"}"#)
        #expect(mapping.columns.isEmpty)
        #expect(mapping.delimiter == .semicolon)
        #expect(mapping.dayOrder == nil)
    }

    @Test func roundTripsThroughJSON() throws {
        let mapping = ImportMapping(kind: .contacts, columns: ["E-mail": "email", "Zip": "traits.zip"],
                                    delimiter: .tab, dayOrder: .monthFirst)
        let data = try mapping.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"day_order\" : \"month_first\""))
        #expect(text.contains("\"delimiter\" : \"\\t\""))
        #expect(try ImportMapping.load(jsonData: data) == mapping)
    }

    @Test(arguments: [
        (#"{"kind": "leads"}"#, "kind", "unknown import kind \"leads\""),
        (#"{"columns": {}}"#, "kind", "missing (required)"),
        (#"{"kind": "contacts", "colums": {}}"#, "colums", "unknown key"),
        (#"{"kind": "contacts", "columns": {"E-mail": "emial"}}"#, "columns[\"E-mail\"]", "unknown field \"emial\" for contacts"),
        (#"{"kind": "contacts", "columns": {"Age": 3}}"#, "columns[\"Age\"]", "wrong type"),
        (#"{"kind": "spend", "columns": {"Zip": "traits.zip"}}"#, "columns[\"Zip\"]", "spend imports have no custom traits"),
        (#"{"kind": "contacts", "columns": {"Zip": "traits."}}"#, "columns[\"Zip\"]", "\"traits.\" needs a trait name"),
        (#"{"kind": "contacts", "columns": {"A": "email", "B": "email"}}"#, "columns[\"B\"]", "field \"email\" is already mapped from column \"A\""),
        (##"{"kind": "spend", "delimiter": "#"}"##, "delimiter", "unknown delimiter \"#\""),
        (#"{"kind": "spend", "day_order": "year_first"}"#, "day_order", "unknown day order"),
        (#"{"kind": "spend", "currency": "EURO"}"#, "currency", "\"EURO\" is not a 3-letter ISO 4217 code"),
        (#"{"kind": "spend", "channel": 5}"#, "channel", "wrong type"),
        (#"{"kind": "spend""#, "", "not valid JSON"),
    ])
    func errorsNameTheBadKey(json: String, path: String, reason: String) {
        let error = loadError(json)
        #expect(error?.path == path, "\(String(describing: error))")
        #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error))")
    }

    @Test func errorDescription() {
        let error = loadError(#"{"kind": "contacts", "columns": {"E-mail": "emial"}}"#)
        #expect(error?.description.hasPrefix("mapping: columns[\"E-mail\"]: unknown field \"emial\" for contacts (expected one of email, external_id") == true)
    }
}
