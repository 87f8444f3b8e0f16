import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewIngest

/// Segment's HTTP tracking API: `POST /v1/track|identify|page|screen|group|alias|batch`, the write key as the HTTP Basic
/// user (or `writeKey` in the body, for browsers), 200 `{"success": true}` once the events are committed.
/// Browsers may call it from any site: answers carry `Access-Control-Allow-Origin: *` and preflights are answered.
struct CollectionController {
    let collection: CollectionService

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("v1")
        for (path, type) in Self.paths {
            group.post(RouterPath(stringLiteral: path)) { request, context in try await collect(request, context: context, type: type) }
            group.on(RouterPath(stringLiteral: path), method: .options) { request, _ in Self.preflight(request) }
        }
    }

    /// Segment's analytics.js posts to the one-letter paths (`/v1/t`, `/v1/b`, …); both spellings are served.
    static let paths: [(String, MessageType?)] = MessageType.allCases.flatMap { type in
        [(type.rawValue, type), (String(type.rawValue.prefix(1)), type)]
    } + [("batch", nil), ("b", nil)]

    static func preflight(_ request: Request) -> Response {
        var headers = corsHeaders
        headers[.accessControlAllowMethods] = "POST, OPTIONS"
        // RudderStack's browser SDK sends an `AnonymousId` header; echo what the browser asks for.
        headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Authorization, Content-Type"
        headers[.accessControlMaxAge] = "86400"
        return Response(status: .noContent, headers: headers)
    }

    static let corsHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = "*"
        return headers
    }()

    func collect(_ request: Request, context: AppRequestContext, type: MessageType?) async throws -> Response {
        let limit = type == nil ? SegmentPayload.batchLimit : SegmentPayload.messageLimit
        var request = request
        let buffer: ByteBuffer
        do {
            // One byte over the limit is enough to tell "too large" (SegmentPayload names the limit).
            buffer = try await request.collectBody(upTo: limit + 1)
        } catch {
            let field = type == nil ? "batch" : "body"
            let message = "The request is over the limit of \(limit / 1024) KB" + (type == nil ? " per batch." : " per message.")
            let size = request.headers[.contentLength].flatMap { Int($0) } ?? limit + 1
            await collection.refused(type: type, field: field, message: message, size: size, basicUser: Self.basicUser(request.headers[.authorization]))
            throw PitcrewError.invalid(field, message)
        }
        var bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity": break
        case "gzip", "x-gzip", "deflate": bytes = try Gzip.decompress(bytes, limit: limit + 1, field: type == nil ? "batch" : "body")
        case let other?: throw PitcrewError.invalid("Content-Encoding", "\(other) is not supported; send gzip or no encoding.")
        }
        let result = try await collection.collect(bytes, type: type, basicUser: Self.basicUser(request.headers[.authorization]))
        var body = "{\"success\":true"
        if !result.rejected.isEmpty {
            body += ",\"rejected\":["
            body += result.rejected.map { problem in
                "{\"index\":\(problem.index.map(String.init) ?? "null"),\"field\":\(JSONText.string(problem.field)),\"message\":\(JSONText.string(problem.message))}"
            }.joined(separator: ",")
            body += "]"
        }
        body += "}"
        var headers = Self.corsHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The user name of `Authorization: Basic base64(user:password)` (scheme case-insensitive, padding optional); nil when
    /// the header is absent, another scheme, or not base64 of UTF-8. Decoded on the bytes: it runs on every collected event.
    static func basicUser(_ header: String?) -> String? {
        guard var header else { return nil }
        return header.withUTF8 { bytes -> String? in
            guard bytes.count > 6, bytes[0] | 0x20 == UInt8(ascii: "b"), bytes[1] | 0x20 == UInt8(ascii: "a"), bytes[2] | 0x20 == UInt8(ascii: "s"),
                bytes[3] | 0x20 == UInt8(ascii: "i"), bytes[4] | 0x20 == UInt8(ascii: "c"), bytes[5] == UInt8(ascii: " ")
            else { return nil }
            var decoded: [UInt8] = []
            decoded.reserveCapacity(bytes.count)
            var accumulator: UInt32 = 0
            var bits = 0
            var padding = 0
            for byte in bytes[6...] {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                guard padding == 0, let value = Self.base64Value(byte) else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    decoded.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
            guard padding <= 2, bits < 6 else { return nil }
            let user = decoded.prefix { $0 != UInt8(ascii: ":") }
            return String(validating: user, as: UTF8.self)
        }
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
