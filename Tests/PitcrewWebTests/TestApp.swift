import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb

/// Two workspaces with owners, tokens of every role in A, one owner token in B, and a campaign and channel in each.
struct Fixture: Sendable {
    var a: SeededWorkspace
    var b: SeededWorkspace
    var tokensA: [Role: String]
    var tokenB: String
    var campaignA: Campaign
    var channelA: PitcrewCore.Channel
    var campaignB: Campaign
    var database: Database
    var services: AppServices
}

enum TestApp {
    static let logger: Logger = {
        var logger = Logger(label: "pitcrew.web-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Builds the real application on a fresh database of `backend` and runs `body` against its router.
    static func with(
        _ backend: TestBackend, config configure: (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, Fixture) async throws -> Void
    ) async throws {
        let (location, cleanup) = try await TestDatabase.fresh(backend)
        do {
            var config = AppConfiguration(database: location, bcryptCost: 4)
            config.backgroundJobs = false
            configure(&config)
            let database = try await Database.open(location, logger: logger)
            do {
                let app = try await buildApplication(config, database: database, logger: logger)
                try await app.test(.router) { client in
                    let fixture = try await makeFixture(database)
                    try await body(client, fixture)
                }
            } catch {
                try? await database.close()
                throw error
            }
            try? await database.close()
            await cleanup()
        } catch {
            await cleanup()
            throw error
        }
    }

    static func makeFixture(_ database: Database) async throws -> Fixture {
        let services = AppServices(database: database, bcryptCost: 4)
        let a = try await SeededWorkspace.make(services.access, slug: "alpha")
        let b = try await SeededWorkspace.make(services.access, slug: "beta")
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try await services.access.createToken(a.scope, name: role.rawValue, role: role).secret }
        let tokenB = try await services.access.createToken(b.scope, name: "b", role: .owner).secret
        let channelA = try await services.campaigns.createChannel(a.scope, ChannelInput(name: "Email", kind: "owned"))
        var input = CampaignInput()
        input.name = .set("Alpha launch")
        input.channelID = .set(channelA.id)
        let campaignA = try await services.campaigns.createCampaign(a.scope, input)
        input = CampaignInput()
        input.name = .set("Beta launch")
        let campaignB = try await services.campaigns.createCampaign(b.scope, input)
        return Fixture(
            a: a, b: b, tokensA: tokens, tokenB: tokenB, campaignA: campaignA, channelA: channelA, campaignB: campaignB, database: database,
            services: services)
    }
}

extension TestClientProtocol {
    /// A request with an optional bearer token and JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:] }

    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }

    /// Field names of a problem+json body's `errors`.
    var problemFields: [String] { (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }

    /// `Set-Cookie` headers by cookie name.
    var cookies: [String: String] {
        var result: [String: String] = [:]
        for field in headers where field.name == .setCookie {
            let name = field.value.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            result[name] = field.value
        }
        return result
    }
}

/// The value of a `Set-Cookie` header (`name=value; …` → value).
func cookieValue(_ header: String?) -> String? {
    guard let header, let pair = header.split(separator: ";").first else { return nil }
    return pair.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init)
}
