import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A stand-in for the outside world (a vendor's status page, a webhook receiver) as a real HTTP server on loopback.
final class FakeVendor: Sendable {
    let statusCode = Atomic<Int>(200)
    let received = Mutex<[String]>([])

    var webhooks: [String] { received.withLock { $0 } }

    /// Runs the server and gives `body` its port.
    func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("status") { _, _ -> Response in
            Response(status: .init(code: self.statusCode.load(ordering: .relaxed)), body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.post("hook") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            self.received.withLock { $0.append(String(buffer: buffer)) }
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(client.port!)
        }
    }
}

import PitcrewCore
import PitcrewStack
import PitcrewTestSupport
import PitcrewWeb

/// One of each stack record in workspace A, for the isolation test.
struct StackFixture {
    var tool: String
    var contract: String
    var integration: String
    var check: String
    var review: String
    var request: String
    var alert: String

    var ids: [String] { [tool, contract, integration, check, review, request, alert] }

    static func make(_ fixture: Fixture) async throws -> StackFixture {
        let stack = fixture.services.stack
        let scope = fixture.a.scope
        var input = ToolInput()
        input.name = .set("Alpha CRM")
        input.category = .set("commerce_sales")
        let tool = try await stack.tools.createTool(scope, input)
        input.name = .set("Alpha BI")
        input.category = .set("data")
        let other = try await stack.tools.createTool(scope, input)
        var contract = ContractInput()
        contract.amountMinor = .set(100)
        contract.billingPeriod = .set("annual")
        contract.startDate = .set("2026-01-01")
        contract.endDate = .set("2026-12-31")
        let created = try await stack.tools.createContract(scope, toolID: tool.id, contract)
        var link = IntegrationInput()
        link.sourceToolID = .set(tool.id)
        link.targetToolID = .set(other.id)
        let integration = try await stack.tools.createIntegration(scope, link)
        let check = try await stack.uptime.createCheck(scope, toolID: tool.id, UptimeCheckInput(url: "https://status.alpha.example/"))
        let review = try await stack.reviews.start(scope, toolID: tool.id, kind: "security").items
        let request = try await stack.purchases.create(scope, toolName: "Alpha Thing", toolID: nil, reason: "r", costMinor: 1, currency: "USD")
        try await stack.alerts.scanRenewals(today: CalendarDate("2026-12-01")!)
        let alert = try await stack.alerts.alerts(scope)[0]
        try await stack.uptime.allowHost(scope, host: "status.alpha.example")
        return StackFixture(
            tool: tool.id, contract: created.id, integration: integration.id, check: check.id, review: review[0].id, request: request.id,
            alert: alert.id)
    }

    func id(for path: String) -> String? {
        let prefixes: [(String, String)] = [
            ("/api/v1/stack/tools/", tool), ("/api/v1/stack/contracts/", contract), ("/api/v1/stack/integrations/", integration),
            ("/api/v1/stack/checks/", check), ("/api/v1/stack/reviews/", review), ("/api/v1/stack/requests/", request),
            ("/api/v1/stack/alerts/", alert),
        ]
        return prefixes.first { path.hasPrefix($0.0) }?.1
    }

    /// A valid body for each writing stack route, so the answer is about the id, not the body.
    static func body(_ method: String, _ path: String) -> String? {
        switch (method, path) {
        case ("post", "/api/v1/stack/tools"): #"{"name":"Hijacked","category":"data"}"#
        case ("patch", "/api/v1/stack/tools/{id}"): #"{"name":"Hijacked"}"#
        case ("post", "/api/v1/stack/tools/{id}/contracts"):
            #"{"amount_minor":1,"billing_period":"annual","start_date":"2026-01-01","end_date":"2026-02-01"}"#
        case ("patch", "/api/v1/stack/contracts/{id}"), ("patch", "/api/v1/stack/integrations/{id}"): #"{"notes":"Hijacked"}"#
        case ("post", "/api/v1/stack/tools/{id}/checks"): #"{"url":"https://example.com/"}"#
        case ("post", "/api/v1/stack/tools/{id}/reviews"): #"{"kind":"privacy"}"#
        case ("patch", "/api/v1/stack/reviews/{id}"): #"{"answer":"Hijacked"}"#
        case ("patch", "/api/v1/stack/checks/{id}"): #"{"enabled":false}"#
        case ("post", "/api/v1/stack/requests/{id}/decisions"): #"{"decision":"reject"}"#
        case ("put", "/api/v1/campaigns/{id}/tools"): #"{"tool_ids":[]}"#
        default: nil
        }
    }
}

import NIOPosix

/// A mail server as the outside world would run one, speaking real SMTP on loopback: it answers the conversation and
/// keeps what each DATA section carried (and the AUTH line), so tests see exactly what Pitcrew sent.
final class FakeSMTPServer: Sendable {
    let messages = Mutex<[String]>([])
    let commands = Mutex<[String]>([])

    func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let port = server.channel.localAddress!.port!
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        try? await self.converse(connection)
                    }
                }
            }
            defer { group.cancelAll() }
            try await body(port)
            server.channel.close(promise: nil)
        }
    }

    private func converse(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "220 fake.smtp ready\r\n"))
            var pending = ""
            var inData = false
            var data = ""
            for try await buffer in inbound {
                pending += String(buffer: buffer)
                while let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    if inData {
                        if line == "." {
                            inData = false
                            let message = data
                            messages.withLock { $0.append(message) }
                            try await outbound.write(ByteBuffer(string: "250 queued\r\n"))
                        } else {
                            data += line + "\r\n"
                        }
                        continue
                    }
                    commands.withLock { $0.append(line) }
                    let verb = line.prefix(4).uppercased()
                    switch verb {
                    case "EHLO": try await outbound.write(ByteBuffer(string: "250-fake.smtp\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n"))
                    case "AUTH": try await outbound.write(ByteBuffer(string: "235 ok\r\n"))
                    case "MAIL", "RCPT": try await outbound.write(ByteBuffer(string: "250 ok\r\n"))
                    case "DATA":
                        inData = true
                        data = ""
                        try await outbound.write(ByteBuffer(string: "354 go ahead\r\n"))
                    case "QUIT":
                        try await outbound.write(ByteBuffer(string: "221 bye\r\n"))
                        return
                    default: try await outbound.write(ByteBuffer(string: "502 not implemented\r\n"))
                    }
                }
            }
        }
    }
}
