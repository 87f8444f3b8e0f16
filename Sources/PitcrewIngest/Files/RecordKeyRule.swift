/// How rows of one import kind are identified, so re-importing a file updates instead of duplicating.
public enum RecordKeyRule: Sendable, Hashable {
    /// The first of these fields that has a value (contacts: email, else external_id).
    case firstPresent([String])
    /// All of these fields together (spend: day, channel, campaign, source).
    case composite([String])
    /// Rows are appended; only exact duplicates within one file are reported (touchpoints).
    case none
}
