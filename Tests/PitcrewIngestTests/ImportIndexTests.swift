import Foundation
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import Testing

/// A large contacts import on SQLite builds the indexes no lookup of it uses after its rows are in
/// (`ImportWriter.deferContactIndexes`): the same indexes afterwards, consistent with the rows, and untouched by an
/// import that fails.
@Suite struct ImportIndexTests {
    static let rows = 60_000

    private func writeFile(badLastRow: Bool) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-index-\(UUID().uuidString).csv").path
        var text = "Email,First Name,Company Name\n"
        for row in 0..<Self.rows - 1 { text += "person\(row)@company\(row % 500).example,Ann,Company\(row % 500)\n" }
        text += badLastRow ? "not-an-email,Bo,Nowhere\n" : "last@company1.example,Bo,Company1\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func schema(_ database: Database) async throws -> (indexes: [[SQLValue]], version: Int64) {
        try await database.rawRead { raw in
            let indexes = try await raw.rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' ORDER BY name")
            let version = try await raw.rows("PRAGMA schema_version")[0][0].integer ?? -1
            return (indexes, version)
        }
    }

    @Test func aLargeLoadBuildsItsIndexesAfterItsRows() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let acme = try await SeededWorkspace.make(AccessService.forTests(database), slug: "acme")
            let service = ImportService(database: database)
            let before = try await schema(database)
            #expect(before.indexes.contains { $0[0] == .text("contacts_account") } && before.indexes.contains { $0[0] == .text("contacts_workspace_id") })

            // All or nothing, and the last row is bad: nothing written, the indexes as they were.
            let bad = try writeFile(badLastRow: true)
            defer { try? FileManager.default.removeItem(atPath: bad) }
            let failed = try await service.run(acme.scope, .file(path: bad), ImportRequest(kind: .contacts, fileName: "bad.csv"))
            #expect(failed.status == .failed && failed.rowsBad == 1)
            let afterFailure = try await schema(database)
            #expect(afterFailure.indexes == before.indexes && afterFailure.version == before.version)

            let good = try writeFile(badLastRow: false)
            defer { try? FileManager.default.removeItem(atPath: good) }
            let report = try await service.run(acme.scope, .file(path: good), ImportRequest(kind: .contacts, fileName: "good.csv"))
            #expect(report.status == .succeeded && report.inserted == Self.rows)
            let after = try await schema(database)
            // Dropped and made again (the schema changed four times), with the same definitions.
            #expect(after.indexes == before.indexes)
            #expect(after.version == before.version + 4)
            let integrity = try await database.rawRead { raw in try await raw.rows("PRAGMA integrity_check")[0][0].text }
            #expect(integrity == "ok")
            let byAccount = try await database.rawRead { raw in
                try await raw.rows(
                    "SELECT COUNT(*) FROM contacts INDEXED BY contacts_account WHERE workspace_id = ? AND account_id IS NOT NULL", [.text(acme.scope.workspace.id)])
            }
            #expect(byAccount[0][0].integer == Int64(Self.rows))

            // The same file again (a re-import: the workspace has contacts, its rows are unchanged) keeps them.
            let again = try await service.run(acme.scope, .file(path: good), ImportRequest(kind: .contacts, fileName: "good.csv"))
            #expect(again.unchanged == Self.rows)
            #expect(try await schema(database).version == after.version)
        }
    }
}
