extension ChannelGrouping {
    /// GA4's paid-medium pattern.
    public static let paidMediumPattern = "^(.*cp.*|ppc|retargeting|paid.*)$"
    /// GA4's shopping-campaign pattern.
    public static let shoppingCampaignPattern = "^(.*(([^a-df-z]|^)shop|shopping).*)$"

    /// GA4's default channel group, in GA4's evaluation order, as far as it
    /// can be expressed with source, medium, campaign and click IDs (GA4 also
    /// uses Google Ads network types, which a web touchpoint does not carry;
    /// gclid traffic still lands in Paid Search through `TouchSignal`'s
    /// google/cpc). Source categories use `SourceCategory`'s lists.
    public static let defaultGA4: ChannelGrouping = {
        typealias C = ChannelCondition
        let paid = C.field(.medium, matches: paidMediumPattern)
        let shopping = C.anyOf(C.field(.source, in: .shopping), C.field(.campaign, matches: shoppingCampaignPattern))
        let emailWords = ["email", "e-mail", "e_mail", "e mail"]
        return ChannelGrouping(rules: [
            ChannelRule("Direct", [C.field(.source, equals: ["(direct)"]),
                                   C.field(.medium, equals: ["(none)", "(not set)"])]),
            ChannelRule("Cross-network", [C.field(.campaign, matches: "cross-network")]),
            ChannelRule("Paid Shopping", [shopping, paid]),
            ChannelRule("Paid Search", [C.field(.source, in: .search), paid]),
            ChannelRule("Paid Social", [C.field(.source, in: .social), paid]),
            ChannelRule("Paid Video", [C.field(.source, in: .video), paid]),
            ChannelRule("Display", [C.field(.medium, equals: ["display", "banner", "expandable", "interstitial", "cpm"])]),
            ChannelRule("Paid Other", [paid]),
            ChannelRule("Organic Shopping", [shopping]),
            ChannelRule("Organic Social", [C.anyOf(
                C.field(.source, in: .social),
                C.field(.medium, equals: ["social", "social-network", "social-media", "sm", "social network", "social media"]))]),
            ChannelRule("Organic Video", [C.anyOf(C.field(.source, in: .video), C.field(.medium, matches: "^(.*video.*)$"))]),
            ChannelRule("Organic Search", [C.anyOf(C.field(.source, in: .search), C.field(.medium, equals: ["organic"]))]),
            ChannelRule("Email", [C.anyOf(C.field(.source, equals: emailWords), C.field(.medium, equals: emailWords))]),
            ChannelRule("Affiliates", [C.field(.medium, equals: ["affiliate"])]),
            ChannelRule("Referral", [C.field(.medium, equals: ["referral", "app", "link"])]),
            ChannelRule("Audio", [C.field(.medium, equals: ["audio"])]),
            ChannelRule("SMS", [C.anyOf(C.field(.source, equals: ["sms"]), C.field(.medium, equals: ["sms"]))]),
            ChannelRule("Mobile Push Notifications", [C.anyOf(
                C.field(.medium, matches: "(push$|mobile|notification)"), C.field(.source, equals: ["firebase"]))]),
        ])
    }()
}
