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
}
