import Testing
@testable import PitcrewIngest

@Suite("RowMapper and MappedRow")
struct RowMapperTests {
    @Test func mapsFieldsTraitsAndKey() throws {
        let header = ["E-mail", "First", "Zip", "Notes", "Ignored"]
        let mapping = ImportMapping(kind: .contacts, columns: ["e-mail": "email", "First": "first_name",
                                                               "Zip": "traits.postal_code", "Ignored": ""])
        let mapper = try RowMapper(mapping: mapping, header: header)
        let row = mapper.map(Record(row: 7, fields: [" a@b.co ", "Jane", "10115", "", "x"]))
        #expect(row.row == 7)
        #expect(row.values == ["email": "a@b.co", "first_name": "Jane"])
        #expect(row.traits == ["postal_code": "10115"])  // empty "Notes" trait left out
        #expect(row.key == RowKey(fields: ["email"], values: ["a@b.co"]))
        #expect(row.problems.isEmpty)
        #expect(row["email"] == "a@b.co")
        #expect(mapper.column(of: "email") == "E-mail")
    }

    @Test func unmentionedColumnsBecomeTraitsForContacts() throws {
        let mapper = try RowMapper(mapping: ImportMapping(kind: .contacts, columns: ["Email": "email"]),
                                   header: ["Email", "Lead Score"])
        #expect(mapper.map(Record(row: 2, fields: ["a@b.co", "42"])).traits == ["lead_score": "42"])
    }

    @Test func contactNeedsEmailOrExternalID() throws {
        let mapper = try RowMapper(mapping: ImportMapping(kind: .contacts, columns: ["Email": "email", "ID": "external_id"]),
                                   header: ["Email", "ID"])
        let ok = mapper.map(Record(row: 2, fields: ["", "crm-1"]))
        #expect(ok.problems.isEmpty)
        #expect(ok.key == RowKey(fields: ["external_id"], values: ["crm-1"]))
        let bad = mapper.map(Record(row: 3, fields: ["  ", ""]))
        #expect(bad.key == nil)
        #expect(bad.problems == [ImportProblem(row: 3, column: "Email", field: "email", value: "",
                                               reason: "needs a value in email or external_id; all are empty")])
    }

    @Test func requiredFieldProblemsNameRowColumnAndField() throws {
        let detected = ImportMapping.detect(kind: nil, header: ["Opportunity ID", "Opportunity Name", "Stage", "Amount",
                                                                "Close Date", "Created Date"])
        let mapper = try RowMapper(mapping: detected.mapping, header: ["Opportunity ID", "Opportunity Name", "Stage", "Amount",
                                                                      "Close Date", "Created Date"])
        let row = mapper.map(Record(row: 9, fields: ["006A", "", "Closed Won", "100", "", ""]))
        #expect(row.problems == [
            ImportProblem(row: 9, column: "Opportunity Name", field: "name", value: "", reason: "required field name is empty"),
            ImportProblem(row: 9, column: "Created Date", field: "created_at", value: "", reason: "required field created_at is empty"),
        ])
        #expect(row.problems[0].description == "row 9, column \"Opportunity Name\" (name): required field name is empty")
    }

    @Test func defaultsFillChannelSourceAndCurrency() throws {
        let header = ["Day", "Campaign", "Currency code", "Cost", "Impr.", "Clicks"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        var mapping = detected.mapping
        mapping.currency = "USD"
        let mapper = try RowMapper(mapping: mapping, header: header)
        let row = mapper.map(Record(row: 2, fields: ["2024-03-01", "Brand", "", "12.50", "100", "7"]))
        #expect(row.values["channel"] == "Paid Search")
        #expect(row.values["source"] == "google_ads")
        #expect(row.values["currency"] == "USD")
        #expect(row.key == RowKey(fields: ["day", "channel", "campaign", "source", "ad_account"],
                                  values: ["2024-03-01", "Paid Search", "Brand", "google_ads", ""]))
        let withCurrency = mapper.map(Record(row: 3, fields: ["2024-03-01", "Brand", "EUR", "1", "1", "1"]))
        #expect(withCurrency.values["currency"] == "EUR")
    }

    @Test func missingRequiredColumnIsAMappingError() {
        do {
            _ = try RowMapper(mapping: ImportMapping(kind: .spend, columns: ["Date": "day", "Spend": "cost", "Gone": "campaign"]),
                              header: ["Date", "Spend"])
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "columns")
            #expect(error.reason == "no column of this file is mapped to the required field channel (mapped columns not in the file: \"Gone\")")
        }
    }

    @Test func requiredFieldMappedToAColumnNotInTheFile() {
        do {
            _ = try RowMapper(mapping: ImportMapping(kind: .accounts, columns: ["Company": "name"]), header: ["Domain"])
            Issue.record("expected an error")
        } catch {
            #expect(error.reason.hasPrefix("no column of this file is mapped to the required field name"))
        }
    }

    @Test func touchpointDuplicatesAreReported() throws {
        let header = ["When", "Email", "Source"]
        let mapping = ImportMapping(kind: .touchpoints, columns: ["When": "occurred_at", "Email": "contact_email", "Source": "source"])
        let mapper = try RowMapper(mapping: mapping, header: header)
        var detector = DuplicateRowDetector(kind: .touchpoints)
        let rows = [
            Record(row: 2, fields: ["2024-01-01T10:00:00Z", "a@b.co", "event"]),
            Record(row: 3, fields: ["2024-01-01T10:00:00Z", "a@b.co", "webinar"]),
            Record(row: 4, fields: ["2024-01-01T10:00:00Z", " a@b.co", "event"]),
        ].map(mapper.map)
        #expect(rows.allSatisfy { $0.problems.isEmpty && $0.key == nil })
        #expect(detector.check(rows[0]) == nil)
        #expect(detector.check(rows[1]) == nil)
        #expect(detector.check(rows[2]) == ImportProblem(row: 4, reason: "exact duplicate of row 2"))
    }

    @Test func touchpointNeedsAContact() throws {
        let mapper = try RowMapper(mapping: ImportMapping(kind: .touchpoints, columns: ["At": "occurred_at", "Id": "contact_external_id"]),
                                   header: ["At", "Id"])
        let row = mapper.map(Record(row: 5, fields: ["2024-01-01", ""]))
        #expect(row.problems.map(\.reason) == ["needs a value in contact_email or contact_external_id; all are empty"])
        #expect(row.problems.first?.column == "Id")
        #expect(row.problems.first?.field == "contact_external_id")
    }

    @Test func repeatedKeysAreReported() throws {
        let mapper = try RowMapper(mapping: ImportMapping(kind: .accounts, columns: ["Name": "name", "Domain": "domain"]),
                                   header: ["Name", "Domain"])
        var detector = DuplicateRowDetector(kind: .accounts)
        #expect(detector.check(mapper.map(Record(row: 2, fields: ["Acme", "acme.com"]))) == nil)
        #expect(detector.check(mapper.map(Record(row: 3, fields: ["Acme Inc", "acme.com"])))
            == ImportProblem(row: 3, field: "domain", value: "acme.com",
                             reason: "same key (domain = acme.com) as row 2; the later row wins"))
    }

    @Test func everyKindDescribesItsFields() {
        for kind in ImportKind.allCases {
            #expect(!kind.fields.isEmpty)
            #expect(Set(kind.fields.map(\.name)).count == kind.fields.count)
            for group in kind.requiredAlternatives {
                #expect(group.allSatisfy { kind.field(named: $0) != nil })
            }
        }
        #expect(ImportKind.spend.field(named: "cost")?.type == .money)
        #expect(ImportKind.opportunities.fields.filter(\.required).map(\.name) == ["external_id", "name", "stage", "created_at"])
    }
}
