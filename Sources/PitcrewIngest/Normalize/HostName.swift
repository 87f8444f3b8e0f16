/// Syntax checks for DNS host names, shared by email and company-domain
/// normalization so both accept and reject the same domains.
enum HostName {
    /// Returns nil when `domain` (already lowercased) is a usable public host
    /// name, otherwise the reason it is not.
    ///
    /// Rules: at least two labels; each label 1–63 characters of `a-z`, `0-9`,
    /// `-` or Unicode letters/digits (IDN domains are kept in Unicode as typed),
    /// not starting or ending with `-`; the last label (TLD) is at least two
    /// letters, or an ASCII-compatible IDN TLD (`xn--…`).
    static func problem(_ domain: String) -> String? {
        if domain.isEmpty { return "empty domain" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 { return "domain has no dot" }
        for label in labels {
            if label.isEmpty { return "domain has an empty label" }
            if label.count > 63 { return "domain label longer than 63 characters" }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "domain label starts or ends with '-'"
            }
            for scalar in label.unicodeScalars where !isLabelScalar(scalar) {
                return "domain contains invalid character '\(scalar)'"
            }
        }
        guard let tld = labels.last else { return "empty domain" }
        let alphabetic = tld.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }
        if !(tld.hasPrefix("xn--") || (alphabetic && tld.count >= 2)) {
            return "top-level domain must be at least two letters"
        }
        return nil
    }

    /// True when `host` is a dotted IPv4 address such as "192.168.0.1".
    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { TextFolding.isDigits($0) && $0.count <= 3 }
    }

    private static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "-": return true
        default:
            return !scalar.isASCII
                && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    || scalar.properties.generalCategory == .nonspacingMark
                    || scalar.properties.generalCategory == .spacingMark)
        }
    }
}
