import Foundation

/// Strict checks of a channel grouping written as JSON, before it is decoded: a misspelt key ("equal" for "equals")
/// would otherwise be dropped and leave a condition that always holds, sending every visit to one channel.
public enum ChannelGroupingCheck {
    /// Every problem of `json`, as (path, reason); empty when it is a usable grouping.
    public static func problems(_ json: String) -> [(path: String, reason: String)] {
        var found: [(String, String)] = []
        guard let top = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return [("channel_grouping", "is not a JSON object like {\"rules\": [...], \"fallbackChannel\": \"Unassigned\"}")]
        }
        unknownKeys(top, allowed: ["rules", "fallbackChannel"], path: "channel_grouping", into: &found)
        if let fallback = top["fallbackChannel"], (fallback as? String)?.trimmingCharacters(in: .whitespaces).isEmpty != false {
            found.append(("channel_grouping.fallbackChannel", "must be a channel name"))
        }
        guard let rules = top["rules"] as? [Any], !rules.isEmpty else {
            return found + [("channel_grouping.rules", "must list at least one rule")]
        }
        for (index, item) in rules.enumerated() {
            let path = "channel_grouping.rules[\(index)]"
            guard let rule = item as? [String: Any] else {
                found.append((path, "must be an object with channel and conditions"))
                continue
            }
            unknownKeys(rule, allowed: ["channel", "conditions"], path: path, into: &found)
            if (rule["channel"] as? String)?.trimmingCharacters(in: .whitespaces).isEmpty != false {
                found.append((path + ".channel", "must be a channel name"))
            }
            conditions(rule["conditions"], path: path + ".conditions", into: &found)
        }
        return found
    }

    private static let conditionKeys: Set<String> = ["field", "equals", "matches", "in", "hasClickID", "any", "not"]

    private static func conditions(_ value: Any?, path: String, into found: inout [(String, String)]) {
        guard let list = value as? [Any], !list.isEmpty else {
            found.append((path, "must list at least one condition (a rule that always holds is the fallback channel)"))
            return
        }
        for (index, item) in list.enumerated() { condition(item, path: "\(path)[\(index)]", into: &found) }
    }

    private static func condition(_ item: Any, path: String, into found: inout [(String, String)]) {
        guard let condition = item as? [String: Any] else {
            found.append((path, "must be an object"))
            return
        }
        unknownKeys(condition, allowed: conditionKeys, path: path, into: &found)
        let tests = ["equals", "matches", "in", "hasClickID", "any"].filter { condition[$0] != nil }
        if tests.isEmpty { found.append((path, "needs a test: equals, matches, in, hasClickID or any")) }
        let fieldTests = tests.filter { ["equals", "matches", "in"].contains($0) }
        if let field = condition["field"] {
            if (field as? String).flatMap(ChannelCondition.Field.init(rawValue:)) == nil {
                found.append((path + ".field", "must be source, medium or campaign"))
            }
        } else if !fieldTests.isEmpty {
            found.append((path + ".field", "is needed by \(fieldTests.joined(separator: ", ")): source, medium or campaign"))
        }
        if let equals = condition["equals"], (equals as? [String])?.isEmpty != false {
            found.append((path + ".equals", "must be a list of values"))
        }
        if let pattern = condition["matches"] {
            if let text = pattern as? String, !text.isEmpty, (try? Regex(text)) != nil {} else {
                found.append((path + ".matches", "is not a regular expression"))
            }
        }
        if let category = condition["in"], (category as? String).flatMap(SourceCategory.init(rawValue:)) == nil {
            found.append((path + ".in", "must be one of \(SourceCategory.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        if let clicks = condition["hasClickID"], !(clicks is [String]) {
            found.append((path + ".hasClickID", "must be a list of click id names (empty: any)"))
        }
        if let negated = condition["not"], !(negated is Bool) { found.append((path + ".not", "must be true or false")) }
        if condition["any"] != nil { conditions(condition["any"], path: path + ".any", into: &found) }
    }

    private static func unknownKeys(_ object: [String: Any], allowed: Set<String>, path: String, into found: inout [(String, String)]) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            found.append(("\(path).\(key)", "is not a known key (known: \(allowed.sorted().joined(separator: ", ")))"))
        }
    }
}
