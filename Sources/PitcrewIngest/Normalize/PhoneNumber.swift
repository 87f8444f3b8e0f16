import Foundation
/// Phone number normalization to E.164 ("+<country code><national number>").
public enum PhoneNumber {
    /// Normalizes `raw` to E.164, using `defaultCountry` (ISO alpha-2) when the
    /// number is written in national form.
    ///
    /// - International forms: leading `+`, `00`, or `011` when the default
    ///   country is in the North American Numbering Plan (NANP). The country
    ///   code is read by prefix (ITU codes are prefix-free). An optional "(0)"
    ///   trunk digit after it is dropped for countries that dial a trunk `0`.
    /// - National forms: the trunk prefix is dropped (`0` in most of Europe,
    ///   the UK, Australia, etc.; `8` in Russia, Belarus and Kazakhstan; `06`
    ///   in Hungary). Italy, San Marino and the Vatican keep their leading `0`,
    ///   which is part of the number there.
    /// - NANP numbers (+1) must have 10 digits after the optional leading `1`,
    ///   and the area code cannot start with 0 or 1.
    /// - Extensions ("x123", "ext. 5", "#5", ";ext=5") are dropped; any other
    ///   letters make the value a problem, as does a total length outside 8–15
    ///   digits.
    /// `e164` for a contact whose own country is known: a number in national form that starts with a trunk `0` (as
    /// numbers are written in most countries outside North America) is read in `country`, and so is any national
    /// number of a contact in a North American Numbering Plan country (which has no trunk 0: "415-555-0100" of a US
    /// contact in a German workspace is +1); any other in `defaultCountry` (so a US-style number of someone living in
    /// Germany stays a US number in a US workspace).
    public static func e164(_ raw: String, country: String?, defaultCountry: String) -> Result<String, FieldProblem> {
        guard let country, country != defaultCountry else { return e164(raw, defaultCountry: defaultCountry) }
        // The first two of the number's digits and "+": a trunk 0 is "0" not followed by another "0" (an international "00").
        var leading = (UInt8(0), UInt8(0))
        for byte in raw.utf8 where (byte >= 0x30 && byte <= 0x39) || byte == 0x2B {
            if leading.0 == 0 { leading.0 = byte } else { leading.1 = byte; break }
        }
        let trunk = leading.0 == 0x30 && leading.1 != 0x30
        return e164(raw, defaultCountry: trunk || northAmerican.contains(country) ? country : defaultCountry)
    }

    /// Countries of the North American Numbering Plan (+1).
    static let northAmerican: Set<String> = [
        "US", "CA", "PR", "VI", "GU", "MP", "AS", "DO", "JM", "TT", "BS", "BB", "AG", "DM", "GD", "KN", "LC", "VC", "BM", "KY", "VG",
        "AI", "MS", "TC", "SX",
    ]

    public static func e164(_ raw: String, defaultCountry: String) -> Result<String, FieldProblem> {
        if let (digits, plus) = plainDigits(raw) { return e164(digits: digits[...], plus: plus, defaultCountry: defaultCountry) }
        var text = TextFolding.trim(raw).lowercased()
        if text.hasPrefix("tel:") { text = String(text.dropFirst(4)) }
        if text.isEmpty { return fail("empty") }
        text = dropExtension(text)

        var digits: [UInt8] = []
        var plus = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value))
            case "+":
                if plus || !digits.isEmpty { return fail("'+' is only allowed at the start") }
                plus = true
            case " ", "-", ".", "(", ")", "/", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}":
                continue
            default:
                if TextFolding.isSpace(scalar) { continue }
                if scalar.properties.isAlphabetic { return fail("contains letters") }
                return fail("contains invalid character '\(scalar)'")
            }
        }
        return e164(digits: digits[...], plus: plus, defaultCountry: defaultCountry)
    }

    private static func fail(_ why: String) -> Result<String, FieldProblem> {
        .failure(FieldProblem(reason: "is not a phone number: \(why)"))
    }

    /// The digits and leading "+" of a number written in ASCII digits and the usual separators only (most numbers in an
    /// export): read byte by byte, without the trimming, case folding and extension search other forms need. Nil for
    /// any other form, and for one with a misplaced "+" (which the full reading reports).
    static func plainDigits(_ raw: String) -> (digits: [UInt8], plus: Bool)? {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var plus = false
        for byte in raw.utf8 {
            switch byte {
            case 0x30...0x39: digits.append(byte)
            case 0x2B:
                if plus || !digits.isEmpty { return nil }
                plus = true
            case 0x20, 0x2D, 0x2E, 0x28, 0x29, 0x2F: continue  // space - . ( ) /
            default: return nil
            }
        }
        return digits.isEmpty ? nil : (digits, plus)
    }

    /// E.164 from the number's ASCII digits and whether it began with "+".
    private static func e164(digits all: ArraySlice<UInt8>, plus: Bool, defaultCountry: String) -> Result<String, FieldProblem> {
        var digits = all
        if digits.isEmpty { return fail("no digits") }
        let region = defaultCountry.utf8.count == 2 && defaultCountry.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A })
            ? defaultCountry : TextFolding.trim(defaultCountry).uppercased()
        let regionCode = CountryTable.byAlpha2[region]?.callingCode
        var international = plus
        if !plus, digits.starts(with: [0x30, 0x30]) {
            international = true
            digits = digits.dropFirst(2)
        } else if !plus, regionCode == "1", digits.starts(with: [0x30, 0x31, 0x31]) {
            international = true
            digits = digits.dropFirst(3)
        }

        let code: String
        var national: ArraySlice<UInt8>
        if international {
            guard let found = callingCodePrefix(of: digits) else {
                return fail("unknown country calling code")
            }
            code = found
            national = digits.dropFirst(found.utf8.count)
            if code != "1", national.first == 0x30, trunkZeroCodes.contains(code) {
                national = national.dropFirst()
            }
        } else {
            guard let regionCode else {
                return fail("unknown default country '\(defaultCountry)'")
            }
            code = regionCode
            national = digits
            if code != "1", let trunk = trunkPrefix(region), national.starts(with: trunk.utf8) {
                national = national.dropFirst(trunk.utf8.count)
            }
        }
        if code == "1" {
            if national.count == 11, national.first == 0x31 { national = national.dropFirst() }
            if national.count != 10 { return fail("North American numbers need 10 digits") }
            if national.first == 0x30 || national.first == 0x31 {
                return fail("North American area codes cannot start with 0 or 1")
            }
        }
        if national.isEmpty { return fail("no national number after the country code") }
        let total = code.utf8.count + national.count
        if total < 8 { return fail("too short") }
        if total > 15 { return fail("too long (more than 15 digits)") }
        return .success("+" + code + String(decoding: national, as: UTF8.self))
    }

    /// Removes a trailing extension: an "x"/"ext"/"extn"/"extension"/"#"/";ext="
    /// marker followed only by digits and separators, after at least one digit.
    static func dropExtension(_ text: String) -> String {
        // Every marker has a letter, `#` or `;`: most numbers have none, and need no search.
        guard text.utf8.contains(where: { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x23 || $0 == 0x3B || $0 >= 0x80 }) else { return text }
        let markers = [";ext=", "extension", "extn", "ext", "x", "#"]
        for marker in markers {
            guard let range = text.range(of: marker, options: .backwards) else { continue }
            let head = text[..<range.lowerBound]
            let tail = text[range.upperBound...].drop { $0 == "." || $0 == ":" || $0 == "=" || $0 == " " }
            if head.contains(where: \.isNumber), TextFolding.isDigits(tail) {
                return String(head)
            }
        }
        return text
    }

    /// The ITU country calling code that `digits` starts with, if any.
    static func callingCodePrefix(of digits: ArraySlice<UInt8>) -> String? {
        for length in 1...3 where digits.count > length {
            let prefix = String(decoding: digits.prefix(length), as: UTF8.self)
            if callingCodes.contains(prefix) { return prefix }
        }
        return nil
    }

    /// All assigned calling codes: the countries' plus Kosovo (383) and the
    /// global, non-geographic services (freephone, satellite, shared cost…).
    static let callingCodes: Set<String> = Set(CountryTable.records.map(\.callingCode))
        .union(["383", "800", "808", "870", "878", "881", "882", "883", "888", "979"])

    /// The national trunk prefix for `region`, or nil when none is dialled
    /// (or, as in Italy, the leading 0 belongs to the number).
    static func trunkPrefix(_ region: String) -> String? {
        switch region {
        case "RU", "BY", "KZ": return "8"
        case "HU": return "06"
        default: return trunkZeroRegions.contains(region) ? "0" : nil
        }
    }

    /// Regions that dial a trunk `0` before the national number.
    static let trunkZeroRegions: Set<String> = [
        // Europe and nearby
        "AL", "AM", "AT", "AX", "AZ", "BA", "BE", "BG", "CH", "DE", "FI", "FR", "GB", "GE", "GG",
        "HR", "IE", "IM", "JE", "LI", "LT", "MD", "ME", "MK", "NL", "RO", "RS", "SE", "SI", "SK",
        "TR", "UA", "XK", "GF", "GP", "MQ", "RE", "YT", "BL", "MF", "PM",
        // Middle East, Africa
        "AE", "AF", "DZ", "EG", "ET", "GH", "IL", "IQ", "IR", "JO", "KE", "LY", "MA", "NG", "SA",
        "SD", "SY", "TZ", "UG", "YE", "ZA", "ZM", "ZW", "RW", "CD", "MG", "MZ", "NA", "SO", "LS",
        // Asia-Pacific, Americas
        "AU", "BD", "CC", "CN", "CX", "ID", "IN", "JP", "KH", "KR", "LA", "LK", "MM", "MN", "MY",
        "NP", "NZ", "PH", "PK", "TH", "TW", "VN", "AR", "BR", "PE", "BO", "EC", "VE", "CU",
    ]

    /// Calling codes whose countries all dial a trunk `0`, so "+44 (0)20…"
    /// can safely lose the 0. Shared codes (e.g. 39: Italy/Vatican, 7:
    /// Russia/Kazakhstan) are included only if every member uses a `0` trunk.
    static let trunkZeroCodes: Set<String> = {
        var codes: [String: Bool] = [:]
        for record in CountryTable.records {
            let zero = trunkZeroRegions.contains(record.alpha2)
            codes[record.callingCode] = (codes[record.callingCode] ?? true) && zero
        }
        return Set(codes.filter(\.value).keys)
    }()
}
