import Foundation

/// Small text helpers shared by the normalizers. Internal: they encode this
/// package's matching rules, not a general API.
enum TextFolding {
    /// Characters trimmed from both ends of every raw field: Unicode white space
    /// and new lines (which include the non-breaking space U+00A0) plus the
    /// zero-width characters that spreadsheets and web forms leave behind.
    static let trimSet: CharacterSet = {
        var set = CharacterSet.whitespacesAndNewlines
        set.insert(charactersIn: "\u{00A0}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}")
        return set
    }()

    /// `raw` without leading and trailing white space (see `trimSet`).
    static func trim(_ raw: String) -> String {
        // Most values have nothing to trim: check the ends before asking Foundation.
        if let first = raw.utf8.first, let last = raw.utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return raw }
        return raw.trimmingCharacters(in: trimSet)
    }

    /// True for white space of any kind, including NBSP and thin spaces.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        trimSet.contains(scalar) || scalar.properties.isWhitespace
    }

    /// Lowercases and removes accents ("Côte" → "cote") without depending on
    /// the process locale: canonical decomposition, then drop combining marks.
    /// A few letters that do not decompose are mapped by hand.
    static func foldAccents(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                break
            }
            switch scalar {
            case "ø": out.append("o")
            case "ł": out.append("l")
            case "đ": out.append("d")
            case "ı": out.append("i")
            case "æ": out.append(contentsOf: "ae".unicodeScalars)
            case "œ": out.append(contentsOf: "oe".unicodeScalars)
            case "ß": out.append(contentsOf: "ss".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A lookup key for names: accents folded, lowercase, "&" read as "and",
    /// dots and apostrophes removed ("U.S.A." → "usa"), other punctuation read
    /// as a space, runs of spaces collapsed, and a leading "the " dropped.
    static func nameKey(_ raw: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in foldAccents(trim(raw)).unicodeScalars {
            if scalar == "." || scalar == "'" || scalar == "\u{2019}" || scalar == "`" {
                continue
            }
            if scalar == "&" {
                if !current.isEmpty { words.append(current); current = "" }
                words.append("and")
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        if words.count > 1, words[0] == "the" { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// True when every scalar is an ASCII digit and the text is not empty.
    static func isDigits<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
