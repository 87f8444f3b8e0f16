/// One named channel and the conditions (all must hold) that put a signal in it.
public struct ChannelRule: Codable, Equatable, Hashable, Sendable {
    public var channel: String
    public var conditions: [ChannelCondition]

    public init(_ channel: String, _ conditions: [ChannelCondition]) {
        self.channel = channel
        self.conditions = conditions
    }
}

/// An ordered, first-match-wins list of channel rules. Codable so a
/// workspace can store its own grouping as JSON; `defaultGA4` mirrors
/// Google Analytics 4's default channel group.
public struct ChannelGrouping: Codable, Equatable, Hashable, Sendable {
    public var rules: [ChannelRule]
    /// The channel for signals no rule matches; signals are never dropped.
    public var fallbackChannel: String

    public init(rules: [ChannelRule], fallbackChannel: String = "Unassigned") {
        self.rules = rules
        self.fallbackChannel = fallbackChannel
    }

    enum CodingKeys: String, CodingKey { case rules, fallbackChannel }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rules = try container.decode([ChannelRule].self, forKey: .rules)
        fallbackChannel = try container.decodeIfPresent(String.self, forKey: .fallbackChannel) ?? "Unassigned"
    }

    /// The channel of the first rule whose conditions all hold, else `fallbackChannel`.
    ///
    /// Regular expressions are compiled once per call; for bulk work use
    /// `compiled()` and classify through it.
    public func classify(_ signal: TouchSignal) -> String {
        compiled().classify(signal)
    }

    /// A classifier that compiles each regular expression once and reuses it.
    /// Not `Sendable` (Swift's `Regex` is not): make one per task.
    public func compiled() -> CompiledChannelGrouping {
        CompiledChannelGrouping(self)
    }
}

/// `ChannelGrouping` with its regular expressions compiled, for classifying
/// many signals in a loop.
public struct CompiledChannelGrouping {
    public let grouping: ChannelGrouping
    private let patterns: [String: Regex<AnyRegexOutput>]

    init(_ grouping: ChannelGrouping) {
        self.grouping = grouping
        var patterns: [String: Regex<AnyRegexOutput>] = [:]
        func collect(_ condition: ChannelCondition) {
            if let pattern = condition.matches, patterns[pattern] == nil {
                patterns[pattern] = (try? Regex(pattern))?.ignoresCase()
            }
            condition.any?.forEach(collect)
        }
        grouping.rules.flatMap(\.conditions).forEach(collect)
        self.patterns = patterns
    }

    /// See `ChannelGrouping.classify(_:)`.
    public func classify(_ signal: TouchSignal) -> String {
        matchingRule(signal).map { grouping.rules[$0].channel } ?? grouping.fallbackChannel
    }

    /// The position of the first rule whose conditions all hold, nil when none does (the fallback channel).
    public func matchingRule(_ signal: TouchSignal) -> Int? {
        let lookup: (String) -> Regex<AnyRegexOutput>? = { patterns[$0] }
        return grouping.rules.firstIndex { rule in rule.conditions.allSatisfy { $0.holds(signal, regex: lookup) } }
    }
}
