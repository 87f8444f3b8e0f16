import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewStore

/// Resolves the caller from `Authorization: Bearer …` or the session cookie, and enforces CSRF protection on every
/// state-changing request made with a session cookie (form field `_csrf` or header `X-CSRF-Token`).
/// Bearer requests need no CSRF token: browsers never attach them on their own.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "pitcrew_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    let access: AccessService
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        context.maxBodyBytes = maxBodyBytes
        // The collection API authenticates with source write keys (CollectionController), not users or tokens.
        // Only `/v1/<name>` itself (no deeper or dot segments) skips user authentication.
        let path = request.uri.path
        if path.hasPrefix("/v1/"), !path.dropFirst(4).contains("/"), !path.contains("..") { return try await next(request, context) }
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else {
                throw PitcrewError(.unauthenticated, "Use Authorization: Bearer <token>.")
            }
            let secret = String(authorization.dropFirst("bearer ".count)).trimmingASCIIWhitespace()
            context.identity = .token(try await access.authenticate(tokenSecret: secret))
        } else if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty {
            if let record = try await access.session(secret: secret) {
                context.identity = .session(secret: secret, record: record)
                if Self.changesState(request.method), request.uri.path != "/login", !Self.isImportUpload(request) {
                    try await Self.checkCSRF(&request, expected: record.csrfToken, maxBodyBytes: maxBodyBytes)
                }
            } else if request.uri.path.hasPrefix("/api/") {
                throw PitcrewError(.unauthenticated, "The session has expired; sign in again.")
            }
        }
        return try await next(request, context)
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    /// `POST /data/imports` with a multipart body: its `_csrf` field sits inside the streamed upload, which this
    /// middleware must not buffer, so `ImportPages.upload` checks the token itself (before it stores any of the file).
    /// Only that exact path and content type skip the check here.
    static func isImportUpload(_ request: Request) -> Bool {
        request.method == .post && request.uri.path == "/data/imports"
            && request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Accepts the token from the header, or from the `_csrf` field of a URL-encoded form (the body stays readable).
    static func checkCSRF(_ request: inout Request, expected: String, maxBodyBytes: Int) async throws {
        if let header = request.headers[csrfHeader] {
            guard Secrets.constantTimeEquals(header, expected) else { throw PitcrewError.forbidden("The CSRF token is missing or wrong.") }
            return
        }
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let fields = FormFields(String(buffer: body))
            if let token = fields["_csrf"], Secrets.constantTimeEquals(token, expected) { return }
        }
        throw PitcrewError.forbidden("The CSRF token is missing or wrong. Reload the page and try again.")
    }
}

extension AppRequestContext {
    /// The scope the caller acts in: the token's workspace, or the session's current workspace.
    func scope(_ access: AccessService) async throws -> AccessScope {
        switch identity {
        case .token(let scope):
            return scope
        case .session(_, let record):
            if let workspaceID = record.workspaceID, let scope = try await access.scope(user: record.user, workspaceID: workspaceID) {
                return scope
            }
            // The current workspace is gone or the user was removed from it: fall back to another membership.
            guard let (workspace, role) = try await access.workspaces(of: record.user).first else {
                throw PitcrewError.forbidden("You are not a member of any workspace yet. Ask an admin to add you.")
            }
            return AccessScope(workspace: workspace, actor: .user(id: record.user.id), role: role)
        case nil:
            throw PitcrewError.unauthenticated
        }
    }

    /// The signed-in user of a browser session (API tokens have no user).
    func sessionUser() throws -> (User, SessionRecord, String) {
        guard case .session(let secret, let record) = identity else { throw PitcrewError.unauthenticated }
        return (record.user, record, secret)
    }
}

/// A parsed `application/x-www-form-urlencoded` body; the last value wins for repeated names.
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            guard let name = parts.first else { continue }
            values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(name: String) -> String? { values[name] }

    static func read(_ request: Request, context: AppRequestContext) async throws -> FormFields {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return FormFields(String(buffer: body))
    }
}
