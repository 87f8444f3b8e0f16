import PitcrewCore

/// Lifecycle stages as CRMs export them, in the words Pitcrew's stage funnels use
/// (`subscriber`, `lead`, `mql`, `sql`, `opportunity`, `customer`, then `evangelist`, `other`).
/// HubSpot exports internal values (`marketingqualifiedlead`) or labels ("Marketing Qualified Lead"); both become `mql`.
/// A stage Pitcrew does not know is kept as given (trimmed), so nothing is lost.
public enum LifecycleStage {
    static let known: [String: String] = [
        "subscriber": "subscriber", "lead": "lead", "mql": "mql", "marketingqualifiedlead": "mql", "sql": "sql",
        "salesqualifiedlead": "sql", "opportunity": "opportunity", "customer": "customer", "evangelist": "evangelist",
        "other": "other",
    ]

    public static func normalize(_ raw: String) -> String {
        let trimmed = raw.trimmingASCIIWhitespace()
        let key = String(String.UnicodeScalarView(trimmed.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) }))
        return known[key] ?? trimmed
    }
}
