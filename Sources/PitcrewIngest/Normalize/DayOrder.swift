/// How to read an ambiguous numeric date like `03/04/2024`.
/// US exports are month first; most of Europe, LatAm and Asia day first.
public enum DayOrder: String, Sendable, Hashable, Codable, CaseIterable {
    case monthFirst = "month_first"
    case dayFirst = "day_first"
}

extension DayOrder {
    /// Countries whose numeric dates are written month first (the US and places that follow it); elsewhere day first.
    static let monthFirstCountries: Set<String> = ["US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "MP", "UM", "BZ"]

    /// How a workspace in `country` writes 03/04/2024 (month first when no country is set, as US exports do).
    public static func usual(in country: String?) -> DayOrder {
        guard let country else { return .monthFirst }
        return monthFirstCountries.contains(country.uppercased()) ? .monthFirst : .dayFirst
    }
}
