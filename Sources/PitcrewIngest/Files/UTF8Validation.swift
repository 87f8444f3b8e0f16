/// Strict UTF-8 validation that reports the first offending byte.
///
/// `String(decoding:)` would silently replace bad bytes with U+FFFD, turning a Latin-1
/// or UTF-16 export into garbage without telling anyone. Import files must be refused
/// with the exact byte and offset instead, so the person can re-export them.
enum UTF8Validation {
    /// Index of the first byte in `bytes[from..<to]` that does not start or continue a
    /// well-formed UTF-8 sequence (overlongs, surrogates and code points above U+10FFFF are
    /// rejected), or nil when the range is valid. For a broken multi-byte sequence the index
    /// of its lead byte is returned, which is the byte a person recognizes (e.g. Latin-1 `é` = 0xE9).
    static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var i = from
        while i < to {
            // ASCII fast path, eight bytes at a time.
            while i + 8 <= to {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= to { return nil }
            let lead = base[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            if i + length > to { return i }
            let second = base[i + 1]
            if second < low || second > high { return i }
            var k = 2
            while k < length {
                let next = base[i + k]
                if next < 0x80 || next > 0xBF { return i }
                k += 1
            }
            i += length
        }
        return nil
    }
}
