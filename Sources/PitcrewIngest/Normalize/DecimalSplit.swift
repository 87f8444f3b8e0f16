/// A written decimal number split into integer and fraction digits, after
/// deciding which separator is decimal (see `Currency.parseAmount`).
struct DecimalSplit: Sendable {
    let integerDigits: String
    let fractionDigits: String

    /// Splits `body` (digits, `,`, `.`, and spaces standing for any grouping
    /// mark); nil when separators or grouping are inconsistent.
    init?(_ body: String, exponent: Int, dotIsDecimal: Bool = false) {
        let chars = Array(body)
        let commas = chars.indices.filter { chars[$0] == "," }
        let dots = chars.indices.filter { chars[$0] == "." }
        let spaced = chars.contains(" ")
        var decimal: Int?
        if let lastComma = commas.last, let lastDot = dots.last {
            decimal = max(lastComma, lastDot)
            if (lastComma > lastDot ? commas.count : dots.count) > 1 { return nil }
        } else if let only = commas.last ?? dots.last, commas.count + dots.count == 1 {
            let after = chars[(only + 1)...].filter(\.isNumber).count
            let before = chars[..<only].filter(\.isNumber)
            let zeroInteger = before.allSatisfy { $0 == "0" }
            if after != 3 || zeroInteger || spaced || (chars[only] == "." && (exponent >= 3 || dotIsDecimal)) {
                decimal = only
            }
        }
        let integerPart = chars[..<(decimal ?? chars.count)]
        let fractionPart = decimal.map { chars[($0 + 1)...] } ?? []
        guard fractionPart.allSatisfy(\.isNumber) else { return nil }
        let groups = String(integerPart)
            .split(omittingEmptySubsequences: false) { $0 == "," || $0 == "." || $0 == " " }
        if groups.count > 1 {
            guard let first = groups.first, let lastGroup = groups.last,
                  (1...3).contains(first.count), lastGroup.count == 3,
                  groups.dropFirst().dropLast().allSatisfy({ $0.count == 2 || $0.count == 3 }) else { return nil }
        }
        integerDigits = groups.joined()
        fractionDigits = String(fractionPart)
        if integerDigits.isEmpty && fractionDigits.isEmpty { return nil }
    }

    /// The value in minor units for `exponent` fraction digits, rounding
    /// extra digits half-to-even; nil on `Int64` overflow.
    func minorUnits(exponent: Int) -> Int64? {
        let kept = fractionDigits.prefix(exponent)
        let dropped = fractionDigits.dropFirst(exponent)
        let padded = String(kept) + String(repeating: "0", count: exponent - kept.count)
        let digits = (integerDigits + padded).drop { $0 == "0" }
        guard digits.count <= 19, var value = Int64(digits.isEmpty ? "0" : String(digits)) else { return nil }
        if let first = dropped.first {
            let rest = dropped.dropFirst()
            let roundUp = first > "5" || (first == "5" && (rest.contains { $0 != "0" } || value % 2 == 1))
            if roundUp {
                let (sum, overflow) = value.addingReportingOverflow(1)
                if overflow { return nil }
                value = sum
            }
        }
        return value
    }
}
