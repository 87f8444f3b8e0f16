public import PitcrewCore

/// One step of a funnel: an event by name (ordered in time), or a lifecycle stage (ordered by the stage list).
public enum FunnelStep: Sendable, Equatable, CustomStringConvertible {
    case event(String)
    case stage(String)

    public init(parsing text: String) throws(PitcrewError) {
        if text.hasPrefix("event:"), text.count > 6 {
            self = .event(String(text.dropFirst(6)))
        } else if text.hasPrefix("stage:"), text.count > 6 {
            self = .stage(String(text.dropFirst(6)))
        } else {
            throw .invalid("steps", "each step must be event:NAME or stage:NAME, not \(text)")
        }
    }

    public var description: String {
        switch self {
        case .event(let name): "event:\(name)"
        case .stage(let name): "stage:\(name)"
        }
    }

    public var name: String {
        switch self {
        case .event(let name), .stage(let name): name
        }
    }
}

/// The default lifecycle, lowest first.
public let defaultLifecycleStages = ["subscriber", "lead", "mql", "sql", "opportunity", "customer"]

/// A computed funnel.
public struct FunnelReport: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var name: String
        public var count: Int
        /// Share of the previous step that reached this one (1 for the first step).
        public var fromPrevious: Double
        /// Share of the first step that reached this one.
        public var fromFirst: Double
        /// Median time from the previous step, in hours; nil for the first step and for stage funnels (no stage history).
        public var medianHoursFromPrevious: Double?
    }

    /// Units that entered the funnel in one month, and how many reached each step.
    public struct Cohort: Sendable, Equatable {
        public var month: String
        public var counts: [Int]
    }

    public var steps: [Step]
    public var cohorts: [Cohort]
}

/// Pure funnel arithmetic over per-unit step times.
enum FunnelMath {
    /// For event steps: each unit's events (name index, time) in time order → the time it reached each step in order
    /// (step k counts only after step k−1), or nil from the first step it did not reach.
    static func stepTimes(events: [(step: Int, time: Int64)], stepCount: Int) -> [Int64] {
        var reached: [Int64] = []
        for event in events where reached.count < stepCount && event.step == reached.count {
            reached.append(event.time)
        }
        return reached
    }

    /// Builds the report from, for each unit, the times of the steps it reached (a prefix of the steps).
    static func report(names: [String], reached: [[Int64]], cohortTime: [Int64], withTimes: Bool) -> FunnelReport {
        var counts = [Int](repeating: 0, count: names.count)
        var durations = [[Double]](repeating: [], count: names.count)
        var cohorts: [String: [Int]] = [:]
        for (index, times) in reached.enumerated() where !times.isEmpty {
            let month = String(CalendarDate(millis: cohortTime[index]).description.prefix(7))
            var row = cohorts[month] ?? [Int](repeating: 0, count: names.count)
            for step in 0..<times.count {
                counts[step] += 1
                row[step] += 1
                if step > 0, withTimes { durations[step].append(Double(times[step] - times[step - 1]) / 3_600_000) }
            }
            cohorts[month] = row
        }
        let steps = names.indices.map { index in
            FunnelReport.Step(
                name: names[index], count: counts[index],
                fromPrevious: index == 0 ? 1 : (counts[index - 1] > 0 ? Double(counts[index]) / Double(counts[index - 1]) : 0),
                fromFirst: counts[0] > 0 ? Double(counts[index]) / Double(counts[0]) : 0,
                medianHoursFromPrevious: index > 0 && withTimes ? median(durations[index]) : nil)
        }
        return FunnelReport(steps: steps, cohorts: cohorts.keys.sorted().map { FunnelReport.Cohort(month: $0, counts: cohorts[$0]!) })
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
