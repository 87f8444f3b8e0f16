/// A validating JSON reader over bytes that keeps values where they are: objects and arrays come back as byte ranges
/// of the input (stored as-is, never re-encoded), and only the scalars collection looks at are decoded.
/// It is what makes the collection endpoints cheap: one pass over the body, no intermediate tree.
struct JSONScanner {
    struct Failure: Error, Equatable {
        let offset: Int
        let reason: String
    }

    /// A value read shallowly: scalars decoded, containers as ranges of the input.
    enum Value: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case object(Range<Int>)
        case array(Range<Int>)

        var typeName: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .object: "an object"
            case .array: "an array"
            }
        }
    }

    static let maximumDepth = 64
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(what)") }
        index += 1
    }

    /// Calls `body` with each key of the object that starts here; `body` must consume the value (`value()` or `skip()`).
    mutating func object(_ body: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try body(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            throw fail("expected ',' or '}' in an object")
        }
    }

    /// Calls `body` for each element of the array that starts here; `body` must consume the element.
    mutating func array(_ body: (inout JSONScanner, Int) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        var position = 0
        while true {
            try body(&self, position)
            position += 1
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            throw fail("expected ',' or ']' in an array")
        }
    }

    /// Reads one value shallowly (containers are validated and returned as ranges).
    mutating func value() throws -> Value {
        skipWhitespace()
        guard index < bytes.count else { throw fail("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            let start = index
            try skip(depth: 0)
            return .object(start..<index)
        case UInt8(ascii: "["):
            let start = index
            try skip(depth: 0)
            return .array(start..<index)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let start = index
            try number()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
    }

    /// Validates and passes over one value.
    mutating func skip(depth: Int = 0) throws {
        guard depth < Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels deep") }
        skipWhitespace()
        guard index < bytes.count else { throw fail("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"): try object { scanner, _ in try scanner.skip(depth: depth + 1) }
        case UInt8(ascii: "["): try array { scanner, _ in try scanner.skip(depth: depth + 1) }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw fail("invalid literal") }
        index += count
    }

    mutating func number() throws {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
        guard index > integerStart else { throw Failure(offset: start, reason: "expected a value") }
        if index - integerStart > 1, bytes[integerStart] == UInt8(ascii: "0") { throw Failure(offset: start, reason: "leading zero in a number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
            guard index > fractionStart else { throw fail("digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
            guard index > exponentStart else { throw fail("digits expected in an exponent") }
        }
    }

    /// Validates a string (escapes, control characters, UTF-8) and passes over it.
    mutating func skipString() throws {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                try escape(into: nil)
            } else if byte < 0x20 {
                throw fail("control character in a string")
            } else if byte < 0x80 {
                index += 1
            } else {
                try multibyte(into: nil)
            }
        }
        throw fail("unterminated string")
    }

    /// Reads a string value, decoding escapes.
    mutating func string() throws -> String {
        let start = index + 1
        var scan = start
        // Fast path: plain ASCII without escapes is taken as-is.
        while scan < bytes.count {
            let byte = bytes[scan]
            if byte == UInt8(ascii: "\"") {
                index = scan + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<scan]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            scan += 1
        }
        var out: [UInt8] = Array(bytes[start..<scan])
        index = scan
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try escape(into: &out)
            } else if byte < 0x20 {
                throw fail("control character in a string")
            } else if byte < 0x80 {
                out.append(byte)
                index += 1
            } else {
                try multibyte(into: &out)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func escape(into out: UnsafeMutablePointer<[UInt8]>?) throws {
        guard index + 1 < bytes.count else { throw fail("unterminated escape") }
        let code = bytes[index + 1]
        index += 2
        let simple: UInt8?
        switch code {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default: throw fail("invalid escape")
        }
        if let simple {
            out?.pointee.append(simple)
            return
        }
        var scalar = try hex4()
        if scalar >= 0xD800 && scalar < 0xDC00 {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate")
            }
            index += 2
            let low = try hex4()
            guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar < 0xE000 {
            throw fail("unpaired surrogate")
        }
        if let out, let unicode = Unicode.Scalar(scalar) { out.pointee.append(contentsOf: Array(String(Character(unicode)).utf8)) }
    }

    private mutating func escape(into out: inout [UInt8]) throws {
        try withUnsafeMutablePointer(to: &out) { pointer in try escape(into: pointer) }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, ≤ U+10FFFF).
    private mutating func multibyte(into out: UnsafeMutablePointer<[UInt8]>?) throws {
        let lead = bytes[index]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: (length, scalar, minimum) = (2, UInt32(lead & 0x1F), 0x80)
        case 0xE0...0xEF: (length, scalar, minimum) = (3, UInt32(lead & 0x0F), 0x800)
        case 0xF0...0xF4: (length, scalar, minimum) = (4, UInt32(lead & 0x07), 0x10000)
        default: throw fail("invalid UTF-8")
        }
        guard index + length <= bytes.count else { throw fail("invalid UTF-8") }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { throw fail("invalid UTF-8") }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { throw fail("invalid UTF-8") }
        minimum = 0
        out?.pointee.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
        index += length
    }

    private mutating func multibyte(into out: inout [UInt8]) throws {
        try withUnsafeMutablePointer(to: &out) { pointer in try multibyte(into: pointer) }
    }

    /// The text of a range of the input.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Reads an object of the input shallowly into key → value (later duplicates win, as in JavaScript).
    func shallowObject(_ range: Range<Int>) throws -> [String: Value] {
        var scanner = JSONScanner(bytes, at: range.lowerBound)
        var result: [String: Value] = [:]
        try scanner.object { scanner, key in result[key] = try scanner.value() }
        return result
    }
}
