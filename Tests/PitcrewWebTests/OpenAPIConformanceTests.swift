import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewIngest
import PitcrewTestSupport
import Testing

@testable import PitcrewWeb

/// What the API answers is what its OpenAPI document says: every documented `GET` with a typed answer is called on a
/// workspace holding one of each record, and the answer is checked against the schema (no undocumented fields, the
/// documented types, times in ISO 8601).
@Suite struct OpenAPIConformanceTests {
    @Test(arguments: TestBackend.available)
    func answersMatchTheDocumentedSchemas(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let stack = try await StackFixture.make(fixture)
            let scope = fixture.a.scope
            let services = fixture.services
            let source = try await services.collection.sources.create(scope, name: "Website").0
            let csv = "Email,First Name,Company,Website\nann@initech.example,Ann,Initech,https://initech.example\n"
            let report = try await services.imports.run(scope, .bytes(Array(csv.utf8)), ImportRequest(kind: .contacts, fileName: "contacts.csv"))
            let contact = try #require(try await services.contacts.contacts(scope, search: nil, after: nil).items.first)
            let account = try #require(try await services.contacts.accounts(scope, search: nil, after: nil).items.first)
            let ids = [
                "/api/v1/channels": fixture.channelA.id, "/api/v1/sources": source.id, "/api/v1/imports": report.id, "/api/v1/contacts": contact.id,
                "/api/v1/accounts": account.id,
            ]
            let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let owner = fixture.tokensA[.owner]!
            var checked: [String] = []
            for operation in OpenAPIDocument.operations
            where operation.method == "get" && operation.path.hasPrefix("/api/v1/") && operation.response != nil && operation.response != "StackObject" {
                var path = operation.path
                let id = ids.first { path.hasPrefix($0.key + "/") }?.value ?? stack.id(for: path) ?? fixture.campaignA.id
                path = path.replacingOccurrences(of: "{id}", with: id)
                let response = try await client.call(.get, path, token: owner)
                guard response.status == .ok else {
                    Issue.record("\(path): \(response.status) \(response.text.prefix(200))")
                    continue
                }
                let body = try JSONSerialization.jsonObject(with: Data(response.text.utf8), options: [.fragmentsAllowed])
                var schema: Any = ["$ref": "#/components/schemas/\(operation.response!)"]
                if operation.list {
                    schema = ["type": "object", "properties": ["items": ["type": "array", "items": schema], "next_cursor": ["type": ["string", "null"]]]]
                }
                let problems = SchemaCheck(schemas: schemas).problems(body, schema, at: "")
                #expect(problems.isEmpty, "\(operation.path): \(problems.prefix(5).joined(separator: "; "))")
                checked.append(operation.path)
            }
            // The stack's workflow answers are among them (their times were epoch milliseconds before).
            for path in ["/api/v1/stack/tools/{id}/reviews", "/api/v1/stack/requests", "/api/v1/stack/requests/{id}", "/api/v1/stack/alerts",
                         "/api/v1/stack/tools/{id}/checks", "/api/v1/stack/approval-chain"] {
                #expect(checked.contains(path), "\(path) was not checked")
            }
            #expect(checked.count > 25, "\(checked.count) answers checked")
        }
    }
}

/// A small JSON Schema reader: `$ref`, `type` (one or a list), `required`, `properties` with `additionalProperties: false`,
/// `items`, `enum`, and the `date-time` and `date` formats.
struct SchemaCheck {
    var schemas: [String: Any]

    func problems(_ value: Any, _ schema: Any, at path: String) -> [String] {
        guard var schema = schema as? [String: Any] else { return [] }
        if let ref = schema["$ref"] as? String {
            guard let resolved = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] else { return ["\(path): no schema \(ref)"] }
            schema = resolved
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if value is NSNull { return types.isEmpty || types.contains("null") ? [] : ["\(path): null, documented \(types)"] }
        var found: String
        switch value {
        case is String: found = "string"
        case let number as NSNumber:
            found = String(cString: number.objCType) == "c" ? "boolean" : (number.doubleValue.rounded() == number.doubleValue ? "integer" : "number")
        case is [Any]: found = "array"
        case is [String: Any]: found = "object"
        default: found = "unknown"
        }
        if found == "integer", types.contains("number") { found = "number" }
        guard types.isEmpty || types.contains(found) else { return ["\(path): \(found), documented \(types)"] }
        var problems: [String] = []
        if let values = schema["enum"] as? [String], let text = value as? String, !values.contains(text) {
            problems.append("\(path): \"\(text)\" not one of \(values)")
        }
        if let text = value as? String {
            switch schema["format"] as? String {
            case "date-time": if Timestamp.parseISO8601(text) == nil { problems.append("\(path): \"\(text)\" is not an ISO 8601 time") }
            case "date": if CalendarDate(text) == nil { problems.append("\(path): \"\(text)\" is not a date") }
            default: break
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path).\(key): required, missing") }
        }
        if let object = value as? [String: Any], let properties = schema["properties"] as? [String: Any] {
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    problems += self.problems(member, property, at: path + "." + key)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(key): not documented")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (index, element) in array.enumerated() { problems += self.problems(element, items, at: "\(path)[\(index)]") }
        }
        return problems
    }
}
