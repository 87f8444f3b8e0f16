extension Currency {
    /// The currency an amount names itself ("EUR 8,000.50", "€8.000,50", "1,200 GBP"); a bare "$" (dollars and pesos)
    /// is `dollarDefault`; nil when it names none.
    public static func stated(in raw: String, dollarDefault: String? = nil) -> String? {
        let chars = Array(TextFolding.trim(raw))
        guard let first = chars.firstIndex(where: { $0.isASCII && $0.isNumber }), let last = chars.lastIndex(where: { $0.isASCII && $0.isNumber })
        else { return nil }
        let marker = (String(chars[..<first]) + " " + String(chars[(last + 1)...])).filter { !"+-\u{2212}().,".contains($0) }
        guard !TextFolding.trim(marker).isEmpty else { return nil }
        return Currency.code(from: marker, dollarDefault: dollarDefault)
    }

    /// Parses a money amount into integer minor units of `currency` (cents for
    /// USD), exactly, without going through floating point.
    ///
    /// Around the number: white space, currency symbols or codes, a sign
    /// (`-` before or after, `+`) and accounting parentheses "(12.00)" are
    /// allowed; a currency marker that names a different currency is a problem.
    /// Inside the number: digits, `,` `.`, spaces and apostrophes.
    ///
    /// Decimal separator heuristics, in order:
    /// 1. Spaces and apostrophes ("1 234,56", "1'234.56") always group thousands.
    /// 2. If both `,` and `.` occur, the last one is the decimal separator
    ///    ("1,234.56", "1.234,56") and must occur once.
    /// 3. A separator that occurs more than once groups thousands ("1,000,000").
    /// 4. A single separator followed by other than exactly 3 digits is the
    ///    decimal separator ("12,50", "12.5").
    /// 5. A single separator followed by exactly 3 digits is the decimal
    ///    separator when the integer part is 0 ("0.125"), when spaces or
    ///    apostrophes already group the number, or when it is `.` and the
    ///    currency has 3+ minor digits (KWD "1.250"); otherwise it groups
    ///    thousands ("1,000" → 1000.00, "1.000" → 1000.00).
    ///
    /// Groups after the first must have 3 digits (2-digit Indian lakh groups
    /// are allowed before the last group). Extra fraction digits are rounded
    /// half-to-even; a value beyond `Int64` minor units is a problem.
    public static func parseAmount(_ raw: String, currency: String) -> Result<Int64, FieldProblem> {
        func fail(_ why: String) -> Result<Int64, FieldProblem> {
            .failure(FieldProblem(reason: "is not an amount: \(why)"))
        }
        let code = TextFolding.trim(currency).uppercased()
        guard let exponent = exponent(code) else { return fail("unknown currency '\(currency)'") }
        let chars = Array(TextFolding.trim(raw))
        if chars.isEmpty { return fail("empty") }
        guard var start = chars.firstIndex(where: { $0.isASCII && $0.isNumber }),
              let last = chars.lastIndex(where: { $0.isASCII && $0.isNumber }) else {
            return fail("no digits")
        }
        if start > 0, chars[start - 1] == "." || chars[start - 1] == "," { start -= 1 }
        var body = ""
        for char in chars[start...last] {
            if char.isASCII && char.isNumber || char == "," || char == "." {
                body.append(char)
            } else if char == "'" || char == "\u{2019}" || char.unicodeScalars.allSatisfy(TextFolding.isSpace) {
                body.append(" ")
            } else {
                return fail("unexpected character '\(char)'")
            }
        }
        var outside = String(chars[..<start]) + " " + String(chars[(last + 1)...])
        if outside.hasSuffix(",-") || outside.hasSuffix(".-") { outside.removeLast(2) }  // "12,-" = 12.00
        let minusCount = outside.filter { $0 == "-" || $0 == "\u{2212}" }.count
        let parenthesized = outside.contains("(") || outside.contains(")")
        if parenthesized, !(String(chars[..<start]).contains("(") && String(chars[(last + 1)...]).contains(")")) {
            return fail("unbalanced parentheses")
        }
        if minusCount > 1 || (minusCount == 1 && parenthesized) { return fail("more than one minus sign") }
        let marker = String(outside.filter { !"+-\u{2212}()".contains($0) })
        if !TextFolding.trim(marker).isEmpty {
            // A bare "$" fits the dollar and peso currencies; next to a euro or pound amount it names another currency.
            let named = Currency.code(from: marker, dollarDefault: Currency.dollarSigns.contains(code.uppercased()) ? code : "USD")
            if named == nil, !ambiguousMarkers.contains(TextFolding.nameKey(marker)) {
                return fail("unexpected text '\(TextFolding.trim(marker))'")
            }
            if let named, named != code { return fail("written in \(named), expected \(code)") }
        }
        // "2.000" alone is 2 where the currency is written with a decimal point (US dollars, pounds) and 2,000 where
        // the point groups thousands (euros as written in most of the euro area).
        guard let split = DecimalSplit(body, exponent: exponent, dotIsDecimal: dotDecimalCurrencies.contains(code)) else {
            return fail("digit grouping is inconsistent")
        }
        guard var units = split.minorUnits(exponent: exponent) else { return fail("too large") }
        if minusCount == 1 || parenthesized { units = -units }
        return .success(units)
    }

    /// Currencies whose amounts are written with a decimal point and comma thousands ("1,234.56"), so a lone
    /// "2.000" is two, not two thousand.
    static let dotDecimalCurrencies: Set<String> = [
        "USD", "GBP", "CAD", "AUD", "NZD", "CNY", "INR", "MXN", "SGD", "HKD", "TWD", "PHP", "THB", "MYR", "ILS", "NGN", "KES", "GHS", "PKR",
        "LKR", "BDT", "EGP", "SAR", "AED", "QAR",
    ]

    /// Currency markers that are fine next to an amount but name no single
    /// currency (krona/krone, rupee, franc, dollar variants).
    static let ambiguousMarkers: Set<String> = ["kr", "rs", "fr", "sfr", "c", "dollar", "dollars"]
}
