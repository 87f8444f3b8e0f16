/// Where one field sits in the reader's buffer.
struct FieldSpan {
    /// First content byte (after an opening quote).
    var start: Int
    /// One past the last content byte (before a closing quote).
    var end: Int
    /// The field was quoted and contains doubled quotes that must be collapsed.
    var hasEscapedQuotes: Bool
}

/// The result of trying to parse one record from the bytes in the window.
enum RecordParseOutcome {
    /// A complete record; `next` is the index after its line terminator and
    /// `innerLines` counts line breaks inside quoted fields.
    case record(next: Int, innerLines: Int)
    /// The record runs past the bytes available; refill and parse it again.
    case needMore
    /// End of data inside a quoted field (1-based column).
    case unterminatedQuote(column: Int)
    /// A byte other than delimiter/line end/space after a closing quote (1-based column).
    case characterAfterClosingQuote(byte: UInt8, column: Int, innerLines: Int)
}

/// The RFC 4180 record scanner, a pure function over a byte range so it can be retried
/// from the record start after a refill (records are small relative to a chunk, so the
/// re-scan costs nothing measurable and keeps the state machine free of resume points).
///
/// Accepted beyond RFC 4180, because real exports do it: LF, CRLF and lone CR line ends;
/// spaces between a closing quote and the delimiter; and a quote inside an unquoted
/// field (`5" screen`) taken literally.
enum DelimitedRecordParser {
    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")

    static func parse(
        _ p: UnsafeBufferPointer<UInt8>,
        from: Int,
        end n: Int,
        atEOF eof: Bool,
        delimiter: UInt8,
        spans: inout [FieldSpan]
    ) -> RecordParseOutcome {
        spans.removeAll(keepingCapacity: true)
        var i = from
        var innerLines = 0
        while true {
            // At the start of a field.
            if i >= n {
                if !eof { return .needMore }
                spans.append(FieldSpan(start: i, end: i, hasEscapedQuotes: false))
                return .record(next: i, innerLines: innerLines)
            }
            if p[i] == quote {
                i += 1
                let contentStart = i
                var contentEnd = i
                var escaped = false
                while true {
                    if i >= n {
                        return eof ? .unterminatedQuote(column: spans.count + 1) : .needMore
                    }
                    let b = p[i]
                    if b == quote {
                        if i + 1 >= n {
                            if !eof { return .needMore }
                            contentEnd = i
                            i += 1
                            break
                        }
                        if p[i + 1] == quote {
                            escaped = true
                            i += 2
                            continue
                        }
                        contentEnd = i
                        i += 1
                        break
                    }
                    if b == lineFeed || (b == carriageReturn && (i + 1 >= n || p[i + 1] != lineFeed)) {
                        innerLines += 1
                    }
                    i += 1
                }
                spans.append(FieldSpan(start: contentStart, end: contentEnd, hasEscapedQuotes: escaped))
                while i < n && p[i] == space { i += 1 }
                if i >= n {
                    if !eof { return .needMore }
                    return .record(next: i, innerLines: innerLines)
                }
                let b = p[i]
                if b == delimiter {
                    i += 1
                    continue
                }
                if b == lineFeed { return .record(next: i + 1, innerLines: innerLines) }
                if b == carriageReturn { return lineEndAfterCR(p, at: i, end: n, atEOF: eof, innerLines: innerLines) }
                return .characterAfterClosingQuote(byte: b, column: spans.count, innerLines: innerLines)
            } else {
                let fieldStart = i
                while i < n {
                    let b = p[i]
                    if b == delimiter || b == lineFeed || b == carriageReturn { break }
                    i += 1
                }
                if i >= n {
                    if !eof { return .needMore }
                    spans.append(FieldSpan(start: fieldStart, end: i, hasEscapedQuotes: false))
                    return .record(next: i, innerLines: innerLines)
                }
                spans.append(FieldSpan(start: fieldStart, end: i, hasEscapedQuotes: false))
                let b = p[i]
                if b == delimiter {
                    i += 1
                    continue
                }
                if b == lineFeed { return .record(next: i + 1, innerLines: innerLines) }
                return lineEndAfterCR(p, at: i, end: n, atEOF: eof, innerLines: innerLines)
            }
        }
    }

    /// A CR ends the record; swallow a following LF. A CR at the very end of the
    /// window needs one more byte to know whether an LF follows.
    @inline(__always)
    private static func lineEndAfterCR(
        _ p: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int, atEOF eof: Bool, innerLines: Int
    ) -> RecordParseOutcome {
        if i + 1 >= n {
            return eof ? .record(next: i + 1, innerLines: innerLines) : .needMore
        }
        return .record(next: p[i + 1] == lineFeed ? i + 2 : i + 1, innerLines: innerLines)
    }

    /// Decodes one field; the bytes have already been validated as UTF-8.
    @inline(__always)
    static func string(_ p: UnsafeBufferPointer<UInt8>, _ span: FieldSpan, scratch: inout [UInt8]) -> String {
        if !span.hasEscapedQuotes {
            return String(decoding: UnsafeBufferPointer(rebasing: p[span.start..<span.end]), as: UTF8.self)
        }
        scratch.removeAll(keepingCapacity: true)
        var i = span.start
        while i < span.end {
            let b = p[i]
            scratch.append(b)
            // Inside a quoted field every quote is doubled; keep one of the pair.
            i += (b == quote) ? 2 : 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A line of only delimiters and whitespace (what spreadsheets leave after deleting
    /// rows) counts as blank and is skipped.
    static func isBlank(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int, delimiter: UInt8) -> Bool {
        var i = from
        while i < to {
            let b = p[i]
            if b != delimiter && b != space && b != UInt8(ascii: "\t") && b != lineFeed && b != carriageReturn {
                return false
            }
            i += 1
        }
        return true
    }
}
