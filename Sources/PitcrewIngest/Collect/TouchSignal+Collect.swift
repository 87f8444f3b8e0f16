extension TouchSignal {
    /// A page view is a marketing touch when it carries a campaign, a click id, or another site's referrer. Direct visits
    /// and navigation within the site are not touches (they would drown the channels that brought the visitor).
    var isTouch: Bool { source != "(direct)" }

    /// The host of a page URL (the site's own host, to tell internal navigation from referrals).
    static func host(_ url: String) -> String? { URLParts.host(of: url) }
}
