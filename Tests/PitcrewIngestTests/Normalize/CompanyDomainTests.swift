import Testing
@testable import PitcrewIngest

struct CompanyDomainTests {
    static let websiteCases: [(String, String)] = [
        ("https://www.Acme.com/about?x=1#top", "acme.com"),
        ("http://user:pw@shop.acme.co.uk:8080/path", "shop.acme.co.uk"),
        ("acme.com", "acme.com"),
        ("WWW2.acme.io", "acme.io"),
        ("www.acme.com.", "acme.com"),
        ("//cdn.acme.com/x.js", "cdn.acme.com"),
        ("  ACME.COM/  ", "acme.com"),
        ("www.com", "www.com"),
        ("https://bücher.de", "bücher.de"),
    ]

    @Test(arguments: websiteCases)
    func website(raw: String, expected: String) {
        #expect(CompanyDomain.fromWebsite(raw) == expected)
    }

    static let websiteRejectsCases: [String] = [
        "", "localhost", "http://192.168.1.10/admin", "https://[::1]:8080/", "not a site",
                      "http://acme", "www.", "acme.c0m"
    ]

    @Test(arguments: websiteRejectsCases)
    func websiteRejects(raw: String) {
        #expect(CompanyDomain.fromWebsite(raw) == nil)
    }

    static let emailCases: [(String, String)] = [
        ("Jane@Acme.com", "acme.com"), ("jane@eu.acme.io", "eu.acme.io"), ("ceo@gmail.co", "gmail.co"),
        ("jane@live.acme.com", "live.acme.com"),
    ]

    @Test(arguments: emailCases)
    func email(raw: String, expected: String) {
        #expect(CompanyDomain.fromEmail(raw) == expected)
    }

    static let emailRejectsCases: [String] = [
        "jane@gmail.com", "jane@GoogleMail.com", "x@yahoo.co.uk", "x@yahoo.fr", "x@hotmail.de",
                      "x@outlook.com.br", "x@live.co.uk", "x@proton.me", "x@gmx.net", "x@web.de", "x@qq.com",
                      "x@163.com", "x@mail.ru", "x@icloud.com", "x@hey.com", "not-an-email"
    ]

    @Test(arguments: emailRejectsCases)
    func emailRejects(raw: String) {
        #expect(CompanyDomain.fromEmail(raw) == nil)
    }

    @Test func freeMailListIsLarge() {
        #expect(FreeMailDomains.domains.count >= 60)
        for domain in ["gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
                       "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
                       "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "126.com",
                       "zoho.com", "fastmail.com", "hey.com", "YAHOO.CO.JP", "hotmail.es"] {
            #expect(CompanyDomain.isFreeMail(domain), "\(domain)")
        }
        #expect(!CompanyDomain.isFreeMail("acme.com"))
        #expect(!CompanyDomain.isFreeMail("outlook.acme.com"))
    }
}
