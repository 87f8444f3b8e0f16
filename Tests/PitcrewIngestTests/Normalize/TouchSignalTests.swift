import Testing
@testable import PitcrewIngest

struct TouchSignalTests {
    @Test func utmFromURL() {
        let signal = TouchSignal.from(
            url: "https://acme.com/pricing?UTM_Source=Google&utm_medium=CPC&utm_campaign=Spring+Sale%202026&utm_term=crm%20tool&utm_content=ad%E2%9C%93#x",
            referrer: "https://www.google.com/")
        #expect(signal.source == "google")
        #expect(signal.medium == "cpc")
        #expect(signal.campaign == "Spring Sale 2026")
        #expect(signal.term == "crm tool")
        #expect(signal.content == "ad✓")
        #expect(signal.referrerHost == "google.com")
        #expect(signal.landingURL?.hasPrefix("https://acme.com/pricing") == true)
    }

    @Test func segmentCampaignWinsOverURL() {
        let signal = TouchSignal.from(
            url: "https://acme.com/?utm_source=url-src&utm_medium=url-med&utm_campaign=url-camp",
            referrer: nil,
            campaign: ["name": "ctx-camp", "source": "Newsletter", "medium": "Email", "term": ""])
        #expect(signal.source == "newsletter")
        #expect(signal.medium == "email")
        #expect(signal.campaign == "ctx-camp")
        #expect(signal.term == nil)
    }

    static let derivationCases: [(String?, String?, String, String)] = [
        ("https://acme.com/?gclid=abc", nil, "google", "cpc"),
        ("https://acme.com/?gbraid=abc", nil, "google", "cpc"),
        ("https://acme.com/?msclkid=abc", "https://www.bing.com/", "bing", "cpc"),
        ("https://acme.com/?fbclid=abc", "https://l.facebook.com/", "facebook", "social"),
        ("https://acme.com/?fbclid=abc&utm_source=facebook&utm_medium=paid_social", nil, "facebook", "paid_social"),
        ("https://acme.com/?gclid=abc&utm_source=google", nil, "google", "cpc"),
        ("https://acme.com/?utm_source=partner", nil, "partner", "(not set)"),
        ("https://acme.com/", "https://www.google.co.uk/", "google", "organic"),
        ("https://acme.com/", "https://search.yahoo.com/search?p=x", "yahoo", "organic"),
        ("https://acme.com/", "https://duckduckgo.com/", "duckduckgo", "organic"),
        ("https://acme.com/", "https://t.co/xyz", "t.co", "social"),
        ("https://acme.com/", "https://www.linkedin.com/feed", "linkedin.com", "social"),
        ("https://acme.com/", "https://www.nytimes.com/2026/01/05/tech.html", "nytimes.com", "referral"),
        ("https://acme.com/", "https://mail.google.com/mail/u/0/", "mail.google.com", "referral"),
        ("https://acme.com/", nil, "(direct)", "(none)"),
        (nil, "", "(direct)", "(none)"),
        ("https://acme.com/docs", "https://www.acme.com/pricing", "(direct)", "(none)"),
        ("https://acme.com/docs", "https://app.acme.com/", "(direct)", "(none)"),
    ]

    @Test(arguments: derivationCases)
    func derivation(url: String?, referrer: String?, source: String, medium: String) {
        let signal = TouchSignal.from(url: url, referrer: referrer, siteHost: "acme.com")
        #expect(signal.source == source)
        #expect(signal.medium == medium)
    }

    @Test func contextKeyPrecedenceIsDeterministic() {
        let signal = TouchSignal.from(url: nil, referrer: nil, campaign: [
            "utm_source": "a", "source": "b", "campaign": "c", "name": "d", "utm_medium": "m",
        ])
        #expect(signal.source == "b")
        #expect(signal.campaign == "d")
        #expect(signal.medium == "m")
    }

    @Test func clickIDsAreCollected() {
        let signal = TouchSignal.from(
            url: "https://acme.com/?GCLID=g1&li_fat_id=l1&ttclid=t1&twclid=w1&dclid=d1&wbraid=b1&other=1",
            referrer: nil)
        #expect(signal.clickIDs == ["gclid": "g1", "li_fat_id": "l1", "ttclid": "t1", "twclid": "w1",
                                    "dclid": "d1", "wbraid": "b1"])
        #expect(signal.source == "google")
    }

    @Test func internalReferrerIsIgnored() {
        let signal = TouchSignal.from(url: "https://www.acme.com/", referrer: "https://www.acme.com/blog",
                                      siteHost: "www.acme.com")
        #expect(signal.referrerHost == nil)
        #expect(signal.source == "(direct)")
    }

    @Test func percentDecoding() {
        #expect(URLParts.percentDecode("a+b%20c%2Bd%zz%4") == "a b c+d%zz%4")
        #expect(URLParts.queryItems(of: "/x?a=1&&b&c=%E2%82%AC;d=2").map(\.key) == ["a", "b", "c", "d"])
        #expect(URLParts.host(of: "HTTPS://u:p@WWW.Acme.COM.:443/x") == "www.acme.com")
    }
}
