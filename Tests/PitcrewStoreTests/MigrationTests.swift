import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Foundation
import Testing

@Suite struct MigrationTests {
    @Test(arguments: TestBackend.available)
    func migrationsAreRecordedAndIdempotent(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let names = try await Migrator.appliedNames(database)
            #expect(names == Set(Migrator.all.map(\.name)))
            #expect(try await Migrator.migrate(database).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func refusesADatabaseMigratedByANewerVersion(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.transaction { db in
                try await db.raw("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future', 0)").run()
            }
            await #expect(throws: PitcrewError.self) { try await Migrator.migrate(database) }
        }
    }

    @Test(arguments: TestBackend.available)
    func aFailingMigrationLeavesNothingBehind(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let broken = Migration(name: "0002_broken") { _ in
                ["CREATE TABLE half_done (id TEXT PRIMARY KEY)", "THIS IS NOT SQL"]
            }
            await #expect(throws: (any Error).self) { try await Migrator.migrate(database, migrations: Migrator.all + [broken]) }
            #expect(!(try await Migrator.appliedNames(database)).contains("0002_broken"))
            let leftover = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations WHERE name = '0002_broken'").first()?.decode(column: "n", as: Int.self)
            }
            #expect(leftover == 0)
            // The table from the failed migration's first statement was rolled back too.
            await #expect(throws: (any Error).self) {
                try await database.read { db in try await db.raw("SELECT * FROM half_done").run() }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func toolNameKeysKeepToolsThatDifferOnlyInCaseAndThenRefuseNewOnes(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let keys = try #require(Migrator.all.first { $0.name == "0007_import_unchanged_tool_keys" }?.after)
            try await database.transaction { db in
                // A database from before: no keys, and tools whose names differ only in case, in and out of ASCII.
                try await db.raw("DROP INDEX tools_name_key").run()
                try await db.raw("INSERT INTO workspaces (id, slug, name, created_at) VALUES ('w1', 'one', 'One', 0)").run()
                try await db.raw("INSERT INTO workspaces (id, slug, name, created_at) VALUES ('w2', 'two', 'Two', 0)").run()
                for (id, workspace, name) in [
                    ("t1", "w1", "HubSpot"), ("t2", "w1", "hubspot"), ("t3", "w1", "Segment"), ("t4", "w1", "CAFÉ"), ("t5", "w1", "café"),
                    ("t6", "w2", "HUBSPOT"),
                ] {
                    try await db.raw(
                        """
                        INSERT INTO tools (id, workspace_id, name, category, status, created_at, updated_at)
                        VALUES (\(bind: id), \(bind: workspace), \(bind: name), 'data', 'active', 0, 0)
                        """
                    ).run()
                }
                try await keys(db)
            }
            let stored = try await database.read { db in
                try await db.raw("SELECT id, name_key FROM tools ORDER BY id").all().map {
                    [try $0.decode(column: "id", as: String.self), try $0.decode(column: "name_key", as: String.self)]
                }
            }
            // Keys are Unicode lower case on both databases (SQLite's lower() would leave "cafÉ"); each workspace has its own.
            #expect(stored == [["t1", "hubspot"], ["t2", "hubspot#t2"], ["t3", "segment"], ["t4", "café"], ["t5", "café#t5"], ["t6", "hubspot"]])
            await #expect(throws: PitcrewError.self) {
                try await database.transaction { db in
                    try await db.raw(
                        """
                        INSERT INTO tools (id, workspace_id, name, category, status, created_at, updated_at, name_key)
                        VALUES ('t9', 'w1', 'SEGMENT', 'data', 'active', 0, 0, 'segment')
                        """
                    ).run()
                }
            }
        }
    }

    /// Campaigns that shared a UTM campaign before rows were divided by channel: the oldest had every row; migration 0009
    /// gives each its channel's.
    @Test(arguments: TestBackend.available)
    func campaignsThatSharedAUTMCampaignGetTheirChannelsRows(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let divide = try #require(Migrator.all.first { $0.name == "0009_import_notes_runner_ad_accounts" }?.after)
            try await database.transaction { db in
                try await db.raw("INSERT INTO workspaces (id, slug, name, created_at) VALUES ('w1', 'one', 'One', 0)").run()
                try await db.raw("INSERT INTO channels (id, workspace_id, name, kind, created_at) VALUES ('ch1', 'w1', 'Paid Social', 'paid', 0)").run()
                for (id, name, channel) in [("c1", "Spring – Google", nil as String?), ("c2", "Spring – Meta", "ch1")] {
                    try await db.raw(
                        """
                        INSERT INTO campaigns (id, workspace_id, name, channel_id, utm_campaign, status, created_at, updated_at)
                        VALUES (\(bind: id), 'w1', \(bind: name), \(bind: channel), 'spring', 'active', 0, 0)
                        """
                    ).run()
                }
                for (id, channel) in [("t1", "Paid Search"), ("t2", "Paid Social")] {
                    try await db.raw(
                        """
                        INSERT INTO touchpoints (id, workspace_id, occurred_at, channel, campaign, campaign_id, offline)
                        VALUES (\(bind: id), 'w1', 0, \(bind: channel), 'spring', 'c1', FALSE)
                        """
                    ).run()
                }
                try await divide(db)
            }
            let linked = try await database.read { db in
                try await db.raw("SELECT id, campaign_id FROM touchpoints ORDER BY id").all().map {
                    [try $0.decode(column: "id", as: String.self), try $0.decode(column: "campaign_id", as: String.self)]
                }
            }
            #expect(linked == [["t1", "c1"], ["t2", "c2"]])
        }
    }

    @Test func parsesDatabaseLocations() throws {
        #expect(try DatabaseLocation("./pitcrew.sqlite") == .sqlite(path: "./pitcrew.sqlite"))
        #expect(try DatabaseLocation("sqlite:/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        guard case .postgres(let url) = try DatabaseLocation("postgres://ops:s%40cret@db.internal:6432/pitcrew?sslmode=require") else {
            Issue.record("expected postgres")
            return
        }
        #expect(url.host == "db.internal" && url.port == 6432 && url.username == "ops" && url.password == "s@cret")
        #expect(url.database == "pitcrew" && url.tls == .require)
        #expect(throws: PitcrewError.self) { try DatabaseLocation("mysql://x/y") }
        #expect(throws: PitcrewError.self) { try DatabaseLocation("postgres://host-only") }
    }

    @Test func backupWritesAConsistentCopy() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let access = AccessService.forTests(database)
            _ = try await SeededWorkspace.make(access, slug: "backed-up")
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("pitcrew-backup-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try await database.backup(to: copy)
            await #expect(throws: PitcrewError.self) { try await database.backup(to: copy) }
            let slug = try await Database.with(.sqlite(path: copy)) { restored in
                try await AccessService.forTests(restored).workspace(slug: "backed-up")?.slug
            }
            #expect(slug == "backed-up")
        }
    }
}
