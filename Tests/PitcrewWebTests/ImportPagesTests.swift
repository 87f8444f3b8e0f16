import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
@testable import PitcrewWeb
import Testing

/// The import wizard: multipart upload, mapping preview with a dry run, background import, report and history.
@Suite struct ImportPagesTests {
    /// A HubSpot contacts export with HTML in two cells and one bad row (row 4: the email).
    static let hubspot = """
        Record ID,First Name,Last Name,Email,Phone Number,Company Name,Country/Region,Job Title,Lifecycle Stage,Create Date,Favorite Color
        101,Ann,Lee,ann@acme.example,(415) 555-0132,Acme,United States,<b>VP</b> Marketing,lead,2026-01-05 10:00,blue
        102,Bo,"Park, Jr.",BO@Globex.example ,+44 20 7946 0958,Globex,UK,CMO,customer,2026-02-07,green
        103,Cy,Diaz,<i>nope</i>,(415) 555-0133,Initech,United States,Analyst,lead,2026-01-09,red

        """
    static let fileName = "<img src=x onerror=alert(1)>.csv"
    static let boundary = "----PitcrewTestBoundary7MA4YWxk"

    /// A multipart/form-data body as a browser sends it: the text fields, then the file (or the file first).
    static func multipart(_ fields: [(String, String)], file: (name: String, content: String)?, fileFirst: Bool = false) -> String {
        let textParts = fields.map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0.0)\"\r\n\r\n\($0.1)\r\n" }
        let fileParts = file.map {
            ["--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\($0.name)\"\r\nContent-Type: text/csv\r\n\r\n\($0.content)\r\n"]
        } ?? []
        return (fileFirst ? fileParts + textParts : textParts + fileParts).joined() + "--\(boundary)--\r\n"
    }

    static func upload(_ client: any TestClientProtocol, _ browser: BrowserSession, _ body: String, path: String = "/data/imports") async throws -> TestResponse {
        var headers = browser.cookie
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.call(.post, path, headers: headers, body: body)
    }

    static func member(_ fixture: Fixture, _ client: any TestClientProtocol, email: String, role: Role) async throws -> BrowserSession {
        let access = fixture.services.access
        _ = try await access.createUser(email: email, name: "Member", password: "a long password", actor: .system("test"))
        _ = try await access.setMember(fixture.a.scope, email: email, role: role)
        return try await BrowserSession.signIn(client, email: email, password: "a long password")
    }

    /// The detected HubSpot mapping, with "Favorite Color" (a custom trait by default) changed to ignore.
    static let chosenColumns = [
        "external_id", "first_name", "last_name", "email", "phone", "company", "country", "title", "lifecycle_stage", "created_at", "ignore",
    ]

    static func runForm(action: String) -> String {
        "kind=contacts&skip_bad_rows=1&action=\(action)&" + chosenColumns.enumerated().map { "column.\($0.offset)=\($0.element)" }.joined(separator: "&")
    }

    @Test(arguments: TestBackend.available)
    func uploadPreviewImportAndReport(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await Self.member(fixture, client, email: "mia@example.com", role: .marketer)
            let start = try await browser.get(client, "/data/imports")
            #expect(start.status == .ok && start.text.contains("Step 1 of 2") && start.text.contains(#"enctype="multipart/form-data""#))
            #expect(start.text.contains("No imports yet") && start.text.contains("Detect from the columns"))
            #expect(try await browser.get(client, "/data/sources").text.contains(#"<a href="/data/imports">Imports</a>"#))

            // Step 2: the preview of the detected mapping, the first rows and the dry run (all or nothing: it fails).
            let preview = try await Self.upload(
                client, browser, Self.multipart([("_csrf", browser.csrf), ("kind", "")], file: (Self.fileName, Self.hubspot)))
            #expect(preview.status == .ok)
            let page = preview.text
            #expect(page.contains("hubspot_contacts") && page.contains("HubSpot contacts export"))
            for column in ["Record ID", "First Name", "Email", "Phone Number", "Create Date", "Favorite Color"] {
                #expect(page.contains("<th scope=\"row\">\(column)</th>"), "column \(column)")
            }
            #expect(page.contains("Country/Region"))
            #expect(page.contains(#"<option value="email" selected>"#) && page.contains(#"<option value="traits.favorite_color" selected>"#))
            #expect(page.contains("is not an email address") && page.contains("1 of 3 rows have problems"))
            // HTML in the file name and in cells is shown as text.
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;.csv") && !page.contains("<img src=x"))
            #expect(page.contains("&lt;b&gt;VP&lt;/b&gt; Marketing") && !page.contains("<b>VP"))
            #expect(page.contains("&lt;i&gt;nope&lt;/i&gt;") && !page.contains("<i>nope"))
            let stagedID = String(try #require(page.firstMatch(of: /action="\/data\/imports\/([0-9a-f-]{36})\/run"/)?.1))
            #expect(FileManager.default.fileExists(atPath: StagedUpload.directory(stagedID) + "/_img_src_x_onerror_alert_1__.csv"))

            // Checking a changed mapping with skip bad rows: a dry run of exactly that.
            let checked = try await browser.post(client, "/data/imports/\(stagedID)/run", form: Self.runForm(action: "check"))
            #expect(checked.status == .ok && checked.text.contains("validated") && checked.text.contains("it would insert 2 and update 0"))
            #expect(checked.text.contains(#"<option value="ignore" selected>"#))
            #expect(try await fixture.services.imports.imports(fixture.a.scope).isEmpty)  // dry runs leave no history

            // An impossible mapping is refused with the reason, and nothing runs.
            let twice = Self.runForm(action: "import").replacingOccurrences(of: "column.1=first_name", with: "column.1=email")
            let refused = try await browser.post(client, "/data/imports/\(stagedID)/run", form: twice)
            #expect(refused.status == .badRequest && refused.text.contains("already mapped from column"))

            // The import runs in the background; the staged page follows it to the report.
            let started = try await browser.post(client, "/data/imports/\(stagedID)/run", form: Self.runForm(action: "import"))
            #expect(started.status == .seeOther && started.headers[.location] == "/data/imports/staged/\(stagedID)")
            var location = try #require(started.headers[.location])
            let deadline = Date().addingTimeInterval(120)  // the whole suite, on both databases, shares two cores
            while Date() < deadline {
                let step = try await browser.get(client, location)
                if step.status == .seeOther {
                    location = try #require(step.headers[.location])
                    break
                }
                #expect(step.status == .ok && step.text.contains(#"<meta http-equiv="refresh" content="2">"#) && step.text.contains("rows read so far"))
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(location.hasPrefix("/data/imports/") && !location.contains("staged"))
            let report = try await browser.get(client, location)
            let recorded = try await fixture.services.imports.imports(fixture.a.scope).first
            #expect(
                report.status == .ok && report.text.contains(">partial<") && report.text.contains("3 rows read: 2 inserted, 0 updated, 1 skipped"),
                "at \(location): \(report.status), recorded \(recorded.map { "\($0.status) \($0.message)" } ?? "nothing")")
            #expect(report.text.contains("is not an email address") && report.text.contains("&lt;i&gt;nope&lt;/i&gt;") && !report.text.contains("<i>nope"))
            #expect(report.text.contains("&lt;img src=x onerror=alert(1)&gt;.csv") && !report.text.contains("<img src=x"))
            #expect(report.text.contains("\(location)/problems.csv") && !report.text.contains("http-equiv=\"refresh\""))
            let csv = try await browser.get(client, "\(location)/problems.csv")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("row,column,field,value,reason\r\n") && csv.text.contains("4,Email,email,<i>nope</i>,is not an email address"))

            let rows = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT email, traits, title FROM contacts WHERE workspace_id = ? ORDER BY email", [.text(fixture.a.workspace.id)])
            }
            #expect(rows.map { $0[0].text } == ["ann@acme.example", "bo@globex.example"])
            #expect(rows.allSatisfy { $0[1].text?.contains("favorite_color") != true })  // the column was set to ignore
            #expect(rows.first?[2].text == "<b>VP</b> Marketing")
            #expect(!FileManager.default.fileExists(atPath: StagedUpload.directory(stagedID)))

            let history = try await browser.get(client, "/data/imports")
            #expect(history.text.contains(#"<a href="\#(location)">&lt;img src=x onerror=alert(1)&gt;.csv</a>"#) && history.text.contains(">partial<"))
            // A second click on Import does not run it again.
            let again = try await browser.post(client, "/data/imports/\(stagedID)/run", form: Self.runForm(action: "import"))
            #expect(again.status == .seeOther && again.headers[.location] == "/data/imports/staged/\(stagedID)")
            #expect(try await fixture.services.imports.imports(fixture.a.scope).count == 1)
            // Other workspaces see neither the report nor the staged page.
            let owner = try await BrowserSession.signIn(client, email: "beta-owner@example.com")
            #expect(try await owner.get(client, location).status == .notFound)
            #expect(try await owner.get(client, "/data/imports/staged/\(stagedID)").status == .notFound)

            // The same file again: its good rows match the contacts as stored, so the check says they are unchanged.
            let second = try await Self.upload(
                client, browser, Self.multipart([("_csrf", browser.csrf), ("kind", "")], file: (Self.fileName, Self.hubspot)))
            let secondID = String(try #require(second.text.firstMatch(of: /action="\/data\/imports\/([0-9a-f-]{36})\/run"/)?.1))
            let recheck = try await browser.post(client, "/data/imports/\(secondID)/run", form: Self.runForm(action: "check"))
            #expect(recheck.text.contains("it would insert 0 and update 0 (2 unchanged)") && recheck.text.contains("unchanged: <strong>2</strong>"))
        }
    }

    @Test(arguments: TestBackend.available)
    func viewersAndForgedUploadsAreRefused(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let viewer = try await Self.member(fixture, client, email: "vera@example.com", role: .viewer)
            let page = try await viewer.get(client, "/data/imports")
            #expect(page.status == .ok && !page.text.contains("multipart/form-data") && page.text.contains("Marketers, admins and owners import files"))
            let body = { (csrf: String) in Self.multipart([("_csrf", csrf), ("kind", "contacts")], file: ("people.csv", Self.hubspot)) }
            let byViewer = try await Self.upload(client, viewer, body(viewer.csrf))
            #expect(byViewer.status == .forbidden && byViewer.text.contains("marketer"))

            let marketer = try await Self.member(fixture, client, email: "mia@example.com", role: .marketer)
            #expect(try await Self.upload(client, marketer, body("wrong")).status == .forbidden)
            let noToken = Self.multipart([("kind", "contacts")], file: ("people.csv", Self.hubspot))
            #expect(try await Self.upload(client, marketer, noToken).status == .forbidden)
            // The token must come before the file: no byte of the file is stored without it.
            let late = Self.multipart([("_csrf", marketer.csrf)], file: ("people.csv", Self.hubspot), fileFirst: true)
            #expect(try await Self.upload(client, marketer, late).status == .forbidden)
            // Only multipart posts to /data/imports itself skip the middleware's check.
            #expect(try await marketer.post(client, "/data/imports", form: "kind=contacts", csrf: false).status == .forbidden)
            let elsewhere = try await Self.upload(client, marketer, body(marketer.csrf), path: "/data/imports/\(UUID().uuidString.lowercased())/run")
            #expect(elsewhere.status == .forbidden)
            #expect(try await marketer.post(client, "/data/imports/\(UUID().uuidString.lowercased())/run", form: Self.runForm(action: "import")).status == .notFound)

            // Malformed bodies are refused.
            let cut = String(body(marketer.csrf).dropLast(20))
            let truncated = try await Self.upload(client, marketer, cut)
            #expect(truncated.status == .badRequest && truncated.text.contains("cut short"))
            var headers = marketer.cookie
            headers[.contentType] = "multipart/form-data"
            #expect(try await client.call(.post, "/data/imports", headers: headers, body: body(marketer.csrf)).status == .badRequest)
            let noFile = try await Self.upload(client, marketer, Self.multipart([("_csrf", marketer.csrf), ("kind", "")], file: ("", "")))
            #expect(noFile.status == .badRequest && noFile.text.contains("Choose a file"))
            #expect(try await fixture.services.imports.imports(fixture.a.scope).isEmpty)
        }
    }

    @Test func parserStreamsAcrossChunkBoundaries() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("multipart-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // File content with CRLFs, a boundary without the leading CRLF, and a partial delimiter.
        let content = "a,b\r\n1,--\(Self.boundary)x\r\n\r\n--\(Self.boundary.dropLast())\r\n2,\"é\"\r\n"
        let body = Array(Self.multipart([("_csrf", "t"), ("kind", "spend")], file: ("notes;\\\"x\\\".csv", content)).utf8)
        for chunk in [1, 2, 7, 64, body.count] {
            let path = directory + "/\(chunk).csv"
            var parser = MultipartParser(dashBoundary: Array("--\(Self.boundary)".utf8), fileField: "file", maximumFileBytes: 1 << 20)
            var seen: [String: String] = [:]
            let open = { (fields: [String: String], name: String) throws -> String in
                seen = fields
                #expect(name == "notes;\"x\".csv")
                return path
            }
            var offset = 0
            while offset < body.count {
                try parser.feed(body[offset..<min(offset + chunk, body.count)], openFile: open)
                offset += chunk
            }
            try parser.finish(openFile: open)
            #expect(seen == ["_csrf": "t", "kind": "spend"])
            #expect(parser.form.fields == ["_csrf": "t", "kind": "spend"])
            #expect(parser.form.file?.size == content.utf8.count)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
        }
        // Refused: a body not starting with its boundary, a missing close delimiter, a part without Content-Disposition.
        let bad = [
            "junk\r\n" + String(decoding: body, as: UTF8.self),
            String(String(decoding: body, as: UTF8.self).dropLast(4)),
            "--\(Self.boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(Self.boundary)--\r\n",
        ]
        for text in bad {
            var parser = MultipartParser(dashBoundary: Array("--\(Self.boundary)".utf8), fileField: "file", maximumFileBytes: 1 << 20)
            #expect(throws: PitcrewError.self) {
                try parser.feed(Array(text.utf8), openFile: { _, _ in directory + "/bad.csv" })
                try parser.finish(openFile: { _, _ in directory + "/bad.csv" })
            }
            parser.abandon()
        }
        #expect(try MultipartForm.dashBoundary(contentType: "multipart/form-data; boundary=\"a b\"") == Array("--a b".utf8))
        #expect(throws: PitcrewError.self) { try MultipartForm.dashBoundary(contentType: "application/x-www-form-urlencoded") }
        #expect(StagedUpload.storedName("../../etc/passwd") == "passwd")
        #expect(StagedUpload.storedName(".hidden.csv") == "hidden.csv")
        #expect(StagedUpload.displayName("C:\\Users\\ann\\leads\u{7}.csv") == "leads.csv")
    }

    /// The wizard reads dates in the order the user picks: a day-first file is refused in the workspace's usual order (with
    /// the reason) and checks and imports cleanly once "day first" is chosen.
    @Test(arguments: TestBackend.available)
    func theWizardTakesTheDayOrder(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let browser = try await Self.member(fixture, client, email: "dora@example.com", role: .marketer)
            let file = "Email,First Name,Create Date\nann@initech.example,Ann,19/06/2026\nbo@initech.example,Bo,04/02/2026\n"
            let preview = try await Self.upload(client, browser, Self.multipart([("_csrf", browser.csrf), ("kind", "contacts")], file: ("eu.csv", file)))
            #expect(preview.status == .ok && preview.text.contains("is written day first") && preview.text.contains(#"name="day_order""#))
            let stagedID = String(try #require(preview.text.firstMatch(of: /action="\/data\/imports\/([0-9a-f-]{36})\/run"/)?.1))
            let columns = "column.0=email&column.1=first_name&column.2=created_at"
            let checked = try await browser.post(client, "/data/imports/\(stagedID)/run", form: "kind=contacts&action=check&day_order=day_first&" + columns)
            #expect(checked.status == .ok && checked.text.contains("it would insert 2 and update 0"))
            #expect(checked.text.contains(#"<option value="day_first" selected>"#))
            let bad = try await browser.post(client, "/data/imports/\(stagedID)/run", form: "kind=contacts&action=check&day_order=sideways&" + columns)
            #expect(bad.status == .badRequest)
        }
    }

    /// The API's list of imports pages like every list: newest first, `limit` and `cursor`.
    @Test(arguments: TestBackend.available)
    func importsListPages(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            for index in 0..<3 {
                _ = try await fixture.services.imports.run(
                    fixture.a.scope, .bytes(Array("Email\nu\(index)@initech.example\n".utf8)), ImportRequest(kind: .contacts, fileName: "f\(index).csv"))
            }
            let token = fixture.tokensA[.viewer]!
            let first = try await client.call(.get, "/api/v1/imports?limit=2", token: token)
            #expect(first.items.compactMap { $0["file_name"] as? String } == ["f2.csv", "f1.csv"])
            let cursor = try #require(first.object["next_cursor"] as? String)
            let second = try await client.call(.get, "/api/v1/imports?limit=2&cursor=\(cursor)", token: token)
            #expect(second.items.compactMap { $0["file_name"] as? String } == ["f0.csv"] && !(second.object["next_cursor"] is String))
            #expect(try await client.call(.get, "/api/v1/imports?limit=0", token: token).problemFields == ["limit"])
        }
    }
}
