/// Channel rules in words, for the settings page: `medium is one of cpc, ppc`, `source is a search source`,
/// `any of (…)`, `not (…)`.
extension ChannelCondition {
    public var summary: String {
        var parts: [String] = []
        let name = field?.rawValue ?? "(no field)"
        if let equals { parts.append("\(name) is \(equals.count == 1 ? equals[0] : "one of " + equals.joined(separator: ", "))") }
        if let matches { parts.append("\(name) matches /\(matches)/") }
        if let inCategory { parts.append("\(name) is a\(inCategory == .email ? "n" : "") \(inCategory.rawValue) source") }
        if let hasClickID { parts.append(hasClickID.isEmpty ? "has an ad click id" : "has click id \(hasClickID.joined(separator: " or "))") }
        if let any { parts.append("any of (" + any.map(\.summary).joined(separator: "; ") + ")") }
        let text = parts.isEmpty ? "always" : parts.joined(separator: " and ")
        return negated == true ? "not (\(text))" : text
    }
}

extension ChannelRule {
    /// All conditions, joined with "and".
    public var summary: String { conditions.isEmpty ? "always" : conditions.map(\.summary).joined(separator: " and ") }
}
