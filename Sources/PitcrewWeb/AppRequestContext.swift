public import Hummingbird
public import Foundation
import Logging
import NIOCore
import PitcrewCore
import PitcrewStore

/// Who is calling: a browser session or an API token.
enum Identity: Sendable {
    case session(secret: String, record: SessionRecord)
    case token(AccessScope)
}

/// The per-request context: Hummingbird's core storage plus the caller's identity, set by `AuthMiddleware`.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var identity: Identity?
    var maxBodyBytes: Int = 1 << 20

    /// The peer's IP address (not a forwarded header, which a client could set), for throttling sign-ins.
    let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { maxBodyBytes }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    public var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// The JSON encoder of the API: snake_case keys, stable key order.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
