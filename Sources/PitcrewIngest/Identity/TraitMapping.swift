import Foundation
import PitcrewStore
import PitcrewCore

/// How Segment-style traits land on contact and account columns; everything else is kept in the `traits` JSON.
enum TraitMapping {
    /// Trait keys (in the spellings SDKs use) → contact column.
    static let contactColumns: [String: String] = [
        "email": "email", "firstName": "first_name", "first_name": "first_name", "firstname": "first_name",
        "lastName": "last_name", "last_name": "last_name", "lastname": "last_name", "title": "title", "jobTitle": "title",
        "job_title": "title", "phone": "phone", "country": "country", "lifecycleStage": "lifecycle_stage",
        "lifecycle_stage": "lifecycle_stage", "externalId": "external_id", "external_id": "external_id",
    ]

    /// Trait keys → account column (group calls).
    static let accountColumns: [String: String] = [
        "name": "name", "industry": "industry", "employees": "employees", "website": "domain", "domain": "domain",
        "country": "country",
    ]

    struct Outcome {
        var columns: [(String, SQLValue)] = []
        var traits: [String: Any] = [:]
        var warnings: [String] = []
    }

    /// Maps a contact's traits to column values (normalized) and custom traits (typed by the workspace's definitions, else
    /// as sent: `literals` are the keys sent as JSON numbers or booleans).
    static func contact(
        scalars: [String: String], objects: [String: String], literals: Set<String> = [], defaultCountry: String?,
        customFields: [String: CustomFieldType]
    ) -> Outcome {
        var outcome = Outcome()
        var seen = Set<String>()
        var scalars = scalars
        if scalars["firstName"] == nil, scalars["first_name"] == nil, let name = scalars["name"]?.trimmingASCIIWhitespace(), !name.isEmpty {
            let parts = name.split(separator: " ", maxSplits: 1)
            scalars["first_name"] = String(parts[0])
            if parts.count > 1 { scalars["last_name"] = String(parts[1]) }
            scalars["name"] = nil
        }
        if scalars["country"] == nil, let address = objects["address"], let country = jsonObject(address)?["country"] as? String {
            scalars["country"] = country
        }
        // A national phone number with a trunk 0 is read in the contact's own country when the traits give one.
        let ownCountry = scalars["country"].flatMap(Country.alpha2)
        for (key, raw) in scalars.sorted(by: { $0.key < $1.key }) {
            guard let column = contactColumns[key] else {
                outcome.traits[key] = customFields[key] == nil && literals.contains(key)
                    ? literal(raw) : typed(raw, key: key, customFields: customFields, warnings: &outcome.warnings)
                continue
            }
            guard !seen.contains(column) else { continue }
            seen.insert(column)
            switch column {
            case "phone":
                switch PhoneNumber.e164(raw, country: ownCountry, defaultCountry: defaultCountry ?? "US") {
                case .success(let phone): outcome.columns.append((column, .text(phone)))
                case .failure(let problem):
                    outcome.warnings.append("traits.\(key): \(problem.reason); kept as a trait")
                    outcome.traits[key] = raw
                }
            case "country":
                if let code = Country.alpha2(raw) {
                    outcome.columns.append((column, .text(code)))
                } else {
                    outcome.warnings.append("traits.\(key): \"\(raw)\" is not a country; kept as a trait")
                    outcome.traits[key] = raw
                }
            case "lifecycle_stage":
                let stage = LifecycleStage.normalize(raw)
                if !stage.isEmpty { outcome.columns.append((column, .text(String(stage.prefix(500))))) }
            default:
                let trimmed = raw.trimmingASCIIWhitespace()
                if !trimmed.isEmpty { outcome.columns.append((column, .text(String(trimmed.prefix(500))))) }
            }
        }
        for (key, json) in objects where key != "address" || scalars["country"] == nil {
            outcome.traits[key] = jsonValue(json) ?? json
        }
        return outcome
    }

    /// Maps a group's traits to account columns.
    static func account(scalars: [String: String], objects: [String: String], literals: Set<String> = []) -> Outcome {
        var outcome = Outcome()
        var seen = Set<String>()
        for (key, raw) in scalars.sorted(by: { $0.key < $1.key }) {
            guard let column = accountColumns[key], !seen.contains(column) else {
                outcome.traits[key] = literals.contains(key) ? literal(raw) : raw
                continue
            }
            seen.insert(column)
            switch column {
            case "domain":
                if let domain = CompanyDomain.fromWebsite(raw) { outcome.columns.append((column, .text(domain))) } else { outcome.traits[key] = raw }
            case "employees":
                // "1,200" and "1 200" as CRMs write head counts; ranges and words stay as a trait.
                let digits = raw.trimmingASCIIWhitespace().filter { $0 != "," && $0 != " " && $0 != "_" }
                if let count = Int64(digits) ?? Double(digits).flatMap({ $0.isFinite && abs($0) < 1e15 ? Int64($0) : nil }), count >= 0 {
                    outcome.columns.append((column, .integer(count)))
                } else {
                    outcome.warnings.append("traits.\(key): \"\(raw)\" is not a number; kept as a trait")
                    outcome.traits[key] = raw
                }
            case "country":
                if let code = Country.alpha2(raw) { outcome.columns.append((column, .text(code))) } else { outcome.traits[key] = raw }
            default:
                outcome.columns.append((column, .text(String(raw.prefix(500)))))
            }
        }
        for (key, json) in objects { outcome.traits[key] = jsonValue(json) ?? json }
        return outcome
    }

    /// A custom trait typed by its definition; undefined traits keep the sender's text.
    static func typed(_ raw: String, key: String, customFields: [String: CustomFieldType], warnings: inout [String]) -> Any {
        guard let type = customFields[key] else { return raw }
        switch type {
        case .text: return raw
        case .number:
            if let number = Double(raw.trimmingASCIIWhitespace()), number.isFinite { return number }
        case .boolean:
            switch raw.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: break
            }
        case .date:
            if case .success(let day) = FlexibleDate.parseDay(raw, order: .monthFirst) { return day }
        }
        warnings.append("traits.\(key): \"\(raw)\" is not a \(type.rawValue) (custom field); kept as text")
        return raw
    }

    /// A trait sent as a JSON number or boolean, as that (a number too large for JSON's doubles stays text).
    static func literal(_ raw: String) -> Any {
        switch raw {
        case "true": return true
        case "false": return false
        default:
            if let integer = Int64(raw) { return integer }
            // A whole number beyond 64 bits (an id sent as a number) stays text rather than be rounded.
            if raw.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) { return raw }
            if let number = Double(raw), number.isFinite { return number }
            return raw
        }
    }

    /// A trait sent as a JSON object or array, as that.
    static func jsonValue(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    static func jsonObject(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// Merges new traits over the stored JSON object.
    static func merged(_ stored: String?, with traits: [String: Any]) -> String? {
        guard !traits.isEmpty else { return stored }
        // New records with text-only traits (imports): written directly, sorted like JSONSerialization's .sortedKeys.
        if let texts = traits as? [String: String] {
            let direct = "{" + texts.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + JSONText.string($0.value) }.joined(separator: ",") + "}"
            // A new record, or the same traits again (a file imported twice): no JSON to parse.
            if stored == nil || stored == direct { return direct }
        }
        var object = stored.flatMap(jsonObject) ?? [:]
        object.merge(traits) { _, new in new }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return stored }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Types a workspace can give its custom fields.
public enum CustomFieldType: String, Sendable, Codable, CaseIterable {
    case text, number, boolean, date
}
