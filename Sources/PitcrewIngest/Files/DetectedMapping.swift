/// The result of ``ImportMapping/detect(kind:header:)``: a mapping to show for review.
public struct DetectedMapping: Sendable, Hashable {
    /// A complete mapping: every named header column appears in `columns`.
    public var mapping: ImportMapping
    /// The recognized export format, if any.
    public var preset: ImportPreset?
    /// Whether the kind was inferred from the header (the caller passed nil).
    public var kindWasDetected: Bool
    /// One note per header column, in file order.
    public var notes: [ColumnNote]
    /// Required fields (and one-of groups, joined with " or ") that no column or default
    /// provides; the mapping cannot be used until the person fills these in.
    public var missingRequired: [String]

    /// The preset's name, e.g. `google_ads_campaigns`.
    public var presetName: String? { preset?.name }
}
