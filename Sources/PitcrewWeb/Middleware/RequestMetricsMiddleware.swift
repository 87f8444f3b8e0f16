import HTTPTypes
import Hummingbird
import Prometheus

/// Counts requests and records their duration on the application's own Prometheus registry (no global state, so
/// several applications in one test process do not share numbers).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let registry: PrometheusCollectorRegistry
    static var requests: MetricNameDescriptor { MetricNameDescriptor(metricName: "pitcrew_http_requests", unitName: "total", helpText: "HTTP requests answered") }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "pitcrew_http_request_duration", unitName: "seconds", helpText: "Time to answer HTTP requests")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let labels = [("method", request.method.rawValue), ("route", route), ("status", String(response.status.code))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: Self.duration,
            labels: [("method", request.method.rawValue), ("route", route)],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2)]
        ).record(ContinuousClock.now - start)
        return response
    }
}

/// Headers every response carries: no MIME sniffing, no framing, a strict content security policy for pages.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        // Collection answers (errors too) must be readable by the sites that send events.
        if request.uri.path.hasPrefix("/v1/") { response.headers[.accessControlAllowOrigin] = "*" }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        }
        return response
    }
}
