import Foundation
/// Minimal, forgiving URL dissection for analytics data, where URLs are often
/// relative, unencoded or otherwise not what `URLComponents` accepts.
enum URLParts {
    /// The lowercased host of a URL or bare host ("HTTPS://User@Www.Acme.com:8080/x"
    /// → "www.acme.com"), without user info, port or trailing dot; nil if empty.
    static func host(of raw: String) -> String? {
        var text = TextFolding.trim(raw).lowercased()
        if let scheme = text.range(of: "://") {
            text = String(text[scheme.upperBound...])
        } else if text.hasPrefix("//") {
            text = String(text.dropFirst(2))
        }
        if let end = text.firstIndex(where: { "/?#\\".contains($0) }) {
            text = String(text[..<end])
        }
        if let at = text.lastIndex(of: "@") { text = String(text[text.index(after: at)...]) }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = String(text[...close])
        } else if let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        if text.hasSuffix(".") { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// The query parameters of `url` in order, keys and values percent-decoded
    /// with "+" read as a space. The fragment is ignored.
    static func queryItems(of url: String) -> [(key: String, value: String)] {
        guard let question = url.firstIndex(of: "?") else { return [] }
        var query = url[url.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return query.split(whereSeparator: { $0 == "&" || $0 == ";" }).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(parts[0])
            guard !key.isEmpty else { return nil }
            return (key, parts.count > 1 ? percentDecode(parts[1]) : "")
        }
    }

    /// Decodes `%XX` escapes as UTF-8 and `+` as a space. Malformed escapes
    /// are kept as written; invalid UTF-8 becomes U+FFFD.
    static func percentDecode<S: StringProtocol>(_ text: S) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), i + 2 < utf8.count,
                      let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 2
            } else {
                bytes.append(byte)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
