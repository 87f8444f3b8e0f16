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

    /// The grouping's channel names by their lower case ("paid search" → "Paid Search").
    private let names: [String: String]

    init(_ grouping: ChannelGrouping) {
        state = Mutex(State(compiled: grouping.compiled()))
        var names: [String: String] = [:]
        for channel in grouping.rules.map(\.channel) + [grouping.fallbackChannel] where names[channel.lowercased()] == nil {
            names[channel.lowercased()] = channel
        }
        self.names = names
    }

    /// A channel named in a file ("paid search", "PAID SEARCH") as the grouping spells it, so spend and touches of one
    /// channel meet in reports; a name the grouping does not have is kept as written.
    func canonical(_ channel: String) -> String {
        names[channel.lowercased()] ?? channel
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
