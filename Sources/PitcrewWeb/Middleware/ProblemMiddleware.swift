import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PitcrewCore

/// Maps every error to a response in one place: RFC 9457 `application/problem+json` for the API, a readable page for
/// browsers. Internal errors are logged with the request id and answered with a generic 500.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error: error, request: request, context: context)
            if problem.status == .internalServerError {
                context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            if Self.wantsHTML(request) {
                if problem.status == .unauthorized {
                    let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
                    return Response.redirect(to: "/login?next=\(next)", type: .found)
                }
                return pages.errorPage(problem, context: context)
            }
            return problem.response()
        }
    }

    /// Browsers get pages; API clients, collectors and probes get JSON.
    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/v1/") || path == "/healthz" || path == "/readyz" || path == "/metrics" {
            return false
        }
        return true
    }
}

/// An RFC 9457 problem document.
struct Problem: Sendable {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
    var instance: String
    var requestID: String
    var errors: [FieldError]

    init(status: HTTPResponse.Status, detail: String, errors: [FieldError] = [], request: Request, context: AppRequestContext) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.instance = request.uri.path
        self.requestID = context.id
        self.errors = errors
    }

    init(error: any Error, request: Request, context: AppRequestContext) {
        switch error {
        case let error as PitcrewError:
            self.init(status: Problem.status(for: error.kind), detail: error.detail, errors: error.fieldErrors, request: request, context: context)
        case let error as HTTPError:
            let detail: String =
                switch error.status {
                case .contentTooLarge: "The request body is larger than the limit of \(context.maxUploadSize) bytes."
                case .notFound: error.body ?? "No such resource."
                default: error.body ?? error.status.reasonPhrase
                }
            self.init(status: error.status, detail: detail, request: request, context: context)
        case is NIOTooManyBytesError:
            self.init(
                status: .contentTooLarge, detail: "The request body is larger than the limit of \(context.maxUploadSize) bytes.", request: request,
                context: context)
        case let error as DecodingError:
            self.init(status: .badRequest, detail: "The request body could not be read.", errors: [Problem.fieldError(error)], request: request, context: context)
        default:
            self.init(status: .internalServerError, detail: "Something went wrong on our side. Request id: \(context.id).", request: request, context: context)
        }
    }

    static func status(for kind: PitcrewError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .rateLimited: .tooManyRequests
        }
    }

    static func fieldError(_ error: DecodingError) -> FieldError {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .typeMismatch(let type, let context): return FieldError(field: path(context.codingPath), message: "must be \(type)")
        case .valueNotFound(_, let context): return FieldError(field: path(context.codingPath), message: "must not be null")
        case .keyNotFound(let key, let context): return FieldError(field: path(context.codingPath + [key]), message: "is required")
        case .dataCorrupted(let context): return FieldError(field: path(context.codingPath), message: context.debugDescription)
        @unknown default: return FieldError(field: "body", message: "could not be decoded")
        }
    }

    func response() -> Response {
        struct Body: Encodable {
            var type: String
            var title: String
            var status: Int
            var detail: String
            var instance: String
            var requestId: String
            var errors: [FieldError]
        }
        let body = Body(
            type: "about:blank", title: title, status: status.code, detail: detail, instance: instance, requestId: requestID, errors: errors)
        let data = (try? APIJSON.encoder.encode(body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        // The collection API takes the write key as HTTP Basic user (as Segment), the rest of the API a bearer token.
        if status == .unauthorized {
            headers[.wwwAuthenticate] = instance.hasPrefix("/v1/") ? "Basic realm=\"pitcrew collection\"" : "Bearer realm=\"pitcrew\""
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
