public import Foundation

/// How the columns of one import file map onto the fields of an ``ImportKind``.
///
/// Saved as JSON next to recurring imports so the same export maps the same way every time:
///
/// ```json
/// {"kind": "spend", "columns": {"Day": "day", "Cost": "cost", "Campaign status": ""},
///  "delimiter": ";", "day_order": "day_first", "currency": "EUR", "channel": "Paid Search",
///  "source": "google_ads"}
/// ```
///
/// `columns` maps a file header to a field name, to `traits.NAME` (contacts only: keep as a
/// custom trait), or to `""` (ignore). A header present in the file but absent from `columns`
/// is kept as a trait for contacts and ignored for other kinds.
public struct ImportMapping: Sendable, Hashable, Codable {
    public var kind: ImportKind
    /// File header → field name, `traits.NAME`, or "" to ignore.
    public var columns: [String: String]
    /// Delimiter to use instead of detecting it.
    public var delimiter: Delimiter?
    /// How to read ambiguous numeric dates.
    public var dayOrder: DayOrder?
    /// Currency for money fields when the row has none (ISO 4217, e.g. "USD").
    public var currency: String?
    /// Channel for rows without one (ad reports: "Paid Search", "Paid Social").
    public var channel: String?
    /// Source for rows without one (e.g. "google_ads").
    public var source: String?

    public init(
        kind: ImportKind,
        columns: [String: String] = [:],
        delimiter: Delimiter? = nil,
        dayOrder: DayOrder? = nil,
        currency: String? = nil,
        channel: String? = nil,
        source: String? = nil
    ) {
        self.kind = kind
        self.columns = columns
        self.delimiter = delimiter
        self.dayOrder = dayOrder
        self.currency = currency
        self.channel = channel
        self.source = source
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, columns, delimiter
        case dayOrder = "day_order"
        case currency, channel, source
    }

    /// Strict decoding: an unknown top-level key (a typo such as `colums`) is an error
    /// rather than a silently ignored setting.
    public init(from decoder: any Decoder) throws {
        let any = try decoder.container(keyedBy: AnyCodingKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for key in any.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: any,
                debugDescription: "unknown key (expected one of \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindText = try container.decode(String.self, forKey: .kind)
        guard let kind = ImportKind(rawValue: kindText.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown import kind \"\(kindText)\" (expected one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.kind = kind
        columns = try container.decodeIfPresent([String: String].self, forKey: .columns) ?? [:]
        delimiter = try container.decodeIfPresent(Delimiter.self, forKey: .delimiter)
        if let order = try container.decodeIfPresent(String.self, forKey: .dayOrder) {
            guard let value = DayOrder(rawValue: order) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .dayOrder, in: container,
                    debugDescription: "unknown day order \"\(order)\" (expected month_first or day_first)")
            }
            dayOrder = value
        }
        currency = try container.decodeIfPresent(String.self, forKey: .currency)
        channel = try container.decodeIfPresent(String.self, forKey: .channel)
        source = try container.decodeIfPresent(String.self, forKey: .source)
    }

    /// Reads a mapping file and checks it against its kind's fields.
    /// Errors name the offending key: `kind`, `columns["E-mail"]`, `currency`, ….
    public static func load(jsonData: Data) throws(ImportMappingError) -> ImportMapping {
        let mapping: ImportMapping
        do {
            mapping = try JSONDecoder().decode(ImportMapping.self, from: jsonData)
        } catch let error as DecodingError {
            throw ImportMappingError(decoding: error)
        } catch {
            throw ImportMappingError(path: "", reason: "\(error)")
        }
        try mapping.validate()
        return mapping
    }

    /// The mapping as pretty-printed JSON with sorted keys, for saving next to an import.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Checks every column target and default against the kind: unknown fields, traits on
    /// kinds without traits, two columns for one field, and malformed currency codes.
    public func validate() throws(ImportMappingError) {
        var owner: [String: String] = [:]
        for header in columns.keys.sorted() {
            let target = columns[header] ?? ""
            let path = "columns[\"\(header)\"]"
            if target.isEmpty { continue }
            if target.hasPrefix(ImportKind.traitPrefix) {
                guard kind.keepsTraits else {
                    throw ImportMappingError(path: path, reason: "\(kind) imports have no custom traits; map \"\(target)\" to a field or \"\" to ignore it")
                }
                guard target.count > ImportKind.traitPrefix.count else {
                    throw ImportMappingError(path: path, reason: "\"traits.\" needs a trait name after the dot")
                }
                continue
            }
            guard kind.field(named: target) != nil else {
                let names = kind.fields.map(\.name).joined(separator: ", ")
                throw ImportMappingError(path: path, reason: "unknown field \"\(target)\" for \(kind) (expected one of \(names)\(kind.keepsTraits ? ", traits.NAME" : "") or \"\" to ignore)")
            }
            if let other = owner[target] {
                throw ImportMappingError(path: path, reason: "field \"\(target)\" is already mapped from column \"\(other)\"")
            }
            owner[target] = header
        }
        if let currency, !Self.isCurrencyCode(currency) {
            throw ImportMappingError(path: "currency", reason: "\"\(currency)\" is not a 3-letter ISO 4217 code")
        }
    }

    /// Three ASCII letters.
    static func isCurrencyCode(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }
}

/// Any string key, to list the keys actually present in a JSON object.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension ImportMappingError {
    /// Turns a decoding failure into a message that names the key path.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else if text == "columns" {
                    text += "[\"\(key.stringValue)\"]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                self.init(path: "", reason: "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))")
            } else {
                self.init(path: path(context.codingPath), reason: context.debugDescription)
            }
        case let .keyNotFound(key, context):
            self.init(path: path(context.codingPath + [key]), reason: "missing (required)")
        case let .typeMismatch(type, context):
            if context.codingPath.isEmpty {
                self.init(path: "", reason: "the mapping file must hold one JSON object")
            } else {
                self.init(path: path(context.codingPath), reason: "wrong type (expected \(Self.describe(type)))")
            }
        case let .valueNotFound(type, context):
            self.init(path: path(context.codingPath), reason: "null where \(Self.describe(type)) is expected")
        @unknown default:
            self.init(path: "", reason: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is [String: String].Type, is [String: Any].Type: return "an object of strings"
        default: return "\(type)"
        }
    }
}
