/// One test in a channel rule. Every test set on a condition must hold
/// (`field` with `equals` / `matches` / `in`, `hasClickID`, `any`); `not`
/// inverts the result. A condition with no tests always holds.
///
/// JSON form, e.g. `{"field":"medium","matches":"^(cpc|ppc)$"}` or
/// `{"any":[{"field":"source","in":"search"},{"field":"medium","equals":["organic"]}]}`.
public struct ChannelCondition: Codable, Equatable, Hashable, Sendable {
    /// The signal value a field test looks at. Values are compared lowercased;
    /// a missing campaign reads as "(not set)", as in GA4.
    public enum Field: String, Codable, Sendable, CaseIterable {
        case source, medium, campaign
    }

    public var field: Field?
    /// The value must equal one of these (case-insensitive).
    public var equals: [String]?
    /// The value must contain a match for this regular expression
    /// (case-insensitive; anchor with ^…$ for a whole-value match). An invalid
    /// pattern never matches.
    public var matches: String?
    /// The value must belong to this source category (JSON key "in").
    public var inCategory: SourceCategory?
    /// The signal must carry one of these click IDs; an empty list means any click ID.
    public var hasClickID: [String]?
    /// At least one of these conditions must hold.
    public var any: [ChannelCondition]?
    /// Inverts the whole condition (JSON key "not").
    public var negated: Bool?

    enum CodingKeys: String, CodingKey {
        case field, equals, matches, inCategory = "in", hasClickID, any, negated = "not"
    }

    public init(
        field: Field? = nil, equals: [String]? = nil, matches: String? = nil,
        inCategory: SourceCategory? = nil, hasClickID: [String]? = nil,
        any: [ChannelCondition]? = nil, negated: Bool? = nil
    ) {
        self.field = field
        self.equals = equals
        self.matches = matches
        self.inCategory = inCategory
        self.hasClickID = hasClickID
        self.any = any
        self.negated = negated
    }

    /// `field` equals one of `values`.
    public static func field(_ field: Field, equals values: [String]) -> ChannelCondition {
        ChannelCondition(field: field, equals: values)
    }

    /// `field` contains a match for `pattern`.
    public static func field(_ field: Field, matches pattern: String) -> ChannelCondition {
        ChannelCondition(field: field, matches: pattern)
    }

    /// `field` belongs to `category`.
    public static func field(_ field: Field, in category: SourceCategory) -> ChannelCondition {
        ChannelCondition(field: field, inCategory: category)
    }

    /// At least one of `conditions` holds.
    public static func anyOf(_ conditions: ChannelCondition...) -> ChannelCondition {
        ChannelCondition(any: conditions)
    }

    /// The signal carries one of `keys` (any click ID when empty).
    public static func clickID(_ keys: String...) -> ChannelCondition {
        ChannelCondition(hasClickID: keys)
    }

    /// Evaluates the condition; `regex` compiles (and may cache) patterns.
    func holds(_ signal: TouchSignal, regex: (String) -> Regex<AnyRegexOutput>?) -> Bool {
        var ok = true
        let hasFieldTest = equals != nil || matches != nil || inCategory != nil
        if hasFieldTest {
            if let field {
                let value = Self.value(field, of: signal)
                if let equals { ok = ok && equals.contains { TextFolding.trim($0).lowercased() == value } }
                if let matches { ok = ok && regex(matches).map { value.firstMatch(of: $0) != nil } ?? false }
                if let inCategory { ok = ok && inCategory.contains(value) }
            } else {
                ok = false
            }
        }
        if ok, let hasClickID {
            let keys = Set(signal.clickIDs.keys.map { $0.lowercased() })
            ok = hasClickID.isEmpty ? !keys.isEmpty : hasClickID.contains { keys.contains($0.lowercased()) }
        }
        if ok, let any { ok = any.contains { $0.holds(signal, regex: regex) } }
        return negated == true ? !ok : ok
    }

    static func value(_ field: Field, of signal: TouchSignal) -> String {
        let raw: String?
        switch field {
        case .source: raw = signal.source
        case .medium: raw = signal.medium
        case .campaign: raw = signal.campaign
        }
        let value = TextFolding.trim(raw ?? "").lowercased()
        return value.isEmpty ? "(not set)" : value
    }
}
