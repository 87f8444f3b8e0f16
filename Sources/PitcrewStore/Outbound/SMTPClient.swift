import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where Pitcrew sends mail: `smtp://[user:password@]host[:port][?starttls=true]` or `smtps://…` (TLS from the start),
/// with the sender in `from` (`?from=alerts@example.com`). Set by the server's operator (`--smtp-url`), not by workspaces.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: Sendable, Equatable { case none, startTLS, implicitTLS }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var from: String

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
    }

    public init?(url text: String) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, scheme == "smtp" || scheme == "smtps", let host = url.host,
            !host.isEmpty
        else { return nil }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        self.host = host
        self.security = scheme == "smtps" ? .implicitTLS : (query["starttls"] == "true" ? .startTLS : .none)
        self.port = url.port ?? (scheme == "smtps" ? 465 : 25)
        self.username = url.user  // URLComponents decodes these already
        self.password = url.password
        self.from = query["from"] ?? "pitcrew@\(host)"
    }
}

public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A small SMTP client (RFC 5321): EHLO, optional STARTTLS, AUTH PLAIN, one message to several recipients, QUIT.
/// The body is sent base64-encoded as UTF-8 text, so any content is safe on the wire.
public enum SMTPClient {
    public static func send(_ config: SMTPConfiguration, to recipients: [String], subject: String, body: String, timeout: Duration = .seconds(30))
        async throws
    {
        guard !recipients.isEmpty else { return }
        for address in recipients + [config.from] where address.contains("\r") || address.contains("\n") || !address.contains("@") {
            throw SMTPError(description: "\(address) is not an email address")
        }
        let tls = try NIOSSLContext(configuration: .makeClientConfiguration())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: config.host, port: config.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if config.security == .implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: config.host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let nanos = timeout.components.seconds * 1_000_000_000
        let deadline = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(nanos)) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
            func command(_ line: String, expect: Set<Int>) async throws -> [String] {
                if !line.isEmpty { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, lines) = try await replies.next()
                guard expect.contains(code) else {
                    let shown = line.hasPrefix("AUTH") ? "AUTH PLAIN …" : line
                    throw SMTPError(description: "\(config.host) answered \(code) \(lines.joined(separator: " ")) to \(shown.isEmpty ? "the greeting" : shown)")
                }
                return lines
            }
            _ = try await command("", expect: [220])
            var capabilities = try await command("EHLO pitcrew", expect: [250])
            if config.security == .startTLS {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError(description: "\(config.host) does not offer STARTTLS")
                }
                _ = try await command("STARTTLS", expect: [220])
                // Anything the server sent after its 220 came before encryption: it could be injected, so refuse.
                guard replies.pending.isEmpty else { throw SMTPError(description: "\(config.host) sent data before the TLS handshake") }
                try await channel.channel.pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: config.host), position: .first)
                capabilities = try await command("EHLO pitcrew", expect: [250])
            }
            if let user = config.username {
                let token = Data("\0\(user)\0\(config.password ?? "")".utf8).base64EncodedString()
                _ = try await command("AUTH PLAIN \(token)", expect: [235])
            }
            _ = try await command("MAIL FROM:<\(config.from)>", expect: [250])
            for recipient in recipients { _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251]) }
            _ = try await command("DATA", expect: [354])
            try await outbound.write(ByteBuffer(string: message(config, to: recipients, subject: subject, body: body)))
            _ = try await command(".", expect: [250])
            _ = try? await command("QUIT", expect: [221])
        }
    }

    static func message(_ config: SMTPConfiguration, to recipients: [String], subject: String, body: String) -> String {
        let encodedSubject = subject.allSatisfy { $0.isASCII && !$0.isNewline } ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let base64 = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: Pitcrew <\(config.from)>", "To: \(recipients.joined(separator: ", "))", "Subject: \(encodedSubject)",
            "Date: \(formatter.string(from: Date()))", "Message-ID: <\(UUID().uuidString.lowercased())@pitcrew>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64, "",
        ].joined(separator: "\r\n")
    }

    /// Reads SMTP replies (`250-first`, `250 last`) from the byte stream.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func line() async throws -> String {
            while true {
                if let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    return line
                }
                guard let buffer = try await iterator.next() else { throw SMTPError(description: "the SMTP server closed the connection") }
                pending += String(buffer: buffer)
            }
        }

        mutating func next() async throws -> (Int, [String]) {
            var lines: [String] = []
            while true {
                let line = try await line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError(description: "not an SMTP reply: \(line)") }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, lines) }
            }
        }
    }
}
