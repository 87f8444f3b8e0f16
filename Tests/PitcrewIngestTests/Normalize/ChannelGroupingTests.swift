import Foundation
import Testing
@testable import PitcrewIngest

struct ChannelGroupingTests {
    static let ga4Cases: [(String, String, String?, String)] = [
        ("google", "cpc", nil, "Paid Search"),
        ("bing", "ppc", nil, "Paid Search"),
        ("google", "organic", nil, "Organic Search"),
        ("yahoo.co.jp", "referral", nil, "Organic Search"),
        ("facebook", "paid_social", nil, "Paid Social"),
        ("linkedin", "cpc", nil, "Paid Social"),
        ("facebook", "social", nil, "Organic Social"),
        ("l.facebook.com", "referral", nil, "Organic Social"),
        ("t.co", "referral", nil, "Organic Social"),
        ("newsletter", "sendgrid", nil, "Unassigned"),
        ("newsletter", "email", nil, "Email"),
        ("email", "mailchimp", nil, "Email"),
        ("nytimes.com", "referral", nil, "Referral"),
        ("(direct)", "(none)", nil, "Direct"),
        ("(direct)", "(not set)", nil, "Direct"),
        ("youtube", "cpc", nil, "Paid Video"),
        ("youtube.com", "referral", nil, "Organic Video"),
        ("vendor", "video", nil, "Organic Video"),
        ("partner", "affiliate", nil, "Affiliates"),
        ("display", "banner", nil, "Display"),
        ("dbm", "cpm", nil, "Display"),
        ("google", "cpm", nil, "Paid Search"),
        ("foo", "bar", nil, "Unassigned"),
        ("acme-partner", "paid", nil, "Paid Other"),
        ("amazon", "cpc", nil, "Paid Shopping"),
        ("newsletter", "cpc", "summer-shop", "Paid Shopping"),
        ("ebay.co.uk", "referral", nil, "Organic Shopping"),
        ("foo", "bar", "Shopping Week", "Organic Shopping"), ("foo", "bar", "eshop-launch", "Organic Shopping"),
        ("foo", "bar", "workshop", "Unassigned"),
        ("google", "cpc", "pmax cross-network", "Cross-network"),
        ("spotify", "audio", nil, "Audio"),
        ("sms", "text", nil, "SMS"),
        ("firebase", "notification", nil, "Mobile Push Notifications"),
        ("app", "web-push", nil, "Mobile Push Notifications"),
        ("app", "app", nil, "Referral"),
        ("GOOGLE", "CPC", nil, "Paid Search"),
    ]

    @Test(arguments: ga4Cases)
    func ga4(source: String, medium: String, campaign: String?, channel: String) {
        let signal = TouchSignal(source: source, medium: medium, campaign: campaign)
        #expect(ChannelGrouping.defaultGA4.classify(signal) == channel)
    }

    static let endToEndCases: [(String, String?, String)] = [
        ("https://acme.com/?gclid=1", nil, "Paid Search"),
        ("https://acme.com/?msclkid=1", nil, "Paid Search"),
        ("https://acme.com/?fbclid=1", nil, "Organic Social"),
        ("https://acme.com/?utm_source=newsletter&utm_medium=email", nil, "Email"),
        ("https://acme.com/", "https://www.theguardian.com/", "Referral"),
        ("https://acme.com/", "https://www.google.com/", "Organic Search"),
        ("https://acme.com/", nil, "Direct"),
        ("https://acme.com/?utm_campaign=launch", nil, "Unassigned"),
    ]

    @Test(arguments: endToEndCases)
    func endToEnd(url: String, referrer: String?, channel: String) {
        let signal = TouchSignal.from(url: url, referrer: referrer, siteHost: "acme.com")
        #expect(ChannelGrouping.defaultGA4.classify(signal) == channel)
    }

    @Test func ga4ChannelOrder() {
        #expect(ChannelGrouping.defaultGA4.rules.map(\.channel) == [
            "Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social", "Paid Video", "Display",
            "Paid Other", "Organic Shopping", "Organic Social", "Organic Video", "Organic Search", "Email",
            "Affiliates", "Referral", "Audio", "SMS", "Mobile Push Notifications",
        ])
        #expect(ChannelGrouping.defaultGA4.fallbackChannel == "Unassigned")
    }

    @Test func customGroupingRoundTripsThroughJSON() throws {
        let json = """
        {"rules":[
          {"channel":"Google Ads","conditions":[{"hasClickID":["gclid","gbraid","wbraid"]}]},
          {"channel":"Partners","conditions":[{"field":"source","equals":["Partner-A","partner-b"]}]},
          {"channel":"Search","conditions":[{"any":[{"field":"source","in":"search"},{"field":"medium","matches":"^seo"}]}]},
          {"channel":"Not Email","conditions":[{"field":"medium","equals":["email"],"not":true},
                                            {"hasClickID":[]}]}
        ],"fallbackChannel":"Other"}
        """
        let grouping = try JSONDecoder().decode(ChannelGrouping.self, from: Data(json.utf8))
        #expect(grouping.rules.count == 4)
        #expect(grouping.classify(TouchSignal(source: "x", medium: "y", clickIDs: ["gclid": "1"])) == "Google Ads")
        #expect(grouping.classify(TouchSignal(source: "PARTNER-A", medium: "y")) == "Partners")
        #expect(grouping.classify(TouchSignal(source: "bing", medium: "y")) == "Search")
        #expect(grouping.classify(TouchSignal(source: "x", medium: "SEO-blog")) == "Search")
        #expect(grouping.classify(TouchSignal(source: "x", medium: "social", clickIDs: ["ttclid": "1"])) == "Not Email")
        #expect(grouping.classify(TouchSignal(source: "x", medium: "email", clickIDs: ["ttclid": "1"])) == "Other")
        #expect(grouping.classify(TouchSignal(source: "x", medium: "y")) == "Other")

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(grouping)
        let again = try JSONDecoder().decode(ChannelGrouping.self, from: data)
        #expect(again == grouping)
        #expect(String(decoding: data, as: UTF8.self).contains("\"in\":\"search\""))

        let ga4 = try JSONDecoder().decode(ChannelGrouping.self, from: encoder.encode(ChannelGrouping.defaultGA4))
        #expect(ga4 == ChannelGrouping.defaultGA4)
    }

    @Test func fallbackDefaultsWhenMissingAndBadRegexNeverMatches() throws {
        let json = #"{"rules":[{"channel":"Broken","conditions":[{"field":"source","matches":"(["}]}]}"#
        let grouping = try JSONDecoder().decode(ChannelGrouping.self, from: Data(json.utf8))
        #expect(grouping.fallbackChannel == "Unassigned")
        #expect(grouping.classify(TouchSignal(source: "(", medium: "x")) == "Unassigned")
    }

    @Test func compiledMatchesUncompiled() {
        let compiled = ChannelGrouping.defaultGA4.compiled()
        for (source, medium) in [("google", "cpc"), ("foo", "bar"), ("facebook", "social")] {
            let signal = TouchSignal(source: source, medium: medium)
            #expect(compiled.classify(signal) == ChannelGrouping.defaultGA4.classify(signal))
        }
    }

    @Test func sourceCategories() {
        #expect(SourceCategory.search.contains("www.google.de"))
        #expect(SourceCategory.search.contains("cn.bing.com"))
        #expect(!SourceCategory.search.contains("mail.google.com"))
        #expect(SourceCategory.social.contains("lnkd.in"))
        #expect(SourceCategory.social.contains("x.com"))
        #expect(!SourceCategory.social.contains("x.ai"))
        #expect(!SourceCategory.social.contains("youtube"))
        #expect(SourceCategory.video.contains("m.youtube.com"))
        #expect(SourceCategory.shopping.contains("amazon.co.uk"))
        #expect(SourceCategory.email.contains("mail.google.com"))
        #expect(!SourceCategory.search.contains(""))
    }
}
