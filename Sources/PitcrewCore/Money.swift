/// An amount of money in integer minor units (cents) of one ISO 4217 currency. Never a floating-point number.
public struct Money: Sendable, Equatable, Hashable, Codable {
    public var minorUnits: Int64
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Digits after the decimal point for the currency (ISO 4217 exponent); 2 for most.
    public static func exponent(of currency: String) -> Int {
        switch currency {
        case "JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }

    /// Formats for people: `$12,345` style without a locale dependency (`USD 12,345.67`).
    public func formatted(withCents: Bool = false) -> String {
        let exp = Money.exponent(of: currency)
        var scale: Int64 = 1
        for _ in 0..<exp { scale *= 10 }
        let negative = minorUnits < 0
        let absolute = minorUnits.magnitude
        let whole = absolute / UInt64(scale)
        let fraction = absolute % UInt64(scale)
        var text = Money.groupThousands(whole)
        if withCents && exp > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: exp - digits.count) + digits
        }
        let symbol = Money.symbols[currency]
        let body = symbol.map { $0 + text } ?? "\(currency) \(text)"
        return negative ? "-" + body : body
    }

    static let symbols: [String: String] = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"]

    public static func groupThousands(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// True for a three-letter upper-case code; the full ISO list is checked where data enters (imports).
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
