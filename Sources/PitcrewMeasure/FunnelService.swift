public import PitcrewCore
public import PitcrewStore
import SQLKit
import Synchronization

extension MeasureService {
    /// A funnel over contacts: either ordered events (each step must follow the previous one in time; conversion rates,
    /// median time between steps, monthly cohorts by the month of the first step) or lifecycle stages (a contact that is
    /// at stage k has passed every earlier stage; cohorts by the month the contact was created).
    public func funnel(_ scope: AccessScope, steps: [FunnelStep], from: CalendarDate, to: CalendarDate) async throws -> FunnelReport {
        try scope.require(.analyze)
        var validator = Validator()
        validator.check((2...12).contains(steps.count), "steps", "a funnel needs 2 to 12 steps")
        validator.check(from <= to, "to", "must not be before from")
        validator.check(Set(steps.map(\.description)).count == steps.count, "steps", "each step may appear once")
        let isEvents = steps.allSatisfy { if case .event = $0 { true } else { false } }
        let isStages = steps.allSatisfy { if case .stage = $0 { true } else { false } }
        validator.check(isEvents || isStages, "steps", "use only event steps or only stage steps in one funnel")
        if isStages {
            for step in steps where !defaultLifecycleStages.contains(step.name.lowercased()) {
                validator.add("steps", "unknown lifecycle stage \(step.name); stages are \(defaultLifecycleStages.joined(separator: ", "))")
            }
        }
        try validator.finish()
        let workspaceID = scope.workspace.id
        let names = isStages ? steps.map { $0.name.lowercased() } : steps.map(\.name)
        let start = from.startMillis
        let end = to.startMillis + 86_400_000 - 1
        if isStages {
            let rows = try await database.read { db in
                try await db.raw(
                    """
                    SELECT lifecycle_stage AS s, created_at AS t FROM contacts
                    WHERE workspace_id = \(bind: workspaceID) AND created_at >= \(bind: start) AND created_at <= \(bind: end)
                    """
                ).all().map { (try $0.decode(column: "s", as: String?.self), try $0.decode(column: "t", as: Int64.self)) }
            }
            // A stage not in the requested list (or unknown) counts as reaching none of the later requested ones.
            let order = Dictionary(uniqueKeysWithValues: defaultLifecycleStages.enumerated().map { ($1, $0) })
            let requested = names.map { order[$0] }
            var reached: [[Int64]] = []
            var cohortTime: [Int64] = []
            for (stage, created) in rows {
                let rank = stage.flatMap { order[$0.lowercased()] } ?? -1
                var times: [Int64] = []
                for needed in requested {
                    guard let needed, rank >= needed else { break }
                    times.append(created)
                }
                reached.append(times)
                cohortTime.append(created)
            }
            return FunnelMath.report(names: names, reached: reached, cohortTime: cohortTime, withTimes: false)
        }
        let collector = FunnelCollector(names: names)
        try await database.read { db in
            try await db.raw(
                """
                SELECT contact_id AS u, name AS n, occurred_at AS t FROM events
                WHERE workspace_id = \(bind: workspaceID) AND contact_id IS NOT NULL AND name IN \(SQLBind.group(names))
                  AND occurred_at >= \(bind: start) AND occurred_at <= \(bind: end)
                ORDER BY contact_id, occurred_at
                """
            ).run { row in
                guard let unit = try? row.decode(column: "u", as: String.self), let name = try? row.decode(column: "n", as: String.self),
                    let time = try? row.decode(column: "t", as: Int64.self)
                else { return }
                collector.add(unit: unit, name: name, time: time)
            }
        }
        let (reached, cohortTime) = collector.finish()
        return FunnelMath.report(names: names, reached: reached, cohortTime: cohortTime, withTimes: true)
    }
}

/// Collects each contact's step times from events streamed in contact-then-time order.
final class FunnelCollector: Sendable {
    private struct State {
        var unit: String?
        var events: [(step: Int, time: Int64)] = []
        var reached: [[Int64]] = []
        var cohortTime: [Int64] = []
    }

    private let state = Mutex(State())
    private let index: [String: Int]
    private let count: Int

    init(names: [String]) {
        index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        count = names.count
    }

    func add(unit: String, name: String, time: Int64) {
        state.withLock { state in
            if unit != state.unit { flush(&state) }
            state.unit = unit
            if let step = index[name] { state.events.append((step, time)) }
        }
    }

    private func flush(_ state: inout State) {
        guard state.unit != nil else { return }
        let times = FunnelMath.stepTimes(events: state.events, stepCount: count)
        if !times.isEmpty {
            state.reached.append(times)
            state.cohortTime.append(times[0])
        }
        state.events.removeAll(keepingCapacity: true)
    }

    func finish() -> ([[Int64]], [Int64]) {
        state.withLock { state in
            flush(&state)
            return (state.reached, state.cohortTime)
        }
    }
}
