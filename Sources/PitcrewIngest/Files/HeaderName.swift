/// Normal forms of column headers, so "E-mail", "Email Address" and "email_address"
/// compare equal to synonyms without a table entry for each spelling.
enum HeaderName {
    /// Lowercased letters and digits only: `"Country/Region"` → `"countryregion"`,
    /// `"Impr."` → `"impr"`, `"Amount spent (USD)"` → `"amountspentusd"`.
    static func key(_ header: String) -> String {
        var out = ""
        out.reserveCapacity(header.utf8.count)
        for scalar in header.unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// The header without a trailing parenthetical, and that parenthetical:
    /// `"Amount spent (USD)"` → (`"Amount spent"`, `"USD"`).
    static func splitParenthetical(_ header: String) -> (base: String, note: String?) {
        let trimmed = header.trimmingWhitespace()
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return (trimmed, nil) }
        let note = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        return (String(trimmed[..<open]).trimmingWhitespace(), String(note).trimmingWhitespace())
    }

    /// A trait name in snake case: `"Lead Source"` → `"lead_source"`, `"Country/Region"` →
    /// `"country_region"`. Empty when the header has no letters or digits.
    static func traitName(_ header: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for scalar in header.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingUnderscore && !out.isEmpty { out.append("_") }
                pendingUnderscore = false
                out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }
}
