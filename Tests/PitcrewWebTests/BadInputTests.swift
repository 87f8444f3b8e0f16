import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
@testable import PitcrewWeb
import Hummingbird
import NIOFoundationCompat
import SQLKit
import Testing

@Suite struct BadInputTests {
    static func campaignCount(_ fixture: Fixture) async throws -> Int {
        try await fixture.database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM campaigns").first()?.decode(column: "n", as: Int.self) ?? -1 }
    }

    @Test(arguments: TestBackend.available)
    func malformedBodiesGetProblemsAndWriteNothing(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.owner]
            let before = try await Self.campaignCount(fixture)
            let cases: [(String, HTTPResponse.Status, [String])] = [
                ("{not json", .badRequest, ["body"]),
                ("[1,2,3]", .badRequest, ["body"]),
                (#"{"name": 5}"#, .badRequest, ["name"]),
                (#"{"name": "X", "colour": "red"}"#, .badRequest, ["colour"]),
                (#"{"name": "X", "budget": {"amount_minor": 1.5}}"#, .badRequest, ["budget.amount_minor"]),
                (#"{"name": "X", "budget": {"amount_minor": true, "currency": "USD"}}"#, .badRequest, ["budget.amount_minor"]),
                (#"{"name": "X", "budget": {"amount_minor": 100, "cents": 1}}"#, .badRequest, ["budget.cents"]),
                (#"{"name": "X", "start_date": "01/02/2026"}"#, .badRequest, ["start_date"]),
                (#"{"name": "X", "channel_id": "\#(UUID().uuidString.lowercased())"}"#, .badRequest, ["channel_id"]),
                (#"{"status": "active"}"#, .badRequest, ["name"]),
                (#"{"name": "Alpha launch"}"#, .conflict, ["name"]),
            ]
            for (body, status, fields) in cases {
                let response = try await client.call(.post, "/api/v1/campaigns", token: token, json: body)
                #expect(response.status == status, "\(body)")
                #expect(response.isProblem, "\(body)")
                #expect(response.problemFields == fields, "\(body): \(response.text)")
                #expect(response.object["status"] as? Int == Int(status.code))
            }
            let wrongType = try await client.call(.post, "/api/v1/campaigns", token: token, json: "{}", headers: [.contentType: "text/plain"])
            #expect(wrongType.status == .badRequest && wrongType.problemFields == ["Content-Type"])
            #expect(try await Self.campaignCount(fixture) == before)
        }
    }

    @Test(arguments: TestBackend.available)
    func oversizedBodiesAre413(backend: TestBackend) async throws {
        try await TestApp.with(backend, config: { $0.maxBodyBytes = 4_096 }) { client, fixture in
            let huge = #"{"name": ""# + String(repeating: "x", count: 10_000) + #""}"#
            let response = try await client.call(.post, "/api/v1/campaigns", token: fixture.tokensA[.owner], json: huge)
            #expect(response.status == .contentTooLarge && response.isProblem)
            #expect(try await Self.campaignCount(fixture) == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func badQueryParametersAndIdsAreNamed(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.viewer]
            #expect(try await client.call(.get, "/api/v1/campaigns?cursor=bogus", token: token).problemFields == ["cursor"])
            #expect(try await client.call(.get, "/api/v1/campaigns?limit=ten", token: token).problemFields == ["limit"])
            #expect(try await client.call(.get, "/api/v1/campaigns?limit=100000", token: token).problemFields == ["limit"])
            #expect(try await client.call(.get, "/api/v1/campaigns?status=launched", token: token).problemFields == ["status"])
            let notAnID = try await client.call(.get, "/api/v1/campaigns/1%20OR%201=1", token: token)
            #expect(notAnID.status == .notFound && notAnID.isProblem)
            let unknownRoute = try await client.call(.get, "/api/v1/nothing-here", token: token)
            #expect(unknownRoute.status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func patchKeepsAbsentFieldsAndClearsNulls(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let token = fixture.tokensA[.marketer]
            let created = try await client.call(
                .post, "/api/v1/campaigns", token: token,
                json: #"{"name":"Q3 webinar","utm_campaign":"q3_webinar","budget":{"amount_minor":500000,"currency":"EUR"},"start_date":"2026-07-01"}"#)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            let patched = try await client.call(.patch, "/api/v1/campaigns/\(id)", token: token, json: #"{"status":"active","start_date":null}"#)
            #expect(patched.status == .ok)
            #expect(patched.object["status"] as? String == "active")
            #expect(patched.object["utm_campaign"] as? String == "q3_webinar")
            #expect((patched.object["budget"] as? [String: Any])?["currency"] as? String == "EUR")
            #expect(patched.object["start_date"] is NSNull || patched.object["start_date"] == nil)
            #expect(try await client.call(.delete, "/api/v1/campaigns/\(id)", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/campaigns/\(id)", token: token).status == .notFound)
        }
    }
}

@Suite struct OpenAPITests {
    @Test func documentCoversEveryAPIRouteAndNothingElse() async throws {
        let location = DatabaseLocation.sqlite(path: FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID()).sqlite").path)
        let database = try await Database.open(location)
        defer { Task { try? await database.close() } }
        let router = try await buildRouter(AppConfiguration(database: location), services: AppServices(database: database))
        let api = Set(
            router.routes.map { "\($0.method.rawValue.lowercased()) \(Self.normalize($0.path.description))" }
                .filter { $0.contains(" /api/") || $0.contains(" /v1/") || $0.hasSuffix("/healthz") || $0.hasSuffix("/readyz") || $0.hasSuffix("/metrics") })
        let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
        #expect(api == documented, "undocumented: \(api.subtracting(documented)); missing: \(documented.subtracting(api))")
        let json = try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any]
        #expect(json?["openapi"] as? String == "3.1.0")
        #expect((json?["paths"] as? [String: Any])?.count == Set(OpenAPIDocument.operations.map(\.path)).count)
    }

    static func normalize(_ path: String) -> String {
        let withSlash = path.hasPrefix("/") ? path : "/" + path
        return withSlash.replacingOccurrences(of: ":", with: "")
    }
}
