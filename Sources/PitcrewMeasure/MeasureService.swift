import Foundation
public import PitcrewAnalytics
public import PitcrewCore
public import PitcrewStore
import SQLKit
import Synchronization

/// Attribution, ROI and funnels over a workspace's own touchpoints, conversions and spend.
public struct MeasureService: Sendable {
    public let database: Database
    /// Touches are read in parallel slices only when there are at least this many units per slice.
    let minimumUnitsPerSlice: Int

    public init(database: Database, minimumUnitsPerSlice: Int = 5_000) {
        self.database = database
        self.minimumUnitsPerSlice = minimumUnitsPerSlice
    }

    /// Builds journeys from the workspace and runs `models`, joined with spend for cost, CPA, ROAS and ROI.
    public func attribution(
        _ scope: AccessScope, definition: JourneyDefinition, models: [AttributionModel], options: AttributionOptions = AttributionOptions()
    ) async throws -> AttributionReport {
        try scope.require(.analyze)
        try definition.validate()
        var definition = definition
        definition.keepTimestamps = definition.keepTimestamps || models.contains(.timeDecay)
        let workspaceID = scope.workspace.id
        let backend = database.backend
        let minimumUnitsPerSlice = self.minimumUnitsPerSlice
        let loaded = definition
        let (currency, conversions, other, spend, ranges) = try await database.snapshot { db in
            let currency = try await MeasureStore.workspaceCurrency(db, workspaceID: workspaceID)
            let (conversions, other) = try await MeasureStore.conversions(db, workspaceID: workspaceID, definition: loaded, currency: currency)
            let spend = try await MeasureStore.spend(db, workspaceID: workspaceID, definition: loaded, currency: currency)
            let ranges = try await MeasureStore.unitRanges(
                db, workspaceID: workspaceID, unit: loaded.unit, parts: min(4, ProcessInfo.processInfo.activeProcessorCount),
                minimumPerPart: minimumUnitsPerSlice)
            return (currency, conversions, other, spend, ranges)
        }
        // Touches are the bulk (10M rows for 1M contacts): slices of units are read on several connections at once.
        // Each slice is consistent in itself; a write that lands between slices can only add touches of other units.
        let collector = JourneyCollector(definition: loaded, conversions: conversions)
        let database = self.database
        try await withThrowingTaskGroup(of: Void.self) { group in
            for range in ranges {
                group.addTask {
                    try await database.read { db in
                        try await MeasureStore.streamTouches(db, backend: backend, workspaceID: workspaceID, definition: loaded, units: range) {
                            unit, touches in collector.add(unit: unit, touches: touches)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let (journeys, counts) = try collector.finish()
        var runnable: [AttributionModel] = []
        var skipped: [(AttributionModel, String)] = []
        guard let journeys, counts.conversions > counts.conversionsWithoutTouches else {
            return AttributionReport(
                definition: definition, currency: currency, models: [], rows: [],
                skipped: models.map { ($0, "no conversion with touches in the period") }, units: counts.units, journeys: counts.journeys,
                conversions: counts.conversions, conversionsWithoutTouches: counts.conversionsWithoutTouches, otherCurrencyConversions: other,
                totalCostMinor: spend.values.reduce(0, +))
        }
        for model in models {
            if let reason = AttributionEngine.unsupportedReason(for: model, in: journeys, options: options) {
                skipped.append((model, reason))
            } else {
                runnable.append(model)
            }
        }
        let models = runnable
        let results = try await Self.offPool { try AttributionEngine.run(models, on: journeys, options: options) }
        return AttributionReport(
            definition: definition, currency: currency, models: results.map(\.model),
            rows: AttributionReport.rows(results: results, spend: spend, currency: currency), skipped: skipped, units: counts.units,
            journeys: counts.journeys, conversions: counts.conversions, conversionsWithoutTouches: counts.conversionsWithoutTouches,
            otherCurrencyConversions: other, totalCostMinor: spend.values.reduce(0, +))
    }
}

extension MeasureService {
    /// Heavy model runs (Markov of order 4, bootstrap) go to one serial queue, not the cooperative thread pool that
    /// serves requests: a few analysts can then never stall `/readyz` or sign-in, and runs queue instead of competing.
    static let engineQueue = DispatchQueue(label: "pitcrew.attribution", qos: .userInitiated)

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            engineQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// Receives each unit's touches (in time order) and assembles its journeys at once.
/// Rows arrive serially from the database driver; the mutex only makes that visible to the compiler.
final class JourneyCollector: Sendable {
    private struct State {
        var builder = JourneySetBuilder(emptyJourneys: .skip)
        var counts = JourneyAssembler.Counts()
        var labelBytes: [[UInt8]] = []
        var labelIDs: [Int32] = []
        var labelsByName: [String: Int32] = [:]
        var names: [String] = []
        var unit: String?
        var touches: [(time: Int64, channel: Int32)] = []
        var seenUnits: Set<String> = []
        var error: (any Error)?
    }

    private let state = Mutex(State())
    private let assembler: JourneyAssembler
    private let conversions: [String: [ConversionPoint]]

    init(definition: JourneyDefinition, conversions: [String: [ConversionPoint]]) {
        self.assembler = JourneyAssembler(
            lookbackMillis: Int64(definition.lookbackDays) * 86_400_000, periodStart: definition.from.startMillis, periodEnd: definition.periodEnd,
            keepTimestamps: definition.keepTimestamps)
        self.conversions = conversions
    }

    /// One unit's touches as `time␟label␞…` in time order (see `MeasureStore.streamTouches`).
    func add(unit: String, touches: String) {
        state.withLock { state in
            guard state.error == nil else { return }
            do {
                state.unit = unit
                var text = touches
                try text.withUTF8 { bytes in try parse(bytes, into: &state) }
                Self.ensureTimeOrder(&state.touches, names: state.names)
                try flush(&state)
            } catch {
                state.error = error
            }
        }
    }

    /// Parses `time␟label␞time␟label…` without allocating a string per touch except for labels not seen before.
    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, into state: inout State) throws {
        var index = 0
        while index < bytes.count {
            var time: Int64 = 0
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            while index < bytes.count, bytes[index] != 0x1F {
                // Wrapping arithmetic: a malformed label can never trap the process; times are validated by the store.
                time = time &* 10 &+ Int64(bytes[index] &- 48)
                index += 1
            }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != 0x1E { index += 1 }
            let label = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            let id = try labelID(label, &state)
            state.touches.append((negative ? -time : time, id))
        }
    }

    /// Touches must be in (time, label) order; the database usually delivers them so, and this only sorts when not.
    static func ensureTimeOrder(_ touches: inout [(time: Int64, channel: Int32)], names: [String]) {
        func precedes(_ a: (time: Int64, channel: Int32), _ b: (time: Int64, channel: Int32)) -> Bool {
            a.time != b.time ? a.time < b.time : names[Int(a.channel)] < names[Int(b.channel)]
        }
        for index in touches.indices.dropFirst() where precedes(touches[index], touches[index - 1]) {
            touches.sort(by: precedes)
            return
        }
    }

    private func labelID(_ label: UnsafeBufferPointer<UInt8>, _ state: inout State) throws -> Int32 {
        // Few distinct labels: a linear probe over byte-equal names beats hashing a new String per touch.
        if state.labelBytes.count <= 32 {
            for (index, known) in state.labelBytes.enumerated() where known.count == label.count && known.elementsEqual(label) {
                return state.labelIDs[index]
            }
        }
        let name = String(decoding: label, as: UTF8.self)
        if let known = state.labelsByName[name] { return known }
        let id = try state.builder.channelID(for: name)
        state.labelBytes.append(Array(label))
        state.labelIDs.append(id)
        state.labelsByName[name] = id
        if state.names.count <= Int(id) { state.names.append(name) }
        return id
    }

    private func flush(_ state: inout State) throws {
        guard let unit = state.unit else { return }
        state.seenUnits.insert(unit)
        try assembler.assemble(
            touches: state.touches, conversions: conversions[unit] ?? [], into: &state.builder, names: state.names, counts: &state.counts)
        state.touches.removeAll(keepingCapacity: true)
        state.unit = nil
    }

    /// The journeys, or nil when there are none (an empty period is a report with nothing to attribute, not an error).
    func finish() throws -> (JourneySet?, JourneyAssembler.Counts) {
        try state.withLock { state in
            if let error = state.error { throw error }
            try flush(&state)
            // Conversions of units with no touch at all are counted, never silently dropped.
            for (unit, points) in conversions where !state.seenUnits.contains(unit) {
                state.counts.conversions += points.count
                state.counts.conversionsWithoutTouches += points.count
            }
            return (state.counts.journeys > 0 ? try state.builder.build() : nil, state.counts)
        }
    }
}
