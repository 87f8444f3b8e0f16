/// A failure inside one JSON line, positioned by 1-based byte within the line.
struct JSONLineParseError: Error {
    var message: String
    /// 1-based byte position within the line.
    var position: Int
}

/// A small hand parser for one JSON Lines object.
///
/// Hand-written rather than `JSONSerialization` because numbers must keep their literal
/// text (`1.10` stays `1.10`, large ids do not become floating point), nested values must
/// come back as JSON text, and there is no need to box every value in `Any`.
/// Input is already validated UTF-8.
struct JSONLineParser {
    private let p: UnsafeBufferPointer<UInt8>
    private let lineStart: Int
    private let end: Int
    private var i: Int
    private var scratch: [UInt8] = []
    /// Nesting limit for arrays/objects inside a value, so a hostile line cannot exhaust the stack.
    static let maxDepth = 256

    init(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        self.p = p
        lineStart = from
        end = to
        i = from
    }

    /// Parses `{ "key": value, ... }` and returns the pairs in file order with values
    /// rendered as text: strings unescaped, numbers as written, `true`/`false`, null as "",
    /// nested objects/arrays as their JSON text.
    mutating func parseObject() throws(JSONLineParseError) -> [(key: String, value: String)] {
        skipWhitespace()
        guard i < end, p[i] == UInt8(ascii: "{") else {
            throw fail("expected a JSON object ({…}) on this line")
        }
        i += 1
        var pairs: [(key: String, value: String)] = []
        skipWhitespace()
        if i < end, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < end, p[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                let key = try parseString()
                skipWhitespace()
                guard i < end, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                i += 1
                skipWhitespace()
                let value = try parseValueText(key: key)
                pairs.append((key, value))
                skipWhitespace()
                guard i < end else { throw fail("the object is not closed (missing '}')") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw fail("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
        skipWhitespace()
        if i < end { throw fail("unexpected text after the closing '}'") }
        return pairs
    }

    private mutating func parseValueText(key: String) throws(JSONLineParseError) -> String {
        guard i < end else { throw fail("missing value for \"\(key)\"") }
        switch p[i] {
        case UInt8(ascii: "\""):
            return try parseString()
        case UInt8(ascii: "t"):
            try literal("true")
            return "true"
        case UInt8(ascii: "f"):
            try literal("false")
            return "false"
        case UInt8(ascii: "n"):
            try literal("null")
            return ""
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            try skipNumber()
            return text(start, i)
        case UInt8(ascii: "{"), UInt8(ascii: "[") :
            let start = i
            try skipValue(depth: 0)
            return text(start, i)
        default:
            throw fail("invalid value for \"\(key)\"")
        }
    }

    // MARK: - Pieces

    private mutating func skipWhitespace() {
        while i < end {
            let b = p[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 } else { return }
        }
    }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: p[from..<to]), as: UTF8.self)
    }

    private func fail(_ message: String) -> JSONLineParseError {
        JSONLineParseError(message: message, position: i - lineStart + 1)
    }

    private mutating func literal(_ word: StaticString) throws(JSONLineParseError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= end else { throw fail("invalid literal (expected \(word))") }
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for k in 0..<count where p[i + k] != bytes[k] {
            throw fail("invalid literal (expected \(word))")
        }
        i += count
    }

    private mutating func skipNumber() throws(JSONLineParseError) {
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, digit.contains(p[i]) else { throw fail("invalid number") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < end, digit.contains(p[i]) { i += 1 }
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, digit.contains(p[i]) else { throw fail("invalid number (no digit after '.')") }
            while i < end, digit.contains(p[i]) { i += 1 }
        }
        if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, digit.contains(p[i]) else { throw fail("invalid number (no digit in exponent)") }
            while i < end, digit.contains(p[i]) { i += 1 }
        }
    }

    /// Skips one value (validating it) without building anything.
    private mutating func skipValue(depth: Int) throws(JSONLineParseError) {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        guard i < end else { throw fail("missing value") }
        switch p[i] {
        case UInt8(ascii: "\""):
            _ = try parseString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        case UInt8(ascii: "["):
            i += 1
            skipWhitespace()
            if i < end, p[i] == UInt8(ascii: "]") {
                i += 1
                return
            }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard i < end else { throw fail("an array is not closed (missing ']')") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "{"):
            i += 1
            skipWhitespace()
            if i < end, p[i] == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                skipWhitespace()
                guard i < end, p[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                _ = try parseString()
                skipWhitespace()
                guard i < end, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                i += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard i < end else { throw fail("an object is not closed (missing '}')") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; return }
                throw fail("expected ',' or '}' in an object")
            }
        default:
            throw fail("invalid value")
        }
    }

    /// Parses a string starting at its opening quote, decoding escapes.
    private mutating func parseString() throws(JSONLineParseError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let value = text(start, i)
                i += 1
                return value
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character inside a string (must be escaped)") }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character inside a string (must be escaped)") }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                i += 1
                continue
            }
            i += 1
            guard i < end else { break }
            let escape = p[i]
            i += 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hex4()
                if (0xD800...0xDBFF).contains(value) {
                    guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired UTF-16 surrogate in a \\u escape") }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(value) {
                    throw fail("unpaired UTF-16 surrogate in a \\u escape")
                }
                guard let scalar = Unicode.Scalar(value) else { throw fail("invalid \\u escape") }
                UTF8.encode(scalar) { scratch.append($0) }
            default:
                i -= 1
                throw fail("invalid escape sequence in a string")
            }
        }
        throw fail("a string is not closed (missing '\"')")
    }

    private mutating func hex4() throws(JSONLineParseError) -> UInt32 {
        guard i + 4 <= end else { throw fail("invalid \\u escape (needs 4 hex digits)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = p[i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape (needs 4 hex digits)")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }
}
