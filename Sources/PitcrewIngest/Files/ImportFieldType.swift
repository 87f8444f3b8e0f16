/// The value type of an import field: tells the (separate) normalization step how to parse
/// and validate the text, and the mapping UI what to expect in the column.
public enum ImportFieldType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Free text, kept as-is (trimmed).
    case text
    /// An email address.
    case email
    /// A phone number, normalized to E.164 where possible.
    case phone
    /// A bare domain such as `acme.com` (URLs are reduced to their host).
    case domain
    /// A country name or ISO 3166 code.
    case country
    /// A calendar day without time (ad-report rows); `day_order` resolves 03/04/2024.
    case date
    /// A point in time (date with optional time and zone).
    case instant
    /// A decimal amount; the currency comes from a currency field or the mapping default.
    case money
    /// A whole number (commas and spaces as thousands separators tolerated).
    case integer
    /// true/false, yes/no, y/n, 1/0 (and won/lost for the opportunity `won` field).
    case boolean
}
