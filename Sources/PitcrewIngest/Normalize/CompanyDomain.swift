/// Company domains derived from websites and work email addresses, used to
/// match people to accounts.
public enum CompanyDomain {
    /// The company's domain from a website field (full URL or bare host), or nil.
    ///
    /// Lowercases; drops scheme, user info, port, path, query, fragment, a
    /// trailing dot and a leading "www." / "www2." (any "www" + digits). Returns
    /// nil for IP addresses, hosts without a dot and invalid host names.
    public static func fromWebsite(_ raw: String) -> String? {
        guard let host = URLParts.host(of: raw), !host.hasPrefix("[") else { return nil }
        let text = stripWWW(host)
        if HostName.isIPv4(text) || HostName.problem(text) != nil { return nil }
        return text
    }

    /// The domain of a work email address, or nil when the address is invalid
    /// or belongs to a free/consumer mail provider (see `isFreeMail`).
    public static func fromEmail(_ raw: String) -> String? {
        guard case .success(let address) = EmailAddress.normalize(raw),
              let at = address.lastIndex(of: "@") else { return nil }
        let domain = String(address[address.index(after: at)...])
        return isFreeMail(domain) ? nil : domain
    }

    /// `fromEmail` for an address `EmailAddress.normalize` already returned (imports normalize the email field first).
    static func fromNormalizedEmail(_ address: String) -> String? {
        guard let at = address.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let domain = String(address[address.utf8.index(after: at)...])
        return isFreeMail(domain) || placeholders.contains(domain) ? nil : domain
    }

    /// RFC 2606's example domains: addresses there are placeholders (test records, documentation), no company's.
    static let placeholders: Set<String> = ["example.com", "example.net", "example.org"]

    /// True when `domain` belongs to a free or consumer mail provider, whose
    /// addresses say nothing about the person's company.
    ///
    /// Checks the explicit list `FreeMailDomains.domains`, then brand families
    /// with many country domains (yahoo.*, hotmail.*, live.*, outlook.*, …)
    /// when the part after the brand is a country or generic suffix like
    /// "fr", "com" or "co.uk".
    public static func isFreeMail(_ domain: String) -> Bool {
        // Lower-case ASCII, as normalized addresses are, needs no folding.
        let plain = domain.utf8.allSatisfy { $0 > 0x20 && $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }
        var host = plain ? domain : TextFolding.trim(domain).lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        if FreeMailDomains.domains.contains(host) { return true }
        // Most domains are no brand's: the first label settles it without splitting the rest.
        guard let dot = host.utf8.firstIndex(of: UInt8(ascii: ".")), FreeMailDomains.brandFamilies.contains(String(host[..<dot])) else {
            return false
        }
        let labels = host.split(separator: ".")
        guard labels.count >= 2, labels.count <= 3 else { return false }
        let tld = labels[labels.count - 1]
        guard tld.count <= 3, tld.allSatisfy(\.isLetter) else { return false }
        return labels.count == 2 || ["co", "com", "net", "org", "ne", "or"].contains(labels[1])
    }

    /// `host` without a leading "www." or "www<digits>." label.
    static func stripWWW(_ host: String) -> String {
        guard host.hasPrefix("www"), let dot = host.firstIndex(of: ".") else { return host }
        let label = host[host.index(host.startIndex, offsetBy: 3)..<dot]
        guard label.isEmpty || TextFolding.isDigits(label) else { return host }
        let rest = String(host[host.index(after: dot)...])
        return rest.contains(".") ? rest : host
    }
}
