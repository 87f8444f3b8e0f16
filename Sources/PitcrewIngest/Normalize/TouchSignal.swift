/// What one visit tells about how the visitor arrived: UTM values, ad click
/// IDs and the referrer, resolved to a source/medium pair the way GA4 does.
public struct TouchSignal: Codable, Equatable, Hashable, Sendable {
    /// Lowercased source, e.g. "google", "newsletter", "nytimes.com", "(direct)".
    public var source: String
    /// Lowercased medium, e.g. "cpc", "organic", "referral", "(none)".
    public var medium: String
    public var campaign: String?
    public var term: String?
    public var content: String?
    /// Ad click identifiers found on the landing URL, keyed by lowercase parameter name.
    public var clickIDs: [String: String]
    /// Referrer host without "www.", nil when absent or internal.
    public var referrerHost: String?
    public var landingURL: String?

    public init(
        source: String, medium: String, campaign: String? = nil, term: String? = nil,
        content: String? = nil, clickIDs: [String: String] = [:], referrerHost: String? = nil,
        landingURL: String? = nil
    ) {
        self.source = source
        self.medium = medium
        self.campaign = campaign
        self.term = term
        self.content = content
        self.clickIDs = clickIDs
        self.referrerHost = referrerHost
        self.landingURL = landingURL
    }

    /// Click-ID query parameters recognized on landing URLs, with the
    /// source/medium they imply when no UTM source is given. fbclid is added
    /// by Facebook to organic links too, so it implies social, not paid.
    public static let clickIDSources: [(key: String, source: String, medium: String)] = [
        ("gclid", "google", "cpc"), ("gbraid", "google", "cpc"), ("wbraid", "google", "cpc"),
        ("dclid", "dbm", "cpm"), ("msclkid", "bing", "cpc"), ("fbclid", "facebook", "social"),
        ("li_fat_id", "linkedin", "cpc"), ("ttclid", "tiktok", "cpc"), ("twclid", "twitter", "cpc"),
    ]

    /// Builds the signal for one page view or session start.
    ///
    /// - Parameters:
    ///   - url: the landing URL; its query gives utm_* values (keys matched
    ///     case-insensitively) and click IDs.
    ///   - referrer: the document referrer.
    ///   - campaign: Segment's `context.campaign` (keys name, source, medium,
    ///     term, content); a non-empty value here wins over the URL's.
    ///   - siteHost: the site's own host; a referrer on it or on a subdomain
    ///     of it is internal navigation and is ignored.
    ///
    /// Source and medium are resolved in this order: UTM values; else the
    /// first click ID in `clickIDSources` order; else the referrer (search
    /// engines become e.g. "google"/"organic", social sites keep their host
    /// with "social", others their host with "referral"); else
    /// "(direct)"/"(none)". A UTM source without medium gets "(not set)".
    public static func from(
        url: String?, referrer: String?, campaign: [String: String] = [:], siteHost: String? = nil
    ) -> TouchSignal {
        var utm: [String: String] = [:]
        var clicks: [String: String] = [:]
        let clickKeys = Set(clickIDSources.map(\.key))
        for item in url.map(URLParts.queryItems(of:)) ?? [] {
            let key = item.key.lowercased()
            let value = TextFolding.trim(item.value)
            guard !value.isEmpty else { continue }
            if key.hasPrefix("utm_"), utm[String(key.dropFirst(4))] == nil {
                utm[String(key.dropFirst(4))] = value
            } else if clickKeys.contains(key), clicks[key] == nil {
                clicks[key] = value
            }
        }
        // Deterministic precedence inside `campaign`: "utm_x" keys first, then
        // plain keys (Segment's own) overwrite them; "name" beats "campaign".
        func rank(_ key: String) -> (Int, String, String) {
            (key.lowercased().hasPrefix("utm_") ? 0 : 1, key.lowercased(), key)
        }
        let contextKeys = campaign.keys.sorted { rank($0) < rank($1) }
        for key in contextKeys {
            var name = key.lowercased()
            if name.hasPrefix("utm_") { name.removeFirst(4) }
            let trimmed = TextFolding.trim(campaign[key] ?? "")
            if !trimmed.isEmpty { utm[name == "name" ? "campaign" : name] = trimmed }
        }

        let referrerHost = referrer.flatMap(URLParts.host(of:)).map(stripWWW)
            .flatMap { host in isInternal(host, siteHost: siteHost) ? nil : host }
        let click = clickIDSources.first { clicks[$0.key] != nil }
        var source = utm["source"]?.lowercased()
        var medium = utm["medium"]?.lowercased()
        if source == nil {
            if let click {
                source = click.source
                medium = medium ?? click.medium
            } else if let host = referrerHost {
                let kind = referrerKind(host)
                source = kind.source
                medium = medium ?? kind.medium
            } else if medium == nil && utm["campaign"] == nil {
                source = "(direct)"
                medium = "(none)"
            }
        } else if medium == nil, let click, click.source == source {
            medium = click.medium
        }
        return TouchSignal(
            source: source ?? "(not set)", medium: medium ?? "(not set)", campaign: utm["campaign"],
            term: utm["term"], content: utm["content"], clickIDs: clicks, referrerHost: referrerHost,
            landingURL: url.map(TextFolding.trim))
    }

    /// Source and medium implied by a referrer host alone.
    static func referrerKind(_ host: String) -> (source: String, medium: String) {
        if SourceCategory.email.contains(host) { return (host, "referral") }
        if SourceCategory.search.contains(host) { return (searchEngineName(host), "organic") }
        if SourceCategory.social.contains(host) { return (host, "social") }
        return (host, "referral")
    }

    /// GA4 reports search engines by name ("google"), not host ("google.co.uk").
    static func searchEngineName(_ host: String) -> String {
        let labels = host.split(separator: ".").map(String.init)
        if labels.count >= 2, ["search", "m", "go", "cn", "www"].contains(labels[0]) {
            return labels[1]
        }
        return labels.first ?? host
    }

    private static func stripWWW(_ host: String) -> String {
        host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }

    private static func isInternal(_ host: String, siteHost: String?) -> Bool {
        guard let site = siteHost.flatMap(URLParts.host(of:)).map(stripWWW) else { return false }
        return host == site || host.hasSuffix("." + site)
    }
}
