/// Fast, correctly rounded parsing of the plain decimals that path files hold (`12`, `457.22`, `-0.5`).
///
/// Numbers with at most 15 significant digits and no exponent are computed as one integer divided by an exact power of
/// ten, which IEEE division rounds correctly, giving the same `Double` as `strtod`. Anything else falls back to the
/// standard library's parser.
enum DecimalParsing {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses `bytes` (already trimmed of surrounding spaces); nil when it is not a finite decimal number.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = bytes.count
        guard n > 0 else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        while i < n {
            let byte = bytes[i]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 18 { return slowParse(bytes) }
                mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
                if sawDot { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                return sawDigit ? slowParse(bytes) : nil
            } else {
                return nil
            }
            i += 1
        }
        guard sawDigit else { return nil }
        guard mantissa < (1 << 53), fractionDigits <= 22 else { return slowParse(bytes) }
        let magnitude = fractionDigits == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        for byte in bytes {
            let ok =
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            if !ok { return nil }
        }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
