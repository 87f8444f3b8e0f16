/// How to read an ambiguous numeric date like `03/04/2024`.
/// US exports are month first; most of Europe, LatAm and Asia day first.
public enum DayOrder: String, Sendable, Hashable, Codable, CaseIterable {
    case monthFirst = "month_first"
    case dayFirst = "day_first"
}
