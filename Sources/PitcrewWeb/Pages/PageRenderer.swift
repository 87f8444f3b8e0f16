import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import PitcrewCore

/// Renders Mustache templates (escaping every `{{value}}`) into HTML responses.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    let favicon: ByteBuffer
    let tracker: ByteBuffer

    static func load(resourcesPath: String?) async throws -> PageRenderer {
        let base = resourcesPath ?? Bundle.module.url(forResource: "Resources", withExtension: nil)?.path ?? "Resources"
        let library = try await MustacheLibrary(directory: base + "/templates")
        let css = try String(contentsOfFile: base + "/static/app.css", encoding: .utf8)
        let icon = try String(contentsOfFile: base + "/static/favicon.svg", encoding: .utf8)
        let tracker = try String(contentsOfFile: base + "/js/pitcrew.js", encoding: .utf8)
        return PageRenderer(
            library: library, stylesheet: ByteBuffer(string: css), favicon: ByteBuffer(string: icon), tracker: ByteBuffer(string: tracker))
    }

    func render(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(model, withTemplate: template) ?? "Template \(template) is missing."
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ problem: Problem, context: AppRequestContext) -> Response {
        struct ErrorModel {
            var title: String
            var status: Int
            var statusTitle: String
            var detail: String
            var fieldErrors: [FieldError]
            var requestID: String
        }
        let model = ErrorModel(
            title: problem.title, status: problem.status.code, statusTitle: problem.title, detail: problem.detail, fieldErrors: problem.errors,
            requestID: problem.requestID)
        return render("error", model, status: problem.status)
    }

    func stylesheetResponse() -> Response { asset(stylesheet, type: "text/css; charset=utf-8") }

    func faviconResponse() -> Response { asset(favicon, type: "image/svg+xml") }

    /// The first-party tracker, loaded by other sites (so it may be embedded cross-origin).
    func trackerResponse() -> Response {
        var response = asset(tracker, type: "text/javascript; charset=utf-8")
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "cross-origin"
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }

    private func asset(_ body: ByteBuffer, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
