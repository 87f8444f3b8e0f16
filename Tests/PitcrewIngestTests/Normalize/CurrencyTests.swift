import Testing
@testable import PitcrewIngest

struct CurrencyTests {
    @Test func exponents() {
        #expect(Currency.exponent("USD") == 2)
        #expect(Currency.exponent("usd") == 2)
        #expect(Currency.exponent("JPY") == 0)
        #expect(Currency.exponent("KWD") == 3)
        #expect(Currency.exponent("CLF") == 4)
        #expect(Currency.exponent("XXX") == nil)
        #expect(Currency.isKnown("EUR"))
        #expect(!Currency.isKnown("BTC"))
        #expect(CurrencyTable.records.count >= 150)
        #expect(Set(CurrencyTable.records.map(\.code)).count == CurrencyTable.records.count)
    }

    static let codeCases: [(String, String)] = [
        ("USD", "USD"), ("usd", "USD"), (" eur ", "EUR"), ("US Dollar", "USD"), ("us dollars", "USD"),
        ("euro", "EUR"), ("Euros", "EUR"), ("Pound Sterling", "GBP"), ("pounds", "GBP"), ("Yen", "JPY"),
        ("€", "EUR"), ("£", "GBP"), ("₹", "INR"), ("¥", "JPY"), ("₩", "KRW"), ("R$", "BRL"), ("CHF", "CHF"),
        ("zł", "PLN"), ("ZŁ", "PLN"), ("US$", "USD"), ("A$", "AUD"), ("₽", "RUB"), ("Swiss Francs", "CHF"),
        ("yuan renminbi", "CNY"), ("Złoty", "PLN"),
    ]

    @Test(arguments: codeCases)
    func code(raw: String, expected: String) {
        #expect(Currency.code(from: raw) == expected)
    }

    @Test func dollarNeedsDefault() {
        #expect(Currency.code(from: "$") == nil)
        #expect(Currency.code(from: "dollars") == nil)
        #expect(Currency.code(from: "$", dollarDefault: "cad") == "CAD")
        #expect(Currency.code(from: "kr") == nil)
        #expect(Currency.code(from: "") == nil)
        #expect(Currency.code(from: "bitcoin") == nil)
    }

    static let amountCases: [(String, String, Int64)] = [
        ("1,234.56", "USD", Int64(123_456)), ("1.234,56", "EUR", 123_456), ("1 234,56", "EUR", 123_456),
        ("1\u{202F}234,56", "EUR", 123_456), ("1'234.56", "CHF", 123_456), ("1234", "USD", 123_400),
        ("$1,234.56", "USD", 123_456), ("$10.00", "CAD", 1000), ("MX$ 10", "MXN", 1000),
        // A lone point before three digits: a decimal point in dollars and pounds, thousands in euros.
        ("2.000", "USD", 200), ("10.005", "USD", 1000), ("1.234", "GBP", 123), ("2.000", "EUR", 200_000), ("2,000", "USD", 200_000), ("€ 12,50", "EUR", 1250), ("12,50 €", "EUR", 1250),
        ("(12.00)", "USD", -1200), ("-12", "USD", -1200), ("12-", "USD", -1200), ("-$12.00", "USD", -1200),
        ("$-12", "USD", -1200), ("+12", "USD", 1200), ("12.5", "USD", 1250), ("1,000", "USD", 100_000),
        ("1.000", "EUR", 100_000), ("1,000,000", "USD", 100_000_000), ("1.234.567,89", "EUR", 123_456_789),
        ("0.125", "USD", 12), ("0.135", "USD", 14), ("0.1251", "USD", 13), ("2.5", "JPY", 2), ("3.5", "JPY", 4),
        ("-2.5", "JPY", -2), ("1.250", "KWD", 1250), ("1,250", "KWD", 1_250_000), ("12", "JPY", 12),
        (".5", "USD", 50), ("12,-", "EUR", 1200), ("USD 1,234.56", "USD", 123_456), ("1.234,56 zł", "PLN", 123_456),
        ("R$ 1.234,56", "BRL", 123_456), ("1,23,456.78", "INR", 12_345_678), ("12 kr", "SEK", 1200),
        ("12,345.6789", "USD", 1_234_568), ("92233720368547758.07", "USD", Int64.max),
    ]

    @Test(arguments: amountCases)
    func amount(raw: String, currency: String, expected: Int64) {
        #expect(Currency.parseAmount(raw, currency: currency) == .success(expected))
    }

    static let rejectsAmountCases: [(String, String, String)] = [
        ("12", "XYZ", "unknown currency 'XYZ'"),
        ("", "USD", "empty"),
        ("abc", "USD", "no digits"),
        ("1e5", "USD", "unexpected character 'e'"),
        ("12%", "USD", "unexpected text '%'"),
        ("12 apples", "USD", "unexpected text 'apples'"),
        ("€12", "USD", "written in EUR, expected USD"),
        ("$10.00", "EUR", "written in USD, expected EUR"),
        ("10 dollars", "GBP", "written in USD, expected GBP"),
        ("(12", "USD", "unbalanced parentheses"),
        ("--12", "USD", "more than one minus sign"),
        ("1,2,3", "USD", "digit grouping is inconsistent"),
        ("1,234.567.8", "USD", "digit grouping is inconsistent"),
        ("12,34,5", "USD", "digit grouping is inconsistent"),
        ("92233720368547758.08", "USD", "too large"),
        ("99999999999999999999", "JPY", "too large"),
    ]

    @Test(arguments: rejectsAmountCases)
    func rejectsAmount(raw: String, currency: String, reason: String) {
        #expect(Currency.parseAmount(raw, currency: currency) == .failure(FieldProblem(reason: "is not an amount: \(reason)")))
    }
}
