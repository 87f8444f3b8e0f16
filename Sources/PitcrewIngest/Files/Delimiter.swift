/// The field separator of a delimited text file.
///
/// Only the four separators that real exports use are supported, so auto-detection
/// has a small, unambiguous candidate set and a mapping file cannot name an odd byte
/// (such as a quote) that would make the file unparseable.
public enum Delimiter: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case comma = ","
    case semicolon = ";"
    case tab = "\t"
    case pipe = "|"

    /// The ASCII byte the reader splits on.
    public var byte: UInt8 {
        switch self {
        case .comma: return UInt8(ascii: ",")
        case .semicolon: return UInt8(ascii: ";")
        case .tab: return UInt8(ascii: "\t")
        case .pipe: return UInt8(ascii: "|")
        }
    }

    /// A readable name for messages ("comma", "tab", …).
    public var description: String {
        switch self {
        case .comma: return "comma"
        case .semicolon: return "semicolon"
        case .tab: return "tab"
        case .pipe: return "pipe"
        }
    }

    /// Parses the spellings a person writes in a mapping file: the character itself
    /// (`","`, `";"`, `"\t"`, `"|"`) or its name (`"comma"`, `"tab"`, …), case-insensitively.
    public init?(spelling: String) {
        if let exact = Delimiter(rawValue: spelling) {
            self = exact
            return
        }
        switch spelling.lowercased() {
        case "comma": self = .comma
        case "semicolon": self = .semicolon
        case "tab", "\\t": self = .tab
        case "pipe": self = .pipe
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Delimiter(spelling: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown delimiter \"\(text)\" (expected one of \",\", \";\", \"\\t\", \"|\" or comma, semicolon, tab, pipe)"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
