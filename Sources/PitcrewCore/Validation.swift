import Foundation

/// Rules for values that enter Pitcrew from people and files.
public enum Validation {
    /// An absolute http or https URL with a host (links people store: websites, playbooks, evidence, webhooks).
    public static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }

    /// A URL-safe slug: 2–48 characters of a–z, 0–9 and inner hyphens.
    public static func isSlug(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...48).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
    }

    /// Trims and lower-cases an email and checks its syntax (one `@`, a dotted domain, no spaces); nil when invalid.
    public static func normalizedEmail(_ text: String) -> String? {
        let email = text.trimmingASCIIWhitespace().lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, email.utf8.count <= 254 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
            (labels.last?.count ?? 0) >= 2
        else { return nil }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-".utf8)
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-".utf8)
        guard parts[0].utf8.allSatisfy({ allowedLocal.contains($0) || $0 >= 0x80 }),
            domain.utf8.allSatisfy({ allowedDomain.contains($0) || $0 >= 0x80 }),
            !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..")
        else { return nil }
        return email
    }

    /// A name people typed: trimmed, 1–`max` characters, no control characters.
    public static func name(_ text: String, field: String, max: Int = 200, into validator: inout Validator) -> String {
        let trimmed = text.trimmingASCIIWhitespace()
        if trimmed.isEmpty {
            validator.add(field, "must not be empty")
        } else if trimmed.count > max {
            validator.add(field, "must be at most \(max) characters")
        } else if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            validator.add(field, "must not contain control characters")
        }
        return trimmed
    }
}

extension String {
    /// Trims spaces, tabs and line breaks at both ends.
    public func trimmingASCIIWhitespace() -> String {
        if let first = utf8.first, let last = utf8.last, first > 0x20, last > 0x20 { return self }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
