import Foundation

/// JSON string literals written directly: responses that embed stored JSON as-is, and traits stored as JSON. `<` is
/// escaped too, so the text is also safe inside HTML.
public enum JSONText {
    public static func string(_ text: String) -> String {
        // Most text needs no escape: copied whole rather than a scalar at a time.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C }) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public static func optional(_ text: String?) -> String { text.map(string) ?? "null" }
}
