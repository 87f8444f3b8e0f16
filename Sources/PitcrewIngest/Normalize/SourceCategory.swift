/// Named groups of traffic sources used by channel rules, mirroring the
/// source categories behind GA4's default channel group.
public enum SourceCategory: String, Codable, Sendable, CaseIterable {
    case search, social, video, shopping, email

    /// True when `source` (a utm_source value or a referrer host) belongs to
    /// this category.
    ///
    /// A source matches an entry when it equals it; when, after dropping a
    /// "www.", "m.", "l.", "lm." or "mobile." prefix, it equals a dotted entry
    /// or is a subdomain of one ("music.youtube.com" ↔ "youtube.com"); or when
    /// its first label is a brand entry (no dot, 2+ letters) followed only by
    /// a country or generic suffix ("google.co.uk" ↔ "google").
    public func contains(_ source: String) -> Bool {
        let entries = SourceCategoryLists.entries(self)
        let value = TextFolding.trim(source).lowercased()
        if value.isEmpty { return false }
        if entries.contains(value) { return true }
        var host = value
        for prefix in ["www.", "m.", "l.", "lm.", "mobile."] where host.hasPrefix(prefix) {
            host = String(host.dropFirst(prefix.count))
            break
        }
        if entries.contains(host) { return true }
        var rest = Substring(host)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if rest.contains("."), entries.contains(String(rest)) { return true }
        }
        let labels = host.split(separator: ".")
        guard labels.count == 2 || labels.count == 3, labels[0].count >= 2,
              entries.contains(String(labels[0])) else { return false }
        let suffix = labels.dropFirst()
        return suffix.allSatisfy { $0.count <= 3 && $0.allSatisfy(\.isLetter) }
    }
}
