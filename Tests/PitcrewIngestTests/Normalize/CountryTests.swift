import Testing
@testable import PitcrewIngest

struct CountryTests {
    static let alpha2Cases: [(String, String)] = [
        ("US", "US"), ("us", "US"), ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"),
        ("United States of America", "US"), ("united states", "US"), ("America", "US"),
        ("UK", "GB"), ("U.K.", "GB"), ("Great Britain", "GB"), ("England", "GB"), ("Scotland", "GB"),
        ("Wales", "GB"), ("Northern Ireland", "GB"), ("GBR", "GB"), ("Deutschland", "DE"), ("germany", "DE"),
        ("Holland", "NL"), ("The Netherlands", "NL"), ("Netherlands", "NL"), ("South Korea", "KR"),
        ("Korea, Republic of", "KR"), ("Korea Republic of", "KR"), ("Republic of Korea", "KR"),
        ("North Korea", "KP"), ("Russia", "RU"), ("Russian Federation", "RU"), ("Czechia", "CZ"),
        ("Czech Republic", "CZ"), ("Vietnam", "VN"), ("Viet Nam", "VN"), ("Iran", "IR"), ("Syria", "SY"),
        ("Bolivia", "BO"), ("Venezuela", "VE"), ("Tanzania", "TZ"), ("Taiwan", "TW"), ("Ivory Coast", "CI"),
        ("Côte d’Ivoire", "CI"), ("COTE D'IVOIRE", "CI"), ("Türkiye", "TR"), ("Turkey", "TR"), ("UAE", "AE"),
        ("United Arab Emirates", "AE"), ("  france  ", "FR"), ("Åland Islands", "AX"), ("Aland Islands", "AX"),
        ("Curaçao", "CW"), ("Réunion", "RE"), ("Saint Barthélemy", "BL"), ("St. Lucia", "LC"),
        ("Bosnia & Herzegovina", "BA"), ("Guinea-Bissau", "GW"), ("Guinea Bissau", "GW"), ("Moldova", "MD"),
        ("Republic of Moldova", "MD"), ("Micronesia", "FM"), ("Democratic Republic of the Congo", "CD"),
        ("Congo", "CG"), ("Virgin Islands (U.S.)", "VI"), ("Macedonia", "MK"), ("ESP", "ES"), ("Japan", "JP"),
    ]

    @Test(arguments: alpha2Cases)
    func alpha2(raw: String, expected: String) {
        #expect(Country.alpha2(raw) == expected)
    }

    static let unknownCases: [String] = [
        "", "Atlantis", "XX", "ZZZ", "Europe", "..."
    ]

    @Test(arguments: unknownCases)
    func unknown(raw: String) {
        #expect(Country.alpha2(raw) == nil)
    }

    @Test func table() {
        #expect(CountryTable.records.count == 249)
        #expect(Set(CountryTable.records.map(\.alpha2)).count == 249)
        #expect(Set(CountryTable.records.map(\.alpha3)).count == 249)
        for record in CountryTable.records {
            #expect(Country.alpha2(record.alpha2) == record.alpha2)
            #expect(Country.alpha2(record.alpha3) == record.alpha2, "\(record.alpha3)")
            #expect(Country.alpha2(record.name) == record.alpha2, "\(record.name)")
        }
        #expect(Country.name(alpha2: "de") == "Germany")
        #expect(Country.name(alpha2: "ZZ") == nil)
        #expect(Country.allAlpha2.first == "AD")
    }
}
