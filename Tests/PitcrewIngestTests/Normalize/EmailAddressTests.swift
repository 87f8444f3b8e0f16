import Testing
@testable import PitcrewIngest

struct EmailAddressTests {
    static let acceptsCases: [(String, String)] = [
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("  jane@example.com\u{00A0}", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("mailto:Jane@Example.com", "jane@example.com"),
        ("MAILTO:jane@example.com?subject=hi", "jane@example.com"),
        ("<mailto:jane@example.com>", "jane@example.com"),
        ("o'brien+news@sub.example.co.uk", "o'brien+news@sub.example.co.uk"),
        ("a!#$%&*/=?^_`{|}~-b@example.org", "a!#$%&*/=?^_`{|}~-b@example.org"),
        ("user@münchen.de", "user@münchen.de"),
        ("user@MÜNCHEN.DE", "user@münchen.de"),
        ("user@xn--80ak6aa92e.xn--p1ai", "user@xn--80ak6aa92e.xn--p1ai"),
        ("user@my-domain.io", "user@my-domain.io"),
        ("ivan@Пример.РФ", "ivan@пример.рф"),
    ]

    @Test(arguments: acceptsCases)
    func accepts(raw: String, expected: String) {
        #expect(EmailAddress.normalize(raw) == .success(expected))
    }

    static let rejectsCases: [(String, String)] = [
        ("", "is not an email address: empty"),
        ("jane.example.com", "is not an email address: missing @"),
        ("jane@doe@example.com", "is not an email address: more than one @"),
        ("@example.com", "is not an email address: empty local part before @"),
        (String(repeating: "a", count: 65) + "@example.com", "is not an email address: local part longer than 64 characters"),
        (".jane@example.com", "is not an email address: local part has a leading, trailing or double dot"),
        ("jane.@example.com", "is not an email address: local part has a leading, trailing or double dot"),
        ("ja..ne@example.com", "is not an email address: local part has a leading, trailing or double dot"),
        ("\"jane doe\"@example.com", "is not an email address: local part contains invalid character '\"'"),
        ("jane doe@example.com", "is not an email address: contains a space"),
        ("jané@example.com", "is not an email address: local part contains invalid character 'é'"),
        ("jane@", "is not an email address: empty domain"),
        ("jane@localhost", "is not an email address: domain has no dot"),
        ("jane@example..com", "is not an email address: domain has an empty label"),
        ("jane@-example.com", "is not an email address: domain label starts or ends with '-'"),
        ("jane@example-.com", "is not an email address: domain label starts or ends with '-'"),
        ("jane@exa_mple.com", "is not an email address: domain contains invalid character '_'"),
        ("jane@[192.168.0.1]", "is not an email address: domain contains invalid character '['"),
        ("jane@example.c", "is not an email address: top-level domain must be at least two letters"),
        ("jane@example.123", "is not an email address: top-level domain must be at least two letters"),
        ("jane@" + String(repeating: "a", count: 64) + ".com", "is not an email address: domain label longer than 63 characters"),
        ("jane@" + Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".") + ".com",
         "is not an email address: longer than 254 characters"),
    ]

    @Test(arguments: rejectsCases)
    func rejects(raw: String, reason: String) {
        #expect(EmailAddress.normalize(raw) == .failure(FieldProblem(reason: reason)))
    }
}
