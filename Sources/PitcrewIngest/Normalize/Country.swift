/// Country recognition for free-text country fields.
public enum Country {
    /// Maps messy country input to an ISO 3166-1 alpha-2 code, or nil.
    ///
    /// Accepts alpha-2 and alpha-3 codes, ISO English short names, and common
    /// aliases ("USA", "U.K.", "Deutschland", "Holland", "South Korea",
    /// "Türkiye", "Ivory Coast", …). Matching ignores case, accents,
    /// punctuation and a leading "The" (see `TextFolding.nameKey`). ISO names
    /// with a qualifier are also found by their short form, e.g.
    /// "Bolivia (Plurinational State of)" by "Bolivia" and "Moldova, Republic
    /// of" by "Republic of Moldova".
    public static func alpha2(_ raw: String) -> String? {
        // Fast path: an ISO code as most exports write it ("US", "de").
        let utf8 = raw.utf8
        if utf8.count == 2, utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
            let code = raw.uppercased()
            if CountryTable.byAlpha2[code] != nil { return code }
        }
        let key = TextFolding.nameKey(raw)
        return key.isEmpty ? nil : lookup[key]
    }

    /// The ISO English short name for an alpha-2 code (case-insensitive), or nil.
    public static func name(alpha2 code: String) -> String? {
        CountryTable.byAlpha2[TextFolding.trim(code).uppercased()]?.name
    }

    /// Every ISO 3166-1 alpha-2 code, sorted.
    public static var allAlpha2: [String] {
        CountryTable.records.map(\.alpha2).sorted()
    }

    /// Name keys → alpha-2. Insertion order sets priority: codes, then ISO
    /// names, then hand-written aliases, then derived short forms (which never
    /// override an earlier key, so "Korea" stays with the alias KR).
    private static let lookup: [String: String] = {
        var map: [String: String] = [:]
        func add(_ name: String, _ code: String) {
            let key = TextFolding.nameKey(name)
            if !key.isEmpty, map[key] == nil { map[key] = code }
        }
        for r in CountryTable.records { add(r.alpha2, r.alpha2) }
        for r in CountryTable.records { add(r.alpha3, r.alpha2) }
        for r in CountryTable.records { add(r.name, r.alpha2) }
        for (alias, code) in aliases { add(alias, code) }
        for r in CountryTable.records {
            var name = r.name
            if let paren = name.firstIndex(of: "(") {
                name = String(name[..<paren])
                add(name, r.alpha2)
            }
            let parts = name.split(separator: ",", maxSplits: 1)
            if parts.count == 2 {
                add(String(parts[0]), r.alpha2)
                add("\(parts[1]) \(parts[0])", r.alpha2)
            }
        }
        return map
    }()

    /// Hand-written aliases: colloquial, former, native and abbreviated names.
    private static let aliases: [(String, String)] = [
        ("USA", "US"), ("U.S.", "US"), ("US of A", "US"), ("United States", "US"), ("America", "US"),
        ("United States of America", "US"),
        ("UK", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB"), ("Britain", "GB"),
        ("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"), ("Northern Ireland", "GB"),
        ("Deutschland", "DE"), ("Allemagne", "DE"), ("Holland", "NL"), ("Nederland", "NL"),
        ("Netherlands, Kingdom of the", "NL"), ("Kingdom of the Netherlands", "NL"),
        ("South Korea", "KR"), ("Korea", "KR"), ("Republic of Korea", "KR"), ("Korea Republic of", "KR"),
        ("North Korea", "KP"), ("DPRK", "KP"),
        ("Russia", "RU"), ("Rossiya", "RU"), ("Czech Republic", "CZ"), ("Vietnam", "VN"),
        ("Iran", "IR"), ("Syria", "SY"), ("Bolivia", "BO"), ("Venezuela", "VE"), ("Tanzania", "TZ"),
        ("Taiwan", "TW"), ("Republic of China", "TW"), ("Ivory Coast", "CI"), ("Cote d'Ivoire", "CI"),
        ("Turkey", "TR"), ("Turkiye", "TR"), ("UAE", "AE"), ("U.A.E.", "AE"), ("Emirates", "AE"),
        ("Laos", "LA"), ("Moldova", "MD"), ("Macedonia", "MK"), ("FYROM", "MK"), ("Micronesia", "FM"),
        ("Brunei", "BN"), ("Cape Verde", "CV"), ("Swaziland", "SZ"), ("Burma", "MM"),
        ("East Timor", "TL"), ("Palestine", "PS"), ("Vatican", "VA"), ("Vatican City", "VA"),
        ("Macau", "MO"), ("Hong Kong SAR", "HK"), ("PRC", "CN"), ("People's Republic of China", "CN"),
        ("Mainland China", "CN"), ("DR Congo", "CD"), ("DRC", "CD"), ("Congo-Kinshasa", "CD"),
        ("Democratic Republic of the Congo", "CD"), ("Congo-Brazzaville", "CG"),
        ("Republic of the Congo", "CG"), ("Falkland Islands", "FK"), ("Saint Martin", "MF"),
        ("Sint Maarten", "SX"), ("St Martin", "MF"), ("St Kitts and Nevis", "KN"),
        ("St Lucia", "LC"), ("St Vincent and the Grenadines", "VC"), ("St Helena", "SH"),
        ("St Pierre and Miquelon", "PM"), ("St Barthelemy", "BL"), ("St Barts", "BL"),
        ("British Virgin Islands", "VG"), ("US Virgin Islands", "VI"), ("USVI", "VI"),
        ("Bosnia", "BA"), ("Bosnia-Herzegovina", "BA"), ("Trinidad", "TT"), ("Antigua", "AG"),
        ("Sao Tome", "ST"), ("Kyrgyz Republic", "KG"), ("Slovak Republic", "SK"),
        ("Schweiz", "CH"), ("Suisse", "CH"), ("Svizzera", "CH"), ("Österreich", "AT"),
        ("España", "ES"), ("Espana", "ES"), ("Italia", "IT"), ("Brasil", "BR"), ("México", "MX"),
        ("Polska", "PL"), ("Sverige", "SE"), ("Norge", "NO"), ("Danmark", "DK"), ("Suomi", "FI"),
        ("België", "BE"), ("Belgique", "BE"), ("Éire", "IE"), ("Republic of Ireland", "IE"),
        ("Hellas", "GR"), ("Nippon", "JP"), ("Gambia, The", "GM"), ("Bahamas, The", "BS"),
        ("Reunion", "RE"), ("Curacao", "CW"), ("Aland", "AX"), ("Faroes", "FO"),
        ("Heard and McDonald Islands", "HM"), ("South Georgia", "GS"), ("Pitcairn Islands", "PN"),
        ("Cocos Islands", "CC"), ("Keeling Islands", "CC"), ("Caribbean Netherlands", "BQ"),
        ("Bonaire", "BQ"), ("Svalbard", "SJ"), ("Wallis", "WF"), ("New Guinea", "PG"),
        ("Saudi", "SA"), ("KSA", "SA"), ("Kingdom of Saudi Arabia", "SA"),
    ]
}
