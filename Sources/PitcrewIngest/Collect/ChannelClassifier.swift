import Synchronization

/// A workspace's channel grouping with its answers remembered: the rules run once per distinct
/// (source, medium, campaign, click ids) and page views mostly repeat a few of those.
final class ChannelClassifier: Sendable {
    private struct State {
        var compiled: CompiledChannelGrouping
        var memo: [String: String] = [:]
    }

    static let memoCapacity = 100_000
    private let state: Mutex<State>

    init(_ grouping: ChannelGrouping) {
        state = Mutex(State(compiled: grouping.compiled()))
    }

    func classify(_ signal: TouchSignal) -> String {
        var key = signal.source + "\u{1F}" + signal.medium + "\u{1F}" + (signal.campaign ?? "")
        if !signal.clickIDs.isEmpty { key += "\u{1F}" + signal.clickIDs.keys.sorted().joined(separator: ",") }
        return state.withLock { state in
            if let channel = state.memo[key] { return channel }
            let channel = state.compiled.classify(signal)
            if state.memo.count >= Self.memoCapacity { state.memo.removeAll(keepingCapacity: true) }
            state.memo[key] = channel
            return channel
        }
    }
}
