import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
@testable import PitcrewWeb
import SQLKit
import Testing

@Suite struct OpsTests {
    @Test(arguments: TestBackend.available)
    func healthReadinessAndMetrics(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, _ in
            #expect(try await client.call(.get, "/healthz").status == .ok)
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok && ready.object["database"] as? String == backend.rawValue)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("pitcrew_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"))
        }
    }
}

@Suite struct AuthenticationTests {
    @Test(arguments: TestBackend.available)
    func missingUnknownAndRevokedTokensAre401(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let none = try await client.call(.get, "/api/v1/campaigns")
            #expect(none.status == .unauthorized && none.isProblem && none.headers[.wwwAuthenticate] != nil)
            #expect(try await client.call(.get, "/api/v1/campaigns", token: "pc_unknown").status == .unauthorized)
            let basic = try await client.call(.get, "/api/v1/campaigns", headers: [.authorization: "Basic Zm9vOmJhcg=="])
            #expect(basic.status == .unauthorized)

            let created = try await client.call(.post, "/api/v1/tokens", token: fixture.tokensA[.owner], json: #"{"name":"temp","role":"viewer"}"#)
            #expect(created.status == .created)
            let secret = try #require(created.object["token"] as? String)
            let id = try #require(created.object["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/campaigns", token: secret).status == .ok)
            let listed = try await client.call(.get, "/api/v1/tokens", token: fixture.tokensA[.owner])
            #expect(listed.items.allSatisfy { $0["token"] == nil })
            #expect(try await client.call(.delete, "/api/v1/tokens/\(id)", token: fixture.tokensA[.owner]).status == .ok)
            let revoked = try await client.call(.get, "/api/v1/campaigns", token: secret)
            #expect(revoked.status == .unauthorized && revoked.isProblem)
        }
    }

    @Test(arguments: TestBackend.available)
    func rolesDecideWhatATokenMayDo(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let body = #"{"name":"By role"}"#
            let viewer = try await client.call(.post, "/api/v1/campaigns", token: fixture.tokensA[.viewer], json: body)
            #expect(viewer.status == .forbidden && viewer.isProblem)
            #expect(try await client.call(.post, "/api/v1/campaigns", token: fixture.tokensA[.analyst], json: body).status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/campaigns", token: fixture.tokensA[.marketer], json: body).status == .created)
            #expect(try await client.call(.get, "/api/v1/tokens", token: fixture.tokensA[.marketer]).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/audit-log", token: fixture.tokensA[.marketer]).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/tokens", token: fixture.tokensA[.admin]).status == .ok)
            let escalate = try await client.call(.post, "/api/v1/tokens", token: fixture.tokensA[.admin], json: #"{"name":"x","role":"owner"}"#)
            #expect(escalate.status == .badRequest && escalate.problemFields == ["role"])
            #expect(try await client.call(.get, "/api/v1/campaigns", token: fixture.tokensA[.viewer]).status == .ok)
        }
    }
}

@Suite struct WorkspaceIsolationTests {
    /// Every API route, called with workspace B's owner token on workspace A's ids, must neither show nor change A's data.
    @Test(arguments: TestBackend.available)
    func anotherWorkspaceCanNeverReachThisOne(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let memberA = fixture.a.owner.id
            let tokenA = try await fixture.services.access.tokens(fixture.a.scope, page: PageRequest(limit: 1)).items[0].id
            let stack = try await StackFixture.make(fixture)
            let aIDs = [fixture.campaignA.id, fixture.channelA.id, memberA, tokenA, fixture.a.workspace.id] + stack.ids
            var checked = 0
            for operation in OpenAPIDocument.operations where operation.path.hasPrefix("/api/v1/") {
                var path = operation.path
                for parameter in ["{id}", "{user_id}"] {
                    let value =
                        path.hasPrefix("/api/v1/tokens") ? tokenA : path.hasPrefix("/api/v1/members") ? memberA
                        : path.hasPrefix("/api/v1/channels") ? fixture.channelA.id : stack.id(for: path) ?? fixture.campaignA.id
                    path = path.replacingOccurrences(of: parameter, with: value)
                }
                path = path.replacingOccurrences(of: "{host}", with: "status.alpha.example")
                let body: String? =
                    switch (operation.method, operation.path) {
                    case ("post", "/api/v1/campaigns"), ("patch", "/api/v1/campaigns/{id}"): #"{"name":"Hijacked","channel_id":"\#(fixture.channelA.id)"}"#
                    case ("post", "/api/v1/channels"): #"{"name":"Hijacked","kind":"paid"}"#
                    case ("post", "/api/v1/tokens"): #"{"name":"Hijacked","role":"viewer"}"#
                    case ("put", "/api/v1/members"): #"{"email":"nobody@example.com","role":"viewer"}"#
                    case let (method, path) where path.hasPrefix("/api/v1/stack/") || path.hasSuffix("/tools"): StackFixture.body(method, path)
                    default: nil
                    }
                let response = try await client.call(HTTPRequest.Method(operation.method.uppercased())!, path, token: fixture.tokenB, json: body)
                // Problem documents echo the path the caller sent (`instance`); everything else must not mention A.
                let text = response.isProblem ? (response.object["detail"] as? String ?? "") : response.text
                for id in aIDs where operation.path != "/api/v1/openapi.json" {
                    #expect(!text.contains(id), "\(operation.method) \(operation.path) leaked an id of workspace A")
                }
                if operation.path.contains("{") {
                    #expect(response.status == .notFound, "\(operation.method) \(operation.path) answered \(response.status)")
                }
                checked += 1
            }
            #expect(checked == OpenAPIDocument.operations.filter { $0.path.hasPrefix("/api/v1/") }.count && checked > 15)
            // Workspace A is untouched.
            let campaign = try await fixture.services.campaigns.campaign(fixture.a.scope, id: fixture.campaignA.id)
            #expect(campaign.name == "Alpha launch")
            #expect(try await fixture.services.access.members(fixture.a.scope, page: PageRequest()).items.map(\.role) == [.owner])
            let stillValid = try await client.call(.get, "/api/v1/campaigns/\(fixture.campaignA.id)", token: fixture.tokensA[.viewer])
            #expect(stillValid.status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func listsShowOnlyTheCallersWorkspace(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let workspaces = try await client.call(.get, "/api/v1/workspaces", token: fixture.tokenB)
            #expect(workspaces.items.map { $0["slug"] as? String } == ["beta"])
            let campaigns = try await client.call(.get, "/api/v1/campaigns", token: fixture.tokenB)
            #expect(campaigns.items.map { $0["name"] as? String } == ["Beta launch"])
            #expect(campaigns.object.keys.contains("next_cursor"))
        }
    }
}
