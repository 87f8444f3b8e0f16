/// Normalization of email addresses coming from CSV imports, forms and CRMs.
public enum EmailAddress {
    /// The characters RFC 5322 allows in an unquoted (dot-atom) local part, besides letters and digits.
    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    /// Normalizes `raw` to a lowercased address, or says why it is not one.
    ///
    /// Trims white space (including NBSP), strips surrounding `<…>` and a
    /// `mailto:` prefix (and any `?query` after it), lowercases the whole
    /// address (mailbox providers treat local parts case-insensitively in
    /// practice, and dedup needs one spelling), then checks practical syntax:
    /// exactly one `@`; an unquoted dot-atom local part of at most 64
    /// characters; a domain that passes `HostName.problem`; at most 254
    /// characters overall. Quoted local parts and IP-literal domains are
    /// rejected: they are legal but never seen in marketing data.
    public static func normalize(_ raw: String) -> Result<String, FieldProblem> {
        if let fast = plainASCII(raw) { return .success(fast) }
        var text = TextFolding.trim(raw)
        if text.hasPrefix("<") && text.hasSuffix(">") && text.count >= 2 {
            text = TextFolding.trim(String(text.dropFirst().dropLast()))
        }
        if text.lowercased().hasPrefix("mailto:") {
            text = String(text.dropFirst("mailto:".count))
            if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
            text = TextFolding.trim(text)
        }
        text = text.lowercased()
        func fail(_ why: String) -> Result<String, FieldProblem> {
            .failure(FieldProblem(reason: "is not an email address: \(why)"))
        }
        if text.isEmpty { return fail("empty") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 1 { return fail("missing @") }
        if parts.count > 2 { return fail("more than one @") }
        let local = parts[0], domain = String(parts[1])
        if local.isEmpty { return fail("empty local part before @") }
        if local.utf8.count > 64 { return fail("local part longer than 64 characters") }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return fail("local part has a leading, trailing or double dot")
        }
        for scalar in local.unicodeScalars {
            let ok = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || atextSymbols.contains(scalar)
            if !ok {
                return fail(scalar == " " ? "contains a space" : "local part contains invalid character '\(scalar)'")
            }
        }
        if let problem = HostName.problem(domain) { return fail(problem) }
        if text.utf8.count > 254 { return fail("longer than 254 characters") }
        return .success(text)
    }

    /// The common case in one pass over the bytes: an ASCII address with nothing to trim or strip, a valid dot-atom
    /// local part and a plain domain (labels of letters, digits and inner hyphens; an alphabetic TLD of 2+ letters).
    /// Anything else (and every invalid address, for its precise reason) goes through the full rules above.
    static func plainASCII(_ raw: String) -> String? {
        var bytes = Array(raw.utf8)
        guard bytes.count >= 5, bytes.count <= 254 else { return nil }
        var at = -1
        for index in bytes.indices {
            var byte = bytes[index]
            if byte >= 65 && byte <= 90 {
                byte += 32
                bytes[index] = byte
            }
            if byte == UInt8(ascii: "@") {
                guard at < 0 else { return nil }
                at = index
                continue
            }
            let letterOrDigit = (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
            if at < 0 {
                guard letterOrDigit || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+")
                else { return nil }
            } else {
                guard letterOrDigit || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") else { return nil }
            }
        }
        guard at > 0, at <= 64, at < bytes.count - 1 else { return nil }
        let local = bytes[0..<at], domain = bytes[(at + 1)...]
        guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return nil }
        var previous: UInt8 = 0
        for byte in local {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return nil }
            previous = byte
        }
        // Domain labels: non-empty, ≤ 63, no leading/trailing hyphen; at least two; the last alphabetic, ≥ 2.
        let labelList = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labelList {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return nil }
        }
        guard let tld = labelList.last, tld.count >= 2, tld.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return nil }
        let labels = labelList.count
        guard labels >= 2 else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
