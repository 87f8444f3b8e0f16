/// ISO 4217 currency codes: recognition from free text and minor-unit exponents.
public enum Currency {
    /// Minor-unit digits for an ISO 4217 code (case-insensitive): 2 for USD,
    /// 0 for JPY, 3 for KWD; nil for unknown codes.
    public static func exponent(_ code: String) -> Int? {
        CurrencyTable.byCode[TextFolding.trim(code).uppercased()]?.exponent
    }

    /// True when `code` is an active ISO 4217 code with a minor unit.
    public static func isKnown(_ code: String) -> Bool {
        exponent(code) != nil
    }

    /// The ISO 4217 code meant by `raw`, or nil.
    ///
    /// Accepts codes in any case ("usd"), ISO names and common names in any
    /// case, singular or plural ("US Dollars", "euro", "pound sterling"), and
    /// symbols that name one currency (€ £ ₹ ¥ ₩ R$ zł ₽ ₺ ₴ ₪ ₫ ฿ ₱ ₦ US$ A$ …).
    /// "¥" is read as JPY. A bare "$" or "dollar(s)" is ambiguous and gives
    /// `dollarDefault` (nil unless the caller knows, e.g. from the workspace).
    public static func code(from raw: String, dollarDefault: String? = nil) -> String? {
        let text = TextFolding.trim(raw)
        let compact = String(text.unicodeScalars.filter { !TextFolding.isSpace($0) }.map(Character.init))
        if let code = symbols[compact] ?? symbols[compact.lowercased()] { return code }
        if compact == "$" || compact == "＄" { return dollarDefault.map { $0.uppercased() } }
        let upper = compact.uppercased()
        if upper.count == 3, CurrencyTable.byCode[upper] != nil { return upper }
        let key = TextFolding.nameKey(text)
        if key == "dollar" || key == "dollars" { return dollarDefault.map { $0.uppercased() } }
        if let code = names[key] { return code }
        if key.hasSuffix("s"), let code = names[String(key.dropLast())] { return code }
        return nil
    }

    /// Currencies written with a bare "$" (dollars and pesos), which an amount like "$10.00" may be in.
    static let dollarSigns: Set<String> = [
        "USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU", "BSD", "BBD", "BZD", "BMD", "BND",
        "FJD", "GYD", "JMD", "KYD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD", "CUP", "DOP",
    ]

    /// Symbols that identify exactly one currency. Lowercase letters are
    /// matched case-insensitively by `code(from:)`.
    static let symbols: [String: String] = [
        "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "￥": "JPY", "₩": "KRW", "r$": "BRL",
        "zł": "PLN", "zl": "PLN", "₽": "RUB", "₺": "TRY", "₴": "UAH", "₪": "ILS", "₫": "VND",
        "฿": "THB", "₱": "PHP", "₦": "NGN", "₸": "KZT", "₾": "GEL", "৳": "BDT", "₲": "PYG",
        "₡": "CRC", "₵": "GHS", "us$": "USD", "u$s": "USD", "a$": "AUD", "au$": "AUD",
        "ca$": "CAD", "can$": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "sg$": "SGD",
        "mx$": "MXN", "nt$": "TWD", "kč": "CZK", "ft": "HUF", "lei": "RON", "rp": "IDR",
        "rm": "MYR", "元": "CNY", "円": "JPY", "원": "KRW",
    ]

    /// Name keys (see `TextFolding.nameKey`) → code: every ISO name plus
    /// everyday names. ISO names win where both exist.
    static let names: [String: String] = {
        var map: [String: String] = [:]
        for record in CurrencyTable.records {
            let key = TextFolding.nameKey(record.name)
            if map[key] == nil { map[key] = record.code }
        }
        let everyday: [(String, String)] = [
            ("american dollar", "USD"), ("us dollar", "USD"), ("united states dollar", "USD"),
            ("pound", "GBP"), ("british pound", "GBP"), ("sterling", "GBP"), ("gbp sterling", "GBP"),
            ("japanese yen", "JPY"), ("yuan", "CNY"), ("renminbi", "CNY"), ("rmb", "CNY"),
            ("chinese yuan", "CNY"), ("real", "BRL"), ("reais", "BRL"), ("brazilian reais", "BRL"),
            ("korean won", "KRW"), ("south korean won", "KRW"), ("polish zloty", "PLN"),
            ("ruble", "RUB"), ("rouble", "RUB"), ("russian rouble", "RUB"), ("indian rupees", "INR"),
            ("swiss francs", "CHF"), ("euros", "EUR"), ("rand", "ZAR"),
            ("south african rand", "ZAR"), ("israeli shekel", "ILS"), ("shekel", "ILS"),
            ("turkish lira", "TRY"), ("mexican pesos", "MXN"),
            ("singapore dollars", "SGD"), ("swedish krona", "SEK"), ("swedish kronor", "SEK"),
            ("norwegian kroner", "NOK"), ("danish kroner", "DKK"), ("czech crown", "CZK"),
            ("hungarian forint", "HUF"), ("indonesian rupiah", "IDR"), ("thai baht", "THB"),
            ("vietnamese dong", "VND"), ("nigerian naira", "NGN"), ("ukrainian hryvnia", "UAH"),
            ("uae dirham", "AED"), ("emirati dirham", "AED"), ("saudi riyal", "SAR"),
        ]
        for (name, code) in everyday where map[name] == nil { map[name] = code }
        return map
    }()
}
