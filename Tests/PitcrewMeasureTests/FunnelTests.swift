import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import SQLKit
import Testing

@testable import PitcrewMeasure

@Suite struct FunnelTests {
    @Test func stepTimesRequireOrder() {
        #expect(FunnelMath.stepTimes(events: [(1, 5), (0, 10), (1, 20), (2, 30)], stepCount: 3) == [10, 20, 30])
        #expect(FunnelMath.stepTimes(events: [(1, 5), (2, 6)], stepCount: 3) == [])
        #expect(FunnelMath.median([3, 1, 2]) == 2 && FunnelMath.median([1, 2, 3, 4]) == 2.5 && FunnelMath.median([]) == nil)
    }

    @Test(arguments: TestBackend.available)
    func eventAndStageFunnels(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let seeded = try await SeededWorkspace.make(AccessService.forTests(database), slug: "funnel")
            let t0 = CalendarDate("2026-05-04")!.startMillis
            let hour: Int64 = 3_600_000
            try await database.transaction { db in
                let contacts = (0..<4).map { _ in Identifier.make() }
                let stages = ["lead", "mql", "customer", "subscriber"]
                try await BulkInsert.insert(
                    db, into: "contacts", columns: ["id", "workspace_id", "lifecycle_stage", "created_at", "updated_at"],
                    rows: contacts.indices.map { [contacts[$0], seeded.workspace.id, stages[$0], t0 + Int64($0) * 40 * 24 * hour, t0] })
                var events: [[any Encodable & Sendable]] = []
                func event(_ contact: Int, _ name: String, _ at: Int64) {
                    let id = Identifier.make()
                    events.append([id, seeded.workspace.id, id, "track", name, contacts[contact], at, at])
                }
                event(0, "Page Viewed", t0)
                event(0, "Email Clicked", t0 + 2 * hour)
                event(0, "Webinar Attended", t0 + 26 * hour)
                event(1, "Email Clicked", t0)  // before its page view: does not count as step 2
                event(1, "Page Viewed", t0 + hour)
                event(2, "Page Viewed", t0 + 40 * 24 * hour)
                event(2, "Email Clicked", t0 + 40 * 24 * hour + 4 * hour)
                try await BulkInsert.insert(
                    db, into: "events", columns: ["id", "workspace_id", "message_id", "type", "name", "contact_id", "occurred_at", "received_at"], rows: events)
            }
            let service = MeasureService(database: database)
            let funnel = try await service.funnel(
                seeded.scope, steps: [.event("Page Viewed"), .event("Email Clicked"), .event("Webinar Attended")], from: CalendarDate("2026-05-01")!,
                to: CalendarDate("2026-07-01")!)
            #expect(funnel.steps.map(\.count) == [3, 2, 1])
            #expect(funnel.steps[1].medianHoursFromPrevious == 3 && funnel.steps[2].medianHoursFromPrevious == 24)
            #expect(abs(funnel.steps[1].fromPrevious - 2.0 / 3.0) < 1e-12 && abs(funnel.steps[2].fromFirst - 1.0 / 3.0) < 1e-12)
            #expect(funnel.cohorts.map(\.month) == ["2026-05", "2026-06"] && funnel.cohorts[0].counts == [2, 1, 1])

            let stages = try await service.funnel(
                seeded.scope, steps: ["lead", "mql", "sql", "customer"].map { .stage($0) }, from: CalendarDate("2026-01-01")!,
                to: CalendarDate("2026-12-31")!)
            #expect(stages.steps.map(\.count) == [3, 2, 1, 1])
            #expect(stages.steps.allSatisfy { $0.medianHoursFromPrevious == nil })

            let upper = try await service.funnel(
                seeded.scope, steps: ["LEAD", "MQL"].map { .stage($0) }, from: CalendarDate("2026-01-01")!, to: CalendarDate("2026-12-31")!)
            #expect(upper.steps.map(\.count) == [3, 2])
            await #expect(throws: PitcrewError.self) {
                _ = try await service.funnel(seeded.scope, steps: [.stage("lead"), .stage("champion")], from: CalendarDate("2026-01-01")!, to: CalendarDate("2026-12-31")!)
            }
            await #expect(throws: PitcrewError.self) {
                _ = try await service.funnel(seeded.scope, steps: [.event("A"), .stage("lead")], from: CalendarDate("2026-01-01")!, to: CalendarDate("2026-12-31")!)
            }
            await #expect(throws: PitcrewError.self) {
                _ = try await service.funnel(seeded.scope, steps: [.event("A")], from: CalendarDate("2026-01-01")!, to: CalendarDate("2026-12-31")!)
            }
        }
    }
}
