import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import PitcrewCore

/// A JSON object from a request body, read strictly: it must be an object, may hold only the allowed fields, and every
/// accessor reports a wrong type as a field error. All problems are reported together by `finish()`.
struct JSONBody {
    fileprivate let object: [String: JSONValue]
    fileprivate let prefix: String
    fileprivate(set) var validator = Validator()

    /// Reads and checks the body. Throws 400 for malformed JSON, a non-object body, or unknown fields.
    static func read(_ request: Request, context: AppRequestContext, allowed: Set<String>) async throws -> JSONBody {
        var request = request
        if let type = request.headers[.contentType], !type.hasPrefix("application/json") {
            throw PitcrewError.invalid("Content-Type", "must be application/json")
        }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw PitcrewError.invalid("body", "is not valid JSON")
        }
        guard case .object(let object) = value else { throw PitcrewError.invalid("body", "must be a JSON object") }
        let body = JSONBody(object: object, prefix: "", allowed: allowed)
        try body.finish()
        return body
    }

    fileprivate init(object: [String: JSONValue], prefix: String, allowed: Set<String>) {
        self.object = object
        self.prefix = prefix
        for key in object.keys.sorted() where !allowed.contains(key) {
            validator.add(prefix + key, "is not a known field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// A string field as a patch: absent → unchanged, null → clear, string → set.
    mutating func string(_ key: String) -> PatchField<String> {
        switch object[key] {
        case nil: return .unchanged
        case .null: return .clear
        case .string(let value): return .set(value)
        case let other?:
            validator.add(prefix + key, "must be a string, not \(other.typeName)")
            return .unchanged
        }
    }

    /// A string field that must be present and not null.
    mutating func requiredString(_ key: String) -> String {
        switch string(key) {
        case .set(let value): return value
        case .clear: validator.add(prefix + key, "must not be null")
        case .unchanged: if object[key] == nil { validator.add(prefix + key, "is required") }
        }
        return ""
    }

    /// An integer field as a patch; booleans and fractions are refused.
    mutating func integer(_ key: String) -> PatchField<Int64> {
        switch object[key] {
        case nil: return .unchanged
        case .null: return .clear
        case .int(let value): return .set(value)
        case let other?:
            validator.add(prefix + key, "must be an integer, not \(other.typeName)")
            return .unchanged
        }
    }

    /// A nested object: nil when absent, `.some(nil)` when null; unknown inner fields are reported as `key.inner`.
    mutating func object(_ key: String, allowed: Set<String>) -> JSONBody?? {
        switch object[key] {
        case nil: return .none
        case .null: return .some(nil)
        case .object(let nested): return .some(JSONBody(object: nested, prefix: prefix + key + ".", allowed: allowed))
        case let other?:
            validator.add(prefix + key, "must be an object, not \(other.typeName)")
            return .none
        }
    }

    mutating func validatorAdd(_ field: String, _ message: String) { validator.add(field, message) }

    func contains(_ key: String) -> Bool { object[key] != nil }

    /// Takes over the problems found in a nested object.
    mutating func merge(_ nested: JSONBody) {
        for error in nested.validator.errors { validator.add(error.field, error.message) }
    }

    func finish() throws(PitcrewError) { try validator.finish() }
}

extension JSONBody {
    /// A boolean field as a patch; numbers and strings are refused.
    mutating func bool(_ key: String) -> PatchField<Bool> {
        switch object[key] {
        case nil: return .unchanged
        case .null: return .clear
        case .bool(let value): return .set(value)
        case let other?:
            validator.add(prefix + key, "must be true or false, not \(other.typeName)")
            return .unchanged
        }
    }

    /// A list of strings as a patch.
    mutating func strings(_ key: String) -> PatchField<[String]> {
        switch object[key] {
        case nil: return .unchanged
        case .null: return .clear
        case .array(let items):
            var result: [String] = []
            for (index, item) in items.enumerated() {
                if case .string(let text) = item { result.append(text) } else {
                    validator.add("\(prefix)\(key)[\(index)]", "must be a string, not \(item.typeName)")
                }
            }
            return .set(result)
        case let other?:
            validator.add(prefix + key, "must be a list of strings, not \(other.typeName)")
            return .unchanged
        }
    }

    /// A list of objects, each read strictly with `allowed` fields (`key[i].field` in errors).
    mutating func objects(_ key: String, allowed: Set<String>) -> [JSONBody]? {
        switch object[key] {
        case nil, .null: return nil
        case .array(let items):
            return items.enumerated().compactMap { index, item in
                guard case .object(let nested) = item else {
                    validator.add("\(prefix)\(key)[\(index)]", "must be an object, not \(item.typeName)")
                    return nil
                }
                return JSONBody(object: nested, prefix: "\(prefix)\(key)[\(index)].", allowed: allowed)
            }
        case let other?:
            validator.add(prefix + key, "must be a list, not \(other.typeName)")
            return nil
        }
    }
}
