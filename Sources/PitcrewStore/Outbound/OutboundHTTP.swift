import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What an outbound request got back.
public struct OutboundResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var latencyMilliseconds: Int64
}

/// Why an outbound request got no response. The description is what users see (an uptime check's error, a webhook's
/// last error), so it names the host and the cause.
public struct OutboundError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case invalidURL, blocked, resolve, connect, timeout, tls, protocolError }
    public var kind: Kind
    public var description: String
}

/// A small HTTP/1.1 client for requests Pitcrew makes on its own (uptime checks, webhooks): resolves the host, checks the
/// address against `AddressPolicy`, connects to exactly that address (TLS with the host name for SNI and verification),
/// sends one request, reads at most `maxBody` bytes of the answer, and gives up after `timeout` in all.
public enum OutboundHTTP {
    public static let maxBody = 65_536

    public static func send(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration,
        allowedHosts: Set<String>
    ) async throws(OutboundError) -> OutboundResponse {
        let target = try Target(url)
        let started = ContinuousClock.now
        let address: SocketAddress
        do {
            address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
            }
        } catch {
            throw OutboundError(kind: .resolve, description: "\(target.host) could not be resolved")
        }
        let ip = address.ipAddress ?? ""
        guard AddressPolicy.permits(host: target.host, ip: ip, allowedHosts: allowedHosts) else {
            throw OutboundError(
                kind: .blocked,
                description: "\(target.host) resolves to \(ip), a private or reserved address; an admin can allow the host")
        }
        do {
            return try await exchange(
                target: target, address: address, method: method, headers: headers, body: body, timeout: timeout, started: started)
        } catch let error as OutboundError {
            throw error
        } catch let error as NIOSSLError {
            throw OutboundError(kind: .tls, description: "TLS with \(target.host) failed: \(error)")
        } catch let error as BoringSSLError {
            throw OutboundError(kind: .tls, description: "TLS with \(target.host) failed: \(error)")
        } catch {
            if ContinuousClock.now - started >= timeout {
                throw OutboundError(kind: .timeout, description: "no answer from \(target.host) within \(timeout)")
            }
            throw OutboundError(kind: .connect, description: "\(target.host) (\(ip)) could not be reached: \(error)")
        }
    }

    struct Target {
        var https: Bool
        var host: String
        var port: Int
        var pathAndQuery: String

        init(_ text: String) throws(OutboundError) {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = components.host, !host.isEmpty, components.user == nil
            else {
                throw OutboundError(kind: .invalidURL, description: "\(text) is not an http(s) URL")
            }
            self.https = scheme == "https"
            self.host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            self.port = components.port ?? (https ? 443 : 80)
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            self.pathAndQuery = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        }

        var hostHeader: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return (https && port == 443) || (!https && port == 80) ? name : "\(name):\(port)"
        }
    }

    private static func exchange(
        target: Target, address: SocketAddress, method: String, headers: [(String, String)], body: [UInt8], timeout: Duration,
        started: ContinuousClock.Instant
    ) async throws -> OutboundResponse {
        let remaining = timeout - (ContinuousClock.now - started)
        let remainingNanos = max(1, remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000)
        let tls: NIOSSLContext? = target.https ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        // SNI and certificate checks use the host name; an address literal has none (names may start with a digit: 6sense.com).
        let serverName = AddressPolicy.isAddressLiteral(target.host) ? nil : target.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(remainingNanos))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        // One deadline for the whole exchange: closing the channel ends the read loop below.
        let deadline = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(remainingNanos)) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.pathAndQuery)
            head.headers.add(name: "Host", value: target.hostHeader)
            head.headers.add(name: "User-Agent", value: "Pitcrew/1 (+uptime and webhooks)")
            head.headers.add(name: "Connection", value: "close")
            if !body.isEmpty { head.headers.add(name: "Content-Length", value: String(body.count)) }
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status: Int?
            var received: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(let buffer):
                    if received.count < maxBody { received += buffer.readableBytesView.prefix(maxBody - received.count) }
                case .end:
                    guard let status else { break }
                    let elapsed = ContinuousClock.now - started
                    return OutboundResponse(
                        status: status, body: received,
                        latencyMilliseconds: elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                }
            }
            if ContinuousClock.now - started >= timeout {
                throw OutboundError(kind: .timeout, description: "no answer from \(target.host) within \(timeout)")
            }
            throw OutboundError(kind: .protocolError, description: "\(target.host) closed the connection before a complete answer")
        }
    }
}
