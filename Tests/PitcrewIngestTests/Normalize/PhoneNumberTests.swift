import Testing
@testable import PitcrewIngest

struct PhoneNumberTests {
    static let acceptsCases: [(String, String, String)] = [
        ("+1 (415) 555-0132", "US", "+14155550132"),
        ("+1 (415) 555-0132", "GB", "+14155550132"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", "US", "+442079460958"),
        ("(415) 555-0132", "US", "+14155550132"),
        ("1-415-555-0132", "US", "+14155550132"),
        ("415.555.0132", "CA", "+14155550132"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("+49 30 901820", "US", "+4930901820"),
        ("030 901820", "DE", "+4930901820"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("02 1234 5678", "AU", "+61212345678"),
        ("06 98765432", "IT", "+390698765432"),
        ("+39 06 98765432", "US", "+390698765432"),
        ("8 (495) 123-45-67", "RU", "+74951234567"),
        ("06 1 234 5678", "HU", "+3612345678"),
        ("+1 415 555 0132 x123", "US", "+14155550132"),
        ("+1 415 555 0132 ext. 5", "US", "+14155550132"),
        ("(415) 555-0132 Extension 77", "US", "+14155550132"),
        ("+44 20 7946 0958 #12", "US", "+442079460958"),
        ("tel:+1-415-555-0132;ext=9", "US", "+14155550132"),
        ("\u{00A0}+1\u{00A0}415\u{00A0}555\u{00A0}0132", "US", "+14155550132"),
        ("612 345 678", "es", "+34612345678"),
        ("+800 1234 5678", "US", "+80012345678"),
    ]

    @Test(arguments: acceptsCases)
    func accepts(raw: String, country: String, expected: String) {
        #expect(PhoneNumber.e164(raw, defaultCountry: country) == .success(expected))
    }

    static let rejectsCases: [(String, String, String)] = [
        ("", "US", "empty"),
        ("1-800-FLOWERS", "US", "contains letters"),
        ("call me", "US", "contains letters"),
        ("415*555*0132", "US", "contains invalid character '*'"),
        ("41+5 555 0132", "US", "'+' is only allowed at the start"),
        ("555-0132", "US", "North American numbers need 10 digits"),
        ("+1 415 555 01322", "US", "North American numbers need 10 digits"),
        ("(015) 555-0132", "US", "North American area codes cannot start with 0 or 1"),
        ("+999 1234 5678", "US", "unknown country calling code"),
        ("020 7946 0958", "ZZ", "unknown default country 'ZZ'"),
        ("+44 1234", "US", "too short"),
        ("+44 1234 5678 9012 3456", "US", "too long (more than 15 digits)"),
        ("()-", "US", "no digits"),
    ]

    @Test(arguments: rejectsCases)
    func rejects(raw: String, country: String, reason: String) {
        #expect(PhoneNumber.e164(raw, defaultCountry: country)
            == .failure(FieldProblem(reason: "is not a phone number: \(reason)")))
    }

    /// Numbers in ASCII digits and separators are read by a fast path; a trailing tab sends the same number through the
    /// full reading (which trims it off): both must answer alike, results and reasons.
    @Test func theFastPathAnswersAsTheFullReading() {
        let countries = ["US", "GB", "DE", "IT", "HU", "RU", "FR", "AU", "ZZ", "us"]
        let numbers = (Self.acceptsCases + Self.rejectsCases).map(\.0) + [
            " +1 415 555 0132 ", "+", "00", "0044 20 7946 0958", "011 44 20 7946 0958", "06 98765432", "06 1 234 5678",
            "8 (495) 123-45-67", "1 415 555 0132", "4155550132", "+44 (0)20 7946 0958", "-", "()", "12", "+1", "(0)",
        ]
        for number in numbers where PhoneNumber.plainDigits(number) != nil {
            for country in countries {
                #expect(PhoneNumber.e164(number, defaultCountry: country) == PhoneNumber.e164(number + "\t", defaultCountry: country), "\(number) in \(country)")
            }
        }
    }

    @Test func everyCountryHasACallingCode() {
        #expect(CountryTable.records.count == 249)
        for record in CountryTable.records {
            #expect(PhoneNumber.callingCodes.contains(record.callingCode))
            #expect(TextFolding.isDigits(record.callingCode) && record.callingCode.count <= 3)
        }
        #expect(PhoneNumber.trunkZeroCodes.contains("44"))
        #expect(!PhoneNumber.trunkZeroCodes.contains("39"))
    }

    /// A contact's own country reads national numbers written as there: with a trunk 0 anywhere, and always in North
    /// America (no trunk 0); other numbers follow the workspace's default country.
    @Test func theContactsCountryReadsItsNationalNumbers() {
        #expect(PhoneNumber.e164("415-555-0100", country: "US", defaultCountry: "DE") == .success("+14155550100"))
        #expect(PhoneNumber.e164("(416) 555-0100", country: "CA", defaultCountry: "DE") == .success("+14165550100"))
        #expect(PhoneNumber.e164("020 7946 0958", country: "GB", defaultCountry: "US") == .success("+442079460958"))
        #expect(PhoneNumber.e164("030 1234567", country: nil, defaultCountry: "DE") == .success("+49301234567"))
        #expect(PhoneNumber.e164("415-555-0100", country: "DE", defaultCountry: "US") == .success("+14155550100"))
    }

    @Test func callingCodesArePrefixFree() {
        for a in PhoneNumber.callingCodes {
            for b in PhoneNumber.callingCodes where a != b {
                #expect(!b.hasPrefix(a), "\(a) is a prefix of \(b)")
            }
        }
    }
}
